package storetest

import (
	"context"
	"encoding/json"
	"slices"
	"testing"
	"time"

	"github.com/tenderpay/tender"
	"github.com/tenderpay/tender/store"
)

// exerciseListPositions covers the stored list positions behind sorted, paged lists.
func exerciseListPositions(t *testing.T, open Open) {
	ctx := context.Background()
	now := suiteNow

	t.Run("ListPositions", func(t *testing.T) {
		// The other lists of migration 012 (customers: CustomerPositions),
		// 1,030 objects each so positions cross a block's edge: deletes
		// while queued and after numbering, an undelete where the store can
		// write one (invoices, schedules are updated whole), pages compared
		// with the counting path (a filter every object matches).
		t.Parallel()
		s := open(t)
		m := newMerchant(t, s, now)
		c := newCustomer(m.ID, now, nil)
		if err := s.CustomerCreate(ctx, c); err != nil {
			t.Fatal(err)
		}
		newest := tender.ListParams{Sort: "created_at", Desc: true}
		type kind struct {
			name    string
			create  func(tx store.Executor, at tender.Time) (string, error)
			del     func(id string) error
			restore func(id string) error
			list    func(all bool, p tender.ListParams) ([]string, int, error)
		}
		invoices := map[string]*tender.Invoice{}
		schedules := map[string]*tender.Schedule{}
		kinds := []kind{{
			name: "items",
			create: func(tx store.Executor, at tender.Time) (string, error) {
				it := &tender.Item{ID: tender.NewID(), MerchantID: m.ID, Item: "I", Category: "c", Meta: json.RawMessage(`{}`), CreatedAt: at, UpdatedAt: at}
				return it.ID, tx.ItemCreate(ctx, it)
			},
			del: func(id string) error { return s.ItemDelete(ctx, m.ID, id, now.Time) },
			list: func(all bool, p tender.ListParams) ([]string, int, error) {
				f := tender.ItemFilter{}
				if all {
					f.Category = "c"
				}
				pg, err := s.ItemList(ctx, m.ID, f, p)
				if err != nil {
					return nil, 0, err
				}
				return pageIDs(pg.Items, func(v *tender.Item) string { return v.ID }), pg.Total, nil
			},
		}, {
			name: "payment_links",
			create: func(tx store.Executor, at tender.Time) (string, error) {
				l := &tender.PaymentLink{ID: tender.NewID(), MerchantID: m.ID, Name: "L", Total: 100, IsActive: true,
					Meta: json.RawMessage(`{}`), CreatedAt: at, UpdatedAt: at}
				return l.ID, tx.PaymentLinkCreate(ctx, l)
			},
			del: func(id string) error { return s.PaymentLinkDelete(ctx, m.ID, id, now.Time) },
			list: func(all bool, p tender.ListParams) ([]string, int, error) {
				f := tender.PaymentLinkFilter{}
				if all {
					yes := true
					f.Active = &yes
				}
				pg, err := s.PaymentLinkList(ctx, m.ID, f, p)
				if err != nil {
					return nil, 0, err
				}
				return pageIDs(pg.Items, func(v *tender.PaymentLink) string { return v.ID }), pg.Total, nil
			},
		}, {
			name: "payment_methods",
			create: func(tx store.Executor, at tender.Time) (string, error) {
				pm := newPaymentMethod(m.ID, c.ID, at)
				return pm.ID, tx.PaymentMethodCreate(ctx, pm, &tender.PaymentMethodSecret{SealedNumber: "sealed"})
			},
			del: func(id string) error { return s.PaymentMethodDelete(ctx, m.ID, id, now.Time) },
			list: func(all bool, p tender.ListParams) ([]string, int, error) {
				f := tender.PaymentMethodFilter{}
				if all {
					f.CustomerID = c.ID
				}
				pg, err := s.PaymentMethodList(ctx, m.ID, f, p)
				if err != nil {
					return nil, 0, err
				}
				return pageIDs(pg.Items, func(v *tender.PaymentMethod) string { return v.ID }), pg.Total, nil
			},
		}, {
			name: "invoices",
			create: func(tx store.Executor, at tender.Time) (string, error) {
				inv := &tender.Invoice{ID: tender.NewID(), MerchantID: m.ID, CustomerID: c.ID, Total: 100, BalanceDue: 100,
					Meta: json.RawMessage(`{}`), Status: tender.InvoiceDraft, URL: "https://pay.example/", CreatedAt: at, UpdatedAt: at}
				invoices[inv.ID] = inv
				return inv.ID, tx.InvoiceCreate(ctx, inv)
			},
			del: func(id string) error {
				inv := invoices[id]
				at := now
				inv.DeletedAt, inv.Status = &at, tender.InvoiceDeleted
				return s.InvoiceUpdate(ctx, inv)
			},
			restore: func(id string) error {
				inv := invoices[id]
				inv.DeletedAt, inv.Status = nil, tender.InvoiceDraft
				return s.InvoiceUpdate(ctx, inv)
			},
			list: func(all bool, p tender.ListParams) ([]string, int, error) {
				f := tender.InvoiceFilter{}
				if all {
					f.CustomerID = c.ID
				}
				pg, err := s.InvoiceList(ctx, m.ID, f, p)
				if err != nil {
					return nil, 0, err
				}
				return pageIDs(pg.Items, func(v *tender.Invoice) string { return v.ID }), pg.Total, nil
			},
		}, {
			name: "schedules",
			create: func(tx store.Executor, at tender.Time) (string, error) {
				sc := &tender.Schedule{ID: tender.NewID(), MerchantID: m.ID, CustomerID: c.ID, Rule: "FREQ=MONTHLY", Total: 100,
					Meta: json.RawMessage(`{}`), Active: true, Status: "ACTIVE", CreatedAt: at, UpdatedAt: at}
				schedules[sc.ID] = sc
				return sc.ID, tx.ScheduleCreate(ctx, sc)
			},
			del: func(id string) error {
				sc := schedules[id]
				at := now
				sc.DeletedAt, sc.Active = &at, false
				return s.ScheduleUpdate(ctx, sc)
			},
			restore: func(id string) error {
				sc := schedules[id]
				sc.DeletedAt, sc.Active = nil, true
				return s.ScheduleUpdate(ctx, sc)
			},
			list: func(all bool, p tender.ListParams) ([]string, int, error) {
				f := tender.ScheduleFilter{}
				if all {
					f.CustomerID = c.ID
				}
				pg, err := s.ScheduleList(ctx, m.ID, f, p)
				if err != nil {
					return nil, 0, err
				}
				return pageIDs(pg.Items, func(v *tender.Schedule) string { return v.ID }), pg.Total, nil
			},
		}}
		for _, k := range kinds {
			const n = 1030
			base := now.Add(-2 * time.Hour)
			var objs []string // oldest first
			if err := s.InTx(ctx, func(tx store.Executor) error {
				for i := range n {
					id, err := k.create(tx, tender.NewTime(base.Add(time.Duration(i)*time.Millisecond)))
					if err != nil {
						return err
					}
					objs = append(objs, id)
				}
				return nil
			}); err != nil {
				t.Fatalf("%s: %v", k.name, err)
			}
			check := func(stage string) {
				t.Helper()
				p := newest
				p.Page, p.PerPage = 1, 5000
				want, total, err := k.list(true, p)
				if err != nil || total != len(want) {
					t.Fatalf("%s %s: counting path: %d of %d, %v", k.name, stage, len(want), total, err)
				}
				for _, per := range []int{100, 9} {
					last := (len(want) + per - 1) / per
					for page := 1; page <= last+1; page++ {
						if per == 9 && page%10 != 0 && page < last-1 {
							continue // a sample
						}
						p := newest
						p.Page, p.PerPage = page, per
						got, total, err := k.list(false, p)
						if err != nil || total != len(want) {
							t.Fatalf("%s %s: per %d page %d: total %d, want %d (%v)", k.name, stage, per, page, total, len(want), err)
						}
						from := min((page-1)*per, len(want))
						if w := want[from:min(from+per, len(want))]; !slices.Equal(got, w) {
							t.Fatalf("%s %s: per %d page %d = %v, want %v", k.name, stage, per, page, got, w)
						}
					}
				}
			}
			assign := func() {
				t.Helper()
				if err := s.InTx(ctx, func(tx store.Executor) error {
					_, err := tx.ListPositionsAssign(ctx, now.Add(-time.Hour), 700)
					return err
				}); err != nil {
					t.Fatal(err)
				}
			}
			check("unnumbered")
			for i := 1; i < n; i += 50 {
				if err := k.del(objs[i]); err != nil {
					t.Fatalf("%s: %v", k.name, err)
				}
			}
			assign() // 700 of them, oldest first
			check("partly numbered")
			for i := 7; i < n; i += 13 {
				if i%50 == 1 {
					continue
				}
				if err := k.del(objs[i]); err != nil {
					t.Fatalf("%s: %v", k.name, err)
				}
			}
			check("deleted after numbering")
			if k.restore != nil {
				for _, i := range []int{1, 7, 1001, 1022} { // queued, numbered, and past the first block
					if err := k.restore(objs[i]); err != nil {
						t.Fatalf("%s: %v", k.name, err)
					}
				}
				check("restored")
			}
			assign()
			assign()
			check("all numbered")
		}
	})
}
