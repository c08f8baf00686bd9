package sqldb

import (
	"cmp"
	"context"
	"database/sql"
	"encoding/json"
	"slices"
	"time"

	"github.com/tenderpay/tender"
	"github.com/tenderpay/tender/store"
)

var transactionQueries = []string{
	"TransactionCreate", "TransactionGet", "TransactionGetForUpdate", "TransactionUpdate", "TransactionChildren",
	"TransactionList", "TransactionCount", "TransactionPage", "TransactionPageTotal", "TransactionsPending", "TransactionsUnsettled",
	"TransactionPositionsDequeue",
}

func init() { requiredQueries = append(requiredQueries, transactionQueries...) }

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
// statement where it declares CreateClaimedInOne (PostgreSQL: the two
// inserts in one statement, so no BEGIN and COMMIT round trips); otherwise
// the two inserts in InTx.
func (db *DB) TransactionCreateClaimed(ctx context.Context, key *tender.IdempotencyRecord, t *tender.Transaction) error {
	switch {
	case key == nil:
		return db.TransactionCreate(ctx, t)
	case db.d.CreateClaimedInOne:
		_, err := db.w.ExecContext(ctx, db.q("TransactionCreateClaimed"), append(txArgs(db.exec, t), idemArgs(db.exec, key)...)...)
		return db.d.wrap(err)
	}
	return db.InTx(ctx, func(tx store.Executor) error {
		if err := tx.IdempotencyInsert(ctx, key); err != nil {
			return err
		}
		return tx.TransactionCreate(ctx, t)
	})
}

// TransactionCreateDecided runs the dialect's TransactionCreateDecided
// statement where it declares CreateDecidedInOne (PostgreSQL: the check
// of unchanged and the four inserts in one statement); otherwise the
// check and the inserts in InTx.
func (db *DB) TransactionCreateDecided(ctx context.Context, key *tender.IdempotencyRecord, t *tender.Transaction, entry *store.SandboxEntry, ev *tender.Event, unchanged *store.Unchanged) error {
	if db.d.CreateDecidedInOne {
		idem := make([]any, 10)
		if key != nil {
			idem = idemArgs(db.exec, key)
		}
		args := append(append(txArgs(db.exec, t), idem...), sandboxArgs(db.exec, entry)...)
		args = append(append(args, eventArgs(db.exec, ev)...), unchangedArgs(db.exec, unchanged)...)
		res, err := db.w.ExecContext(ctx, db.q("TransactionCreateDecided"), args...)
		if err != nil {
			return db.d.wrap(err)
		}
		if n, err := res.RowsAffected(); err != nil {
			return db.d.wrap(err)
		} else if n == 0 {
			return store.ErrChanged
		}
		db.eventsCommitted()
		return nil
	}
	return db.InTx(ctx, func(tx store.Executor) error {
		if unchanged != nil {
			if ok, err := tx.(*exec).paymentMethodUnchanged(ctx, t.MerchantID, unchanged); err != nil {
				return err
			} else if !ok {
				return store.ErrChanged
			}
		}
		// The key first, so that a taken one ends the unit before the
		// other writes; one whose response is the event's payload goes in
		// after the event, pointing at it (ResponseInEvent).
		inEvent := key != nil && db.d.ResponseInEvent && key.Response == string(ev.Payload)
		if key != nil && !inEvent {
			if err := tx.IdempotencyInsert(ctx, key); err != nil {
				return err
			}
		}
		if err := tx.TransactionCreate(ctx, t); err != nil {
			return err
		}
		if _, inserted, err := tx.SandboxRecord(ctx, entry); err != nil {
			return err
		} else if !inserted {
			return tender.Errorf(tender.ECONFLICT, "The processor's ledger already holds %s.", entry.Key)
		}
		if err := tx.EventInsert(ctx, ev); err != nil {
			return err
		}
		if inEvent {
			return tx.(*exec).idempotencyInsertEventResponse(ctx, key, ev.ID)
		}
		return nil
	})
}

// unchangedArgs are PaymentMethodUnchanged's arguments but the merchant
// ($1-$3 there), all null for no check.
func unchangedArgs(e *exec, u *store.Unchanged) []any {
	if u == nil {
		return []any{nil, nil, nil}
	}
	return []any{u.PaymentMethodID, e.t(u.MethodUpdatedAt), e.t(u.CustomerUpdatedAt)}
}

// paymentMethodUnchanged reports whether u's payment method (of
// merchantID) and its customer are live and as read.
func (e *exec) paymentMethodUnchanged(ctx context.Context, merchantID string, u *store.Unchanged) (bool, error) {
	var ok bool
	args := append([]any{merchantID}, unchangedArgs(e, u)...)
	if err := e.r.QueryRowContext(ctx, e.q("PaymentMethodUnchanged"), args...).Scan(&ok); err != nil {
		return false, e.d.wrap(err)
	}
	return ok, nil
}

// TransactionFinalize runs the dialect's TransactionFinalize statement where
// it declares FinalizeInOne (PostgreSQL: the update, the event and the
// response in one statement that counts the updated rows); otherwise the
// three in InTx.
func (db *DB) TransactionFinalize(ctx context.Context, t *tender.Transaction, ev *tender.Event, outcome, response string, at time.Time) error {
	if db.d.FinalizeInOne {
		args := append(txArgs(db.exec, t), eventArgs(db.exec, ev)...)
		var n int
		if err := db.w.QueryRowContext(ctx, db.q("TransactionFinalize"), append(args, outcome, response, db.t(at))...).Scan(&n); err != nil {
			return db.d.wrap(err)
		}
		if n == 0 {
			return tender.NotFound("transaction")
		}
		db.eventsCommitted()
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
	totalMin, totalMax := amountOrOpen(f.TotalMin), amountOrOpen(f.TotalMax)
	args := []any{merchantID, f.Type, f.Method, f.Status, success, f.CustomerID, f.PaymentMethodID, f.InvoiceID,
		e.t(f.CreatedFrom), e.t(f.CreatedTo), f.ScheduleID, e.t(f.UpdatedFrom), e.t(f.UpdatedTo), totalMin, totalMax,
		likeKeywords(f.Keywords)}
	sv, sarg := e.search(f.Keywords)
	page := &tender.Page[*tender.Transaction]{Items: []*tender.Transaction{}}
	if err := e.r.QueryRowContext(ctx, e.q("TransactionCount"+sv), withArgs(args, sarg...)...).Scan(&page.Total); err != nil {
		return nil, e.d.wrap(err)
	}
	if page.Total == 0 {
		return page, nil
	}
	items, err := e.queryTransactions(ctx, e.r, e.ordered("TransactionList"+sv, p), withArgs(args, append([]any{p.PerPage, p.Offset()}, sarg...)...)...)
	if err != nil {
		return nil, err
	}
	page.Items = items
	return page, nil
}

// amountOrOpen is a total bound as a query argument: -1 when open.
func amountOrOpen(a *tender.Amount) int64 {
	if a == nil {
		return -1
	}
	return int64(*a)
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
	// The batch leaves the queue first (DELETE ... RETURNING, in no
	// order), in this transaction with the positions it gets, each with
	// what the queue holds of its lists' keys (customer and payment method
	// nil where it holds none: the statements read its transaction).
	// Sorted, it is the statements' $1 as it is: a JSON array of objects.
	type queued struct {
		ID              string    `json:"id"`
		MerchantID      string    `json:"merchant_id"`
		CustomerID      *string   `json:"customer_id"`
		PaymentMethodID *string   `json:"payment_method_id"`
		CreatedAt       time.Time `json:"created_at"`
	}
	batch, err := all(ctx, e, e.w, func(row rowScanner) (queued, error) {
		var q queued
		var created timeCol
		var customer, paymentMethod sql.NullString
		err := row.Scan((*textCol)(&q.ID), &created, (*textCol)(&q.MerchantID), &customer, &paymentMethod)
		q.CreatedAt = created.t
		if customer.Valid && paymentMethod.Valid {
			q.CustomerID, q.PaymentMethodID = &customer.String, &paymentMethod.String
		}
		return q, err
	}, e.q("TransactionPositionsDequeue"), e.t(before), limit)
	if err != nil || len(batch) == 0 {
		return 0, err
	}
	slices.SortFunc(batch, func(a, b queued) int {
		return cmp.Or(a.CreatedAt.Compare(b.CreatedAt), cmp.Compare(a.ID, b.ID))
	})
	ids := mustJSON(batch)
	if _, err := e.w.ExecContext(ctx, e.q("TransactionFilterPositionsSet"), ids); err != nil {
		return 0, e.d.wrap(err)
	}
	if e.d.SearchIndexedByNumberer {
		if _, err := e.w.ExecContext(ctx, e.q("TransactionSearchIndex"), ids); err != nil {
			return 0, e.d.wrap(err)
		}
	}
	return len(batch), nil
}

func (e *exec) TransactionsPending(ctx context.Context, olderThan time.Time, limit int) ([]*tender.Transaction, error) {
	return e.queryTransactions(ctx, e.r, e.q("TransactionsPending"), e.t(olderThan), limit)
}

func (e *exec) TransactionsUnsettled(ctx context.Context, merchantID string, before time.Time, after *tender.Transaction, limit int) ([]*tender.Transaction, error) {
	afterID, afterAt := "", e.t(before)
	if after != nil {
		afterID, afterAt = after.ID, e.t(after.CreatedAt.Time)
	}
	return e.queryTransactions(ctx, e.r, e.q("TransactionsUnsettled"), merchantID, e.t(before), afterID, afterAt, limit)
}
