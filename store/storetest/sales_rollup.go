package storetest

import (
	"context"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/tenderpay/tender"
)

// exerciseSalesRollup: SalesVolume (the sales rollup for the hours it
// covers, transactions for the rest) equals TransactionVolume (the direct
// sum) over whole days and odd ranges once the rollup has run past every
// change: charges, captures, declines, refunds, a PENDING payment
// finalized days later, a voided sale, sales created in an hour the run
// covers for the first time; between runs the covered hours are read from
// the rollup (a change there shows only after the next run).
func exerciseSalesRollup(t *testing.T, open Open) {
	t.Run("SalesRollup", func(t *testing.T) {
		t.Parallel()
		ctx := context.Background()
		s := open(t)
		m := newMerchant(t, s, suiteNow)
		other := newMerchant(t, s, suiteNow)
		day := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
		add := func(merchantID, typ string, total tender.Amount, success bool, status string, at time.Time) *tender.Transaction {
			t.Helper()
			tx := newTransaction(merchantID, "", tender.NewTime(at))
			tx.Type, tx.Total, tx.Success, tx.Status = typ, total, success, status
			if success {
				tx.Captured = total
			}
			if err := s.TransactionCreate(ctx, tx); err != nil {
				t.Fatal(err)
			}
			return tx
		}
		update := func(tx *tender.Transaction, at time.Time, f func(*tender.Transaction)) {
			t.Helper()
			f(tx)
			tx.UpdatedAt = tender.NewTime(at)
			if err := s.TransactionUpdate(ctx, tx); err != nil {
				t.Fatal(err)
			}
		}
		ok := tender.StatusSuccess
		for d := range 4 {
			at := day.Add(time.Duration(d)*24*time.Hour + 9*time.Hour + 17*time.Minute + 123456*time.Microsecond)
			add(m.ID, tender.TxCharge, tender.Amount(1000+d), true, ok, at)
			add(m.ID, tender.TxCapture, 250, true, ok, at.Add(3*time.Hour))
			add(m.ID, tender.TxCharge, 700, false, tender.StatusFailed, at.Add(4*time.Hour)) // declined
			add(m.ID, tender.TxRefund, 100, true, ok, at.Add(5*time.Hour))                   // not a sale
			add(other.ID, tender.TxCharge, 9000, true, ok, at)                               // another merchant's
		}
		// The last second of day 1 and the first of day 2.
		add(m.ID, tender.TxCharge, 11, true, ok, day.Add(48*time.Hour-time.Microsecond))
		add(m.ID, tender.TxCharge, 13, true, ok, day.Add(48*time.Hour))
		pending := add(m.ID, tender.TxCharge, 4200, false, tender.StatusPending, day.Add(48*time.Hour+5*time.Hour))
		voided := add(m.ID, tender.TxCharge, 3100, true, ok, day.Add(72*time.Hour+2*time.Hour))
		refunded := add(m.ID, tender.TxCharge, 800, true, ok, day.Add(24*time.Hour+30*time.Minute))

		ranges := [][2]time.Time{
			{day.Add(30*time.Minute + 7*time.Second), day.Add(72*time.Hour + 15*time.Minute)},
			{day.Add(-24 * time.Hour), day.Add(6 * 24 * time.Hour)},
			{day.Add(4*24*time.Hour + 9*time.Hour + 59*time.Minute), day.Add(4*24*time.Hour + 12*time.Hour)},
		}
		for d := -1; d < 6; d++ {
			from := day.Add(time.Duration(d) * 24 * time.Hour)
			ranges = append(ranges, [2]time.Time{from, from.Add(24 * time.Hour)})
		}
		// equal checks SalesVolume against the direct sum over every range,
		// for both merchants and an unknown one.
		equal := func(label string) {
			t.Helper()
			for _, id := range []string{m.ID, other.ID, uuid.NewString()} {
				for _, r := range ranges {
					wn, wsum, err := s.TransactionVolume(ctx, id, r[0], r[1])
					if err != nil {
						t.Fatal(err)
					}
					n, sum, err := s.SalesVolume(ctx, id, r[0], r[1])
					if err != nil || n != wn || sum != wsum {
						t.Fatalf("%s: merchant %s [%s, %s): rollup %d sales %d, %v; direct %d sales %d",
							label, id, r[0], r[1], n, sum, err, wn, wsum)
					}
				}
			}
		}
		equal("before any run")

		// The first run covers every hour before the watermark's (not
		// 10:00 of day 4, which has a sale, unchanged after the run, that
		// the second run must count).
		w1 := day.Add(4*24*time.Hour + 10*time.Hour + 30*time.Minute)
		add(m.ID, tender.TxCharge, 777, true, ok, w1.Add(-20*time.Minute))
		n, err := s.SalesRollup(ctx, w1)
		if err != nil || n == 0 {
			t.Fatalf("first run: %d hours, %v", n, err)
		}
		equal("after the first run")
		if n, err := s.SalesRollup(ctx, w1); err != nil || n != 0 {
			t.Fatalf("a run at the same watermark: %d hours, %v (want none)", n, err)
		}
		if n, err := s.SalesRollup(ctx, w1.Add(-time.Hour)); err != nil || n != 0 {
			t.Fatalf("a run at an older watermark: %d hours, %v (want none)", n, err)
		}

		// Changes after the watermark: the PENDING payment of day 2 is
		// finalized, day 3's sale voided, day 1's partly refunded (the
		// refund is not a sale); new sales in the hour after the next run's
		// watermark's (read live).
		update(pending, w1.Add(5*time.Minute), func(tx *tender.Transaction) { tx.Success, tx.Status = true, ok })
		update(voided, w1.Add(6*time.Minute), func(tx *tender.Transaction) { tx.IsVoided = true })
		add(m.ID, tender.TxRefund, 300, true, ok, w1.Add(36*time.Minute))
		update(refunded, w1.Add(36*time.Minute), func(tx *tender.Transaction) { tx.TotalRefunded = 300 })
		add(m.ID, tender.TxCharge, 555, true, ok, w1.Add(35*time.Minute))
		add(m.ID, tender.TxCharge, 666, true, ok, w1.Add(40*time.Minute))

		// Until the next run, the covered hours are the rollup's: day 2 has
		// not got the finalized payment yet.
		day2 := [2]time.Time{day.Add(48 * time.Hour), day.Add(72 * time.Hour)}
		dn, dsum, _ := s.TransactionVolume(ctx, m.ID, day2[0], day2[1])
		if n, sum, err := s.SalesVolume(ctx, m.ID, day2[0], day2[1]); err != nil || n != dn-1 || sum != dsum-4200 {
			t.Fatalf("day 2 before the next run: %d sales %d, %v (want the rollup's %d sales %d)", n, sum, err, dn-1, dsum-4200)
		}

		w2 := w1.Add(50 * time.Minute)
		if n, err := s.SalesRollup(ctx, w2); err != nil || n == 0 {
			t.Fatalf("second run: %d hours, %v", n, err)
		}
		equal("after the second run")

		// A late commit: a change stamped after the watermark but committed
		// after the run that set it is found by the next.
		update(voided, w2.Add(time.Second), func(tx *tender.Transaction) { tx.IsVoided = false })
		if n, err := s.SalesRollup(ctx, w2.Add(30*time.Second)); err != nil || n != 1 {
			t.Fatalf("third run: %d hours, %v (want day 3's one)", n, err)
		}
		equal("after the third run")
	})
}
