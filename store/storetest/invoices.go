package storetest

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/tenderpay/tender"
	"github.com/tenderpay/tender/store"
)

// exerciseInvoices covers invoices and schedules.
func exerciseInvoices(t *testing.T, open Open) {
	ctx := context.Background()
	now := suiteNow

	t.Run("Invoices", func(t *testing.T) {
		t.Parallel()
		s := open(t)
		m, other := newMerchant(t, s, now), newMerchant(t, s, now)
		c := createCustomer(t, s, m.ID, now)
		inv := &tender.Invoice{ID: uuid.NewString(), MerchantID: m.ID, CustomerID: c.ID, Total: 5000, BalanceDue: 5000,
			Meta: json.RawMessage(`{"memo":"Spring Cleaning","lineItems":[]}`), Status: tender.InvoiceDraft,
			URL: "https://pay.example/", CreatedAt: now, UpdatedAt: now}
		if err := s.InvoiceCreate(ctx, inv); err != nil {
			t.Fatal(err)
		}
		got, err := s.InvoiceGet(ctx, m.ID, inv.ID)
		if err != nil || got.Total != 5000 || got.SentAt != nil || got.ScheduleID != "" || string(compact(got.Meta)) != string(compact(inv.Meta)) {
			t.Fatalf("get = %+v, %v", got, err)
		}
		if _, err := s.InvoiceGet(ctx, other.ID, inv.ID); tender.ErrorCode(err) != tender.ENOTFOUND {
			t.Fatal("another merchant reads an invoice")
		}
		// Reserving more than the balance is refused by the database too.
		err = s.InTx(ctx, func(tx store.Executor) error {
			g, err := tx.InvoiceGetForUpdate(ctx, m.ID, inv.ID)
			if err != nil {
				return err
			}
			g.PendingPayments = 5001
			return tx.InvoiceUpdate(ctx, g)
		})
		if tender.ErrorCode(err) != tender.ECONFLICT {
			t.Fatalf("over-reservation: %v", err)
		}
		sent := tender.NewTime(now.Add(time.Minute))
		got.SentAt, got.Status, got.StockApplied = &sent, tender.InvoiceSent, true
		if err := s.InvoiceUpdate(ctx, got); err != nil {
			t.Fatal(err)
		}
		if g, _ := s.InvoiceGet(ctx, m.ID, inv.ID); g.SentAt == nil || !g.SentAt.Equal(sent.Time) || !g.StockApplied || g.Status != tender.InvoiceSent {
			t.Fatalf("after update = %+v", g)
		}
		// What the invoice's payments hold: captured − refunded, voids out.
		for i, tc := range []struct {
			captured, refunded tender.Amount
			voided, success    bool
		}{{2000, 500, false, true}, {1000, 0, true, true}, {700, 0, false, false}, {300, 0, false, true}} {
			tx := newTransaction(m.ID, "", tender.NewTime(now.Add(time.Duration(i)*time.Second)))
			tx.InvoiceID, tx.Success, tx.Captured, tx.TotalRefunded, tx.IsVoided = inv.ID, tc.success, tc.captured, tc.refunded, tc.voided
			tx.Total = max(tc.captured, 1)
			if tc.success {
				tx.Status = tender.StatusSuccess
			}
			if err := s.TransactionCreate(ctx, tx); err != nil {
				t.Fatal(err)
			}
			if i == 0 {
				if err := s.FundingCreate(ctx, tx.ID, []tender.Funding{{AccountID: "a", Amount: 1500}, {AccountID: "b", Amount: 500}}); err != nil {
					t.Fatal(err)
				}
				f, err := s.FundingOf(ctx, []string{tx.ID, uuid.NewString()})
				if err != nil || len(f) != 1 || len(f[tx.ID]) != 2 || f[tx.ID][0] != (tender.Funding{AccountID: "a", Amount: 1500}) {
					t.Fatalf("funding = %v, %v", f, err)
				}
			}
		}
		if ts, err := s.TransactionsOfInvoice(ctx, m.ID, inv.ID); err != nil || len(ts) != 4 || ts[0].Captured != 2000 {
			t.Fatalf("transactions of invoice = %d %v", len(ts), err)
		}
		if ts, _ := s.TransactionsOfInvoice(ctx, other.ID, inv.ID); len(ts) != 0 {
			t.Fatal("another merchant lists an invoice's transactions")
		}
		if paid, err := s.InvoicePaid(ctx, m.ID, inv.ID); err != nil || paid != 1800 {
			t.Fatalf("paid = %v, %v", paid, err)
		}
		if paid, _ := s.InvoicePaid(ctx, other.ID, inv.ID); paid != 0 {
			t.Fatal("another merchant's paid")
		}
		// One invoice per schedule occurrence.
		sched, occ := uuid.NewString(), tender.NewTime(now.Add(24*time.Hour))
		for i, want := range []string{"", tender.ECONFLICT} {
			o := *inv
			o.ID, o.ScheduleID, o.Occurrence = uuid.NewString(), sched, &occ
			if err := s.InvoiceCreate(ctx, &o); tender.ErrorCode(err) != want {
				t.Fatalf("occurrence %d: %v", i, err)
			}
		}
		for name, tc := range map[string]struct {
			f    tender.InvoiceFilter
			want int
		}{
			"all": {tender.InvoiceFilter{}, 2}, "status": {tender.InvoiceFilter{Status: tender.InvoiceSent}, 1},
			"customer": {tender.InvoiceFilter{CustomerID: c.ID}, 2}, "schedule": {tender.InvoiceFilter{ScheduleID: sched}, 1},
			"keyword": {tender.InvoiceFilter{Keywords: []string{"spring"}}, 2}, "no keyword": {tender.InvoiceFilter{Keywords: []string{"winter"}}, 0},
			"from": {tender.InvoiceFilter{CreatedFrom: now.Add(time.Second)}, 0},
		} {
			if p, err := s.InvoiceList(ctx, m.ID, tc.f, tender.ListParams{Page: 1, PerPage: 5}); err != nil || p.Total != tc.want || len(p.Items) != tc.want {
				t.Errorf("%s: %+v %v", name, p, err)
			}
		}
		for _, col := range tender.InvoiceSorts {
			if _, err := s.InvoiceList(ctx, m.ID, tender.InvoiceFilter{}, tender.ListParams{Page: 1, PerPage: 5, Sort: col}); err != nil {
				t.Errorf("sort %s: %v", col, err)
			}
		}
		// Stock goes down, never below zero.
		it := &tender.Item{ID: uuid.NewString(), MerchantID: m.ID, Item: "W", InStock: 5, Meta: json.RawMessage(`{}`), CreatedAt: now, UpdatedAt: now}
		if err := s.ItemCreate(ctx, it); err != nil {
			t.Fatal(err)
		}
		for _, q := range []int64{3, 3} {
			if err := s.ItemTakeStock(ctx, m.ID, it.ID, q, now.Time); err != nil {
				t.Fatal(err)
			}
		}
		if g, _ := s.ItemGet(ctx, m.ID, it.ID); g.InStock != 0 {
			t.Fatalf("in_stock = %d", g.InStock)
		}
		if err := s.ItemTakeStock(ctx, other.ID, it.ID, 1, now.Time); tender.ErrorCode(err) != tender.ENOTFOUND {
			t.Fatalf("another merchant's stock: %v", err)
		}
	})
}
