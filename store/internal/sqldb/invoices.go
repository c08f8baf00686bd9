package sqldb

import (
	"context"
	"encoding/json"
	"time"

	"github.com/tenderpay/tender"
)

var invoiceQueries = []string{
	"InvoiceCreate", "InvoiceGet", "InvoiceGetForUpdate", "InvoiceUpdate", "InvoiceCount", "InvoiceList",
	"InvoicePaid", "InvoiceByID", "TransactionsOfInvoice", "ItemTakeStock", "FundingInsert", "FundingOf",
	"TransactionExtras",
}

func init() { requiredQueries = append(requiredQueries, invoiceQueries...) }

func tp(t *tender.Time) time.Time {
	if t == nil {
		return time.Time{}
	}
	return t.Time
}

func invoiceArgs(e *exec, inv *tender.Invoice) []any {
	meta := string(inv.Meta)
	if meta == "" {
		meta = "{}"
	}
	return []any{inv.ID, inv.MerchantID, inv.CustomerID, inv.PaymentMethodID, int64(inv.Total), meta, inv.Status,
		inv.URL, e.t(tp(inv.SentAt)), e.t(tp(inv.ViewedAt)), e.t(tp(inv.PaidAt)), e.t(tp(inv.DueAt)),
		int64(inv.BalanceDue), int64(inv.TotalPaid), int64(inv.PendingPayments), inv.PaymentAttemptFailed,
		inv.PaymentAttemptMessage, inv.IsPartialPaymentEnabled, inv.StockApplied, nullable(inv.ScheduleID),
		e.t(tp(inv.Occurrence)), inv.AutopayDone, e.t(inv.CreatedAt.Time), e.t(inv.UpdatedAt.Time),
		e.t(tp(inv.DeletedAt))}
}

func (e *exec) InvoiceCreate(ctx context.Context, inv *tender.Invoice) error {
	_, err := e.w.ExecContext(ctx, e.q("InvoiceCreate"), invoiceArgs(e, inv)...)
	return e.d.wrap(err)
}

func scanInvoice(row rowScanner) (*tender.Invoice, error) {
	var inv tender.Invoice
	var meta jsonCol
	var total, balance, paid, pending int64
	var sent, viewed, paidAt, due, occ, created, updated, deleted timeCol
	err := row.Scan((*textCol)(&inv.ID), (*textCol)(&inv.MerchantID), (*textCol)(&inv.CustomerID),
		&inv.PaymentMethodID, &total, &meta, &inv.Status, &inv.URL, &sent, &viewed, &paidAt, &due, &balance,
		&paid, &pending, &inv.PaymentAttemptFailed, &inv.PaymentAttemptMessage, &inv.IsPartialPaymentEnabled,
		&inv.StockApplied, (*textCol)(&inv.ScheduleID), &occ, &inv.AutopayDone, &created, &updated, &deleted)
	if err != nil {
		return nil, err
	}
	inv.Total, inv.BalanceDue, inv.TotalPaid = tender.Amount(total), tender.Amount(balance), tender.Amount(paid)
	inv.PendingPayments = tender.Amount(pending)
	inv.Meta = json.RawMessage(meta)
	inv.SentAt, inv.ViewedAt, inv.PaidAt, inv.DueAt = sent.ptr(), viewed.ptr(), paidAt.ptr(), due.ptr()
	inv.Occurrence, inv.DeletedAt = occ.ptr(), deleted.ptr()
	inv.CreatedAt, inv.UpdatedAt = created.tender(), updated.tender()
	return &inv, nil
}

func (e *exec) getInvoice(ctx context.Context, q querier, name, merchantID, id string) (*tender.Invoice, error) {
	if !validID(id) || !validID(merchantID) {
		return nil, tender.NotFound("invoice")
	}
	inv, err := scanInvoice(q.QueryRowContext(ctx, e.q(name), merchantID, id))
	if err != nil {
		return nil, e.notFound(err, "invoice")
	}
	return inv, nil
}

func (e *exec) InvoiceGet(ctx context.Context, merchantID, id string) (*tender.Invoice, error) {
	return e.getInvoice(ctx, e.r, "InvoiceGet", merchantID, id)
}

func (e *exec) InvoiceGetForUpdate(ctx context.Context, merchantID, id string) (*tender.Invoice, error) {
	return e.getInvoice(ctx, e.w, "InvoiceGetForUpdate", merchantID, id)
}

func (e *exec) InvoiceUpdate(ctx context.Context, inv *tender.Invoice) error {
	return e.execOne(ctx, "InvoiceUpdate", invoiceArgs(e, inv)...)
}

func (e *exec) InvoiceList(ctx context.Context, merchantID string, f tender.InvoiceFilter, p tender.ListParams) (*tender.Page[*tender.Invoice], error) {
	if f.IsZero() && p.Sort == "created_at" && p.Desc {
		return listPage(ctx, e, scanInvoice, "invoices", merchantID, p)
	}
	if rangePaged(f.CreatedOnly(), p) {
		return listRangePage(ctx, e, scanInvoice, "invoices", merchantID, f.CreatedFrom, f.CreatedTo, p)
	}
	if f.CustomerID != "" && !validID(f.CustomerID) {
		// No such customer (and the customer_id index takes a uuid).
		return &tender.Page[*tender.Invoice]{Items: []*tender.Invoice{}}, nil
	}
	if f.CustomerOnly() && p.Sort == "created_at" {
		return e.invoiceCustomerPage(ctx, merchantID, f.CustomerID, f.CreatedFrom, f.CreatedTo, p)
	}
	args := []any{merchantID, f.Status, f.CustomerID, f.ScheduleID, e.t(f.CreatedFrom), e.t(f.CreatedTo),
		likeKeywords(f.Keywords), e.t(f.UpdatedFrom), e.t(f.UpdatedTo), e.t(f.DueFrom), e.t(f.DueTo),
		amountOrOpen(f.TotalMin), amountOrOpen(f.TotalMax)}
	sv, sarg := e.search(f.Keywords)
	page := &tender.Page[*tender.Invoice]{Items: []*tender.Invoice{}}
	if err := e.r.QueryRowContext(ctx, e.q(byCustomer("InvoiceCount", f.CustomerID)+sv), withArgs(args, sarg...)...).Scan(&page.Total); err != nil {
		return nil, e.d.wrap(err)
	}
	if page.Total == 0 {
		return page, nil
	}
	items, err := all(ctx, e, e.r, scanInvoice, e.ordered(byCustomer("InvoiceList", f.CustomerID)+sv, p), withArgs(args, append([]any{p.PerPage, p.Offset()}, sarg...)...)...)
	if err != nil {
		return nil, err
	}
	page.Items = items
	return page, nil
}

// invoiceCustomerPage reads one customer's invoices in a created_at range
// (from and to, zero = open), either way by created_at, by their places in
// the customer's list (migration 032): O(page + the customer's blocks in
// the range), the total included, however deep the page.
func (e *exec) invoiceCustomerPage(ctx context.Context, merchantID, customerID string, from, to time.Time, p tender.ListParams) (*tender.Page[*tender.Invoice], error) {
	if from.IsZero() {
		from = rangeStart
	}
	if to.IsZero() {
		to = rangeEnd
	}
	query := e.q("InvoiceCustomerPage")
	if !p.Desc {
		query = e.q("InvoiceCustomerPageAsc")
	}
	return positionPage(ctx, e, scanInvoice, query, e.q("InvoiceCustomerPageTotal"), merchantID, p,
		customerID, e.t(from), e.t(to))
}

func (e *exec) InvoicePaid(ctx context.Context, merchantID, invoiceID string) (tender.Amount, error) {
	var paid int64
	err := e.w.QueryRowContext(ctx, e.q("InvoicePaid"), merchantID, invoiceID).Scan(&paid)
	return tender.Amount(paid), e.d.wrap(err)
}

func (e *exec) ItemTakeStock(ctx context.Context, merchantID, itemID string, qty int64, at time.Time) error {
	if !validID(itemID) {
		return tender.NotFound("item")
	}
	return e.execOne(ctx, "ItemTakeStock", merchantID, itemID, qty, e.t(at))
}

func (e *exec) FundingCreate(ctx context.Context, transactionID string, alloc []tender.Funding) error {
	for i, a := range alloc {
		if _, err := e.w.ExecContext(ctx, e.q("FundingInsert"), transactionID, i, a.AccountID, int64(a.Amount)); err != nil {
			return e.d.wrap(err)
		}
	}
	return nil
}

func (e *exec) FundingOf(ctx context.Context, transactionIDs []string) (map[string][]tender.Funding, error) {
	out := map[string][]tender.Funding{}
	if len(transactionIDs) == 0 {
		return out, nil
	}
	rows, err := e.r.QueryContext(ctx, e.q("FundingOf"), mustJSON(transactionIDs))
	if err != nil {
		return nil, e.d.wrap(err)
	}
	defer rows.Close()
	for rows.Next() {
		var id string
		var f tender.Funding
		var amount int64
		if err := rows.Scan((*textCol)(&id), &f.AccountID, &amount); err != nil {
			return nil, e.d.wrap(err)
		}
		f.Amount = tender.Amount(amount)
		out[id] = append(out[id], f)
	}
	return out, e.d.wrap(rows.Err())
}

func (e *exec) InvoiceByID(ctx context.Context, id string) (*tender.Invoice, error) {
	if !validID(id) {
		return nil, tender.NotFound("invoice")
	}
	inv, err := scanInvoice(e.r.QueryRowContext(ctx, e.q("InvoiceByID"), id))
	if err != nil {
		return nil, e.notFound(err, "invoice")
	}
	return inv, nil
}

func (e *exec) TransactionsOfInvoice(ctx context.Context, merchantID, invoiceID string) ([]*tender.Transaction, error) {
	if invoiceID == "" {
		return []*tender.Transaction{}, nil
	}
	return e.queryTransactions(ctx, e.r, e.q("TransactionsOfInvoice"), merchantID, invoiceID)
}

func (e *exec) TransactionExtras(ctx context.Context, transactionIDs []string) (map[string]tender.TransactionExtras, error) {
	out := map[string]tender.TransactionExtras{}
	if len(transactionIDs) == 0 {
		return out, nil
	}
	rows, err := e.r.QueryContext(ctx, e.q("TransactionExtras"), mustJSON(transactionIDs))
	if err != nil {
		return nil, e.d.wrap(err)
	}
	defer rows.Close()
	for rows.Next() {
		var id, schedule string
		var email, sms timeCol
		if err := rows.Scan((*textCol)(&id), &email, &sms, &schedule); err != nil {
			return nil, e.d.wrap(err)
		}
		if x := (tender.TransactionExtras{ReceiptEmailAt: email.ptr(), ReceiptSMSAt: sms.ptr(), ScheduleID: schedule}); x != (tender.TransactionExtras{}) {
			out[id] = x
		}
	}
	return out, e.d.wrap(rows.Err())
}
