// Package storetest is the one conformance suite every store.Store
// implementation passes, in the manner of River's riverdrivertest: the
// sqlite and postgres packages each call Exercise from their tests, and
// differences between databases are handled inside the stores, never by
// forking the suite.
package storetest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/tenderpay/tender"
	"github.com/tenderpay/tender/store"
)

// Open returns a fresh, migrated, empty store closed when t ends.
type Open func(t *testing.T) store.Store

// Exercise runs the suite.
// racing runs f(0..n-1) at once and counts the calls that succeeded; the
// others must fail with the code loser (any other error fails the test).
func racing(t *testing.T, n int, loser string, f func(i int) error) int {
	t.Helper()
	var wg sync.WaitGroup
	var won atomic.Int32
	for i := range n {
		wg.Go(func() {
			switch err := f(i); tender.ErrorCode(err) {
			case "":
				won.Add(1)
			case loser:
			default:
				t.Error(err)
			}
		})
	}
	wg.Wait()
	return int(won.Load())
}

func Exercise(t *testing.T, open Open) {
	ctx := context.Background()
	now := tender.NewTime(time.Date(2026, 3, 4, 5, 6, 7, 891234000, time.UTC))

	t.Run("Migrate", func(t *testing.T) {
		t.Parallel()
		s := open(t)
		if err := s.Migrate(ctx); err != nil {
			t.Fatalf("second migrate: %v", err)
		}
		if err := s.Ping(ctx); err != nil {
			t.Fatal(err)
		}
		if d := s.Dialect(); d != "sqlite" && d != "postgres" {
			t.Fatalf("dialect %q", d)
		}
	})

	t.Run("InTx", func(t *testing.T) {
		t.Parallel()
		s := open(t)
		m := newMerchant(t, s, now)
		c := newCustomer(m.ID, now, nil)
		errBoom := errors.New("boom")
		if err := s.InTx(ctx, func(tx store.Executor) error {
			if err := tx.CustomerCreate(ctx, c); err != nil {
				return err
			}
			return errBoom
		}); !errors.Is(err, errBoom) {
			t.Fatalf("err = %v", err)
		}
		if _, err := s.CustomerGet(ctx, m.ID, c.ID); tender.ErrorCode(err) != tender.ENOTFOUND {
			t.Fatal("rolled-back insert is visible")
		}
		func() {
			defer func() {
				if recover() == nil {
					t.Fatal("panic swallowed")
				}
			}()
			_ = s.InTx(ctx, func(tx store.Executor) error {
				_ = tx.CustomerCreate(ctx, c)
				panic("x")
			})
		}()
		if _, err := s.CustomerGet(ctx, m.ID, c.ID); tender.ErrorCode(err) != tender.ENOTFOUND {
			t.Fatal("insert before panic is visible")
		}
		if err := s.InTx(ctx, func(tx store.Executor) error { return tx.CustomerCreate(ctx, c) }); err != nil {
			t.Fatal(err)
		}
		if _, err := s.CustomerGet(ctx, m.ID, c.ID); err != nil {
			t.Fatal("committed insert not visible:", err)
		}
	})

	t.Run("Merchants", func(t *testing.T) {
		t.Parallel()
		s := open(t)
		p := &tender.Partner{ID: uuid.NewString(), Name: "ISV", CreatedAt: now}
		if err := s.PartnerCreate(ctx, p); err != nil {
			t.Fatal(err)
		}
		if got, err := s.PartnerGet(ctx, p.ID); err != nil || got.Name != "ISV" || !got.CreatedAt.Equal(now.Time) {
			t.Fatalf("partner = %+v, %v", got, err)
		}
		m := newMerchant(t, s, now)
		m2 := &tender.Merchant{ID: uuid.NewString(), PartnerID: p.ID, CompanyName: "B", Status: "ACTIVE",
			WebPaymentsToken: "tok-" + uuid.NewString(), AllowedOrigins: []string{"https://shop.test"},
			Features: tender.Features{SplitFunding: true, SurchargeRateBasis: 250}, CreatedAt: now, UpdatedAt: now}
		if err := s.MerchantCreate(ctx, m2); err != nil {
			t.Fatal(err)
		}
		dup := *m2
		dup.ID = uuid.NewString()
		if err := s.MerchantCreate(ctx, &dup); tender.ErrorCode(err) != tender.ECONFLICT {
			t.Fatalf("duplicate web token: %v", err)
		}
		got, err := s.MerchantGetByWebToken(ctx, m2.WebPaymentsToken)
		if err != nil || got.ID != m2.ID || !got.Features.SplitFunding || got.Features.SurchargeRateBasis != 250 ||
			len(got.AllowedOrigins) != 1 || got.PartnerID != p.ID {
			t.Fatalf("by token = %+v, %v", got, err)
		}
		got.Features.CPTokenization, got.CompanyName = true, "B2"
		if err := s.MerchantUpdate(ctx, got); err != nil {
			t.Fatal(err)
		}
		if g, _ := s.MerchantGet(ctx, m2.ID); !g.Features.CPTokenization || g.CompanyName != "B2" {
			t.Fatalf("update lost: %+v", g)
		}
		if n, err := s.MerchantCount(ctx); err != nil || n != 2 {
			t.Fatalf("count = %d, %v", n, err)
		}
		for partner, want := range map[string]int{"": 2, p.ID: 1} {
			page, err := s.MerchantList(ctx, partner, tender.ListParams{Page: 1, PerPage: 10, Sort: "company_name"})
			if err != nil || page.Total != want || len(page.Items) != want {
				t.Fatalf("list %q = %+v, %v", partner, page, err)
			}
		}
		for _, id := range []string{"nope", "", uuid.NewString()} {
			if _, err := s.MerchantGet(ctx, id); tender.ErrorCode(err) != tender.ENOTFOUND {
				t.Fatalf("get %q: %v", id, err)
			}
		}
		_ = m
	})

	t.Run("APIKeys", func(t *testing.T) {
		t.Parallel()
		s := open(t)
		m := newMerchant(t, s, now)
		k := &tender.APIKey{ID: uuid.NewString(), Kind: tender.KeyMerchant, MerchantID: m.ID, Hash: "h1", Prefix: "tnd_sk_ab", CreatedAt: now.Time}
		if err := s.APIKeyCreate(ctx, k); err != nil {
			t.Fatal(err)
		}
		if got, err := s.APIKeyGetByHash(ctx, "h1", now.Time); err != nil || got.MerchantID != m.ID || got.Kind != tender.KeyMerchant {
			t.Fatalf("get = %+v, %v", got, err)
		}
		dup := *k
		dup.ID = uuid.NewString()
		if err := s.APIKeyCreate(ctx, &dup); tender.ErrorCode(err) != tender.ECONFLICT {
			t.Fatalf("duplicate hash: %v", err)
		}
		eph := &tender.APIKey{ID: uuid.NewString(), Kind: tender.KeyEphemeral, MerchantID: m.ID, Hash: "h2", Prefix: "x",
			ExpiresAt: now.Add(time.Hour), CreatedAt: now.Time}
		if err := s.APIKeyCreate(ctx, eph); err != nil {
			t.Fatal(err)
		}
		if _, err := s.APIKeyGetByHash(ctx, "h2", now.Add(30*time.Minute)); err != nil {
			t.Fatal("live ephemeral key:", err)
		}
		if _, err := s.APIKeyGetByHash(ctx, "h2", now.Add(time.Hour)); tender.ErrorCode(err) != tender.ENOTFOUND {
			t.Fatal("expired key found")
		}
		if n, err := s.APIKeyDeleteExpired(ctx, now.Add(2*time.Hour)); err != nil || n != 1 {
			t.Fatalf("deleted %d, %v", n, err)
		}
		if _, err := s.APIKeyGetByHash(ctx, "h1", now.Add(48*time.Hour)); err != nil {
			t.Fatal("non-expiring key swept")
		}
	})

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
		for _, col := range store.CustomerSorts {
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

	t.Run("Items", func(t *testing.T) {
		t.Parallel()
		s := open(t)
		m := newMerchant(t, s, now)
		it := &tender.Item{ID: uuid.NewString(), MerchantID: m.ID, Item: "Cut", Code: "C1", Category: "svc", IsActive: true,
			Price: 2550, InStock: 3, Meta: json.RawMessage(`{"a":1}`), CreatedAt: now, UpdatedAt: now}
		if err := s.ItemCreate(ctx, it); err != nil {
			t.Fatal(err)
		}
		off := &tender.Item{ID: uuid.NewString(), MerchantID: m.ID, Item: "Old", Category: "retail", Meta: json.RawMessage(`{}`), CreatedAt: now, UpdatedAt: now}
		if err := s.ItemCreate(ctx, off); err != nil {
			t.Fatal(err)
		}
		got, err := s.ItemGet(ctx, m.ID, it.ID)
		if err != nil || got.Price != 2550 || got.InStock != 3 || string(compact(got.Meta)) != `{"a":1}` || !got.IsActive {
			t.Fatalf("item = %+v, %v", got, err)
		}
		yes, no := true, false
		for name, tc := range map[string]struct {
			f    tender.ItemFilter
			want int
		}{
			"all": {tender.ItemFilter{}, 2}, "category": {tender.ItemFilter{Category: "svc"}, 1},
			"code": {tender.ItemFilter{Code: "C1"}, 1}, "active": {tender.ItemFilter{Active: &yes}, 1},
			"inactive": {tender.ItemFilter{Active: &no}, 1}, "keyword": {tender.ItemFilter{Keywords: []string{"cu"}}, 1},
		} {
			if p, err := s.ItemList(ctx, m.ID, tc.f, tender.ListParams{Page: 1, PerPage: 5}); err != nil || p.Total != tc.want {
				t.Errorf("%s: %+v %v", name, p, err)
			}
		}
		for _, col := range store.ItemSorts {
			if _, err := s.ItemList(ctx, m.ID, tender.ItemFilter{}, tender.ListParams{Page: 1, PerPage: 5, Sort: col, Desc: true}); err != nil {
				t.Errorf("sort %s: %v", col, err)
			}
		}
		got.InStock = -1
		if err := s.ItemUpdate(ctx, got); tender.ErrorCode(err) != tender.ECONFLICT {
			t.Errorf("negative stock: %v", err)
		}
		if err := s.ItemDelete(ctx, m.ID, it.ID, now.Time); err != nil {
			t.Fatal(err)
		}
		if err := s.ItemDelete(ctx, m.ID, it.ID, now.Time); tender.ErrorCode(err) != tender.ENOTFOUND {
			t.Error("deleted twice")
		}
	})

	t.Run("Events", func(t *testing.T) {
		t.Parallel()
		s := open(t)
		m := newMerchant(t, s, now)
		for i, name := range []string{"create_customer", "update_customer", "delete_customer"} {
			ev := &tender.Event{ID: uuid.NewString(), MerchantID: m.ID, Name: name, ObjectType: "customer", ObjectID: "c1",
				Payload: json.RawMessage(`{"i":` + fmt.Sprint(i) + `}`), CreatedAt: now.Add(time.Duration(i) * time.Second)}
			if err := s.EventInsert(ctx, ev); err != nil {
				t.Fatal(err)
			}
		}
		evs, err := s.EventListSince(ctx, m.ID, time.Time{}, 10)
		if err != nil || len(evs) != 3 || evs[0].Name != "create_customer" || evs[2].Name != "delete_customer" {
			t.Fatalf("events = %v, %v", evs, err)
		}
		if evs, _ := s.EventListSince(ctx, m.ID, now.Time, 10); len(evs) != 2 {
			t.Fatalf("since: %d", len(evs))
		}
	})

	t.Run("PaymentMethods", func(t *testing.T) {
		t.Parallel()
		s := open(t)
		m, other := newMerchant(t, s, now), newMerchant(t, s, now)
		c := newCustomer(m.ID, now, nil)
		if err := s.CustomerCreate(ctx, c); err != nil {
			t.Fatal(err)
		}
		if has, err := s.PaymentMethodCustomerHasAny(ctx, m.ID, c.ID); err != nil || has {
			t.Fatalf("has any before the first: %v %v", has, err)
		}
		pm := newPaymentMethod(m.ID, c.ID, now)
		if err := s.PaymentMethodCreate(ctx, pm, &tender.PaymentMethodSecret{SealedNumber: "v1.k1.num", SealedCVV: "v1.k1.cvv"}); err != nil {
			t.Fatal(err)
		}
		pm2 := newPaymentMethod(m.ID, c.ID, now)
		pm2.Method, pm2.IsDefault = "bank", false
		if err := s.PaymentMethodCreate(ctx, pm2, &tender.PaymentMethodSecret{SealedNumber: "v1.k1.acct", BankRouting: "021000021"}); err != nil {
			t.Fatal(err)
		}
		got, err := s.PaymentMethodGet(ctx, m.ID, pm.ID)
		if err != nil || got.CardLastFour != "1111" || got.Fingerprint != pm.Fingerprint || !got.IsDefault || !got.HasCVV {
			t.Fatalf("get = %+v, %v", got, err)
		}
		both, sec, cust, err := s.PaymentMethodWithSecret(ctx, m.ID, pm.ID)
		if err != nil || both.CardLastFour != "1111" || sec.PaymentMethodID != pm.ID || sec.SealedNumber != "v1.k1.num" ||
			sec.SealedCVV != "v1.k1.cvv" {
			t.Fatalf("with secret = %+v %+v, %v", both, sec, err)
		}
		if wantC, _ := s.CustomerGet(ctx, m.ID, c.ID); cust == nil || cust.ID != c.ID || cust.MerchantID != m.ID ||
			cust.Firstname != wantC.Firstname || cust.Email != wantC.Email || !slices.Equal(cust.CCEmails, wantC.CCEmails) ||
			!cust.CreatedAt.Equal(wantC.CreatedAt.Time) || (cust.DeletedAt == nil) != (wantC.DeletedAt == nil) {
			t.Fatalf("with secret: customer = %+v, want %+v", cust, wantC)
		}
		if _, _, _, err := s.PaymentMethodWithSecret(ctx, other.ID, pm.ID); tender.ErrorCode(err) != tender.ENOTFOUND {
			t.Fatal("another merchant read a secret")
		}
		if err := s.PaymentMethodEraseCVV(ctx, pm.ID, now.Time); err != nil {
			t.Fatal(err)
		}
		if _, sec, _, _ := s.PaymentMethodWithSecret(ctx, m.ID, pm.ID); sec.SealedCVV != "" {
			t.Fatal("cvv not erased")
		}
		if got, _ := s.PaymentMethodGet(ctx, m.ID, pm.ID); got.HasCVV {
			t.Fatal("has_cvv after erase")
		}
		if err := s.PaymentMethodClearDefault(ctx, m.ID, c.ID, pm2.ID, now.Time); err != nil {
			t.Fatal(err)
		}
		if got, _ := s.PaymentMethodGet(ctx, m.ID, pm.ID); got.IsDefault {
			t.Fatal("default not cleared")
		}
		got.Nickname, got.AddressZip = "work", "32801"
		if err := s.PaymentMethodUpdate(ctx, got); err != nil {
			t.Fatal(err)
		}
		for f, want := range map[tender.PaymentMethodFilter]int{{}: 2, {CustomerID: c.ID}: 2, {Method: "bank"}: 1} {
			if p, err := s.PaymentMethodList(ctx, m.ID, f, tender.ListParams{Page: 1, PerPage: 5}); err != nil || p.Total != want {
				t.Errorf("list %+v: %+v %v", f, p, err)
			}
		}
		if has, err := s.PaymentMethodCustomerHasAny(ctx, m.ID, c.ID); err != nil || !has {
			t.Fatalf("has any: %v %v", has, err)
		}
		if has, _ := s.PaymentMethodCustomerHasAny(ctx, other.ID, c.ID); has {
			t.Fatal("another merchant sees the customer's payment methods")
		}
		if list, err := s.PaymentMethodsOfCustomer(ctx, m.ID, c.ID); err != nil || len(list) != 2 {
			t.Fatalf("of customer: %v %v", list, err)
		}
		page, err := s.PaymentMethodSecretsPage(ctx, "", 1)
		if err != nil || len(page) != 1 {
			t.Fatalf("secrets page: %v %v", page, err)
		}
		rest, _ := s.PaymentMethodSecretsPage(ctx, page[0].PaymentMethodID, 10)
		if len(rest) != 1 || rest[0].PaymentMethodID == page[0].PaymentMethodID {
			t.Fatal("secrets paging")
		}
		page[0].SealedNumber = "v1.k2.new"
		if err := s.PaymentMethodSetSealed(ctx, page[0]); err != nil {
			t.Fatal(err)
		}
		if err := s.PaymentMethodDelete(ctx, m.ID, pm.ID, now.Time); err != nil {
			t.Fatal(err)
		}
		if list, _ := s.PaymentMethodsOfCustomer(ctx, m.ID, c.ID); len(list) != 1 {
			t.Fatal("deleted payment method still listed")
		}
		if err := s.PaymentMethodDelete(ctx, m.ID, pm.ID, now.Time); tender.ErrorCode(err) != tender.ENOTFOUND {
			t.Fatal("deleted twice")
		}
	})

	t.Run("Transactions", func(t *testing.T) {
		t.Parallel()
		s := open(t)
		m, other := newMerchant(t, s, now), newMerchant(t, s, now)
		parent := newTransaction(m.ID, "", now)
		if err := s.TransactionCreate(ctx, parent); err != nil {
			t.Fatal(err)
		}
		err := s.InTx(ctx, func(tx store.Executor) error {
			p, err := tx.TransactionGetForUpdate(ctx, m.ID, parent.ID)
			if err != nil {
				return err
			}
			p.Status, p.Success, p.Captured, p.IsCaptured, p.GatewayRef = tender.StatusSuccess, true, p.Total, true, "ref1"
			p.SettledAt = &now
			return tx.TransactionUpdate(ctx, p)
		})
		if err != nil {
			t.Fatal(err)
		}
		got, err := s.TransactionGet(ctx, m.ID, parent.ID)
		if err != nil || !got.Success || got.Captured != 1000 || got.GatewayRef != "ref1" || got.SettledAt == nil || !got.SettledAt.Equal(now.Time) {
			t.Fatalf("get = %+v, %v", got, err)
		}
		// The refund invariant is also a database constraint.
		over := *got
		over.TotalRefunded = over.Captured + 1
		if err := s.TransactionUpdate(ctx, &over); tender.ErrorCode(err) != tender.ECONFLICT {
			t.Fatalf("refunded > captured: %v", err)
		}
		child := newTransaction(m.ID, parent.ID, tender.NewTime(now.Add(time.Second)))
		child.Type = tender.TxRefund
		if err := s.TransactionCreate(ctx, child); err != nil {
			t.Fatal(err)
		}
		kids, err := s.TransactionChildren(ctx, m.ID, []string{parent.ID, uuid.NewString()})
		if err != nil || len(kids) != 1 || kids[0].ParentID != parent.ID {
			t.Fatalf("children = %v, %v", kids, err)
		}
		if kids, _ := s.TransactionChildren(ctx, other.ID, []string{parent.ID}); len(kids) != 0 {
			t.Fatal("another merchant sees children")
		}
		yes := true
		for name, tc := range map[string]struct {
			f    tender.TransactionFilter
			want int
		}{
			"all": {tender.TransactionFilter{}, 2}, "type": {tender.TransactionFilter{Type: "refund"}, 1},
			"success": {tender.TransactionFilter{Success: &yes}, 1}, "status": {tender.TransactionFilter{Status: "PENDING"}, 1},
			"customer": {tender.TransactionFilter{CustomerID: parent.CustomerID}, 2},
			"pm":       {tender.TransactionFilter{PaymentMethodID: "nope"}, 0},
			"from":     {tender.TransactionFilter{CreatedFrom: now.Add(time.Second)}, 1},
			"to":       {tender.TransactionFilter{CreatedTo: now.Time}, 1},
		} {
			if p, err := s.TransactionList(ctx, m.ID, tc.f, tender.ListParams{Page: 1, PerPage: 5}); err != nil || p.Total != tc.want {
				t.Errorf("%s: %+v %v", name, p, err)
			}
		}
		for _, col := range store.TransactionSorts {
			if _, err := s.TransactionList(ctx, m.ID, tender.TransactionFilter{}, tender.ListParams{Page: 1, PerPage: 5, Sort: col}); err != nil {
				t.Errorf("sort %s: %v", col, err)
			}
		}
		if p, _ := s.TransactionList(ctx, other.ID, tender.TransactionFilter{}, tender.ListParams{Page: 1, PerPage: 5}); p.Total != 0 {
			t.Fatal("another merchant lists transactions")
		}
		if _, err := s.TransactionGetForUpdate(ctx, other.ID, parent.ID); tender.ErrorCode(err) != tender.ENOTFOUND {
			t.Fatal("another merchant locks a transaction")
		}
		pending, err := s.TransactionsPending(ctx, now.Add(time.Hour), 10)
		if err != nil || len(pending) != 1 || pending[0].ID != child.ID {
			t.Fatalf("pending = %v, %v", pending, err)
		}
		unsettled := newTransaction(m.ID, "", now)
		unsettled.Status, unsettled.Success, unsettled.Captured, unsettled.IsCaptured = tender.StatusSuccess, true, unsettled.Total, true
		if err := s.TransactionCreate(ctx, unsettled); err != nil {
			t.Fatal(err)
		}
		for merchant, want := range map[string]int{"": 1, m.ID: 1, other.ID: 0} {
			if u, err := s.TransactionsUnsettled(ctx, merchant, now.Add(time.Hour), 10); err != nil || len(u) != want {
				t.Errorf("unsettled %q: %v %v", merchant, u, err)
			}
		}
	})

	t.Run("TransactionCreateClaimed", func(t *testing.T) {
		t.Parallel()
		s := open(t)
		m, other := newMerchant(t, s, now), newMerchant(t, s, now)
		key := func(merchantID, txID string) *tender.IdempotencyRecord {
			return &tender.IdempotencyRecord{MerchantID: merchantID, Scope: "charge", Key: "claimed", RequestHash: "h",
				State: tender.IdemInFlight, TransactionID: txID, CreatedAt: now.Time, UpdatedAt: now.Time}
		}
		first := newTransaction(m.ID, "", now)
		if err := s.TransactionCreateClaimed(ctx, key(m.ID, first.ID), first); err != nil {
			t.Fatal(err)
		}
		if got, err := s.TransactionGet(ctx, m.ID, first.ID); err != nil || got.Status != tender.StatusPending {
			t.Fatalf("get = %+v, %v", got, err)
		}
		if k, err := s.IdempotencyGet(ctx, m.ID, "charge", "claimed"); err != nil || k.TransactionID != first.ID || k.State != tender.IdemInFlight {
			t.Fatalf("key = %+v, %v", k, err)
		}
		// A taken key writes neither row.
		second := newTransaction(m.ID, "", now)
		if err := s.TransactionCreateClaimed(ctx, key(m.ID, second.ID), second); tender.ErrorCode(err) != tender.ECONFLICT {
			t.Fatalf("same key: %v", err)
		}
		if _, err := s.TransactionGet(ctx, m.ID, second.ID); tender.ErrorCode(err) != tender.ENOTFOUND {
			t.Fatalf("the refused transaction was written: %v", err)
		}
		// Keys are per merchant; no key writes the transaction alone.
		theirs, keyless := newTransaction(other.ID, "", now), newTransaction(m.ID, "", now)
		if err := s.TransactionCreateClaimed(ctx, key(other.ID, theirs.ID), theirs); err != nil {
			t.Fatal("the same key of another merchant:", err)
		}
		if err := s.TransactionCreateClaimed(ctx, nil, keyless); err != nil {
			t.Fatal(err)
		}
		// Racing claims of one key: exactly one transaction is written.
		if won := racing(t, 8, tender.ECONFLICT, func(int) error {
			tx := newTransaction(m.ID, "", now)
			k := key(m.ID, tx.ID)
			k.Key = "race"
			return s.TransactionCreateClaimed(ctx, k, tx)
		}); won != 1 {
			t.Fatalf("%d racing claims won", won)
		}
		if p, _ := s.TransactionList(ctx, m.ID, tender.TransactionFilter{}, tender.ListParams{Page: 1, PerPage: 50}); p.Total != 3 {
			t.Fatalf("%d transactions, want 3", p.Total)
		}

		// TransactionUpdatePending finalises a PENDING row once.
		done := *first
		done.Status, done.Success, done.Captured, done.IsCaptured, done.GatewayRef = tender.StatusSuccess, true, done.Total, true, "ref"
		stranger := done
		stranger.MerchantID = other.ID
		if err := s.TransactionUpdatePending(ctx, &stranger); tender.ErrorCode(err) != tender.ENOTFOUND {
			t.Fatalf("another merchant's update: %v", err)
		}
		if err := s.TransactionUpdatePending(ctx, &done); err != nil {
			t.Fatal(err)
		}
		again := done
		again.GatewayRef = "ref2"
		if err := s.TransactionUpdatePending(ctx, &again); tender.ErrorCode(err) != tender.ENOTFOUND {
			t.Fatalf("update of a finalised transaction: %v", err)
		}
		if got, _ := s.TransactionGet(ctx, m.ID, first.ID); got.Status != tender.StatusSuccess || got.GatewayRef != "ref" {
			t.Fatalf("after = %+v", got)
		}

		// TransactionFinalize: the outcome, its event and the response, once,
		// all or nothing; racing finalisations of one transaction: one wins.
		event := func(tx *tender.Transaction) *tender.Event {
			return &tender.Event{ID: uuid.NewString(), MerchantID: tx.MerchantID, Name: tender.EventCreateTransaction,
				ObjectType: "transaction", ObjectID: tx.ID, Payload: json.RawMessage(`{"z": 1,"id":"` + tx.ID + `"}`), CreatedAt: now.Time}
		}
		final := *theirs
		final.Status, final.Success, final.Captured, final.IsCaptured, final.GatewayRef = tender.StatusSuccess, true, final.Total, true, "fin"
		alien := final
		alien.MerchantID = m.ID
		if err := s.TransactionFinalize(ctx, &alien, event(&alien), "success", `{"alien":1}`, now.Time); tender.ErrorCode(err) != tender.ENOTFOUND {
			t.Fatalf("another merchant's finalisation: %v", err)
		}
		if won := racing(t, 8, tender.ENOTFOUND, func(i int) error {
			f := final
			f.AuthCode = strconv.Itoa(i)
			return s.TransactionFinalize(ctx, &f, event(&f), "success", `{"n":`+f.AuthCode+`}`, now.Time)
		}); won != 1 {
			t.Fatalf("%d racing finalisations won", won)
		}
		got, err := s.TransactionGet(ctx, other.ID, theirs.ID)
		if err != nil || got.Status != tender.StatusSuccess || got.GatewayRef != "fin" {
			t.Fatalf("finalised = %+v, %v", got, err)
		}
		k, err := s.IdempotencyGet(ctx, other.ID, "charge", "claimed")
		if err != nil || k.State != tender.IdemDone || k.Response != `{"n":`+got.AuthCode+`}` || k.Outcome != "success" {
			t.Fatalf("key = %+v, %v (auth code %q)", k, err, got.AuthCode)
		}
		evs, err := s.EventListSince(ctx, other.ID, time.Time{}, 50)
		if err != nil || len(evs) != 1 || evs[0].ObjectID != theirs.ID {
			t.Fatalf("events = %+v, %v", evs, err)
		}
		if got, want := string(evs[0].Payload), `{"z": 1,"id":"`+theirs.ID+`"}`; got != want {
			t.Fatalf("payload %s, want the bytes written: %s", got, want)
		}
		if evs, _ := s.EventListSince(ctx, m.ID, time.Time{}, 50); len(evs) != 0 {
			t.Fatalf("the refused finalisation wrote events: %+v", evs)
		}
	})

	t.Run("Invoices", func(t *testing.T) {
		t.Parallel()
		s := open(t)
		m, other := newMerchant(t, s, now), newMerchant(t, s, now)
		c := newCustomer(m.ID, now, nil)
		if err := s.CustomerCreate(ctx, c); err != nil {
			t.Fatal(err)
		}
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
		for _, col := range store.InvoiceSorts {
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

	t.Run("Messages", func(t *testing.T) {
		t.Parallel()
		s := open(t)
		m := newMerchant(t, s, now)
		for i, status := range []string{tender.MessageQueued, tender.MessageOutbox, tender.MessageQueued} {
			at := tender.NewTime(now.Add(time.Duration(i) * time.Second))
			msg := &tender.Message{ID: uuid.NewString(), MerchantID: m.ID, Channel: tender.ChannelEmail, Kind: "receipt",
				To: "a@example.com", Subject: "S", Text: "T", HTML: "<p>T</p>", Status: status, NextAttempt: at, CreatedAt: at}
			if err := s.MessageCreate(ctx, msg); err != nil {
				t.Fatal(err)
			}
		}
		claim := func(at time.Time) []*tender.Message {
			var out []*tender.Message
			err := s.InTx(ctx, func(tx store.Executor) error {
				var err error
				out, err = tx.MessagesClaim(ctx, at, time.Minute, 10)
				return err
			})
			if err != nil {
				t.Fatal(err)
			}
			return out
		}
		if got := claim(now.Time); len(got) != 1 || got[0].Attempts != 1 || got[0].Status != tender.MessageSending {
			t.Fatalf("first claim = %+v", got)
		}
		if got := claim(now.Add(2 * time.Second)); len(got) != 1 {
			t.Fatalf("second claim = %d", len(got))
		}
		// The first lease has not expired; after it, the message is claimable again.
		got := claim(now.Add(61 * time.Second))
		if len(got) != 1 || got[0].Attempts != 2 {
			t.Fatalf("after the lease = %+v", got)
		}
		got[0].Status, got[0].SentAt = tender.MessageSent, &now
		if err := s.MessageUpdate(ctx, got[0]); err != nil {
			t.Fatal(err)
		}
		page, err := s.MessageList(ctx, m.ID, tender.ListParams{Page: 1, PerPage: 10, Desc: true})
		if err != nil || page.Total != 3 || page.Items[0].CreatedAt.Before(page.Items[2].CreatedAt.Time) {
			t.Fatalf("list = %+v, %v", page, err)
		}
	})

	t.Run("Idempotency", func(t *testing.T) {
		t.Parallel()
		s := open(t)
		m := newMerchant(t, s, now)
		r := &tender.IdempotencyRecord{MerchantID: m.ID, Scope: "charge", Key: "k", RequestHash: "h", State: tender.IdemInFlight,
			TransactionID: "t1", CreatedAt: now.Time, UpdatedAt: now.Time}
		if err := s.IdempotencyInsert(ctx, r); err != nil {
			t.Fatal(err)
		}
		if err := s.IdempotencyInsert(ctx, r); tender.ErrorCode(err) != tender.ECONFLICT {
			t.Fatalf("second claim: %v", err)
		}
		other := *r
		other.Scope, other.TransactionID = "refund", "t2"
		if err := s.IdempotencyInsert(ctx, &other); err != nil {
			t.Fatal("same key in another scope:", err)
		}
		if err := s.IdempotencyCompleteByTransaction(ctx, "t1", tender.EDECLINED, `{"a":1}`, now.Time); err != nil {
			t.Fatal(err)
		}
		if err := s.IdempotencyCompleteByTransaction(ctx, "no-such", "", `{}`, now.Time); err != nil {
			t.Fatal("completing an unclaimed transaction:", err)
		}
		got, err := s.IdempotencyGet(ctx, m.ID, "charge", "k")
		if err != nil || got.State != tender.IdemDone || got.Response != `{"a":1}` || got.Outcome != tender.EDECLINED {
			t.Fatalf("get = %+v %v", got, err)
		}
		r.Response = `{"b":2}`
		if err := s.IdempotencyComplete(ctx, r); err != nil {
			t.Fatal(err)
		}
		if got, _ := s.IdempotencyGet(ctx, m.ID, "charge", "k"); got.Response != `{"b":2}` {
			t.Fatal("complete by key")
		}
		if err := s.IdempotencyDelete(ctx, m.ID, "charge", "k"); err != nil {
			t.Fatal(err)
		}
		if _, err := s.IdempotencyGet(ctx, m.ID, "charge", "k"); err != nil {
			t.Fatal("a completed key was deleted")
		}
		if err := s.IdempotencyDelete(ctx, m.ID, "refund", "k"); err != nil {
			t.Fatal(err)
		}
		if _, err := s.IdempotencyGet(ctx, m.ID, "refund", "k"); tender.ErrorCode(err) != tender.ENOTFOUND {
			t.Fatal("in-flight key not released")
		}
	})

	t.Run("Webhooks", func(t *testing.T) {
		t.Parallel()
		s := open(t)
		p := &tender.Partner{ID: uuid.NewString(), Name: "P", CreatedAt: now}
		if err := s.PartnerCreate(ctx, p); err != nil {
			t.Fatal(err)
		}
		m, other := newMerchant(t, s, now), newMerchant(t, s, now)
		owned := &tender.Merchant{ID: uuid.NewString(), PartnerID: p.ID, CompanyName: "Owned", Status: "ACTIVE",
			WebPaymentsToken: "tok-" + uuid.NewString(), AllowedOrigins: []string{}, CreatedAt: now, UpdatedAt: now}
		if err := s.MerchantCreate(ctx, owned); err != nil {
			t.Fatal(err)
		}
		mk := func(merchantID, partnerID, event string) *tender.Webhook {
			w := &tender.Webhook{ID: uuid.NewString(), MerchantID: merchantID, PartnerID: partnerID, TargetURL: "https://x.test/h",
				Event: event, Secret: "whsec_x", MaxAttempts: 3, RetryBaseSeconds: 1, CreatedAt: now}
			if err := s.WebhookCreate(ctx, w); err != nil {
				t.Fatal(err)
			}
			return w
		}
		all := mk(m.ID, "", "*")
		mk(m.ID, "", "update_item")
		partnerHook := mk("", p.ID, "create_customer")
		// relay takes the events not relayed yet with their targets and writes
		// one delivery per target (with status as its outcome), as the
		// webhook relay does.
		relay := func(status string) (ids []string, events []*store.RelayEvent) {
			t.Helper()
			events, err := s.EventsToRelay(ctx, 100)
			if err != nil {
				t.Fatal(err)
			}
			var dels []*tender.WebhookDelivery
			for _, re := range events {
				for _, tg := range re.Targets {
					d := &tender.WebhookDelivery{ID: tender.NewID(), WebhookID: tg.Webhook.ID, MerchantID: re.Event.MerchantID,
						EventID: re.Event.ID, EventName: re.Event.Name, ObjectID: re.Event.ObjectID, Status: status,
						CreatedAt: tender.NewTime(re.Event.CreatedAt), UpdatedAt: now}
					if status == tender.DeliveryDelivered {
						d.Attempts, d.LastStatusCode, d.DeliveredAt = 1, 200, &now
					}
					dels = append(dels, d)
					ids = append(ids, d.ID)
				}
			}
			if err := s.InTx(ctx, func(tx store.Executor) error { return tx.EventsRelayed(ctx, events, dels) }); err != nil {
				t.Fatal(err)
			}
			return ids, events
		}
		for _, tc := range []struct {
			merchant, event string
			want            int
		}{{m.ID, "create_customer", 1}, {m.ID, "update_item", 2}, {owned.ID, "create_customer", 1}, {owned.ID, "update_item", 0}, {other.ID, "create_customer", 0}} {
			// One delivery per webhook the event goes to: the merchant's
			// and its partner's, subscribed to the name or to "*".
			ev := &tender.Event{ID: uuid.NewString(), MerchantID: tc.merchant, Name: tc.event, ObjectType: "x", ObjectID: "o" + tc.event,
				Payload: json.RawMessage(`{"n":1}`), CreatedAt: now.Time}
			if err := s.EventInsert(ctx, ev); err != nil {
				t.Fatal(err)
			}
			ids, events := relay(tender.DeliveryDelivered)
			if len(events) != 1 || len(ids) != tc.want {
				t.Fatalf("relay of %s to %s: %d events, %d deliveries; want 1, %d", tc.event, tc.merchant, len(events), len(ids), tc.want)
			}
			if got := events[0].Event; got.ID != ev.ID || got.ObjectID != ev.ObjectID || string(compact(got.Payload)) != `{"n":1}` ||
				got.MerchantID != tc.merchant || !got.CreatedAt.Equal(ev.CreatedAt) {
				t.Fatalf("relayed event = %+v", got)
			}
			for _, tg := range events[0].Targets {
				if tg.Blocked || tg.Webhook.Secret != "whsec_x" || tg.Webhook.MaxAttempts != 3 {
					t.Fatalf("target = %+v", tg)
				}
			}
			for _, id := range ids {
				d, err := s.DeliveryGet(ctx, id)
				if err != nil || d.Status != tender.DeliveryDelivered || d.Attempts != 1 || d.LastStatusCode != 200 ||
					d.DeliveredAt == nil || d.EventID != ev.ID || d.ObjectID != ev.ObjectID || d.MerchantID != tc.merchant {
					t.Fatalf("delivery = %+v %v", d, err)
				}
			}
		}
		if ids, events := relay(tender.DeliveryDelivered); len(events) != 0 || len(ids) != 0 {
			t.Fatalf("relayed twice: %d events", len(events))
		}
		// Relayed deliveries need no job from DeliveriesToEnqueue, which is
		// for those written otherwise (a replay).
		if pending, err := s.DeliveriesToEnqueue(ctx, 100); err != nil || len(pending) != 0 {
			t.Fatalf("relayed deliveries to enqueue = %d %v", len(pending), err)
		}
		// A webhook created after an event does not receive it.
		late := &tender.Event{ID: uuid.NewString(), MerchantID: m.ID, Name: "update_item", ObjectType: "item", ObjectID: "i9",
			Payload: json.RawMessage(`{"id":"i9"}`), CreatedAt: now.Add(-time.Minute)}
		if err := s.EventInsert(ctx, late); err != nil {
			t.Fatal(err)
		}
		if ids, events := relay(tender.DeliveryDelivered); len(events) != 1 || len(ids) != 0 {
			t.Fatalf("an earlier event went to later webhooks: %d deliveries", len(ids))
		}
		// Deliveries keep their object's order: while one is pending, the
		// next event of its object to that webhook is blocked behind it; the
		// batch's rows are written in order.
		for range 2 {
			if err := s.EventInsert(ctx, &tender.Event{ID: tender.NewID(), MerchantID: m.ID, Name: "update_item", ObjectType: "item",
				ObjectID: "i10", Payload: json.RawMessage(`{}`), CreatedAt: now.Time}); err != nil {
				t.Fatal(err)
			}
		}
		first, events := relay(tender.DeliveryPending)
		if len(events) != 2 || len(first) != 4 || events[0].Targets[0].Blocked {
			t.Fatalf("relay of two events: %d events, %d deliveries", len(events), len(first))
		}
		for i := 1; i < len(first); i++ {
			a, _ := s.DeliveryGet(ctx, first[i-1])
			b, _ := s.DeliveryGet(ctx, first[i])
			if a.Seq >= b.Seq {
				t.Fatalf("deliveries written out of order: %d then %d", a.Seq, b.Seq)
			}
		}
		if err := s.EventInsert(ctx, &tender.Event{ID: tender.NewID(), MerchantID: m.ID, Name: "update_item", ObjectType: "item",
			ObjectID: "i10", Payload: json.RawMessage(`{}`), CreatedAt: now.Time}); err != nil {
			t.Fatal(err)
		}
		if _, events := relay(tender.DeliveryDelivered); len(events) != 1 || len(events[0].Targets) != 2 ||
			!events[0].Targets[0].Blocked || !events[0].Targets[1].Blocked {
			t.Fatalf("an event behind pending deliveries of its object = %+v", events)
		}
		// The relay's lease: one holder at a time, renewed by its holder,
		// taken by another once expired (or handed back).
		lease := func(holder string, at time.Time) bool {
			t.Helper()
			ok, err := s.RelayLease(ctx, holder, at, at.Add(time.Minute))
			if err != nil {
				t.Fatal(err)
			}
			return ok
		}
		t0 := time.Now()
		if !lease("a", t0) || lease("b", t0.Add(time.Second)) || !lease("a", t0.Add(2*time.Second)) ||
			lease("b", t0.Add(time.Minute)) || !lease("b", t0.Add(2*time.Minute)) || lease("a", t0.Add(2*time.Minute)) {
			t.Fatal("relay lease: two holders, or a holder refused")
		}
		if ok, err := s.RelayLease(ctx, "b", t0.Add(2*time.Minute), t0.Add(2*time.Minute)); err != nil || !ok || !lease("a", t0.Add(3*time.Minute)) {
			t.Fatal("a handed-back lease was not taken")
		}
		if list, err := s.WebhookList(ctx, m.ID, uuid.Nil.String()); err != nil || len(list) != 2 {
			t.Fatalf("merchant list: %d %v", len(list), err)
		}
		if list, _ := s.WebhookList(ctx, uuid.Nil.String(), p.ID); len(list) != 1 || list[0].ID != partnerHook.ID {
			t.Fatal("partner list")
		}
		ev := &tender.Event{ID: uuid.NewString(), MerchantID: m.ID, Name: "update_customer", ObjectType: "customer",
			ObjectID: "c1", Payload: json.RawMessage(`{"id":"c1"}`), CreatedAt: now.Time}
		if err := s.EventInsert(ctx, ev); err != nil {
			t.Fatal(err)
		}
		if got, err := s.EventGet(ctx, ev.ID); err != nil || got.Name != ev.Name || string(compact(got.Payload)) != `{"id":"c1"}` {
			t.Fatalf("event = %+v %v", got, err)
		}
		var dels []*tender.WebhookDelivery
		for range 2 {
			d := &tender.WebhookDelivery{ID: uuid.NewString(), WebhookID: all.ID, MerchantID: m.ID, EventID: ev.ID,
				EventName: ev.Name, ObjectID: "c1", Status: tender.DeliveryPending, CreatedAt: now, UpdatedAt: now}
			if err := s.DeliveryCreate(ctx, d); err != nil {
				t.Fatal(err)
			}
			dels = append(dels, d)
		}
		w1, err := s.DeliveryWork(ctx, dels[0].ID)
		if err != nil || w1.Blocked || w1.Webhook.Secret != "whsec_x" || string(compact(w1.Payload)) != `{"id":"c1"}` {
			t.Fatalf("work 1 = %+v %v", w1, err)
		}
		w2, _ := s.DeliveryWork(ctx, dels[1].ID)
		if !w2.Blocked {
			t.Fatal("the second delivery of an object is not blocked behind the first")
		}
		if blocked, _ := s.DeliveryBlocked(ctx, w2.Delivery); !blocked {
			t.Fatal("DeliveryBlocked disagrees")
		}
		// A batch holding both sends them in order: neither is blocked by
		// the other; the second alone is blocked by the first.
		batch, err := s.DeliveriesWork(ctx, []string{dels[1].ID, dels[0].ID, "missing"})
		if err != nil || len(batch) != 2 || batch[0].Delivery.ID != dels[0].ID || batch[0].Blocked || batch[1].Blocked ||
			string(compact(batch[1].Payload)) != `{"id":"c1"}` || batch[1].Webhook.ID != all.ID {
			t.Fatalf("batch = %+v %v", batch, err)
		}
		if batch, err := s.DeliveriesWork(ctx, []string{dels[1].ID}); err != nil || len(batch) != 1 || !batch[0].Blocked {
			t.Fatalf("batch of the second = %+v %v", batch, err)
		}
		// DeliveriesUpdate writes a batch in one statement; a missing one is
		// an error (nothing is half-written by the caller's transaction).
		failed := *w2.Delivery
		failed.Attempts, failed.LastStatusCode, failed.LastError, failed.UpdatedAt = 1, 500, "receiver answered HTTP 500", tender.NewTime(now.Add(time.Second))
		ghost := failed
		ghost.ID = uuid.NewString()
		if err := s.DeliveriesUpdate(ctx, []*tender.WebhookDelivery{&failed, &ghost}); tender.ErrorCode(err) != tender.ENOTFOUND {
			t.Fatalf("update of a missing delivery: %v", err)
		}
		if err := s.DeliveriesUpdate(ctx, []*tender.WebhookDelivery{&failed}); err != nil {
			t.Fatal(err)
		}
		if got, err := s.DeliveryGet(ctx, failed.ID); err != nil || got.Attempts != 1 || got.LastStatusCode != 500 ||
			got.LastError != "receiver answered HTTP 500" || got.Status != tender.DeliveryPending || got.DeliveredAt != nil ||
			!got.UpdatedAt.Equal(failed.UpdatedAt.Time) {
			t.Fatalf("after DeliveriesUpdate = %+v %v", got, err)
		}
		d := w1.Delivery
		at := tender.NewTime(now.Add(time.Second))
		d.Status, d.Attempts, d.LastStatusCode, d.DeliveredAt, d.UpdatedAt = tender.DeliveryDelivered, 1, 200, &at, at
		if err := s.DeliveryUpdate(ctx, d); err != nil {
			t.Fatal(err)
		}
		if w2, _ := s.DeliveryWork(ctx, dels[1].ID); w2.Blocked {
			t.Fatal("still blocked after the first was delivered")
		}
		page, err := s.DeliveryList(ctx, all.ID, tender.ListParams{Page: 1, PerPage: 10})
		var log []*tender.WebhookDelivery // this event's (the dispatches above wrote others)
		for _, d := range page.Items {
			if d.EventID == ev.ID {
				log = append(log, d)
			}
		}
		if err != nil || len(log) != 2 || log[0].ID != dels[1].ID || log[1].DeliveredAt == nil {
			t.Fatalf("log = %+v %v", page, err)
		}
		if err := s.WebhookDelete(ctx, all.ID, now.Time); err != nil {
			t.Fatal(err)
		}
		if err := s.WebhookDelete(ctx, all.ID, now.Time); tender.ErrorCode(err) != tender.ENOTFOUND {
			t.Fatal("deleted twice")
		}
		gone := &tender.Event{ID: uuid.NewString(), MerchantID: m.ID, Name: "update_item", ObjectType: "item", ObjectID: "o",
			Payload: json.RawMessage(`{}`), CreatedAt: now.Time}
		if err := s.EventInsert(ctx, gone); err != nil {
			t.Fatal(err)
		}
		if ids, _ := relay(tender.DeliveryDelivered); len(ids) != 1 {
			t.Fatalf("deleted webhook still receives: %d deliveries", len(ids))
		}
		if got, _ := s.WebhookGet(ctx, all.ID); got.DeletedAt == nil {
			t.Fatal("deleted_at not set")
		}
	})

	t.Run("Terminals", func(t *testing.T) {
		t.Parallel()
		s := open(t)
		m, other := newMerchant(t, s, now), newMerchant(t, s, now)
		exp := tender.NewTime(now.Add(24 * time.Hour))
		a := &tender.Register{ID: uuid.NewString(), MerchantID: m.ID, Nickname: "front", Type: "simulator", BatchTime: "23:00",
			PairingCodeHash: "code-a", PairingExpiresAt: &exp, CreatedAt: now, UpdatedAt: now}
		b := &tender.Register{ID: uuid.NewString(), MerchantID: m.ID, Nickname: "back", Type: "simulator", BatchTime: "22:30", CreatedAt: now, UpdatedAt: now}
		c := &tender.Register{ID: uuid.NewString(), MerchantID: other.ID, Type: "simulator", BatchTime: "23:00", CreatedAt: now, UpdatedAt: now}
		for _, r := range []*tender.Register{a, b, c} {
			if err := s.RegisterCreate(ctx, r); err != nil {
				t.Fatal(err)
			}
		}
		if a.RegisterNum != 1 || b.RegisterNum != 2 || c.RegisterNum != 1 {
			t.Fatalf("register numbers %d %d %d, want 1 2 (per merchant) 1", a.RegisterNum, b.RegisterNum, c.RegisterNum)
		}
		if _, err := s.RegisterGet(ctx, other.ID, a.ID); tender.ErrorCode(err) != tender.ENOTFOUND {
			t.Fatalf("another merchant's register: %v", err)
		}
		if got, err := s.RegisterGetByNum(ctx, m.ID, 2); err != nil || got.ID != b.ID || got.BatchTime != "22:30" {
			t.Fatalf("by num = %+v, %v", got, err)
		}
		// Pairing: the code finds the register (locked in InTx), the update
		// swaps the code for a device token.
		err := s.InTx(ctx, func(tx store.Executor) error {
			r, err := tx.RegisterByPairingCode(ctx, "code-a")
			if err != nil {
				return err
			}
			if r.ID != a.ID || r.PairingExpiresAt == nil || !r.PairingExpiresAt.Equal(exp.Time) {
				return fmt.Errorf("by pairing code = %+v", r)
			}
			r.PairingCodeHash, r.PairingExpiresAt, r.DeviceTokenHash, r.PairedAt, r.Serial = "", nil, "token-a", &now, "SIM-1"
			return tx.RegisterUpdate(ctx, r)
		})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.RegisterByPairingCode(ctx, "code-a"); tender.ErrorCode(err) != tender.ENOTFOUND {
			t.Fatalf("a used code still pairs: %v", err)
		}
		got, err := s.RegisterByDeviceToken(ctx, "token-a")
		if err != nil || got.ID != a.ID || got.Serial != "SIM-1" || got.PairedAt == nil || got.RegisterNum != 1 {
			t.Fatalf("by device token = %+v, %v", got, err)
		}
		seen := now.Add(time.Minute)
		if err := s.RegisterTouch(ctx, a.ID, seen); err != nil {
			t.Fatal(err)
		}
		if got, _ := s.RegisterGet(ctx, m.ID, a.ID); got.LastSeenAt == nil || !got.LastSeenAt.Equal(seen) {
			t.Fatalf("touch: %+v", got.LastSeenAt)
		}
		if list, err := s.RegisterList(ctx, m.ID); err != nil || len(list) != 2 || list[0].ID != a.ID || list[1].ID != b.ID {
			t.Fatalf("list = %v, %v", list, err)
		}

		// Requests: claimed oldest first, each by one claimant.
		tx := newTransaction(m.ID, "", now)
		tx.Status, tx.Success, tx.Captured, tx.IsCaptured, tx.Source = tender.StatusSuccess, true, tx.Total, true, "terminal"
		if err := s.TransactionCreate(ctx, tx); err != nil {
			t.Fatal(err)
		}
		var reqs []*tender.TerminalRequest
		for i := range 3 {
			r := &tender.TerminalRequest{ID: uuid.NewString(), MerchantID: m.ID, RegisterID: a.ID, Kind: tender.TermSale,
				Amount: tender.Amount(100 * (i + 1)), Params: json.RawMessage(`{"tip":true}`), State: tender.TermQueued,
				CreatedAt: tender.NewTime(now.Add(time.Duration(i) * time.Second))}
			if i == 0 {
				r.TransactionID = tx.ID
			}
			if err := s.TerminalRequestCreate(ctx, r); err != nil {
				t.Fatal(err)
			}
			reqs = append(reqs, r)
		}
		since := now.Add(-time.Hour)
		claimed := make(chan string, 3)
		errs := make(chan error, 3)
		for range 3 {
			go func() {
				r, err := s.TerminalRequestClaim(ctx, a.ID, now.Add(time.Minute), since)
				if err == nil && r != nil {
					if r.State != tender.TermDelivered || r.DeliveredAt == nil {
						err = fmt.Errorf("claimed = %+v", r)
					}
					claimed <- r.ID
				}
				errs <- err
			}()
		}
		got3 := map[string]bool{}
		for range 3 {
			if err := <-errs; err != nil {
				t.Fatal(err)
			}
		}
		close(claimed)
		for id := range claimed {
			if got3[id] {
				t.Fatalf("request %s claimed twice", id)
			}
			got3[id] = true
		}
		if len(got3) != 3 {
			t.Fatalf("claimed %d of 3", len(got3))
		}
		if r, err := s.TerminalRequestClaim(ctx, a.ID, now.Time, since); err != nil || r != nil {
			t.Fatalf("claim with nothing queued = %+v, %v", r, err)
		}
		open, err := s.TerminalRequestsOpen(ctx, a.ID, since)
		if err != nil || len(open) != 3 || open[0].ID != reqs[0].ID || open[2].ID != reqs[2].ID {
			t.Fatalf("open = %v, %v", open, err)
		}
		err = s.InTx(ctx, func(q store.Executor) error {
			r, err := q.TerminalRequestGetForUpdate(ctx, m.ID, reqs[0].ID)
			if err != nil {
				return err
			}
			done := tender.NewTime(now.Add(2 * time.Minute))
			r.State, r.Result, r.DoneAt = tender.TermDone, json.RawMessage(`{"transaction_id":"x"}`), &done
			return q.TerminalRequestUpdate(ctx, r)
		})
		if err != nil {
			t.Fatal(err)
		}
		if r, err := s.TerminalRequestByTransaction(ctx, tx.ID); err != nil || r.ID != reqs[0].ID || r.State != tender.TermDone ||
			string(compact(r.Result)) != `{"transaction_id":"x"}` || string(compact(r.Params)) != `{"tip":true}` || r.Amount != 100 {
			t.Fatalf("by transaction = %+v, %v", r, err)
		}
		for _, c := range []struct {
			merchant, register string
			want               int
		}{{m.ID, a.ID, 1}, {m.ID, b.ID, 0}, {other.ID, a.ID, 0}} {
			ts, err := s.TerminalTransactionsUnsettled(ctx, c.merchant, c.register, now.Add(time.Hour), 10)
			if err != nil || len(ts) != c.want || c.want == 1 && ts[0].ID != tx.ID {
				t.Fatalf("unsettled of register %s: %v, %v; want %d", c.register, ts, err, c.want)
			}
		}
		if _, err := s.TerminalRequestGet(ctx, other.ID, reqs[0].ID); tender.ErrorCode(err) != tender.ENOTFOUND {
			t.Fatalf("another merchant's request: %v", err)
		}
		// Expiry takes the unanswered ones only.
		if n, err := s.TerminalRequestsExpire(ctx, now.Add(time.Hour)); err != nil || n != 2 {
			t.Fatalf("expired %d, %v; want 2", n, err)
		}
		if r, _ := s.TerminalRequestGet(ctx, m.ID, reqs[1].ID); r.State != tender.TermExpired {
			t.Fatalf("state after expiry %q", r.State)
		}

		// A customer and a card recorded for a transaction only are created
		// already soft-deleted.
		cu := newCustomer(m.ID, now, func(c *tender.Customer) { c.DeletedAt = &now })
		if err := s.CustomerCreate(ctx, cu); err != nil {
			t.Fatal(err)
		}
		if got, err := s.CustomerGet(ctx, m.ID, cu.ID); err != nil || got.DeletedAt == nil {
			t.Fatalf("customer created deleted = %+v, %v", got, err)
		}
		pm := newPaymentMethod(m.ID, cu.ID, now)
		pm.DeletedAt = &now
		if err := s.PaymentMethodCreate(ctx, pm, &tender.PaymentMethodSecret{PaymentMethodID: pm.ID, SealedNumber: "x"}); err != nil {
			t.Fatal(err)
		}
		if got, err := s.PaymentMethodGet(ctx, m.ID, pm.ID); err != nil || got.DeletedAt == nil {
			t.Fatalf("payment method created deleted = %+v, %v", got, err)
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
			c := newCustomer(m.ID, tender.NewTime(now.Add(-2*time.Hour+time.Duration(i)*time.Millisecond)), nil)
			if err := s.CustomerCreate(ctx, c); err != nil {
				t.Fatal(err)
			}
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
		c := newCustomer(m.ID, tender.NewTime(now.Add(time.Minute)), nil)
		if err := s.CustomerCreate(ctx, c); err != nil {
			t.Fatal(err)
		}
		if p, err := s.CustomerList(ctx, m.ID, tender.CustomerFilter{}, newest(tender.ListParams{Page: 1, PerPage: 2})); err != nil || p.Items[0].ID != c.ID {
			t.Fatalf("first page = %+v, %v", p, err)
		}
		check("a new customer")
		// Another merchant's list is its own.
		if p, err := s.CustomerList(ctx, other.ID, tender.CustomerFilter{}, newest(tender.ListParams{Page: 1, PerPage: 10})); err != nil || p.Total != 5 || len(p.Items) != 5 {
			t.Fatalf("other merchant: %+v, %v", p, err)
		}
	})

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
		ids := func(n int, id func(i int) string) []string {
			out := []string{}
			for i := range n {
				out = append(out, id(i))
			}
			return out
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
				return ids(len(pg.Items), func(i int) string { return pg.Items[i].ID }), pg.Total, nil
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
				return ids(len(pg.Items), func(i int) string { return pg.Items[i].ID }), pg.Total, nil
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
				return ids(len(pg.Items), func(i int) string { return pg.Items[i].ID }), pg.Total, nil
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
				return ids(len(pg.Items), func(i int) string { return pg.Items[i].ID }), pg.Total, nil
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

	t.Run("TransactionPositions", func(t *testing.T) {
		t.Parallel()
		s := open(t)
		m, other := newMerchant(t, s, now), newMerchant(t, s, now)
		// 23 transactions a second apart (two sharing a second: the id breaks
		// the tie), and some of another merchant's in between.
		var want []string // newest first
		for i := range 23 {
			at := tender.NewTime(now.Add(time.Duration(min(i, 21)) * time.Second))
			tx := newTransaction(m.ID, "", at)
			if err := s.TransactionCreate(ctx, tx); err != nil {
				t.Fatal(err)
			}
			want = append(want, tx.ID)
			if i%5 == 0 {
				if err := s.TransactionCreate(ctx, newTransaction(other.ID, "", at)); err != nil {
					t.Fatal(err)
				}
			}
		}
		first, _ := s.TransactionList(ctx, m.ID, tender.TransactionFilter{}, tender.ListParams{Page: 1, PerPage: 200, Sort: "created_at", Desc: true})
		want = want[:0]
		for _, tx := range first.Items {
			want = append(want, tx.ID)
		}
		// The default list pages the same way before, during and after
		// numbering, at every page size; totals hold; past the end is empty.
		check := func(stage string) {
			t.Helper()
			for _, per := range []int{1, 4, 10, 23, 50} {
				var got []string
				for page := 1; page <= (23+per-1)/per+1; page++ {
					p, err := s.TransactionList(ctx, m.ID, tender.TransactionFilter{}, tender.ListParams{Page: page, PerPage: per, Sort: "created_at", Desc: true})
					if err != nil || p.Total != 23 {
						t.Fatalf("%s: per %d page %d: total %v, %v", stage, per, page, p, err)
					}
					for _, tx := range p.Items {
						if tx.MerchantID != m.ID {
							t.Fatalf("%s: another merchant's transaction listed", stage)
						}
						got = append(got, tx.ID)
					}
				}
				if !slices.Equal(got, want) {
					t.Fatalf("%s: per %d: pages = %v, want %v", stage, per, got, want)
				}
			}
			// A filter or another sort takes the counting path, and agrees.
			if p, err := s.TransactionList(ctx, m.ID, tender.TransactionFilter{Type: tender.TxCharge}, tender.ListParams{Page: 2, PerPage: 10, Sort: "created_at", Desc: true}); err != nil ||
				p.Total != 23 || len(p.Items) != 10 || p.Items[0].ID != want[10] {
				t.Fatalf("%s: filtered list = %+v, %v", stage, p, err)
			}
		}
		if len(want) != 23 || want[0] == want[1] {
			t.Fatalf("list = %v", want)
		}
		check("unnumbered")
		assign := func(before time.Time, limit int) int {
			t.Helper()
			var n int
			if err := s.InTx(ctx, func(tx store.Executor) error {
				var err error
				n, err = tx.TransactionPositionsAssign(ctx, before, limit)
				return err
			}); err != nil {
				t.Fatal(err)
			}
			return n
		}
		// Only those created before the cutoff, oldest first, limit at a time.
		if n := assign(now.Add(10*time.Second), 4); n != 4 {
			t.Fatalf("assigned %d, want 4", n)
		}
		check("partly numbered")
		if n := assign(now.Add(10*time.Second), 100); n != 6+2 { // 10 of m's + 2 of other's, 4 done
			t.Fatalf("assigned %d, want 8", n)
		}
		check("numbered to the cutoff")
		// Several at once (PostgreSQL: one numbers, the others get 0; SQLite:
		// one after another): every transaction numbered once, no gap.
		var wg sync.WaitGroup
		var total atomic.Int64
		for range 4 {
			wg.Go(func() {
				err := s.InTx(ctx, func(tx store.Executor) error {
					n, err := tx.TransactionPositionsAssign(ctx, now.Add(time.Hour), 100)
					total.Add(int64(n))
					return err
				})
				if err != nil {
					t.Error(err)
				}
			})
		}
		wg.Wait()
		if rest := int(total.Load()) + assign(now.Add(time.Hour), 100); rest != 13+3 {
			t.Fatalf("numbered %d more, want 16", rest)
		}
		if n := assign(now.Add(time.Hour), 100); n != 0 {
			t.Fatalf("numbered again: %d", n)
		}
		check("all numbered")
		// New transactions after numbering come first, newest first.
		late := newTransaction(m.ID, "", tender.NewTime(now.Add(-time.Hour))) // written late, stamped early
		fresh := newTransaction(m.ID, "", tender.NewTime(now.Add(time.Minute)))
		for _, tx := range []*tender.Transaction{late, fresh} {
			if err := s.TransactionCreate(ctx, tx); err != nil {
				t.Fatal(err)
			}
		}
		p, err := s.TransactionList(ctx, m.ID, tender.TransactionFilter{}, tender.ListParams{Page: 1, PerPage: 3, Sort: "created_at", Desc: true})
		if err != nil || p.Total != 25 || len(p.Items) != 3 || p.Items[0].ID != fresh.ID || p.Items[1].ID != late.ID || p.Items[2].ID != want[0] {
			t.Fatalf("after new ones = %+v, %v", p, err)
		}
		if p, _ := s.TransactionList(ctx, m.ID, tender.TransactionFilter{}, tender.ListParams{Page: 9, PerPage: 3, Sort: "created_at", Desc: true}); p.Total != 25 ||
			len(p.Items) != 1 || p.Items[0].ID != want[22] {
			t.Fatalf("last page = %+v", p)
		}
		if p, _ := s.TransactionList(ctx, m.ID, tender.TransactionFilter{}, tender.ListParams{Page: 10, PerPage: 3, Sort: "created_at", Desc: true}); p.Total != 25 || len(p.Items) != 0 {
			t.Fatalf("past the end = %+v", p)
		}
		if p, _ := s.TransactionList(ctx, uuid.NewString(), tender.TransactionFilter{}, tender.ListParams{Page: 1, PerPage: 3, Sort: "created_at", Desc: true}); p.Total != 0 || len(p.Items) != 0 {
			t.Fatalf("unknown merchant = %+v", p)
		}
	})

	t.Run("SandboxLedger", func(t *testing.T) {
		t.Parallel()
		s := open(t)
		sale := &store.SandboxEntry{Key: "k1", Op: store.SandboxAuth, Ref: "r1", Amount: 1000, Approved: true, CreatedAt: now.Time}
		if got, inserted, err := s.SandboxRecord(ctx, sale); err != nil || !inserted || got.Ref != "r1" {
			t.Fatal(got, inserted, err)
		}
		if got, inserted, err := s.SandboxRecord(ctx, &store.SandboxEntry{Key: "k1", Op: store.SandboxFenced, CreatedAt: now.Time}); err != nil || inserted || got.Op != store.SandboxAuth {
			t.Fatalf("second record of a key: %+v %v %v", got, inserted, err)
		}
		for _, e := range []*store.SandboxEntry{
			{Key: "k2", Op: store.SandboxCapture, ParentRef: "r1", Amount: 800, Approved: true, CreatedAt: now.Time},
			{Key: "k3", Op: store.SandboxRefund, ParentRef: "r1", Amount: 300, Approved: true, CreatedAt: now.Time},
			{Key: "k4", Op: store.SandboxRefund, ParentRef: "r1", Amount: 900, Approved: false, CreatedAt: now.Time},
		} {
			if _, _, err := s.SandboxRecord(ctx, e); err != nil {
				t.Fatal(err)
			}
		}
		sums, err := s.SandboxSums(ctx, "r1")
		if err != nil || sums.Captured != 800 || sums.Refunded != 300 || sums.Voided {
			t.Fatalf("sums = %+v %v", sums, err)
		}
		if e, err := s.SandboxGetByRef(ctx, "r1"); err != nil || e.Key != "k1" {
			t.Fatalf("by ref: %+v %v", e, err)
		}
		if e, err := s.SandboxGet(ctx, "none"); err != nil || e != nil {
			t.Fatalf("missing: %+v %v", e, err)
		}
	})

	exerciseProcessors(t, open)
}

func compact(b []byte) []byte {
	var v any
	_ = json.Unmarshal(b, &v)
	out, _ := json.Marshal(v)
	return out
}

func newMerchant(t *testing.T, s store.Store, now tender.Time) *tender.Merchant {
	t.Helper()
	m := &tender.Merchant{ID: uuid.NewString(), CompanyName: "M", Status: "ACTIVE", Sandbox: true,
		WebPaymentsToken: "tok-" + uuid.NewString(), AllowedOrigins: []string{}, CreatedAt: now, UpdatedAt: now}
	if err := s.MerchantCreate(context.Background(), m); err != nil {
		t.Fatal(err)
	}
	return m
}

func newCustomer(merchantID string, at tender.Time, f func(*tender.Customer)) *tender.Customer {
	c := &tender.Customer{ID: uuid.NewString(), MerchantID: merchantID, Firstname: "F", CCEmails: []string{}, CreatedAt: at, UpdatedAt: at}
	if f != nil {
		f(c)
	}
	return c
}

func newPaymentMethod(merchantID, customerID string, at tender.Time) *tender.PaymentMethod {
	return &tender.PaymentMethod{ID: uuid.NewString(), MerchantID: merchantID, CustomerID: customerID, Method: "card",
		PersonName: "P", CardType: "visa", CardLastFour: "1111", CardExp: "122030", HasCVV: true, IsDefault: true,
		Meta: json.RawMessage(`{}`), IsUsableInVT: true, Fingerprint: uuid.NewString(), CreatedAt: at, UpdatedAt: at}
}

func newTransaction(merchantID, parentID string, at tender.Time) *tender.Transaction {
	return &tender.Transaction{ID: uuid.NewString(), MerchantID: merchantID, ParentID: parentID, CustomerID: "c-1",
		PaymentMethodID: "pm-1", Type: tender.TxCharge, Method: "card", Status: tender.StatusPending, Total: 1000,
		Meta: json.RawMessage(`{}`), CreatedAt: at, UpdatedAt: at}
}
