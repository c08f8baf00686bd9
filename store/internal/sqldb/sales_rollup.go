package sqldb

import (
	"context"
	"time"

	"github.com/tenderpay/tender"
	"github.com/tenderpay/tender/store"
)

func init() {
	requiredQueries = append(requiredQueries, "SalesRollupWatermark", "SalesRollupChanged", "SalesHourRecompute",
		"SalesRollupAdvance", "SalesHoursSum")
}

// salesRollupBatch is how many hours one transaction of the rollup
// recomputes (short write transactions: on SQLite they hold the one write
// lock the payments need too).
const salesRollupBatch = 200

// The rollup's invariant (migration 029): once the watermark is W, every
// change to a transaction with updated_at < W is reflected in sales_hours
// for every hour before W's hour (the covered hours).

func (e *exec) salesWatermark(ctx context.Context) (time.Time, error) {
	var w timeCol
	if err := e.r.QueryRowContext(ctx, e.q("SalesRollupWatermark")).Scan(&w); err != nil {
		return time.Time{}, e.d.wrap(err)
	}
	if !w.valid {
		return time.Time{}, nil
	}
	return w.t, nil
}

type salesHour struct {
	merchantID string
	hour       time.Time
}

// SalesRollup brings sales_hours up to the watermark watermark: it
// recomputes, from transactions, the hours before watermark's hour that
// changed since the last run's watermark (and, when watermark enters a new
// hour, every hour that the step covers for the first time), then advances
// the watermark to watermark. It returns how many hours it recomputed.
// Idempotent, and safe on several instances at once: each hour's row is
// recomputed in full, and the watermark never moves back.
func (db *DB) SalesRollup(ctx context.Context, watermark time.Time) (int, error) {
	watermark = watermark.UTC().Truncate(time.Microsecond)
	last, err := db.salesWatermark(ctx)
	if err != nil {
		return 0, err
	}
	if !last.IsZero() && !watermark.After(last) {
		return 0, nil
	}
	cut := watermark.Truncate(time.Hour)
	// The transactions to look at: changed since the last watermark, or,
	// when this run covers new hours, since the first of them (every
	// transaction created in it was updated in or after it). The first run
	// looks at all.
	since := last
	switch {
	case last.IsZero():
		since = time.Unix(0, 0).UTC()
	case cut.After(last.Truncate(time.Hour)):
		since = last.Truncate(time.Hour)
	}
	hours, err := all(ctx, db.exec, db.r, func(row rowScanner) (salesHour, error) {
		var h salesHour
		var at timeCol
		err := row.Scan((*textCol)(&h.merchantID), &at)
		h.hour = at.t
		return h, err
	}, db.q("SalesRollupChanged"), db.t(since), db.t(cut))
	if err != nil {
		return 0, err
	}
	n := len(hours)
	for len(hours) > 0 {
		batch := hours[:min(salesRollupBatch, len(hours))]
		hours = hours[len(batch):]
		if err := db.InTx(ctx, func(tx store.Executor) error {
			e := tx.(*exec)
			for _, h := range batch {
				if _, err := e.w.ExecContext(ctx, e.q("SalesHourRecompute"), h.merchantID, e.t(h.hour),
					e.t(h.hour.Add(time.Hour))); err != nil {
					return e.d.wrap(err)
				}
			}
			return nil
		}); err != nil {
			return 0, err
		}
	}
	if _, err := db.w.ExecContext(ctx, db.q("SalesRollupAdvance"), db.t(watermark)); err != nil {
		return n, db.d.wrap(err)
	}
	return n, nil
}

// SalesVolume is TransactionVolume served, for the hours the rollup covers,
// from sales_hours, and from transactions for the rest (the edges of
// [from, to) that are not whole hours, and the hours at and after the
// watermark's).
func (e *exec) SalesVolume(ctx context.Context, merchantID string, from, to time.Time) (int, tender.Amount, error) {
	if !validID(merchantID) || !from.Before(to) {
		return 0, 0, nil
	}
	w, err := e.salesWatermark(ctx)
	if err != nil {
		return 0, 0, err
	}
	r0 := from.Truncate(time.Hour)
	if r0.Before(from) {
		r0 = r0.Add(time.Hour)
	}
	r1 := to
	if c := w.Truncate(time.Hour); c.Before(r1) {
		r1 = c
	}
	r1 = r1.Truncate(time.Hour)
	if w.IsZero() || !r0.Before(r1) {
		return e.TransactionVolume(ctx, merchantID, from, to)
	}
	var n, sum int64
	if err := e.r.QueryRowContext(ctx, e.q("SalesHoursSum"), merchantID, e.t(r0), e.t(r1)).Scan(&n, &sum); err != nil {
		return 0, 0, e.d.wrap(err)
	}
	count, total := int(n), tender.Amount(sum)
	for _, live := range [][2]time.Time{{from, r0}, {r1, to}} {
		if !live[0].Before(live[1]) {
			continue
		}
		c, s, err := e.TransactionVolume(ctx, merchantID, live[0], live[1])
		if err != nil {
			return 0, 0, err
		}
		count, total = count+c, total+s
	}
	return count, total, nil
}
