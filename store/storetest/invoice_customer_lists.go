package storetest

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/tenderpay/tender"
	"github.com/tenderpay/tender/store"
)

// exerciseInvoiceCustomerLists checks one customer's invoices (with and
// without a created_at range), which read by the invoices' places in their
// customers' lists (migration 032): every page both ways, and the total,
// must equal a reference computed here before the numberer ran, part way,
// after deletes, moves to another customer and an undelete, before and
// after numbering, across a block's edge and through ties on created_at.
func exerciseInvoiceCustomerLists(t *testing.T, open Open) {
	t.Run("InvoiceCustomerLists", func(t *testing.T) {
		t.Parallel()
		ctx := context.Background()
		s := open(t)
		now := suiteNow
		m := newMerchant(t, s, now)
		var cs [2]string
		for i := range cs {
			cs[i] = createCustomer(t, s, m.ID, now).ID
		}
		const n = 1030
		base := now.Add(-2 * time.Hour)
		ms := func(i int) time.Time { return base.Add(time.Duration(i) * time.Millisecond) }
		at := func(i int) time.Time {
			switch {
			case i >= 300 && i < 306:
				return ms(300)
			case i >= 996 && i < 1004: // across the first block's edge
				return ms(996)
			}
			return ms(i)
		}
		type ref struct {
			id       string
			at       time.Time
			customer int
			deleted  bool
		}
		invs := make([]*ref, n)
		if err := s.InTx(ctx, func(tx store.Executor) error {
			for i := range n {
				r := &ref{at: at(i), customer: min(i%3, 1)}
				inv := newInvoice(m.ID, cs[r.customer], tender.NewTime(r.at))
				if err := tx.InvoiceCreate(ctx, inv); err != nil {
					return err
				}
				r.id, invs[i] = inv.ID, r
			}
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		// The reference order: created_at, then id.
		slices.SortFunc(invs, func(a, b *ref) int { return cmp.Or(a.at.Compare(b.at), cmp.Compare(a.id, b.id)) })

		type rng struct{ from, to time.Time }
		ranges := []struct {
			name string
			r    rng
		}{
			{"all", rng{}},
			{"inside", rng{ms(200), ms(1010)}},
			{"from a tie across the edge", rng{ms(996), time.Time{}}},
			{"to a tie", rng{time.Time{}, ms(300)}},
			{"within a block", rng{ms(10), ms(40)}},
			{"none", rng{ms(5).Add(100 * time.Microsecond), ms(5).Add(900 * time.Microsecond)}},
		}
		check := func(stage string) {
			t.Helper()
			for ci, cust := range cs {
				for _, rc := range ranges {
					var oldest []string
					for _, r := range invs {
						if r.customer == ci && !r.deleted && (rc.r.from.IsZero() || !r.at.Before(rc.r.from)) &&
							(rc.r.to.IsZero() || !r.at.After(rc.r.to)) {
							oldest = append(oldest, r.id)
						}
					}
					newest := slices.Clone(oldest)
					slices.Reverse(newest)
					f := tender.InvoiceFilter{CustomerID: cust, CreatedFrom: rc.r.from, CreatedTo: rc.r.to}
					for _, desc := range []bool{true, false} {
						want := oldest
						if desc {
							want = newest
						}
						checkPages(t, fmt.Sprintf("%s customer %d %s desc %v", stage, ci, rc.name, desc), want, []int{100, 7}, 7, func(page, per int) ([]string, int, error) {
							pg, err := s.InvoiceList(ctx, m.ID, f, tender.ListParams{Page: page, PerPage: per, Sort: "created_at", Desc: desc})
							if err != nil {
								return nil, 0, err
							}
							return pageIDs(pg.Items, func(v *tender.Invoice) string { return v.ID }), pg.Total, nil
						})
					}
				}
			}
		}
		// update rewrites invoice j: deleted or not, and its customer.
		update := func(j int, deleted bool, customer int) {
			t.Helper()
			r := invs[j]
			inv, err := s.InvoiceGet(ctx, m.ID, r.id)
			if err != nil {
				t.Fatal(err)
			}
			inv.DeletedAt, inv.CustomerID = nil, cs[customer]
			if deleted {
				at := now
				inv.DeletedAt = &at
			}
			if err := s.InvoiceUpdate(ctx, inv); err != nil {
				t.Fatal(err)
			}
			r.deleted, r.customer = deleted, customer
		}
		check("unnumbered")
		update(5, true, invs[5].customer)
		update(900, false, 1-invs[900].customer) // queued, moved
		assignPositions(t, s, now)               // 700 of them, oldest first
		check("partly numbered")
		for j := 2; j < n; j += 37 {
			update(j, true, invs[j].customer)
		}
		for j := 4; j < n; j += 29 { // numbered and queued, moved; some deleted too
			update(j, invs[j].deleted, 1-invs[j].customer)
		}
		update(1000, true, 1-invs[1000].customer) // queued, moved and deleted at once
		check("deleted and moved")
		assignPositions(t, s, now)
		assignPositions(t, s, now)
		check("all numbered")
		update(2, false, 1-invs[2].customer) // undeleted and moved at once
		update(5, false, invs[5].customer)   // undeleted
		update(999, true, 1-invs[999].customer)
		check("undeleted and moved after numbering")
	})
}
