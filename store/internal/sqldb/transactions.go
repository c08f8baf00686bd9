package sqldb

import (
	"context"
	"encoding/json"
	"time"

	"github.com/tenderpay/tender"
	"github.com/tenderpay/tender/store"
)

var moneyQueries = []string{
	"PaymentMethodCreate", "PaymentMethodGet", "PaymentMethodUpdate", "PaymentMethodDelete",
	"PaymentMethodList", "PaymentMethodCount", "PaymentMethodsOfCustomer", "PaymentMethodCustomerHasAny", "PaymentMethodClearDefault",
	"PaymentMethodEraseCVV", "PaymentMethodSecretsPage", "PaymentMethodSetSealed", "PaymentMethodWithSecret",
	"TransactionCreate", "TransactionGet", "TransactionGetForUpdate", "TransactionUpdate", "TransactionChildren",
	"TransactionList", "TransactionCount", "TransactionPage", "TransactionPageTotal", "TransactionsPending", "TransactionsUnsettled",
	"TransactionPositionsQueued", "TransactionPositionsMax", "TransactionPositionsSet", "TransactionPositionsDequeue",
	"IdempotencyInsert", "IdempotencyGet", "IdempotencyComplete", "IdempotencyCompleteByTransaction", "IdempotencyDelete",
	"SandboxInsert", "SandboxGet", "SandboxGetByRef", "SandboxSums",
}

func init() { requiredQueries = append(requiredQueries, moneyQueries...) }

// --- payment methods ----------------------------------------------------

func pmArgs(e *exec, pm *tender.PaymentMethod) []any {
	meta := string(pm.Meta)
	if meta == "" {
		meta = "{}"
	}
	return []any{pm.ID, pm.MerchantID, pm.CustomerID, pm.Method, pm.Nickname, pm.PersonName, pm.CardType,
		pm.CardLastFour, pm.CardExp, pm.BinType, pm.HasCVV, pm.IsDefault, pm.BankName, pm.BankType,
		pm.BankHolderType, pm.Address1, pm.Address2, pm.AddressCity, pm.AddressState, pm.AddressZip,
		pm.AddressCountry, meta, pm.IsUsableInVT, pm.Fingerprint, e.t(pm.CreatedAt.Time), e.t(pm.UpdatedAt.Time)}
}

func (e *exec) PaymentMethodCreate(ctx context.Context, pm *tender.PaymentMethod, s *tender.PaymentMethodSecret) error {
	args := append(pmArgs(e, pm), s.SealedNumber, s.SealedCVV, s.BankRouting, e.t(tp(pm.DeletedAt)))
	_, err := e.w.ExecContext(ctx, e.q("PaymentMethodCreate"), args...)
	return e.d.wrap(err)
}

func scanPaymentMethod(row rowScanner) (*tender.PaymentMethod, error) {
	return scanPaymentMethodAnd(row)
}

// scanPaymentMethodAnd scans a payment method's columns, then extra.
func scanPaymentMethodAnd(row rowScanner, extra ...any) (*tender.PaymentMethod, error) {
	var pm tender.PaymentMethod
	var meta jsonCol
	var created, updated, deleted timeCol
	err := row.Scan(append([]any{(*textCol)(&pm.ID), (*textCol)(&pm.MerchantID), (*textCol)(&pm.CustomerID), &pm.Method,
		&pm.Nickname, &pm.PersonName, &pm.CardType, &pm.CardLastFour, &pm.CardExp, &pm.BinType, &pm.HasCVV,
		&pm.IsDefault, &pm.BankName, &pm.BankType, &pm.BankHolderType, &pm.Address1, &pm.Address2,
		&pm.AddressCity, &pm.AddressState, &pm.AddressZip, &pm.AddressCountry, &meta, &pm.IsUsableInVT,
		&pm.Fingerprint, &created, &updated, &deleted}, extra...)...)
	if err != nil {
		return nil, err
	}
	pm.Meta = json.RawMessage(meta)
	pm.CreatedAt, pm.UpdatedAt, pm.DeletedAt = created.tender(), updated.tender(), deleted.ptr()
	return &pm, nil
}

func (e *exec) PaymentMethodGet(ctx context.Context, merchantID, id string) (*tender.PaymentMethod, error) {
	if !validID(id) || !validID(merchantID) {
		return nil, tender.NotFound("payment method")
	}
	pm, err := scanPaymentMethod(e.r.QueryRowContext(ctx, e.q("PaymentMethodGet"), merchantID, id))
	if err != nil {
		return nil, e.notFound(err, "payment method")
	}
	return pm, nil
}

func (e *exec) PaymentMethodWithSecret(ctx context.Context, merchantID, id string) (*tender.PaymentMethod, *tender.PaymentMethodSecret, *tender.Customer, error) {
	if !validID(id) || !validID(merchantID) {
		return nil, nil, nil, tender.NotFound("payment method")
	}
	sec := &tender.PaymentMethodSecret{PaymentMethodID: id}
	var cd customerDest
	pm, err := scanPaymentMethodAnd(e.r.QueryRowContext(ctx, e.q("PaymentMethodWithSecret"), merchantID, id),
		append([]any{&sec.SealedNumber, &sec.SealedCVV, &sec.BankRouting}, cd.dest()...)...)
	if err != nil {
		return nil, nil, nil, e.notFound(err, "payment method")
	}
	c, err := cd.finish()
	if err != nil {
		return nil, nil, nil, e.d.wrap(err)
	}
	return pm, sec, c, nil
}

func (e *exec) PaymentMethodUpdate(ctx context.Context, pm *tender.PaymentMethod) error {
	if !validID(pm.ID) {
		return tender.NotFound("payment method")
	}
	return e.execOne(ctx, "PaymentMethodUpdate", pmArgs(e, pm)...)
}

func (e *exec) PaymentMethodDelete(ctx context.Context, merchantID, id string, at time.Time) error {
	if !validID(id) {
		return tender.NotFound("payment method")
	}
	if err := e.execOne(ctx, "PaymentMethodDelete", merchantID, id, e.t(at)); err != nil {
		if tender.ErrorCode(err) == tender.ENOTFOUND {
			return tender.NotFound("payment method")
		}
		return err
	}
	return nil
}

func (e *exec) queryPaymentMethods(ctx context.Context, query string, args ...any) ([]*tender.PaymentMethod, error) {
	return all(ctx, e, e.r, scanPaymentMethod, query, args...)
}

func (e *exec) PaymentMethodList(ctx context.Context, merchantID string, f tender.PaymentMethodFilter, p tender.ListParams) (*tender.Page[*tender.PaymentMethod], error) {
	if f.IsZero() && p.Sort == "created_at" && p.Desc {
		return listPage(ctx, e, scanPaymentMethod, "payment_methods", merchantID, p)
	}
	args := []any{merchantID, f.CustomerID, f.Method}
	page := &tender.Page[*tender.PaymentMethod]{Items: []*tender.PaymentMethod{}}
	if err := e.r.QueryRowContext(ctx, e.q("PaymentMethodCount"), args...).Scan(&page.Total); err != nil {
		return nil, e.d.wrap(err)
	}
	if page.Total == 0 {
		return page, nil
	}
	items, err := e.queryPaymentMethods(ctx, orderBy(e.q("PaymentMethodList"), store.PaymentMethodSorts, p), append(args, p.PerPage, p.Offset())...)
	if err != nil {
		return nil, err
	}
	page.Items = items
	return page, nil
}

func (e *exec) PaymentMethodsOfCustomer(ctx context.Context, merchantID, customerID string) ([]*tender.PaymentMethod, error) {
	if !validID(customerID) {
		return []*tender.PaymentMethod{}, nil
	}
	return e.queryPaymentMethods(ctx, e.q("PaymentMethodsOfCustomer"), merchantID, customerID)
}

func (e *exec) PaymentMethodCustomerHasAny(ctx context.Context, merchantID, customerID string) (bool, error) {
	if !validID(customerID) || !validID(merchantID) {
		return false, nil
	}
	var any bool
	err := e.r.QueryRowContext(ctx, e.q("PaymentMethodCustomerHasAny"), merchantID, customerID).Scan(&any)
	return any, e.d.wrap(err)
}

func (e *exec) PaymentMethodClearDefault(ctx context.Context, merchantID, customerID, exceptID string, at time.Time) error {
	_, err := e.w.ExecContext(ctx, e.q("PaymentMethodClearDefault"), merchantID, customerID, exceptID, e.t(at))
	return e.d.wrap(err)
}

func (e *exec) PaymentMethodEraseCVV(ctx context.Context, id string, at time.Time) error {
	_, err := e.w.ExecContext(ctx, e.q("PaymentMethodEraseCVV"), id, e.t(at))
	return e.d.wrap(err)
}

func (e *exec) PaymentMethodSecretsPage(ctx context.Context, afterID string, limit int) ([]*tender.PaymentMethodSecret, error) {
	if afterID == "" {
		afterID = "00000000-0000-0000-0000-000000000000"
	}
	rows, err := e.r.QueryContext(ctx, e.q("PaymentMethodSecretsPage"), afterID, limit)
	if err != nil {
		return nil, e.d.wrap(err)
	}
	defer rows.Close()
	var out []*tender.PaymentMethodSecret
	for rows.Next() {
		s := &tender.PaymentMethodSecret{}
		if err := rows.Scan((*textCol)(&s.PaymentMethodID), &s.SealedNumber, &s.SealedCVV, &s.BankRouting); err != nil {
			return nil, e.d.wrap(err)
		}
		out = append(out, s)
	}
	return out, e.d.wrap(rows.Err())
}

func (e *exec) PaymentMethodSetSealed(ctx context.Context, s *tender.PaymentMethodSecret) error {
	return e.execOne(ctx, "PaymentMethodSetSealed", s.PaymentMethodID, s.SealedNumber, s.SealedCVV)
}

// --- transactions ---------------------------------------------------------

func txArgs(e *exec, t *tender.Transaction) []any {
	meta := string(t.Meta)
	if meta == "" {
		meta = "{}"
	}
	var batched, settled time.Time
	if t.BatchedAt != nil {
		batched = t.BatchedAt.Time
	}
	if t.SettledAt != nil {
		settled = t.SettledAt.Time
	}
	return []any{t.ID, t.MerchantID, nullable(t.ParentID), t.InvoiceID, t.CustomerID, t.PaymentMethodID, t.Type,
		t.Source, t.Method, t.Success, t.Status, t.Message, int64(t.Total), int64(t.Captured),
		int64(t.TotalRefunded), int64(t.PendingRefunds), int64(t.Surcharge), t.PreAuth, t.IsCaptured,
		t.IsVoided, t.Cancelled, t.PendingOp, t.LastFour, meta, t.BatchID, e.t(batched), e.t(settled),
		t.GatewayRef, t.AuthCode, t.DeclineCode, t.GatewayUnknown, t.IdempotencyID,
		e.t(t.CreatedAt.Time), e.t(t.UpdatedAt.Time), t.AVSCode, t.AVSMessage, t.CVVResult}
}

func (e *exec) TransactionCreate(ctx context.Context, t *tender.Transaction) error {
	_, err := e.w.ExecContext(ctx, e.q("TransactionCreate"), txArgs(e, t)...)
	return e.d.wrap(err)
}

func scanTransaction(row rowScanner) (*tender.Transaction, error) {
	var t tender.Transaction
	var meta jsonCol
	var total, captured, refunded, pending, surcharge int64
	var batched, settled, created, updated timeCol
	err := row.Scan((*textCol)(&t.ID), (*textCol)(&t.MerchantID), (*textCol)(&t.ParentID), &t.InvoiceID,
		&t.CustomerID, &t.PaymentMethodID, &t.Type, &t.Source, &t.Method, &t.Success, &t.Status, &t.Message,
		&total, &captured, &refunded, &pending, &surcharge, &t.PreAuth, &t.IsCaptured, &t.IsVoided,
		&t.Cancelled, &t.PendingOp, &t.LastFour, &meta, &t.BatchID, &batched, &settled, &t.GatewayRef,
		&t.AuthCode, &t.DeclineCode, &t.GatewayUnknown, &t.IdempotencyID, &created, &updated, &t.AVSCode,
		&t.AVSMessage, &t.CVVResult)
	if err != nil {
		return nil, err
	}
	t.Total, t.Captured, t.TotalRefunded = tender.Amount(total), tender.Amount(captured), tender.Amount(refunded)
	t.PendingRefunds, t.Surcharge = tender.Amount(pending), tender.Amount(surcharge)
	t.Meta = json.RawMessage(meta)
	t.BatchedAt, t.SettledAt = batched.ptr(), settled.ptr()
	t.CreatedAt, t.UpdatedAt = created.tender(), updated.tender()
	return &t, nil
}

func (e *exec) getTransaction(ctx context.Context, q querier, name, merchantID, id string) (*tender.Transaction, error) {
	if !validID(id) || !validID(merchantID) {
		return nil, tender.NotFound("transaction")
	}
	t, err := scanTransaction(q.QueryRowContext(ctx, e.q(name), merchantID, id))
	if err != nil {
		return nil, e.notFound(err, "transaction")
	}
	return t, nil
}

func (e *exec) TransactionGet(ctx context.Context, merchantID, id string) (*tender.Transaction, error) {
	return e.getTransaction(ctx, e.r, "TransactionGet", merchantID, id)
}

func (e *exec) TransactionGetForUpdate(ctx context.Context, merchantID, id string) (*tender.Transaction, error) {
	return e.getTransaction(ctx, e.w, "TransactionGetForUpdate", merchantID, id)
}

func (e *exec) TransactionUpdate(ctx context.Context, t *tender.Transaction) error {
	return e.execOne(ctx, "TransactionUpdate", txArgs(e, t)...)
}

func (e *exec) TransactionUpdatePending(ctx context.Context, t *tender.Transaction) error {
	return e.execOne(ctx, "TransactionUpdatePending", txArgs(e, t)...)
}

// TransactionCreateClaimed runs the dialect's TransactionCreateClaimed
// statement where it has one (PostgreSQL: the two inserts in one
// statement, so no BEGIN and COMMIT round trips); otherwise the two
// inserts in InTx.
func (db *DB) TransactionCreateClaimed(ctx context.Context, key *tender.IdempotencyRecord, t *tender.Transaction) error {
	q, ok := db.d.Queries["TransactionCreateClaimed"]
	switch {
	case key == nil:
		return db.TransactionCreate(ctx, t)
	case ok:
		_, err := db.w.ExecContext(ctx, q, append(txArgs(db.exec, t), idemArgs(db.exec, key)...)...)
		return db.d.wrap(err)
	}
	return db.InTx(ctx, func(tx store.Executor) error {
		if err := tx.IdempotencyInsert(ctx, key); err != nil {
			return err
		}
		return tx.TransactionCreate(ctx, t)
	})
}

// TransactionFinalize runs the dialect's TransactionFinalize statement where
// it has one (PostgreSQL: the update, the event and the response in one
// statement that counts the updated rows); otherwise the three in InTx.
func (db *DB) TransactionFinalize(ctx context.Context, t *tender.Transaction, ev *tender.Event, outcome, response string, at time.Time) error {
	if q, ok := db.d.Queries["TransactionFinalize"]; ok {
		args := append(txArgs(db.exec, t), eventArgs(db.exec, ev)...)
		var n int
		if err := db.w.QueryRowContext(ctx, q, append(args, outcome, response, db.t(at))...).Scan(&n); err != nil {
			return db.d.wrap(err)
		}
		if n == 0 {
			return tender.NotFound("transaction")
		}
		return nil
	}
	return db.InTx(ctx, func(tx store.Executor) error {
		if err := tx.TransactionUpdatePending(ctx, t); err != nil {
			return err
		}
		if err := tx.EventInsert(ctx, ev); err != nil {
			return err
		}
		return tx.IdempotencyCompleteByTransaction(ctx, t.ID, outcome, response, at)
	})
}

func (e *exec) queryTransactions(ctx context.Context, q querier, query string, args ...any) ([]*tender.Transaction, error) {
	return all(ctx, e, q, scanTransaction, query, args...)
}

func (e *exec) TransactionChildren(ctx context.Context, merchantID string, parentIDs []string) ([]*tender.Transaction, error) {
	if len(parentIDs) == 0 {
		return []*tender.Transaction{}, nil
	}
	return e.queryTransactions(ctx, e.r, e.q("TransactionChildren"), merchantID, mustJSON(parentIDs))
}

func (e *exec) TransactionList(ctx context.Context, merchantID string, f tender.TransactionFilter, p tender.ListParams) (*tender.Page[*tender.Transaction], error) {
	if f.IsZero() && p.Sort == "created_at" && p.Desc {
		return e.transactionPage(ctx, merchantID, p)
	}
	if dim, val, ok := f.Positioned(); ok && p.Sort == "created_at" {
		return e.transactionFilterPage(ctx, merchantID, dim, val, f.CreatedFrom, f.CreatedTo, p)
	}
	success := -1
	if f.Success != nil {
		success = 0
		if *f.Success {
			success = 1
		}
	}
	totalMin, totalMax := int64(-1), int64(-1)
	if f.TotalMin != nil {
		totalMin = int64(*f.TotalMin)
	}
	if f.TotalMax != nil {
		totalMax = int64(*f.TotalMax)
	}
	args := []any{merchantID, f.Type, f.Method, f.Status, success, f.CustomerID, f.PaymentMethodID, f.InvoiceID,
		e.t(f.CreatedFrom), e.t(f.CreatedTo), f.ScheduleID, e.t(f.UpdatedFrom), e.t(f.UpdatedTo), totalMin, totalMax,
		likeKeywords(f.Keywords)}
	page := &tender.Page[*tender.Transaction]{Items: []*tender.Transaction{}}
	if err := e.r.QueryRowContext(ctx, e.q("TransactionCount"), args...).Scan(&page.Total); err != nil {
		return nil, e.d.wrap(err)
	}
	if page.Total == 0 {
		return page, nil
	}
	items, err := e.queryTransactions(ctx, e.r, orderBy(e.q("TransactionList"), store.TransactionSorts, p), append(args, p.PerPage, p.Offset())...)
	if err != nil {
		return nil, err
	}
	page.Items = items
	return page, nil
}

// Open ends of a created_at range, for the positioned lists' index probes
// (a closed range reads the index as a range; "IS NULL OR" would not).
var (
	rangeStart = time.Date(1000, 1, 1, 0, 0, 0, 0, time.UTC) // not the zero time, which e.t makes NULL
	rangeEnd   = time.Date(9999, 12, 31, 23, 59, 59, 0, time.UTC)
)

// transactionFilterPage reads a list filtered by a created_at range and at
// most one of customer and payment method (dim and val), by position in
// the dimension's list (migration 015): O(page) however deep the page and
// however many transactions match, the total included.
func (e *exec) transactionFilterPage(ctx context.Context, merchantID, dim, val string, from, to time.Time, p tender.ListParams) (*tender.Page[*tender.Transaction], error) {
	if from.IsZero() {
		from = rangeStart
	}
	if to.IsZero() {
		to = rangeEnd
	}
	query := e.q("TransactionFilterPage")
	if !p.Desc {
		query = e.q("TransactionFilterPageAsc")
	}
	return positionPage(ctx, e, scanTransaction, query, e.q("TransactionFilterPageTotal"), merchantID, p,
		dim, val, e.t(from), e.t(to))
}

// transactionPage reads the default list (newest first, no filter) by list
// position (migration 010): O(page) however deep the page and however many
// transactions the merchant has. Transactions not numbered yet (the newest)
// come first, newest first; then the numbered, highest position first. One
// statement, so the total and the page come from one snapshot.
func (e *exec) transactionPage(ctx context.Context, merchantID string, p tender.ListParams) (*tender.Page[*tender.Transaction], error) {
	return positionPage(ctx, e, scanTransaction, e.q("TransactionPage"), e.q("TransactionPageTotal"), merchantID, p)
}

// withTotal scans a list row that carries the list's total in its last
// column.
type withTotal struct {
	rowScanner
	total *int
}

func (w withTotal) Scan(dest ...any) error { return w.rowScanner.Scan(append(dest, w.total)...) }

// TransactionPositionsAssign gives list positions to up to limit
// transactions created before before, oldest first (see transactionPage).
// Where the dialect needs it (PostgreSQL), one transaction at a time
// numbers; another gets 0.
func (e *exec) TransactionPositionsAssign(ctx context.Context, before time.Time, limit int) (int, error) {
	if got, err := e.holdsLock(ctx, "TransactionPositionsLock"); err != nil || !got {
		return 0, err
	}
	type queued struct{ id, merchant string }
	batch, err := all(ctx, e, e.w, func(row rowScanner) (queued, error) {
		var q queued
		err := row.Scan((*textCol)(&q.id), (*textCol)(&q.merchant))
		return q, err
	}, e.q("TransactionPositionsQueued"), e.t(before), limit)
	if err != nil || len(batch) == 0 {
		return 0, err
	}
	type position struct {
		ID       string `json:"id"`
		Merchant string `json:"merchant"`
		Pos      int64  `json:"pos"`
	}
	next := positions[string]{last: func(merchant string) (n int64, err error) {
		err = e.w.QueryRowContext(ctx, e.q("TransactionPositionsMax"), merchant).Scan(&n)
		return n, e.d.wrap(err)
	}}
	set := make([]position, len(batch))
	for i, q := range batch {
		n, err := next.take(q.merchant)
		if err != nil {
			return 0, err
		}
		set[i] = position{q.id, q.merchant, n}
	}
	ids := mustJSON(set)
	if _, err := e.w.ExecContext(ctx, e.q("TransactionPositionsSet"), ids); err != nil {
		return 0, e.d.wrap(err)
	}
	if _, err := e.w.ExecContext(ctx, e.q("TransactionFilterPositionsSet"), ids); err != nil {
		return 0, e.d.wrap(err)
	}
	if _, err := e.w.ExecContext(ctx, e.q("TransactionPositionsDequeue"), ids); err != nil {
		return 0, e.d.wrap(err)
	}
	return len(batch), nil
}

func (e *exec) TransactionsPending(ctx context.Context, olderThan time.Time, limit int) ([]*tender.Transaction, error) {
	return e.queryTransactions(ctx, e.r, e.q("TransactionsPending"), e.t(olderThan), limit)
}

func (e *exec) TransactionsUnsettled(ctx context.Context, merchantID string, before time.Time, limit int) ([]*tender.Transaction, error) {
	return e.queryTransactions(ctx, e.r, e.q("TransactionsUnsettled"), merchantID, e.t(before), limit)
}

// --- idempotency ----------------------------------------------------------

func (e *exec) IdempotencyInsert(ctx context.Context, r *tender.IdempotencyRecord) error {
	_, err := e.w.ExecContext(ctx, e.q("IdempotencyInsert"), idemArgs(e, r)...)
	return e.d.wrap(err)
}

func idemArgs(e *exec, r *tender.IdempotencyRecord) []any {
	return []any{r.MerchantID, r.Scope, r.Key, r.RequestHash, r.State, r.Outcome, r.Response, r.TransactionID,
		e.t(r.CreatedAt), e.t(r.UpdatedAt)}
}

func scanIdempotency(row rowScanner) (*tender.IdempotencyRecord, error) {
	var r tender.IdempotencyRecord
	var created, updated timeCol
	err := row.Scan((*textCol)(&r.MerchantID), &r.Scope, &r.Key, &r.RequestHash, &r.State, &r.Outcome,
		&r.Response, &r.TransactionID, &created, &updated)
	if err != nil {
		return nil, err
	}
	r.CreatedAt, r.UpdatedAt = created.t, updated.t
	return &r, nil
}

func (e *exec) IdempotencyGet(ctx context.Context, merchantID, scope, key string) (*tender.IdempotencyRecord, error) {
	r, err := scanIdempotency(e.r.QueryRowContext(ctx, e.q("IdempotencyGet"), merchantID, scope, key))
	if err != nil {
		return nil, e.notFound(err, "idempotency key")
	}
	return r, nil
}

func (e *exec) IdempotencyComplete(ctx context.Context, r *tender.IdempotencyRecord) error {
	return e.execOne(ctx, "IdempotencyComplete", r.MerchantID, r.Scope, r.Key, r.Outcome, r.Response,
		r.TransactionID, e.t(r.UpdatedAt))
}

func (e *exec) IdempotencyCompleteByTransaction(ctx context.Context, transactionID, outcome, response string, at time.Time) error {
	_, err := e.w.ExecContext(ctx, e.q("IdempotencyCompleteByTransaction"), transactionID, outcome, response, e.t(at))
	return e.d.wrap(err)
}

func (e *exec) IdempotencyDelete(ctx context.Context, merchantID, scope, key string) error {
	_, err := e.w.ExecContext(ctx, e.q("IdempotencyDelete"), merchantID, scope, key)
	return e.d.wrap(err)
}

// --- sandbox ledger ---------------------------------------------------------

func scanSandbox(row rowScanner) (*store.SandboxEntry, error) {
	var s store.SandboxEntry
	var amount int64
	var created timeCol
	err := row.Scan(&s.Key, &s.Op, &s.Ref, &s.ParentRef, &amount, &s.Approved, &s.Message, &s.DeclineCode,
		&s.AuthCode, &s.ReturnCode, &created)
	if err != nil {
		return nil, err
	}
	s.Amount, s.CreatedAt = tender.Amount(amount), created.t
	return &s, nil
}

func (e *exec) SandboxRecord(ctx context.Context, s *store.SandboxEntry) (*store.SandboxEntry, bool, error) {
	res, err := e.w.ExecContext(ctx, e.q("SandboxInsert"), s.Key, s.Op, s.Ref, s.ParentRef, int64(s.Amount),
		s.Approved, s.Message, s.DeclineCode, s.AuthCode, s.ReturnCode, e.t(s.CreatedAt))
	if err != nil {
		return nil, false, e.d.wrap(err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return nil, false, e.d.wrap(err)
	} else if n == 1 {
		return s, true, nil
	}
	stored, err := scanSandbox(e.w.QueryRowContext(ctx, e.q("SandboxGet"), s.Key))
	if err != nil {
		return nil, false, e.d.wrap(err)
	}
	return stored, false, nil
}

func (e *exec) sandboxOne(ctx context.Context, name, arg string) (*store.SandboxEntry, error) {
	s, err := scanSandbox(e.w.QueryRowContext(ctx, e.q(name), arg))
	if err != nil {
		if tender.ErrorCode(e.notFound(err, "")) == tender.ENOTFOUND {
			return nil, nil
		}
		return nil, e.d.wrap(err)
	}
	return s, nil
}

func (e *exec) SandboxGet(ctx context.Context, key string) (*store.SandboxEntry, error) {
	return e.sandboxOne(ctx, "SandboxGet", key)
}

func (e *exec) SandboxGetByRef(ctx context.Context, ref string) (*store.SandboxEntry, error) {
	if ref == "" {
		return nil, nil
	}
	return e.sandboxOne(ctx, "SandboxGetByRef", ref)
}

func (e *exec) SandboxSums(ctx context.Context, ref string) (*store.SandboxSums, error) {
	var captured, refunded, voids int64
	if err := e.w.QueryRowContext(ctx, e.q("SandboxSums"), ref).Scan(&captured, &refunded, &voids); err != nil {
		return nil, e.d.wrap(err)
	}
	return &store.SandboxSums{Captured: tender.Amount(captured), Refunded: tender.Amount(refunded), Voided: voids > 0}, nil
}
