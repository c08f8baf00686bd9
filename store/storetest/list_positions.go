package storetest

import (
	"context"
	"testing"
	"time"

	"github.com/tenderpay/tender"
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
		c := createCustomer(t, s, m.ID, now)
		newest := tender.ListParams{Sort: "created_at", Desc: true}
		seeds := seedKinds(s, m.ID, c.ID, now)
		type kind struct {
			name string
			seedKind
			list func(all bool, p tender.ListParams) ([]string, int, error)
		}
		kinds := []kind{{
			name: "items", seedKind: seeds["items"],
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
			name: "payment_links", seedKind: seeds["payment_links"],
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
			name: "payment_methods", seedKind: seeds["payment_methods"],
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
			name: "invoices", seedKind: seeds["invoices"],
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
			name: "schedules", seedKind: seeds["schedules"],
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
			ms := func(i int) time.Time { return base.Add(time.Duration(i) * time.Millisecond) }
			objs := seed(t, s, k.name, k.seedKind, n, ms) // oldest first
			check := func(stage string) {
				t.Helper()
				p := newest
				p.Page, p.PerPage = 1, 5000
				want, total, err := k.list(true, p)
				if err != nil || total != len(want) {
					t.Fatalf("%s %s: counting path: %d of %d, %v", k.name, stage, len(want), total, err)
				}
				checkPages(t, k.name+" "+stage, want, []int{100, 9}, 10, func(page, per int) ([]string, int, error) {
					p := newest
					p.Page, p.PerPage = page, per
					return k.list(false, p)
				})
			}
			check("unnumbered")
			for i := 1; i < n; i += 50 {
				if err := k.del(objs[i]); err != nil {
					t.Fatalf("%s: %v", k.name, err)
				}
			}
			assignPositions(t, s, now) // 700 of them, oldest first
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
			assignPositions(t, s, now)
			assignPositions(t, s, now)
			check("all numbered")
		}
	})
}
