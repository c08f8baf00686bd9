package sqldb

import (
	"context"
	"database/sql"
	"slices"
	"time"

	"github.com/tenderpay/tender"
)

func init() {
	requiredQueries = append(requiredQueries, "DepositLock", "DepositOpen", "DepositAdd", "DepositLineInsert",
		"DepositGet", "DepositFirstSeq", "DepositLastSeq", "DepositPage", "DepositLines")
}

// DepositRecord adds a settled transaction to its batch's deposit, opening
// the deposit (the merchant's next seq) on its first transaction.
func (e *exec) DepositRecord(ctx context.Context, d *tender.DepositEntry) error {
	var sales, credits, returns tender.Amount
	switch d.Kind {
	case tender.DepositSale:
		sales = d.Amount
	case tender.DepositCredit:
		credits = d.Amount
	case tender.DepositReturn:
		returns = d.Amount
	default:
		return tender.Errorf(tender.EINTERNAL, "deposit: unknown kind %q", d.Kind)
	}
	var lock any
	if err := e.w.QueryRowContext(ctx, e.q("DepositLock"), d.MerchantID).Scan(&lock); err != nil {
		return e.d.wrap(err)
	}
	at := e.t(d.At)
	if _, err := e.w.ExecContext(ctx, e.q("DepositOpen"), d.MerchantID, d.DepositID, at); err != nil {
		return e.d.wrap(err)
	}
	var seq int64
	err := e.w.QueryRowContext(ctx, e.q("DepositAdd"), d.MerchantID, d.DepositID,
		int64(sales), int64(credits), int64(returns), int64(d.Fee), at).Scan(&seq)
	if err != nil {
		return e.d.wrap(err)
	}
	_, err = e.w.ExecContext(ctx, e.q("DepositLineInsert"), d.MerchantID, d.DepositID, seq, d.TransactionID,
		d.Kind, int64(d.Amount), int64(d.Fee), at)
	return e.d.wrap(err)
}

func scanDeposit(row rowScanner) (*tender.Deposit, error) {
	var d tender.Deposit
	var seq int64
	var batched, created, updated timeCol
	var sales, credits, returns, fees int64
	err := row.Scan((*textCol)(&d.MerchantID), &d.ID, &seq, &batched, &d.Count, &sales, &credits, &returns, &fees, &created, &updated)
	if err != nil {
		return nil, err
	}
	d.BatchedAt, d.CreatedAt, d.UpdatedAt = batched.tender(), created.tender(), updated.tender()
	d.Sales, d.Credits, d.Returns, d.Fees = tender.Amount(sales), tender.Amount(credits), tender.Amount(returns), tender.Amount(fees)
	d.Net = d.Sales - d.Credits - d.Returns - d.Fees
	return &d, nil
}

// DepositGet returns a deposit of merchantID by its batch id.
func (e *exec) DepositGet(ctx context.Context, merchantID, id string) (*tender.Deposit, error) {
	if !validID(merchantID) || len(id) > 64 {
		return nil, tender.NotFound("deposit")
	}
	d, err := scanDeposit(e.r.QueryRowContext(ctx, e.q("DepositGet"), merchantID, id))
	if err != nil {
		return nil, e.notFound(err, "deposit")
	}
	return d, nil
}

// seqProbe reads one seq (0 when there is none).
func (e *exec) seqProbe(ctx context.Context, name string, args ...any) (int64, error) {
	var seq int64
	err := e.r.QueryRowContext(ctx, e.q(name), args...).Scan(&seq)
	if err == sql.ErrNoRows {
		return 0, nil
	}
	return seq, e.d.wrap(err)
}

// DepositList pages a merchant's deposits by seq: the range's first and
// last seq are two index probes, the page a seq range.
func (e *exec) DepositList(ctx context.Context, merchantID string, f tender.DepositFilter, p tender.ListParams) (*tender.Page[*tender.Deposit], error) {
	if !validID(merchantID) {
		return &tender.Page[*tender.Deposit]{}, nil
	}
	from, to := f.BatchedFrom, f.BatchedTo
	if from.IsZero() {
		from = time.Date(1970, 1, 1, 0, 0, 0, 0, time.UTC)
	}
	if to.IsZero() {
		to = time.Date(9999, 1, 1, 0, 0, 0, 0, time.UTC)
	}
	lo, err := e.seqProbe(ctx, "DepositFirstSeq", merchantID, e.t(from))
	if err != nil {
		return nil, err
	}
	hi, err := e.seqProbe(ctx, "DepositLastSeq", merchantID, e.t(to))
	if err != nil {
		return nil, err
	}
	items, total, err := seqPage(ctx, e, scanDeposit, "DepositPage", lo, hi, p, merchantID)
	if err != nil {
		return nil, err
	}
	return &tender.Page[*tender.Deposit]{Items: items, Total: total}, nil
}

// seqPage reads page p of the rows numbered lo..hi (newest = highest
// first when p.Desc) with query, whose last two arguments are a seq range
// and whose rows come in seq order.
func seqPage[T any](ctx context.Context, e *exec, scan func(rowScanner) (T, error), query string, lo, hi int64, p tender.ListParams, args ...any) ([]T, int, error) {
	if lo == 0 || hi < lo {
		return []T{}, 0, nil
	}
	total := hi - lo + 1
	skip := int64(p.Offset())
	if skip >= total {
		return []T{}, int(total), nil
	}
	a, b := lo+skip, min(hi, lo+skip+int64(p.PerPage)-1)
	if p.Desc {
		a, b = max(lo, hi-skip-int64(p.PerPage)+1), hi-skip
	}
	items, err := all(ctx, e, e.r, scan, e.q(query), append(args, a, b)...)
	if err != nil {
		return nil, 0, err
	}
	if p.Desc {
		slices.Reverse(items)
	}
	return items, int(total), nil
}

func scanDepositLine(row rowScanner) (*tender.DepositLine, error) {
	var l tender.DepositLine
	var amount, fee int64
	var transacted, settled timeCol
	err := row.Scan(&l.DepositID, (*textCol)(&l.TransactionID), &l.Kind, &l.Type, &l.Method, &l.CardType, &l.LastFour,
		&amount, &fee, &transacted, &settled)
	if err != nil {
		return nil, err
	}
	l.Amount, l.Fee, l.TransactedAt, l.SettledAt = tender.Amount(amount), tender.Amount(fee), transacted.tender(), settled.tender()
	l.Net = l.NetOf()
	return &l, nil
}

// DepositLines pages a deposit's transactions by their seq in it.
func (e *exec) DepositLines(ctx context.Context, merchantID, depositID string, p tender.ListParams) (*tender.Page[*tender.DepositLine], error) {
	d, err := e.DepositGet(ctx, merchantID, depositID)
	if err != nil {
		return nil, err
	}
	items, total, err := seqPage(ctx, e, scanDepositLine, "DepositLines", 1, d.Count, p, merchantID, depositID)
	if err != nil {
		return nil, err
	}
	return &tender.Page[*tender.DepositLine]{Items: items, Total: total}, nil
}
