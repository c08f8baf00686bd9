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
	// PositionBatch is how many objects one numbering transaction
	// (TransactionPositionsAssign, ListPositionsAssign) should take. On
	// SQLite that transaction holds the one writer, so every write behind
	// it waits it out: small batches keep that wait short. On PostgreSQL
	// it blocks no write, and larger batches cost less an object.
	PositionBatch() int
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
	// TransactionCreateDecided records a payment that its processor decided
	// at once and whose ledger lives in this database (the sandbox's
	// AuthorizeInline): t as decided, the processor's ledger entry, ev and,
	// when key is not nil, the idempotency key claimed already done (its
	// outcome and response set), all or nothing, in a transaction of its
	// own: ECONFLICT, and nothing written, when the key is taken. Nothing
	// is ever PENDING, so there is nothing for the janitor to resolve. On
	// PostgreSQL it is one statement. With unchanged not nil, it writes
	// only while the payment method and its customer are as read
	// (Unchanged); otherwise ErrChanged, and nothing written.
	TransactionCreateDecided(ctx context.Context, key *tender.IdempotencyRecord, t *tender.Transaction, entry *SandboxEntry, ev *tender.Event, unchanged *Unchanged) error
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
	// Later has fn run in this transaction after the function given to
	// InTx has returned without error, just before the commit, in the
	// order queued (outside InTx: at once). An error from fn rolls the
	// transaction back. For a write that locks a row many transactions
	// share, such as an item's stock: its lock is then held through the
	// commit only, not through the rest of the transaction's statements.
	Later(fn func() error) error

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

	// The rest, by area, each in the file named for it: payments.go,
	// invoices.go, webhooks.go, terminals.go, processors.go, team.go,
	// sandbox.go and reports.go.
	paymentQueries
	invoiceQueries
	webhookQueries
	terminalQueries
	processorQueries
	teamQueries
	SandboxLedger
	reportQueries
}
