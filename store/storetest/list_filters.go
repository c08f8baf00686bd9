package storetest

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/tenderpay/tender"
)

// exerciseListFilters checks the date-range filters of the lists of
// migration 012 (customers, payment methods, items, invoices, schedules).
// A created_at range alone reads by list position (ListRangePage); its
// pages and total must equal a reference computed here before the
// numberer ran, part way, after deletes and after, across a block's edge.
// The counted filters (updated_at, and invoices' due_at and total) are
// checked against the reference too.
func exerciseListFilters(t *testing.T, open Open) {
	t.Run("ListRangeFilters", func(t *testing.T) {
		t.Parallel()
		ctx := context.Background()
		s := open(t)
		now := suiteNow
		m := newMerchant(t, s, now)
		// The payment methods', invoices' and schedules' customer is
		// another merchant's, so that it is in no range of m's customers.
		c := createCustomer(t, s, newMerchant(t, s, now).ID, now)
		type rng struct{ from, to time.Time }
		seeds := seedKinds(s, m.ID, c.ID, now)
		// list reads one page of a list filtered by a created_at range
		// (and updated_at when upd).
		type kind struct {
			name string
			seedKind
			list func(created, updated rng, p tender.ListParams) ([]string, int, error)
		}
		kinds := []kind{{
			name: "customers", seedKind: seeds["customers"],
			list: func(cr, up rng, p tender.ListParams) ([]string, int, error) {
				pg, err := s.CustomerList(ctx, m.ID, tender.CustomerFilter{CreatedFrom: cr.from, CreatedTo: cr.to, UpdatedFrom: up.from, UpdatedTo: up.to}, p)
				if err != nil {
					return nil, 0, err
				}
				return pageIDs(pg.Items, func(v *tender.Customer) string { return v.ID }), pg.Total, nil
			},
		}, {
			name: "payment_methods", seedKind: seeds["payment_methods"],
			list: func(cr, up rng, p tender.ListParams) ([]string, int, error) {
				pg, err := s.PaymentMethodList(ctx, m.ID, tender.PaymentMethodFilter{CreatedFrom: cr.from, CreatedTo: cr.to, UpdatedFrom: up.from, UpdatedTo: up.to}, p)
				if err != nil {
					return nil, 0, err
				}
				return pageIDs(pg.Items, func(v *tender.PaymentMethod) string { return v.ID }), pg.Total, nil
			},
		}, {
			name: "items", seedKind: seeds["items"],
			list: func(cr, up rng, p tender.ListParams) ([]string, int, error) {
				pg, err := s.ItemList(ctx, m.ID, tender.ItemFilter{CreatedFrom: cr.from, CreatedTo: cr.to, UpdatedFrom: up.from, UpdatedTo: up.to}, p)
				if err != nil {
					return nil, 0, err
				}
				return pageIDs(pg.Items, func(v *tender.Item) string { return v.ID }), pg.Total, nil
			},
		}, {
			name: "invoices", seedKind: seeds["invoices"],
			list: func(cr, up rng, p tender.ListParams) ([]string, int, error) {
				pg, err := s.InvoiceList(ctx, m.ID, tender.InvoiceFilter{CreatedFrom: cr.from, CreatedTo: cr.to, UpdatedFrom: up.from, UpdatedTo: up.to}, p)
				if err != nil {
					return nil, 0, err
				}
				return pageIDs(pg.Items, func(v *tender.Invoice) string { return v.ID }), pg.Total, nil
			},
		}, {
			name: "schedules", seedKind: seeds["schedules"],
			list: func(cr, up rng, p tender.ListParams) ([]string, int, error) {
				pg, err := s.ScheduleList(ctx, m.ID, tender.ScheduleFilter{CreatedFrom: cr.from, CreatedTo: cr.to, UpdatedFrom: up.from, UpdatedTo: up.to}, p)
				if err != nil {
					return nil, 0, err
				}
				return pageIDs(pg.Items, func(v *tender.Schedule) string { return v.ID }), pg.Total, nil
			},
		}}
		const n = 1030
		base := now.Add(-2 * time.Hour)
		ms := func(i int) time.Time { return base.Add(time.Duration(i) * time.Millisecond) }
		// Object i is created at(i): ms(i), except two groups that tie on
		// created_at (listed by id among themselves): one inside a block,
		// one across the edge of the first block (positions 1000 and 1001
		// are objects 999 and 1000).
		at := func(i int) time.Time {
			switch {
			case i >= 600 && i < 612:
				return ms(600)
			case i >= 996 && i < 1004:
				return ms(996)
			}
			return ms(i)
		}
		ranges := []struct {
			name string
			r    rng
		}{
			{"inside", rng{ms(100), ms(900)}},
			{"across the block edge", rng{ms(990), ms(1010)}},
			{"from a tie across the edge", rng{ms(996), ms(1010)}},
			{"to a tie", rng{ms(590), ms(600)}},
			{"within a block", rng{ms(10), ms(20)}},
			{"open start", rng{time.Time{}, ms(1020)}},
			{"open end", rng{ms(995), time.Time{}}},
			{"between rows", rng{ms(5).Add(100 * time.Microsecond), ms(5).Add(900 * time.Microsecond)}},
			{"before all", rng{time.Time{}, ms(-1)}},
		}
		for _, k := range kinds {
			objs := seed(t, s, k.name, k.seedKind, n, at)
			// Ties listed by id: objs sorted so, and deleted keyed by
			// that order.
			order := make([]int, n)
			for i := range order {
				order[i] = i
			}
			slices.SortStableFunc(order, func(a, b int) int {
				return cmp.Or(at(a).Compare(at(b)), cmp.Compare(objs[a], objs[b]))
			})
			sorted := make([]string, n)
			for j, i := range order {
				sorted[j] = objs[i]
			}
			objs = sorted
			at0 := at
			at := func(j int) time.Time { return at0(order[j]) }
			in := func(r rng, j int) bool {
				return (r.from.IsZero() || !at(j).Before(r.from)) && (r.to.IsZero() || !at(j).After(r.to))
			}
			deleted := map[int]bool{}
			check := func(stage string) {
				t.Helper()
				for _, rc := range ranges {
					var newest []string // newest first
					for i := n - 1; i >= 0; i-- {
						if in(rc.r, i) && !deleted[i] {
							newest = append(newest, objs[i])
						}
					}
					oldest := slices.Clone(newest)
					slices.Reverse(oldest)
					for _, desc := range []bool{true, false} {
						want := oldest
						if desc {
							want = newest
						}
						checkPages(t, fmt.Sprintf("%s %s %s desc %v", k.name, stage, rc.name, desc), want, []int{100, 7}, 9, func(page, per int) ([]string, int, error) {
							return k.list(rc.r, rng{}, tender.ListParams{Page: page, PerPage: per, Sort: "created_at", Desc: desc})
						})
					}
				}
			}
			del := func(i int) {
				t.Helper()
				if deleted[i] {
					return
				}
				if err := k.del(objs[i]); err != nil {
					t.Fatalf("%s: %v", k.name, err)
				}
				deleted[i] = true
			}
			check("unnumbered")
			for i := 3; i < n; i += 41 {
				del(i)
			}
			assignPositions(t, s, now) // 700 of them, oldest first
			check("partly numbered")
			for i := 11; i < n; i += 17 {
				del(i)
			}
			check("deleted after numbering")
			assignPositions(t, s, now)
			assignPositions(t, s, now)
			check("all numbered")

			// updated_at (counted): the objects were updated when created,
			// except the deleted, updated at now.
			upd := rng{ms(500), ms(509)}
			var want []string
			for i := 509; i >= 500; i-- {
				if !deleted[i] {
					want = append(want, objs[i])
				}
			}
			got, total, err := k.list(rng{}, upd, tender.ListParams{Page: 1, PerPage: 50, Sort: "created_at", Desc: true})
			if err != nil || total != len(want) || !slices.Equal(got, want) {
				t.Fatalf("%s updated range: %v (%d), want %v; %v", k.name, got, total, want, err)
			}
		}
	})

	t.Run("InvoiceFilters", func(t *testing.T) {
		t.Parallel()
		ctx := context.Background()
		s := open(t)
		m := newMerchant(t, s, suiteNow)
		c := createCustomer(t, s, m.ID, suiteNow)
		base := time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)
		day := func(i int) time.Time { return base.AddDate(0, 0, i) }
		var all []*tender.Invoice
		for i := range 12 {
			at := tender.NewTime(day(i))
			due := tender.NewTime(day(i + 30))
			inv := newInvoice(m.ID, c.ID, at)
			inv.Total, inv.BalanceDue, inv.DueAt = tender.Amount(1000*(i+1)), tender.Amount(1000*(i+1)), &due
			if err := s.InvoiceCreate(ctx, inv); err != nil {
				t.Fatal(err)
			}
			all = append(all, inv)
		}
		amount := func(a tender.Amount) *tender.Amount { return &a }
		for _, fc := range []struct {
			name  string
			f     tender.InvoiceFilter
			match func(i int) bool
		}{
			{"total range", tender.InvoiceFilter{TotalMin: amount(3000), TotalMax: amount(5000)}, func(i int) bool { return i >= 2 && i <= 4 }},
			{"total min", tender.InvoiceFilter{TotalMin: amount(11000)}, func(i int) bool { return i >= 10 }},
			{"due range", tender.InvoiceFilter{DueFrom: day(35), DueTo: day(37)}, func(i int) bool { return i >= 5 && i <= 7 }},
			{"due and total", tender.InvoiceFilter{DueFrom: day(35), TotalMax: amount(6000)}, func(i int) bool { return i == 5 }},
			{"created and customer", tender.InvoiceFilter{CustomerID: c.ID, CreatedFrom: day(9)}, func(i int) bool { return i >= 9 }},
		} {
			if err := fc.f.Validate(); err != nil {
				t.Fatalf("%s: %v", fc.name, err)
			}
			var want []string
			for i := len(all) - 1; i >= 0; i-- {
				if fc.match(i) {
					want = append(want, all[i].ID)
				}
			}
			pg, err := s.InvoiceList(ctx, m.ID, fc.f, tender.ListParams{Page: 1, PerPage: 50, Sort: "created_at", Desc: true})
			if err != nil {
				t.Fatalf("%s: %v", fc.name, err)
			}
			got := pageIDs(pg.Items, func(v *tender.Invoice) string { return v.ID })
			if pg.Total != len(want) || !slices.Equal(got, want) {
				t.Fatalf("%s: %v (%d), want %v", fc.name, got, pg.Total, want)
			}
		}
	})
}
