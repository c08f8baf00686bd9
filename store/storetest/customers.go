package storetest

import (
	"context"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/tenderpay/tender"
	"github.com/tenderpay/tender/store"
)

// exerciseCustomers covers customers: CRUD, matching and list positions.
func exerciseCustomers(t *testing.T, open Open) {
	ctx := context.Background()
	now := suiteNow

	t.Run("Customers", func(t *testing.T) {
		t.Parallel()
		s := open(t)
		m, other := newMerchant(t, s, now), newMerchant(t, s, now)
		mk := func(i int, f func(*tender.Customer)) *tender.Customer {
			c := newCustomer(m.ID, tender.NewTime(now.Add(time.Duration(i)*time.Minute)), f)
			if err := s.CustomerCreate(ctx, c); err != nil {
				t.Fatal(err)
			}
			return c
		}
		a := mk(0, func(c *tender.Customer) {
			c.Firstname, c.Lastname, c.Email, c.Company, c.Phone, c.Reference = "Ann", "Lee", "Ann@Example.com", "Acme 50%_off", "555", "r1"
			c.CCEmails = []string{"x@example.com"}
		})
		mk(1, func(c *tender.Customer) { c.Firstname, c.Lastname, c.Company = "Bob", "Lee", "Globex" })
		mk(2, func(c *tender.Customer) { c.Firstname, c.Company = "Cy", "Acme 50 off" })
		got, err := s.CustomerGet(ctx, m.ID, a.ID)
		if err != nil || got.Email != "Ann@Example.com" || len(got.CCEmails) != 1 || !got.CreatedAt.Equal(a.CreatedAt.Time) || got.DeletedAt != nil {
			t.Fatalf("get = %+v, %v", got, err)
		}
		for _, tc := range []struct {
			name string
			f    tender.CustomerFilter
			want int
		}{
			{"all", tender.CustomerFilter{}, 3},
			{"email any case", tender.CustomerFilter{Email: "ann@example.COM"}, 1},
			{"firstname", tender.CustomerFilter{Firstname: "bob"}, 1},
			{"lastname", tender.CustomerFilter{Lastname: "lee"}, 2},
			{"company", tender.CustomerFilter{Company: "globex"}, 1},
			{"phone", tender.CustomerFilter{Phone: "555"}, 1},
			{"reference", tender.CustomerFilter{Reference: "r1"}, 1},
			{"keyword", tender.CustomerFilter{Keywords: []string{"LEE"}}, 2},
			{"keywords and", tender.CustomerFilter{Keywords: []string{"lee", "acme"}}, 1},
			{"literal percent", tender.CustomerFilter{Keywords: []string{"50%"}}, 1},
			{"literal underscore", tender.CustomerFilter{Keywords: []string{"%_o"}}, 1},
			{"full name", tender.CustomerFilter{Keywords: []string{"ann lee"}}, 1},
			{"from inclusive", tender.CustomerFilter{CreatedFrom: now.Add(time.Minute)}, 2},
			{"to inclusive", tender.CustomerFilter{CreatedTo: now.Add(time.Minute)}, 2},
		} {
			page, err := s.CustomerList(ctx, m.ID, tc.f, tender.ListParams{Page: 1, PerPage: 10, Desc: true})
			if err != nil || page.Total != tc.want || len(page.Items) != tc.want {
				t.Errorf("%s: total %d items %d err %v, want %d", tc.name, page.Total, len(page.Items), err, tc.want)
			}
		}
		for _, col := range tender.CustomerSorts {
			for _, desc := range []bool{false, true} {
				page, err := s.CustomerList(ctx, m.ID, tender.CustomerFilter{}, tender.ListParams{Page: 2, PerPage: 2, Sort: col, Desc: desc})
				if err != nil || page.Total != 3 || len(page.Items) != 1 {
					t.Errorf("sort %s desc=%v page 2: %+v %v", col, desc, page, err)
				}
			}
		}
		page, _ := s.CustomerList(ctx, m.ID, tender.CustomerFilter{}, tender.ListParams{Page: 1, PerPage: 3, Sort: "created_at"})
		if page.Items[0].ID != a.ID {
			t.Error("created_at ascending does not start with the oldest")
		}
		// Tenant isolation.
		if _, err := s.CustomerGet(ctx, other.ID, a.ID); tender.ErrorCode(err) != tender.ENOTFOUND {
			t.Error("another merchant read a customer")
		}
		stolen := *a
		stolen.MerchantID, stolen.Firstname = other.ID, "Stolen"
		if err := s.CustomerUpdate(ctx, &stolen); tender.ErrorCode(err) != tender.ENOTFOUND {
			t.Errorf("another merchant updated: %v", err)
		}
		if err := s.CustomerDelete(ctx, other.ID, a.ID, now.Time); tender.ErrorCode(err) != tender.ENOTFOUND {
			t.Error("another merchant deleted")
		}
		if p, _ := s.CustomerList(ctx, other.ID, tender.CustomerFilter{}, tender.ListParams{Page: 1, PerPage: 10}); p.Total != 0 {
			t.Error("another merchant lists customers")
		}
		for _, id := range []string{"nope", "", "'; DROP TABLE customers; --"} {
			if _, err := s.CustomerGet(ctx, m.ID, id); tender.ErrorCode(err) != tender.ENOTFOUND {
				t.Errorf("malformed id %q: %v", id, err)
			}
		}
		// Update, then soft delete.
		a.Notes, a.UpdatedAt = "vip", tender.NewTime(now.Add(time.Hour))
		if err := s.CustomerUpdate(ctx, a); err != nil {
			t.Fatal(err)
		}
		if err := s.CustomerDelete(ctx, m.ID, a.ID, now.Add(2*time.Hour)); err != nil {
			t.Fatal(err)
		}
		got, err = s.CustomerGet(ctx, m.ID, a.ID)
		if err != nil || got.DeletedAt == nil || got.Notes != "vip" || got.Firstname != "Ann" {
			t.Fatalf("deleted = %+v, %v", got, err)
		}
		if err := s.CustomerDelete(ctx, m.ID, a.ID, now.Time); tender.ErrorCode(err) != tender.ENOTFOUND {
			t.Error("deleted twice")
		}
		if err := s.CustomerUpdate(ctx, a); tender.ErrorCode(err) != tender.ENOTFOUND {
			t.Error("updated after delete")
		}
		if p, _ := s.CustomerList(ctx, m.ID, tender.CustomerFilter{}, tender.ListParams{Page: 1, PerPage: 10}); p.Total != 2 {
			t.Error("deleted customer listed")
		}
	})

	t.Run("CustomerMatch", func(t *testing.T) {
		t.Parallel()
		s := open(t)
		m, other := newMerchant(t, s, now), newMerchant(t, s, now)
		mk := func(merchantID string, i int, f func(*tender.Customer)) *tender.Customer {
			c := newCustomer(merchantID, tender.NewTime(now.Add(time.Duration(i)*time.Minute)), f)
			if err := s.CustomerCreate(ctx, c); err != nil {
				t.Fatal(err)
			}
			return c
		}
		bob := mk(m.ID, 0, func(c *tender.Customer) {
			c.Firstname, c.Lastname, c.Email, c.Phone = "Bob", "Smith", "Bob@Example.com", "4075550100"
			c.Company, c.Address1, c.AddressCity, c.AddressZip = "Acme", "123 North Way", "Orlando", "32801"
		})
		mk(m.ID, 1, func(c *tender.Customer) { c.Firstname, c.Lastname, c.Email = "Bob", "Smith", "bob@example.com" })
		gone := mk(m.ID, 2, func(c *tender.Customer) { c.Firstname, c.Phone = "Gone", "111" })
		if err := s.CustomerDelete(ctx, m.ID, gone.ID, now.Time); err != nil {
			t.Fatal(err)
		}
		mk(other.ID, 0, func(c *tender.Customer) { c.Firstname, c.Email, c.Phone = "Bob", "other@example.com", "4075550100" })
		for _, tc := range []struct {
			name  string
			g     tender.MatchGroup
			probe tender.Customer
			want  string // "" = no match
		}{
			{"email, any case, oldest first", tender.MatchEmail, tender.Customer{Email: "BOB@example.com"}, bob.ID},
			{"email of another merchant", tender.MatchEmail, tender.Customer{Email: "other@example.com"}, ""},
			{"company and address", tender.MatchCompanyAddress, tender.Customer{Company: "Acme", Address1: "123 North Way", AddressCity: "Orlando"}, bob.ID},
			{"company, address abbreviated", tender.MatchCompanyAddress, tender.Customer{Company: "Acme", Address1: "123 Noth. Way", AddressCity: "Orlando"}, ""},
			{"company without city", tender.MatchCompanyAddress, tender.Customer{Company: "Acme", Address1: "123 North Way"}, ""},
			{"firstname and phone", tender.MatchFirstnamePhone, tender.Customer{Firstname: "Bob", Phone: "4075550100"}, bob.ID},
			{"firstname differs", tender.MatchFirstnamePhone, tender.Customer{Firstname: "Bobby", Phone: "4075550100"}, ""},
			{"name and address", tender.MatchNameAddress, tender.Customer{Firstname: "Bob", Lastname: "Smith", Address1: "123 North Way", AddressZip: "32801"}, bob.ID},
			{"name case differs", tender.MatchNameAddress, tender.Customer{Firstname: "bob", Lastname: "Smith", Address1: "123 North Way", AddressZip: "32801"}, ""},
			{"lastname and phone", tender.MatchLastnamePhone, tender.Customer{Lastname: "Smith", Phone: "4075550100"}, bob.ID},
			{"deleted customer", tender.MatchFirstnamePhone, tender.Customer{Firstname: "Gone", Phone: "111"}, ""},
			{"injection", tender.MatchEmail, tender.Customer{Email: "' OR 1=1 --"}, ""},
		} {
			got, err := s.CustomerMatch(ctx, m.ID, tc.g, &tc.probe)
			switch {
			case tc.want == "" && tender.ErrorCode(err) != tender.ENOTFOUND:
				t.Errorf("%s: got %v, %v; want no match", tc.name, got, err)
			case tc.want != "" && (err != nil || got.ID != tc.want):
				t.Errorf("%s: got %v, %v; want %s", tc.name, got, err, tc.want)
			}
		}
	})

	t.Run("CustomerPositions", func(t *testing.T) {
		t.Parallel()
		s := open(t)
		m, other := newMerchant(t, s, now), newMerchant(t, s, now)
		// 2,450 customers, so positions span three blocks of 1,000; a few of
		// another merchant's in between.
		const n = 2450
		base := now.Add(-3 * time.Hour)
		var ids []string // oldest first
		if err := s.InTx(ctx, func(tx store.Executor) error {
			for i := range n {
				at := tender.NewTime(base.Add(time.Duration(i) * time.Millisecond))
				c := newCustomer(m.ID, at, nil)
				if err := tx.CustomerCreate(ctx, c); err != nil {
					return err
				}
				ids = append(ids, c.ID)
				if i%500 == 0 {
					if err := tx.CustomerCreate(ctx, newCustomer(other.ID, at, nil)); err != nil {
						return err
					}
				}
			}
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		newest := func(p tender.ListParams) tender.ListParams {
			p.Sort, p.Desc = "created_at", true
			return p
		}
		// want is the counting path's list (a filter that matches every
		// customer takes it); the default list must page the same way.
		check := func(stage string) {
			t.Helper()
			all, err := s.CustomerList(ctx, m.ID, tender.CustomerFilter{CreatedFrom: base.Add(-time.Hour)}, newest(tender.ListParams{Page: 1, PerPage: 5000}))
			if err != nil {
				t.Fatal(err)
			}
			var want []string
			for _, c := range all.Items {
				want = append(want, c.ID)
			}
			for _, per := range []int{100, 7} {
				var got []string
				last := (len(want) + per - 1) / per
				for page := 1; page <= last+1; page++ {
					if per == 7 && page%9 != 0 && page != last && page != last+1 && page != 143 && page != 286 {
						continue // a sample, across the blocks' edges
					}
					p, err := s.CustomerList(ctx, m.ID, tender.CustomerFilter{}, newest(tender.ListParams{Page: page, PerPage: per}))
					if err != nil {
						t.Fatalf("%s: per %d page %d: %v", stage, per, page, err)
					}
					if p.Total != len(want) {
						t.Fatalf("%s: per %d page %d: total %d, want %d", stage, per, page, p.Total, len(want))
					}
					from := min((page-1)*per, len(want))
					wantPage := want[from:min(from+per, len(want))]
					var gotPage []string
					for _, c := range p.Items {
						if c.MerchantID != m.ID || c.DeletedAt != nil {
							t.Fatalf("%s: listed %+v", stage, c)
						}
						gotPage = append(gotPage, c.ID)
					}
					if !slices.Equal(gotPage, wantPage) {
						t.Fatalf("%s: per %d page %d = %v, want %v", stage, per, page, gotPage, wantPage)
					}
					got = append(got, gotPage...)
				}
				if per == 100 && !slices.Equal(got, want) {
					t.Fatalf("%s: pages of 100 differ from the list", stage)
				}
			}
		}
		assign := func(before time.Time, limit int) int {
			t.Helper()
			var k int
			if err := s.InTx(ctx, func(tx store.Executor) error {
				var err error
				k, err = tx.ListPositionsAssign(ctx, before, limit)
				return err
			}); err != nil {
				t.Fatal(err)
			}
			return k
		}
		deleted := map[string]bool{}
		del := func(id string) {
			t.Helper()
			if deleted[id] {
				return
			}
			deleted[id] = true
			if err := s.CustomerDelete(ctx, m.ID, id, now.Time); err != nil {
				t.Fatal(err)
			}
		}
		check("unnumbered")
		for i := 3; i < n; i += 97 { // deleted while queued
			del(ids[i])
		}
		check("deleted while queued")
		// Oldest first, limit at a time, only those created before the cutoff.
		if k := assign(now.Add(-time.Hour), 1700); k != 1700 {
			t.Fatalf("assigned %d, want 1700", k)
		}
		check("partly numbered")
		for i := 5; i < n; i += 11 { // numbered (the first 1,700 or so) and queued
			del(ids[i])
		}
		check("deleted after numbering")
		if k := assign(now.Add(-time.Hour), 5000); k == 0 {
			t.Fatal("nothing left to number")
		}
		if k := assign(now.Add(time.Hour), 5000); k != 0 {
			t.Fatalf("numbered again: %d", k)
		}
		check("all numbered")
		// Deletes racing the numberer (PostgreSQL: row locks order them):
		// the counts stay exact.
		var fresh []string
		for i := range 300 {
			c := createCustomer(t, s, m.ID, tender.NewTime(now.Add(-2*time.Hour+time.Duration(i)*time.Millisecond)))
			fresh = append(fresh, c.ID)
		}
		var wg sync.WaitGroup
		wg.Go(func() {
			for range 30 {
				if err := s.InTx(ctx, func(tx store.Executor) error {
					_, err := tx.ListPositionsAssign(ctx, now.Add(time.Hour), 10)
					return err
				}); err != nil {
					t.Error(err)
				}
			}
		})
		for i := 0; i < len(fresh); i += 3 {
			wg.Go(func() {
				if err := s.CustomerDelete(ctx, m.ID, fresh[i], now.Time); err != nil {
					t.Error(err)
				}
			})
		}
		wg.Wait()
		assign(now.Add(time.Hour), 5000)
		check("deleted while numbering")
		// New customers come first, newest first, before they are numbered.
		c := createCustomer(t, s, m.ID, tender.NewTime(now.Add(time.Minute)))
		if p, err := s.CustomerList(ctx, m.ID, tender.CustomerFilter{}, newest(tender.ListParams{Page: 1, PerPage: 2})); err != nil || p.Items[0].ID != c.ID {
			t.Fatalf("first page = %+v, %v", p, err)
		}
		check("a new customer")
		// Another merchant's list is its own.
		if p, err := s.CustomerList(ctx, other.ID, tender.CustomerFilter{}, newest(tender.ListParams{Page: 1, PerPage: 10})); err != nil || p.Total != 5 || len(p.Items) != 5 {
			t.Fatalf("other merchant: %+v, %v", p, err)
		}
	})
}
