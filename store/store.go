// Package store is the persistence seam. Store has one method per query,
// modelled on River's driver interface, and two implementations: package
// sqlite (embedded, the default) and package postgres. Both pass the one
// conformance suite in package storetest.
//
// Methods return *tender.Error values: ENOTFOUND when a row does not exist
// (or belongs to another merchant), ECONFLICT when a unique key is taken.
// Database types and driver errors never leave this package's implementations.
package store

import (
	"context"
	"database/sql"
	"time"

	"github.com/tenderpay/tender"
)

// Store is a database holding every merchant's data.
type Store interface {
	Executor

	// InTx runs fn in one database transaction, committed when fn returns
	// nil and rolled back otherwise. On SQLite the transaction takes the write
	// lock at its start (BEGIN IMMEDIATE), so read-then-write inside fn is
	// serialised; on PostgreSQL use the *ForUpdate methods to lock rows.
	InTx(ctx context.Context, fn func(tx Executor) error) error

	// Dialect names the implementation: "sqlite" or "postgres".
	Dialect() string
	// Migrate applies the embedded migrations not yet applied. It is safe to
	// call from several processes at once.
	Migrate(ctx context.Context) error
	// MigrationStatus lists the migrations this build knows, applied or
	// pending, then those the database records that it does not know (a
	// newer release's), by version; it changes nothing.
	MigrationStatus(ctx context.Context) ([]MigrationState, error)
	// Ping checks the database answers.
	Ping(ctx context.Context) error
	// SQLDB is the pool that writes (the single SQLite writer, or the
	// PostgreSQL pool). The job queue (package jobs, River) keeps its
	// tables in the same database and works through it.
	SQLDB() *sql.DB
	// OnEventsCommitted has f called after each commit that wrote an event
	// (never inside the transaction, never for a rollback). f must not
	// block: it wakes the webhook relay.
	OnEventsCommitted(f func())

	// TransactionCreateClaimed records t and, when key is not nil, claims
	// the idempotency key for it, both or neither, in a transaction of its
	// own: ECONFLICT when the key is taken. On PostgreSQL it is one
	// statement (one round trip instead of BEGIN, two inserts and COMMIT).
	TransactionCreateClaimed(ctx context.Context, key *tender.IdempotencyRecord, t *tender.Transaction) error
	// TransactionFinalize records a payment's outcome: TransactionUpdatePending
	// of t and, with it, ev (EventInsert) and the idempotent response
	// (IdempotencyCompleteByTransaction), all or nothing, in a transaction of
	// its own. ENOTFOUND, and nothing written, when t is no longer PENDING.
	// On PostgreSQL it is one statement (one round trip instead of BEGIN,
	// three statements and COMMIT).
	TransactionFinalize(ctx context.Context, t *tender.Transaction, ev *tender.Event, outcome, response string, at time.Time) error
	// SalesRollup brings the dashboard's sales rollup (migration 029) up to
	// watermark: it recomputes from transactions the per-merchant UTC hours
	// before watermark's hour whose transactions changed (by updated_at)
	// since the last run's watermark, and those it covers for the first
	// time, in short transactions of their own, then advances the
	// watermark (never backwards). It returns how many hours it
	// recomputed. Idempotent, safe on several instances at once; the
	// caller passes a watermark far enough behind now that every
	// transaction updated before it has committed.
	SalesRollup(ctx context.Context, watermark time.Time) (int, error)
	Close() error
}

// Executor holds the queries; it runs either on the database directly or
// inside a transaction from InTx.
type Executor interface {
	// SQLTx is the database transaction the executor runs in (nil outside
	// InTx): jobs are inserted in it, so a rollback drops them too.
	SQLTx() *sql.Tx

	PartnerCreate(ctx context.Context, p *tender.Partner) error
	PartnerGet(ctx context.Context, id string) (*tender.Partner, error)

	MerchantCreate(ctx context.Context, m *tender.Merchant) error
	MerchantGet(ctx context.Context, id string) (*tender.Merchant, error)
	// MerchantGetByWebToken finds a merchant by its public web-payments token.
	MerchantGetByWebToken(ctx context.Context, token string) (*tender.Merchant, error)
	// MerchantList lists merchants, of one partner when partnerID is not "".
	MerchantList(ctx context.Context, partnerID string, p tender.ListParams) (*tender.Page[*tender.Merchant], error)
	MerchantUpdate(ctx context.Context, m *tender.Merchant) error
	MerchantCount(ctx context.Context) (int, error)
	// MerchantLogoPut stores the merchant's logo, replacing the earlier
	// one; MerchantLogoGet reads it (ENOTFOUND for none); MerchantLogoDelete
	// removes it. Merchant reads never carry the logo's bytes.
	MerchantLogoPut(ctx context.Context, merchantID string, l *tender.Logo) error
	MerchantLogoGet(ctx context.Context, merchantID string) (*tender.Logo, error)
	MerchantLogoDelete(ctx context.Context, merchantID string) error
	// BacklogPendingTransactions, BacklogWebhookDeliveries, BacklogMessages
	// and BacklogEventsToRelay measure Tender's queues for the operator's
	// metrics, across merchants: the PENDING transactions, the webhook
	// deliveries still pending (a retry to come), the messages QUEUED or
	// SENDING, and the events the webhook relay has not yet fanned out.
	// Each reads a partial index (or a range of a primary key) holding only
	// the waiting entries, so its cost follows the backlog, not the table.
	BacklogPendingTransactions(ctx context.Context) (tender.Backlog, error)
	BacklogWebhookDeliveries(ctx context.Context) (tender.Backlog, error)
	BacklogMessages(ctx context.Context) (tender.Backlog, error)
	BacklogEventsToRelay(ctx context.Context) (tender.Backlog, error)
	// OnceClaim claims a one-time step (call it in the InTx that performs
	// the step); false when another process has claimed it.
	OnceClaim(ctx context.Context, name string, at time.Time) (bool, error)

	APIKeyCreate(ctx context.Context, k *tender.APIKey) error
	// APIKeyGetByHash returns ENOTFOUND for unknown or expired keys.
	APIKeyGetByHash(ctx context.Context, hash string, now time.Time) (*tender.APIKey, error)
	// APIKeyDeleteExpired removes keys that expired before now.
	APIKeyDeleteExpired(ctx context.Context, now time.Time) (int, error)
	// APIKeyListMerchant lists a merchant's own API keys (kind merchant,
	// not expired at now), oldest first.
	APIKeyListMerchant(ctx context.Context, merchantID string, now time.Time) ([]*tender.APIKey, error)
	// APIKeyDelete revokes a merchant's API key (kind merchant); ENOTFOUND
	// when the merchant has no such key.
	APIKeyDelete(ctx context.Context, merchantID, id string) error

	CustomerCreate(ctx context.Context, c *tender.Customer) error
	// CustomerGet returns a customer of merchantID, deleted ones included
	// (soft-deleted objects stay readable by id, as on Stax).
	CustomerGet(ctx context.Context, merchantID, id string) (*tender.Customer, error)
	CustomerUpdate(ctx context.Context, c *tender.Customer) error
	// CustomerMatch returns merchantID's oldest live customer whose fields
	// of group g all equal probe's (email without regard to case); ENOTFOUND
	// when there is none or probe lacks one of the group's fields.
	CustomerMatch(ctx context.Context, merchantID string, g tender.MatchGroup, probe *tender.Customer) (*tender.Customer, error)
	// CustomerDelete soft-deletes; ENOTFOUND if absent or already deleted.
	CustomerDelete(ctx context.Context, merchantID, id string, at time.Time) error
	// CustomerList lists a merchant's live customers. The default list
	// (newest first, no filter) costs O(page) once the customers have list
	// positions (ListPositionsAssign), those without one listed first; for
	// filters and other sorts it counts and skips rows.
	CustomerList(ctx context.Context, merchantID string, f tender.CustomerFilter, p tender.ListParams) (*tender.Page[*tender.Customer], error)
	// ListPositionsAssign is TransactionPositionsAssign for the lists whose
	// objects can be deleted (customers, payment methods, items, invoices,
	// schedules): it numbers up to limit objects created before before,
	// oldest first, and counts the live ones in their blocks of positions,
	// so each default list (newest first, no filter) costs O(page) however
	// deep. Call it in InTx; one transaction numbers at a time (another
	// gets 0).
	ListPositionsAssign(ctx context.Context, before time.Time, limit int) (int, error)

	ItemCreate(ctx context.Context, it *tender.Item) error
	ItemGet(ctx context.Context, merchantID, id string) (*tender.Item, error)
	ItemUpdate(ctx context.Context, it *tender.Item) error
	ItemDelete(ctx context.Context, merchantID, id string, at time.Time) error
	// ItemAdjustStock adds delta (negative: takes) to a live item's in_stock
	// atomically and returns the item: ENOTFOUND when the item is absent or
	// deleted, or when the stock would go below zero (the caller tells
	// them apart).
	ItemAdjustStock(ctx context.Context, merchantID, id string, delta int64, at time.Time) (*tender.Item, error)
	// ItemList's default list (newest first, no filter) costs O(page) (see
	// ListPositionsAssign); filters and other sorts count and skip rows.
	ItemList(ctx context.Context, merchantID string, f tender.ItemFilter, p tender.ListParams) (*tender.Page[*tender.Item], error)

	PaymentLinkCreate(ctx context.Context, l *tender.PaymentLink) error
	// PaymentLinkGet returns a payment link of merchantID, deleted ones
	// included; ENOTFOUND otherwise.
	PaymentLinkGet(ctx context.Context, merchantID, id string) (*tender.PaymentLink, error)
	// PaymentLinkUpdate writes the link's own fields (never uses or views):
	// ENOTFOUND when the link is absent or deleted, or when its max_uses
	// would be below its uses (the caller tells them apart).
	PaymentLinkUpdate(ctx context.Context, l *tender.PaymentLink) error
	// PaymentLinkDelete soft-deletes; ENOTFOUND if absent or already deleted.
	PaymentLinkDelete(ctx context.Context, merchantID, id string, at time.Time) error
	// PaymentLinkRecordView adds one to a live link's views in one statement
	// (concurrent views all count) and returns the link; ENOTFOUND when it
	// is absent or deleted.
	PaymentLinkRecordView(ctx context.Context, merchantID, id string) (*tender.PaymentLink, error)
	// PaymentLinkByID finds a link by id alone, deleted ones included, for
	// its public page (the id is the capability).
	PaymentLinkByID(ctx context.Context, id string) (*tender.PaymentLink, error)
	// PaymentLinkUse adds one to the uses of a link payable at now (live,
	// active, unexpired, uses below max_uses) in one statement and returns
	// the link; ENOTFOUND when it is not payable. Concurrent callers never
	// take more than max_uses between them.
	PaymentLinkUse(ctx context.Context, merchantID, id string, now time.Time) (*tender.PaymentLink, error)
	// PaymentLinkReleaseUse gives back one use (a declined payment's).
	PaymentLinkReleaseUse(ctx context.Context, merchantID, id string) error
	// PaymentLinkList's default list (newest first, no filter) costs
	// O(page) (see ListPositionsAssign); filters and other sorts count and
	// skip rows.
	PaymentLinkList(ctx context.Context, merchantID string, f tender.PaymentLinkFilter, p tender.ListParams) (*tender.Page[*tender.PaymentLink], error)
	// FileCreate stores a file's metadata and its bytes; call it in InTx
	// (two rows, both or neither).
	FileCreate(ctx context.Context, f *tender.File, data []byte) error
	// FileGet returns a file's metadata (never its bytes), deleted ones
	// included; ENOTFOUND when merchantID has no such file.
	FileGet(ctx context.Context, merchantID, id string) (*tender.File, error)
	// FileContent returns a live file with its bytes; ENOTFOUND when
	// merchantID has no such file or it is deleted.
	FileContent(ctx context.Context, merchantID, id string) (*tender.File, []byte, error)
	// FileUpdate writes a live file's metadata and, when data is not nil,
	// replaces its bytes (call it in InTx then); ENOTFOUND when merchantID
	// has no such live file.
	FileUpdate(ctx context.Context, f *tender.File, data []byte) error
	// FileDelete soft-deletes a file and drops its bytes (call it in InTx);
	// ENOTFOUND when absent or already deleted.
	FileDelete(ctx context.Context, merchantID, id string, at time.Time) error
	// FileList lists a merchant's live files, filtered, without their
	// bytes; it counts and skips rows.
	FileList(ctx context.Context, merchantID string, f tender.FileFilter, p tender.ListParams) (*tender.Page[*tender.File], error)

	// EventInsert appends to the event outbox; call it inside the InTx that
	// makes the change.
	EventInsert(ctx context.Context, e *tender.Event) error
	EventListSince(ctx context.Context, merchantID string, afterCreated time.Time, limit int) ([]*tender.Event, error)
	// EventsAfter returns up to limit of a merchant's events with a seq
	// above afterSeq, by seq (GET /event/stream). On SQLite events commit
	// in seq order (one writer at a time); on PostgreSQL the seq is taken
	// at insert, so an event may commit after one with a higher seq, and a
	// reader following the log re-reads a window behind what it has seen
	// (service.EventStream).
	EventsAfter(ctx context.Context, merchantID string, afterSeq int64, limit int) ([]*tender.LoggedEvent, error)
	// EventMaxSeq returns the highest seq in the event log (0 when empty):
	// where a stream that asks for no past events starts.
	EventMaxSeq(ctx context.Context) (int64, error)

	// --- payment methods ---

	// PaymentMethodCreate stores pm with its sealed secrets.
	PaymentMethodCreate(ctx context.Context, pm *tender.PaymentMethod, secret *tender.PaymentMethodSecret) error
	// PaymentMethodGet returns a payment method of merchantID (deleted ones
	// included).
	PaymentMethodGet(ctx context.Context, merchantID, id string) (*tender.PaymentMethod, error)
	// PaymentMethodWithSecret returns a payment method of merchantID (as
	// PaymentMethodGet) with its sealed number, CVV and routing number, and
	// its customer (what a charge on it shows), in one query.
	PaymentMethodWithSecret(ctx context.Context, merchantID, id string) (*tender.PaymentMethod, *tender.PaymentMethodSecret, *tender.Customer, error)
	PaymentMethodUpdate(ctx context.Context, pm *tender.PaymentMethod) error
	PaymentMethodDelete(ctx context.Context, merchantID, id string, at time.Time) error
	// PaymentMethodList's default list (newest first, no filter) costs O(page) (see
	// ListPositionsAssign); filters and other sorts count and skip rows.
	PaymentMethodList(ctx context.Context, merchantID string, f tender.PaymentMethodFilter, p tender.ListParams) (*tender.Page[*tender.PaymentMethod], error)
	// PaymentMethodsOfCustomer lists a customer's live payment methods.
	PaymentMethodsOfCustomer(ctx context.Context, merchantID, customerID string) ([]*tender.PaymentMethod, error)
	// PaymentMethodCustomerHasAny reports whether the customer has a live
	// payment method.
	PaymentMethodCustomerHasAny(ctx context.Context, merchantID, customerID string) (bool, error)
	// PaymentMethodClearDefault unsets is_default on the customer's other
	// payment methods.
	PaymentMethodClearDefault(ctx context.Context, merchantID, customerID, exceptID string, at time.Time) error
	// PaymentMethodEraseCVV forgets the CVV (after the first authorization).
	PaymentMethodEraseCVV(ctx context.Context, id string, at time.Time) error
	// PaymentMethodSecretsPage pages through all secrets by id (for key
	// rotation), after afterID.
	PaymentMethodSecretsPage(ctx context.Context, afterID string, limit int) ([]*tender.PaymentMethodSecret, error)
	// PaymentMethodSetSealed replaces the sealed values of a payment method.
	PaymentMethodSetSealed(ctx context.Context, s *tender.PaymentMethodSecret) error

	// --- transactions ---

	TransactionCreate(ctx context.Context, t *tender.Transaction) error
	TransactionGet(ctx context.Context, merchantID, id string) (*tender.Transaction, error)
	// TransactionGetForUpdate reads and locks the row until the transaction
	// of InTx ends (SELECT ... FOR UPDATE on PostgreSQL; SQLite's InTx
	// already holds the write lock).
	TransactionGetForUpdate(ctx context.Context, merchantID, id string) (*tender.Transaction, error)
	// TransactionUpdate writes the mutable fields of t.
	TransactionUpdate(ctx context.Context, t *tender.Transaction) error
	// TransactionUpdatePending is TransactionUpdate of a transaction that is
	// still PENDING in the database; ENOTFOUND when it is not (any more).
	// It lets the one who wrote the PENDING row finalise it without first
	// reading it back under a lock.
	TransactionUpdatePending(ctx context.Context, t *tender.Transaction) error
	// TransactionChildren returns the children of the given parents.
	TransactionChildren(ctx context.Context, merchantID string, parentIDs []string) ([]*tender.Transaction, error)
	// TransactionList lists a merchant's transactions. The default list
	// (newest first, no filter) costs O(page) once the transactions have
	// list positions (TransactionPositionsAssign); until then, and for
	// filters and other sorts, it counts and skips rows. Transactions that
	// have no position yet are listed first, newest first.
	TransactionList(ctx context.Context, merchantID string, f tender.TransactionFilter, p tender.ListParams) (*tender.Page[*tender.Transaction], error)
	// TransactionPositionsAssign gives up to limit transactions created
	// before before their positions in their merchant's list (1, 2, 3, ...
	// in the order created), oldest first, and returns how many. Call it in
	// InTx; one transaction numbers at a time (another gets 0).
	TransactionPositionsAssign(ctx context.Context, before time.Time, limit int) (int, error)
	// TransactionsPending lists PENDING transactions of every merchant
	// created before olderThan (for the janitor).
	TransactionsPending(ctx context.Context, olderThan time.Time, limit int) ([]*tender.Transaction, error)
	// TransactionsUnsettled lists successful, unsettled, unvoided payments
	// and credits of merchantID ("" for all) created before before, oldest
	// first (by created_at, then id), after the row after (the previous
	// page's last; nil for the first page).
	TransactionsUnsettled(ctx context.Context, merchantID string, before time.Time, after *tender.Transaction, limit int) ([]*tender.Transaction, error)

	// --- idempotency ---

	// IdempotencyInsert claims a key; ECONFLICT when it exists.
	IdempotencyInsert(ctx context.Context, r *tender.IdempotencyRecord) error
	IdempotencyGet(ctx context.Context, merchantID, scope, key string) (*tender.IdempotencyRecord, error)
	// IdempotencyComplete stores the final response of a claimed key.
	IdempotencyComplete(ctx context.Context, r *tender.IdempotencyRecord) error
	// IdempotencyCompleteByTransaction stores the final response of the
	// in-flight key claimed for transactionID, if there is one.
	IdempotencyCompleteByTransaction(ctx context.Context, transactionID, outcome, response string, at time.Time) error
	// IdempotencyDelete releases a claimed key (the request failed before
	// reaching the processor).
	IdempotencyDelete(ctx context.Context, merchantID, scope, key string) error

	// --- invoices ---

	// InvoiceCreate stores an invoice; ECONFLICT when its schedule
	// occurrence already has one.
	InvoiceCreate(ctx context.Context, inv *tender.Invoice) error
	// InvoiceGet returns an invoice of merchantID (deleted ones included).
	InvoiceGet(ctx context.Context, merchantID, id string) (*tender.Invoice, error)
	// InvoiceGetForUpdate reads and locks the invoice until the end of InTx.
	InvoiceGetForUpdate(ctx context.Context, merchantID, id string) (*tender.Invoice, error)
	InvoiceUpdate(ctx context.Context, inv *tender.Invoice) error
	// InvoiceByID finds an invoice of any merchant, for its public hosted
	// page (whoever has the link may view it, as on Stax).
	InvoiceByID(ctx context.Context, id string) (*tender.Invoice, error)
	// InvoiceList's default list (newest first, no filter) costs O(page) (see
	// ListPositionsAssign); filters and other sorts count and skip rows.
	InvoiceList(ctx context.Context, merchantID string, f tender.InvoiceFilter, p tender.ListParams) (*tender.Page[*tender.Invoice], error)
	// TransactionsOfInvoice lists an invoice's payments (not their
	// children), oldest first.
	TransactionsOfInvoice(ctx context.Context, merchantID, invoiceID string) ([]*tender.Transaction, error)
	// InvoicePaid sums what the invoice's payments hold (captured −
	// refunded, voids excluded), reading inside the caller's transaction.
	InvoicePaid(ctx context.Context, merchantID, invoiceID string) (tender.Amount, error)
	// ItemTakeStock lowers an item's in_stock by qty (not below zero).
	ItemTakeStock(ctx context.Context, merchantID, itemID string, qty int64, at time.Time) error
	// FundingCreate stores a transaction's split-funding allocations.
	FundingCreate(ctx context.Context, transactionID string, alloc []tender.Funding) error
	// FundingOf returns the allocations of the given transactions.
	FundingOf(ctx context.Context, transactionIDs []string) (map[string][]tender.Funding, error)
	// TransactionExtras returns, for those of the given transactions that
	// have any, when their newest email and SMS receipts were issued (a
	// message that failed for good does not count) and the scheduled
	// invoice their invoice was made by.
	TransactionExtras(ctx context.Context, transactionIDs []string) (map[string]tender.TransactionExtras, error)

	// --- scheduled invoices ---

	ScheduleCreate(ctx context.Context, s *tender.Schedule) error
	// ScheduleGet returns a schedule of merchantID (deleted ones included).
	ScheduleGet(ctx context.Context, merchantID, id string) (*tender.Schedule, error)
	// ScheduleGetForUpdate reads and locks a schedule until the end of InTx.
	ScheduleGetForUpdate(ctx context.Context, merchantID, id string) (*tender.Schedule, error)
	ScheduleUpdate(ctx context.Context, s *tender.Schedule) error
	// ScheduleList's default list (newest first, no filter) costs O(page) (see
	// ListPositionsAssign); filters and other sorts count and skip rows.
	ScheduleList(ctx context.Context, merchantID string, f tender.ScheduleFilter, p tender.ListParams) (*tender.Page[*tender.Schedule], error)
	// SchedulesDue lists every merchant's active schedules due at now.
	SchedulesDue(ctx context.Context, now time.Time, limit int) ([]Ref, error)
	// InvoicesAutopayDue lists scheduled invoices created by now whose
	// autopay has not been attempted.
	InvoicesAutopayDue(ctx context.Context, now time.Time, limit int) ([]Ref, error)

	// --- messages (email and SMS outbox) ---

	MessageCreate(ctx context.Context, m *tender.Message) error
	MessageUpdate(ctx context.Context, m *tender.Message) error
	// MessageList lists a merchant's messages, newest first.
	MessageList(ctx context.Context, merchantID string, p tender.ListParams) (*tender.Page[*tender.Message], error)
	// MessagesClaim takes up to limit messages due at now (QUEUED, or
	// SENDING with an expired lease) and leases them for lease.
	MessagesClaim(ctx context.Context, now time.Time, lease time.Duration, limit int) ([]*tender.Message, error)

	// --- webhooks ---

	WebhookCreate(ctx context.Context, w *tender.Webhook) error
	// WebhookGet returns a webhook by id (deleted ones included); callers
	// check ownership.
	WebhookGet(ctx context.Context, id string) (*tender.Webhook, error)
	// WebhookList lists the live webhooks of a merchant or of a partner.
	WebhookList(ctx context.Context, merchantID, partnerID string) ([]*tender.Webhook, error)
	WebhookDelete(ctx context.Context, id string, at time.Time) error
	DeliveryCreate(ctx context.Context, d *tender.WebhookDelivery) error
	// RelayLease takes, or renews, the webhook relay's lease for holder
	// until until, if it is holder's already or expired at now, and reports
	// whether holder holds it: one relay at a time across processes.
	RelayLease(ctx context.Context, holder string, now, until time.Time) (bool, error)
	// EventsToRelay returns up to limit events not relayed yet, oldest first,
	// each with the webhooks it goes to (the merchant's and its partner's,
	// subscribed to its name or to "*", existing when it happened).
	EventsToRelay(ctx context.Context, limit int) ([]*RelayEvent, error)
	// EventsRelayed writes the deliveries of events EventsToRelay returned
	// (each once, with its first outcome, in order; they need no job from
	// DeliveriesToEnqueue) and marks the events relayed. Call it in InTx
	// with the deliveries' retry jobs.
	EventsRelayed(ctx context.Context, events []*RelayEvent, ds []*tender.WebhookDelivery) error
	DeliveryGet(ctx context.Context, id string) (*tender.WebhookDelivery, error)
	DeliveryUpdate(ctx context.Context, d *tender.WebhookDelivery) error
	// DeliveriesUpdate is DeliveryUpdate for a batch, in one statement.
	DeliveriesUpdate(ctx context.Context, ds []*tender.WebhookDelivery) error
	DeliveryList(ctx context.Context, webhookID string, p tender.ListParams) (*tender.Page[*tender.WebhookDelivery], error)
	// DeliveryBlocked reports whether an earlier delivery of the same object
	// to the same webhook is still pending (deliveries are ordered per object).
	DeliveryBlocked(ctx context.Context, d *tender.WebhookDelivery) (bool, error)
	EventGet(ctx context.Context, id string) (*tender.Event, error)
	// DeliveriesToEnqueue takes up to limit deliveries that have no job yet,
	// oldest first; call it in InTx (on PostgreSQL the rows stay locked, and
	// other relays skip them).
	DeliveriesToEnqueue(ctx context.Context, limit int) ([]string, error)
	// DeliveriesMarkEnqueued records that the deliveries have their jobs.
	DeliveriesMarkEnqueued(ctx context.Context, ids []string) error
	// DeliveryWork loads, in one query, a delivery with its webhook, its
	// event's payload, and whether it is blocked behind an earlier pending
	// delivery of the same object (see DeliveryBlocked).
	DeliveryWork(ctx context.Context, id string) (*DeliveryWork, error)
	// DeliveriesWork is DeliveryWork for a batch of deliveries, in delivery
	// order; Blocked counts only earlier pending deliveries outside ids.
	DeliveriesWork(ctx context.Context, ids []string) ([]*DeliveryWork, error)

	// --- terminals ---

	// RegisterCreate stores a register and assigns r.RegisterNum, the
	// merchant's next number (ECONFLICT if a concurrent create took it).
	RegisterCreate(ctx context.Context, r *tender.Register) error
	// RegisterGet returns a register of merchantID (deleted ones included).
	RegisterGet(ctx context.Context, merchantID, id string) (*tender.Register, error)
	// RegisterGetForUpdate reads and locks a register until the end of InTx.
	RegisterGetForUpdate(ctx context.Context, merchantID, id string) (*tender.Register, error)
	RegisterGetByNum(ctx context.Context, merchantID string, num int) (*tender.Register, error)
	// RegisterByDeviceToken finds the live register of any merchant whose
	// device token hashes to hash.
	RegisterByDeviceToken(ctx context.Context, hash string) (*tender.Register, error)
	// RegisterByPairingCode finds (and in InTx locks) the live register
	// waiting to be paired with the code hashing to hash.
	RegisterByPairingCode(ctx context.Context, hash string) (*tender.Register, error)
	RegisterUpdate(ctx context.Context, r *tender.Register) error
	// RegisterSetPairingLocator records the locator (a hash of the first
	// half) of the register's current pairing code and zeroes its failures.
	RegisterSetPairingLocator(ctx context.Context, id, locator string) error
	// RegisterPairingFailed counts a failed pairing against the live
	// registers waiting with a code whose locator is locator, and retires
	// the code of those that reach max failures.
	RegisterPairingFailed(ctx context.Context, locator string, max int, at time.Time) error
	// RegisterTouch records that the device was heard from at at.
	RegisterTouch(ctx context.Context, id string, at time.Time) error
	// RegisterList lists a merchant's live registers by register_num.
	RegisterList(ctx context.Context, merchantID string) ([]*tender.Register, error)

	// TerminalTransactionsUnsettled lists the successful, unsettled
	// payments a register's device took before before, oldest first (by
	// created_at, then id), after the row after (the previous page's last;
	// nil for the first page).
	TerminalTransactionsUnsettled(ctx context.Context, merchantID, registerID string, before time.Time, after *tender.Transaction, limit int) ([]*tender.Transaction, error)

	TerminalRequestCreate(ctx context.Context, r *tender.TerminalRequest) error
	TerminalRequestGet(ctx context.Context, merchantID, id string) (*tender.TerminalRequest, error)
	// TerminalRequestGetForUpdate reads and locks a request until the end
	// of InTx.
	TerminalRequestGetForUpdate(ctx context.Context, merchantID, id string) (*tender.TerminalRequest, error)
	// TerminalRequestByTransaction returns the newest request that made or
	// acted on transactionID.
	TerminalRequestByTransaction(ctx context.Context, transactionID string) (*tender.TerminalRequest, error)
	// TerminalRequestClaim moves the register's oldest queued request
	// created after since to delivered and returns it (nil when none);
	// concurrent claimants never get the same request.
	TerminalRequestClaim(ctx context.Context, registerID string, now, since time.Time) (*tender.TerminalRequest, error)
	// TerminalRequestsOpen lists the register's delivered, unanswered
	// requests created after since, oldest first.
	TerminalRequestsOpen(ctx context.Context, registerID string, since time.Time) ([]*tender.TerminalRequest, error)
	// TerminalRequestUpdate writes a request's state, result and done time.
	TerminalRequestUpdate(ctx context.Context, r *tender.TerminalRequest) error
	// TerminalRequestsExpire marks unanswered requests created before
	// before as expired and returns how many.
	TerminalRequestsExpire(ctx context.Context, before time.Time) (int, error)

	// --- processors ---

	// TransactionByGatewayRef returns the merchant's oldest transaction
	// whose processor reference is ref (a payment, or a child by its own
	// refund's reference); ENOTFOUND when none. In InTx it reads on the
	// transaction's connection; lock the row with TransactionGetForUpdate.
	TransactionByGatewayRef(ctx context.Context, merchantID, ref string) (*tender.Transaction, error)
	// ProcessorEventInsert records an inbound processor event applied;
	// ECONFLICT when the merchant already has the processor's event id (a
	// replay: the caller's transaction then rolls back).
	ProcessorEventInsert(ctx context.Context, e *tender.ProcessorEvent) error
	// ProcessorEventsOf lists the events recorded on a transaction, oldest
	// first.
	ProcessorEventsOf(ctx context.Context, merchantID, transactionID string) ([]*tender.ProcessorEvent, error)

	// --- disputes ---

	// DisputeCreate records a dispute; ECONFLICT when the merchant already
	// has one with the processor's dispute id.
	DisputeCreate(ctx context.Context, d *tender.Dispute) error
	// DisputeByProcessorRef returns the merchant's dispute with the
	// processor's dispute id, locking its row on PostgreSQL (call it in
	// InTx); ENOTFOUND when there is none.
	DisputeByProcessorRef(ctx context.Context, merchantID, processor, ref string) (*tender.Dispute, error)
	// DisputeGet returns one of the merchant's disputes; ENOTFOUND when
	// merchantID has no such dispute. DisputeGetForUpdate also locks its row
	// on PostgreSQL (call it in InTx).
	DisputeGet(ctx context.Context, merchantID, id string) (*tender.Dispute, error)
	DisputeGetForUpdate(ctx context.Context, merchantID, id string) (*tender.Dispute, error)
	// DisputeUpdate writes a dispute's amount, reason, status, due date,
	// evidence and times; ENOTFOUND when merchantID has no such dispute.
	DisputeUpdate(ctx context.Context, d *tender.Dispute) error
	// DisputeList lists the merchant's disputes, filtered (it counts and
	// skips rows).
	DisputeList(ctx context.Context, merchantID string, f tender.DisputeFilter, p tender.ListParams) (*tender.Page[*tender.Dispute], error)
	// DisputeFileAttach attaches the merchant's file to its dispute as
	// evidence of type evidenceType; ECONFLICT when the dispute already has
	// a file of that type (or the file is attached already).
	DisputeFileAttach(ctx context.Context, merchantID, disputeID, fileID, evidenceType string, at time.Time) error
	// DisputeFileOf returns the dispute a file is evidence for; ENOTFOUND
	// when the file is no evidence file of merchantID's.
	DisputeFileOf(ctx context.Context, merchantID, fileID string) (disputeID string, err error)
	// DisputeFileDetach removes a file from its dispute's evidence;
	// ENOTFOUND when it is no evidence file of merchantID's.
	DisputeFileDetach(ctx context.Context, merchantID, fileID string) error
	// DisputeFiles returns the live evidence files of the merchant's
	// disputes disputeIDs, by dispute, oldest first.
	DisputeFiles(ctx context.Context, merchantID string, disputeIDs []string) (map[string][]*tender.EvidenceFile, error)

	// --- vault key fingerprints ---

	// VaultKeys returns the recorded fingerprint of each master key id that
	// has sealed values in this database.
	VaultKeys(ctx context.Context) (map[string]string, error)
	// VaultKeyRecord records kid's fingerprint; one already recorded is
	// kept, unless it is replaces (a stale record: no stored value is
	// wrapped by kid).
	VaultKeyRecord(ctx context.Context, kid, fingerprint, replaces string, at time.Time) error
	// VaultSealedSample returns one stored sealed value wrapped by master key
	// kid ("" for any), or "" when there is none.
	VaultSealedSample(ctx context.Context, kid string) (string, error)
	// --- the dashboard's team and the event log ---

	// TeamUserCreate stores a team user; ECONFLICT when the email is taken
	// (by any merchant's user).
	TeamUserCreate(ctx context.Context, u *tender.TeamUser) error
	// TeamUserGet returns a user of merchantID; ENOTFOUND otherwise.
	TeamUserGet(ctx context.Context, merchantID, id string) (*tender.TeamUser, error)
	// TeamUserByEmail finds a user by lower-cased email, of any merchant.
	TeamUserByEmail(ctx context.Context, email string) (*tender.TeamUser, error)
	// TeamUserUpdate writes name, email, email_verified_at, role, password
	// hash, disabled and updated_at; ENOTFOUND when the user is not
	// merchantID's, ECONFLICT when the email is another user's.
	TeamUserUpdate(ctx context.Context, u *tender.TeamUser) error
	// TeamUserList lists up to limit of a merchant's users, oldest first,
	// after the given one (nil: from the start), by (created_at, id).
	TeamUserList(ctx context.Context, merchantID string, after *tender.TeamUser, limit int) ([]*tender.TeamUser, error)
	// TeamOwnersLock returns the ids of the merchant's enabled owners and,
	// inside a transaction, holds them until it ends: two transactions that
	// each remove an owner cannot both count the other's.
	TeamOwnersLock(ctx context.Context, merchantID string) ([]string, error)
	// TeamSessionsDeleteUser ends every session and unspent sign-in link
	// of a user; no error when there is none.
	TeamSessionsDeleteUser(ctx context.Context, userID string) error
	// TeamSessionCreate stores a session or a one-time sign-in link.
	TeamSessionCreate(ctx context.Context, s *tender.TeamSession) error
	// TeamSessionGet returns the session whose token hashes to tokenHash
	// and its user, in one query: ENOTFOUND when there is none, when it has
	// expired at now, or when it is a sign-in link. A disabled user's
	// session is returned (the caller refuses it).
	TeamSessionGet(ctx context.Context, tokenHash string, now time.Time) (*tender.TeamSession, *tender.TeamUser, error)
	// TeamLinkUse spends a one-time sign-in link and returns its user:
	// ENOTFOUND when it is unknown, expired at now or already spent. Two
	// concurrent callers never both spend it.
	TeamLinkUse(ctx context.Context, tokenHash string, now time.Time) (*tender.TeamUser, error)
	// TeamSessionDelete removes a session (sign-out); no error when absent.
	TeamSessionDelete(ctx context.Context, tokenHash string) error
	// TeamSessionsDeleteExpired removes sessions, links and reset and
	// verification tokens expired before now and returns how many.
	TeamSessionsDeleteExpired(ctx context.Context, now time.Time) (int, error)
	// TeamTokenCreate stores a password-reset or verification token and
	// deletes the user's unspent older tokens of the same kind (inside a
	// transaction, both or neither).
	TeamTokenCreate(ctx context.Context, t *tender.TeamToken) error
	// TeamTokenGet returns the live token of kind whose hash is tokenHash,
	// and its user, without spending it: ENOTFOUND when it is unknown, of
	// another kind, expired at now, spent or superseded.
	TeamTokenGet(ctx context.Context, kind, tokenHash string, now time.Time) (*tender.TeamToken, *tender.TeamUser, error)
	// TeamTokenUse spends a live token of kind: ENOTFOUND as TeamTokenGet.
	// Two concurrent callers never both spend it.
	TeamTokenUse(ctx context.Context, kind, tokenHash string, now time.Time) (*tender.TeamToken, error)

	// EventList lists a merchant's events, newest first, filtered by name
	// and object id (each "" for any).
	EventList(ctx context.Context, merchantID string, f tender.EventFilter, p tender.ListParams) (*tender.Page[*tender.Event], error)
	// TransactionVolume counts and sums a merchant's successful sales
	// (charges and captures, refunds not deducted) created in [from, to).
	TransactionVolume(ctx context.Context, merchantID string, from, to time.Time) (int, tender.Amount, error)
	// SalesVolume is TransactionVolume read from the sales rollup for the
	// whole hours of [from, to) it covers (before its watermark's hour) and
	// from transactions for the rest: equal to TransactionVolume once the
	// rollup has run past every change to the range's transactions.
	SalesVolume(ctx context.Context, merchantID string, from, to time.Time) (int, tender.Amount, error)

	// --- the sandbox processor's own ledger ---

	// SandboxRecord inserts e unless its key exists; it returns the stored
	// entry (the earlier one on conflict) and whether e was inserted.
	SandboxRecord(ctx context.Context, e *SandboxEntry) (*SandboxEntry, bool, error)
	// SandboxGet returns the entry with key, or nil.
	SandboxGet(ctx context.Context, key string) (*SandboxEntry, error)
	// SandboxGetByRef returns the entry with processor reference ref, or nil.
	SandboxGetByRef(ctx context.Context, ref string) (*SandboxEntry, error)
	// SandboxSums totals the approved follow-up operations on ref.
	SandboxSums(ctx context.Context, ref string) (*SandboxSums, error)

	// --- deposits and reports (/query/*) ---

	// DepositRecord adds a settled transaction to its batch's deposit
	// (opening it, as the merchant's next, on its first transaction); call
	// it in the InTx that settles the transaction. ECONFLICT when the
	// transaction is in a deposit already.
	DepositRecord(ctx context.Context, d *tender.DepositEntry) error
	// DepositGet returns a deposit of merchantID by its batch id; ENOTFOUND
	// when it has none.
	DepositGet(ctx context.Context, merchantID, id string) (*tender.Deposit, error)
	// DepositList lists a merchant's deposits by batched_at (newest first
	// unless p says otherwise), in O(page) with or without a range.
	DepositList(ctx context.Context, merchantID string, f tender.DepositFilter, p tender.ListParams) (*tender.Page[*tender.Deposit], error)
	// DepositLines lists a deposit's transactions in the order settled
	// (newest first when p.Desc), in O(page); ENOTFOUND for an unknown deposit.
	DepositLines(ctx context.Context, merchantID, depositID string, p tender.ListParams) (*tender.Page[*tender.DepositLine], error)
	// ReportSummary runs a statement report over its range (its cost is the
	// range's rows); rows by day and/or key, in order.
	ReportSummary(ctx context.Context, merchantID string, f tender.ReportFilter) ([]*tender.ReportRow, error)
	// TeamSummary counts a merchant's live customers, invoices and scheduled
	// invoices and tells whether it has taken bank or hosted-page payments.
	TeamSummary(ctx context.Context, merchantID string) (*tender.TeamSummary, error)
}

// Ref names an object of a merchant.
type Ref struct{ MerchantID, ID string }

// RelayEvent is an event for the webhook relay, with its targets.
type RelayEvent struct {
	Seq     int64 // the event's place in the outbox
	Event   *tender.Event
	Targets []RelayTarget
}

// RelayTarget is a webhook an event goes to; Blocked when an earlier
// delivery of the event's object to it is still pending (deliveries are
// ordered per object and webhook).
type RelayTarget struct {
	Webhook *tender.Webhook
	Blocked bool
}

// DeliveryWork is what a webhook worker needs to send one delivery.
type DeliveryWork struct {
	Delivery *tender.WebhookDelivery
	Webhook  *tender.Webhook
	Payload  []byte
	Blocked  bool
}
