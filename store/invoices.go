package store

import (
	"context"
	"time"

	"github.com/tenderpay/tender"
)

// invoiceQueries are the queries of invoices, scheduled invoices and the
// message outbox.
type invoiceQueries interface {
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
}
