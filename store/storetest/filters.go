package storetest

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/tenderpay/tender"
	"github.com/tenderpay/tender/store"
)

// exerciseFilters checks the transaction list's filters against a list
// computed here, before the numberer ran, part way, and after: the
// positioned ones (a created_at range with at most one of customer and
// payment method, read by position) and the counted ones must agree with
// the reference on every page, both orders, and on the total.
func exerciseFilters(t *testing.T, open Open) {
	t.Run("TransactionFilters", func(t *testing.T) {
		t.Parallel()
		ctx := context.Background()
		s := open(t)
		base := time.Date(2026, 5, 1, 0, 0, 0, 0, time.UTC)
		m := newMerchant(t, s, tender.NewTime(base))
		other := newMerchant(t, s, tender.NewTime(base))
		var all []*tender.Transaction // oldest first
		for i := range 30 {
			at := tender.NewTime(base.Add(time.Duration(i) * time.Minute))
			tx := newTransaction(m.ID, "", at)
			tx.CustomerID = "cust-" + strconv.Itoa(i%3)
			tx.PaymentMethodID = "pm-" + strconv.Itoa(i%5)
			tx.Total = tender.Amount(100 * (i + 1))
			tx.Status, tx.Success = tender.StatusSuccess, true
			if i%4 == 0 {
				tx.Type = tender.TxCredit
				tx.Message = "Refund for order " + strconv.Itoa(i)
			}
			tx.UpdatedAt = tender.NewTime(at.Time.Add(time.Hour))
			if err := s.TransactionCreate(ctx, tx); err != nil {
				t.Fatal(err)
			}
			all = append(all, tx)
			// Another merchant's, with the same customer and card ids: never listed.
			o := newTransaction(other.ID, "", at)
			o.CustomerID, o.PaymentMethodID = tx.CustomerID, tx.PaymentMethodID
			if err := s.TransactionCreate(ctx, o); err != nil {
				t.Fatal(err)
			}
		}
		amount := func(a tender.Amount) *tender.Amount { return &a }
		success := true
		minute := func(i int) time.Time { return base.Add(time.Duration(i) * time.Minute) }
		filters := []struct {
			name  string
			f     tender.TransactionFilter
			match func(i int, tx *tender.Transaction) bool
		}{
			{"none", tender.TransactionFilter{}, func(int, *tender.Transaction) bool { return true }},
			{"customer", tender.TransactionFilter{CustomerID: "cust-1"}, func(i int, _ *tender.Transaction) bool { return i%3 == 1 }},
			{"card", tender.TransactionFilter{PaymentMethodID: "pm-2"}, func(i int, _ *tender.Transaction) bool { return i%5 == 2 }},
			{"range", tender.TransactionFilter{CreatedFrom: minute(4), CreatedTo: minute(21)}, func(i int, _ *tender.Transaction) bool { return i >= 4 && i <= 21 }},
			{"range between rows", tender.TransactionFilter{CreatedFrom: minute(4).Add(time.Second), CreatedTo: minute(5).Add(-time.Second)}, func(int, *tender.Transaction) bool { return false }},
			{"open start", tender.TransactionFilter{CreatedTo: minute(7)}, func(i int, _ *tender.Transaction) bool { return i <= 7 }},
			{"open end", tender.TransactionFilter{CreatedFrom: minute(25)}, func(i int, _ *tender.Transaction) bool { return i >= 25 }},
			{"before all", tender.TransactionFilter{CreatedTo: minute(-1)}, func(int, *tender.Transaction) bool { return false }},
			{"customer and range", tender.TransactionFilter{CustomerID: "cust-0", CreatedFrom: minute(3), CreatedTo: minute(20)}, func(i int, _ *tender.Transaction) bool { return i%3 == 0 && i >= 3 && i <= 20 }},
			{"unknown customer", tender.TransactionFilter{CustomerID: "nobody"}, func(int, *tender.Transaction) bool { return false }},
			// Counted, not positioned:
			{"customer and card", tender.TransactionFilter{CustomerID: "cust-1", PaymentMethodID: "pm-1"}, func(i int, _ *tender.Transaction) bool { return i%3 == 1 && i%5 == 1 }},
			{"type", tender.TransactionFilter{Type: tender.TxCredit}, func(i int, _ *tender.Transaction) bool { return i%4 == 0 }},
			{"total range", tender.TransactionFilter{TotalMin: amount(500), TotalMax: amount(1200)}, func(i int, _ *tender.Transaction) bool { return i >= 4 && i <= 11 }},
			{"updated range", tender.TransactionFilter{UpdatedFrom: minute(60 + 10), UpdatedTo: minute(60 + 12)}, func(i int, _ *tender.Transaction) bool { return i >= 10 && i <= 12 }},
			{"keywords", tender.TransactionFilter{Keywords: []string{"ORDER", "2"}}, func(i int, tx *tender.Transaction) bool {
				return i%4 == 0 && slices.Contains([]int{12, 20, 24, 28}, i)
			}},
			{"success and customer", tender.TransactionFilter{Success: &success, CustomerID: "cust-2"}, func(i int, _ *tender.Transaction) bool { return i%3 == 2 }},
		}
		check := func(stage string) {
			t.Helper()
			for _, fc := range filters {
				if err := fc.f.Validate(); err != nil {
					t.Fatalf("%s: %v", fc.name, err)
				}
				var want []string
				for i, tx := range all {
					if fc.match(i, tx) {
						want = append(want, tx.ID)
					}
				}
				for _, desc := range []bool{true, false} {
					exp := slices.Clone(want)
					if desc {
						slices.Reverse(exp)
					}
					for _, per := range []int{4, 7, 50} {
						var got []string
						for page := 1; page <= len(exp)/per+2; page++ {
							p, err := s.TransactionList(ctx, m.ID, fc.f, tender.ListParams{Page: page, PerPage: per, Sort: "created_at", Desc: desc})
							if err != nil {
								t.Fatalf("%s: %s: %v", stage, fc.name, err)
							}
							if p.Total != len(exp) {
								t.Fatalf("%s: %s desc=%v per %d page %d: total %d, want %d", stage, fc.name, desc, per, page, p.Total, len(exp))
							}
							for _, tx := range p.Items {
								got = append(got, tx.ID)
							}
						}
						if !slices.Equal(got, exp) && !(len(got) == 0 && len(exp) == 0) {
							t.Fatalf("%s: %s desc=%v per %d: got %v, want %v", stage, fc.name, desc, per, ids(all, got), ids(all, exp))
						}
					}
				}
			}
		}
		check("unnumbered")
		assign := func(before time.Time, limit int) {
			t.Helper()
			if err := s.InTx(ctx, func(tx store.Executor) error {
				_, err := tx.TransactionPositionsAssign(ctx, before, limit)
				return err
			}); err != nil {
				t.Fatal(err)
			}
		}
		assign(minute(13), 7) // some of m's and other's: the queued and the numbered mix
		check("partly numbered")
		assign(minute(100), 1000)
		check("numbered")
		// A new transaction after numbering (as the filters expect of a
		// 31st) joins its lists first, queued.
		tx := newTransaction(m.ID, "", tender.NewTime(minute(40)))
		tx.CustomerID, tx.PaymentMethodID, tx.Total = "cust-0", "pm-0", 3100
		tx.Status, tx.Success = tender.StatusSuccess, true
		tx.UpdatedAt = tender.NewTime(minute(90))
		if err := s.TransactionCreate(ctx, tx); err != nil {
			t.Fatal(err)
		}
		all = append(all, tx)
		check("one queued after numbering")
		assign(minute(100), 1000)
		check("all numbered again")
	})
}

// ids names transactions by their index in all, for readable failures.
func ids(all []*tender.Transaction, got []string) []string {
	out := make([]string, len(got))
	for i, id := range got {
		out[i] = "?" + id
		for j, tx := range all {
			if tx.ID == id {
				out[i] = fmt.Sprint(j)
			}
		}
	}
	return out
}
