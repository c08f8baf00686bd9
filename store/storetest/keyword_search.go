package storetest

import (
	"context"
	"encoding/json"
	"slices"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/tenderpay/tender"
	"github.com/tenderpay/tender/store"
)

// exerciseKeywordSearch checks the lists' keywords filter (issue 22):
// keywords of 3 or more characters are found by the stores' trigram
// indexes (migration 033), shorter ones by reading the rows, and both
// stores must keep exactly the rows the filter names: each keyword a
// case-insensitive substring (Unicode case too) of one searched column, %
// and _ literal, several keywords all required; an update changes what a
// row is found by, and a deleted row is not found.
func exerciseKeywordSearch(t *testing.T, open Open) {
	ctx := context.Background()
	now := suiteNow
	at := func(i int) tender.Time { return tender.NewTime(now.Add(time.Duration(i) * time.Minute)) }
	// same fails t unless got (ids) and want hold the same ids.
	same := func(t *testing.T, name string, total int, got, want []string) {
		t.Helper()
		got, want = slices.Sorted(slices.Values(got)), slices.Sorted(slices.Values(want))
		if total != len(want) || !slices.Equal(got, want) {
			t.Errorf("%s: total %d, ids %v; want %v", name, total, got, want)
		}
	}

	t.Run("KeywordSearchCustomers", func(t *testing.T) {
		t.Parallel()
		s := open(t)
		m, other := newMerchant(t, s, now), newMerchant(t, s, now)
		mk := func(i int, merchantID string, f func(*tender.Customer)) *tender.Customer {
			c := newCustomer(merchantID, at(i), f)
			if err := s.CustomerCreate(ctx, c); err != nil {
				t.Fatal(err)
			}
			return c
		}
		ann := mk(0, m.ID, func(c *tender.Customer) {
			c.Firstname, c.Lastname, c.Email, c.Company, c.Phone, c.Reference = "Ann", "Leeson", "ann@example.com", "Acme 50%_off", "555-0100", "REF-7731"
		})
		bob := mk(1, m.ID, func(c *tender.Customer) {
			c.Firstname, c.Lastname, c.Company, c.Email = "Bob", "Lee", "Globex", "bob@globex.test"
		})
		eve := mk(2, m.ID, func(c *tender.Customer) {
			c.Firstname, c.Lastname, c.Company = "Ève", "Ægir", "ÉCLAIR Société"
		})
		cy := mk(3, m.ID, func(c *tender.Customer) { c.Firstname, c.Company, c.Phone = "Cy", "Acme 50 off", "5550199" })
		mk(4, other.ID, func(c *tender.Customer) { c.Firstname, c.Lastname, c.Company = "Ann", "Leeson", "Acme 50%_off" })
		ids := func(cs ...*tender.Customer) []string {
			out := []string{}
			for _, c := range cs {
				out = append(out, c.ID)
			}
			return out
		}
		check := func(t *testing.T, cases []struct {
			kws  []string
			want []string
		}) {
			t.Helper()
			for _, tc := range cases {
				for _, p := range []tender.ListParams{{Page: 1, PerPage: 10, Desc: true}, {Page: 1, PerPage: 10, Sort: "created_at"}, {Page: 1, PerPage: 10, Sort: "lastname", Desc: true}} {
					page, err := s.CustomerList(ctx, m.ID, tender.CustomerFilter{Keywords: tc.kws}, p)
					if err != nil {
						t.Fatalf("%q: %v", tc.kws, err)
					}
					same(t, "customers "+jsonOf(tc.kws)+" sort "+p.Sort, page.Total, pageIDs(page.Items, func(c *tender.Customer) string { return c.ID }), tc.want)
				}
				// A second page of one: the total and the page agree.
				page, err := s.CustomerList(ctx, m.ID, tender.CustomerFilter{Keywords: tc.kws}, tender.ListParams{Page: 2, PerPage: 1, Desc: true})
				if err != nil || page.Total != len(tc.want) || len(page.Items) != min(1, max(0, len(tc.want)-1)) {
					t.Errorf("%q page 2 of 1: %+v %v", tc.kws, page, err)
				}
			}
		}
		check(t, []struct {
			kws  []string
			want []string
		}{
			// Each column, by a keyword of 3+ characters (the index) and by a short one.
			{[]string{"ANN"}, ids(ann)},
			{[]string{"leeso"}, ids(ann)},
			{[]string{"lee"}, ids(ann, bob)},
			{[]string{"le"}, ids(ann, bob)},
			{[]string{"globex"}, ids(bob)},
			{[]string{"@EXAMPLE.com"}, ids(ann)},
			{[]string{"555-01"}, ids(ann)},
			{[]string{"-0"}, ids(ann)},
			{[]string{"ref-7731"}, ids(ann)},
			{[]string{"773"}, ids(ann)},
			{[]string{"ann lees"}, ids(ann)},
			{[]string{"n l"}, ids(ann)},
			{[]string{"b"}, ids(bob)},
			// % and _ are literal, at any length.
			{[]string{"50%"}, ids(ann)},
			{[]string{"%"}, ids(ann)},
			{[]string{"_"}, ids(ann)},
			{[]string{"%_o"}, ids(ann)},
			{[]string{"0_o"}, []string{}},
			{[]string{`50\`}, []string{}},
			{[]string{"acme 50"}, ids(ann, cy)},
			// Unicode, both cases.
			{[]string{"éclair"}, ids(eve)},
			{[]string{"SOCIÉTÉ"}, ids(eve)},
			{[]string{"æg"}, ids(eve)},
			{[]string{"è"}, ids(eve)},
			{[]string{"eclair"}, []string{}},
			// Several keywords: all required, short and long mixed.
			{[]string{"acme", "lee"}, ids(ann)},
			{[]string{"lee", "b"}, ids(bob)},
			{[]string{"le", "ob"}, ids(bob)},
			{[]string{"globex", "acme"}, []string{}},
			{[]string{" acme ", ""}, ids(ann, cy)},
			// Across two columns is no match.
			{[]string{"globex bob"}, []string{}},
			{[]string{"leeacme"}, []string{}},
			{[]string{"nobody"}, []string{}},
		})

		// An update changes what a row is found by; a deleted row is not found.
		bob.Company, bob.Email = "Initech", "bob@initech.test"
		bob.UpdatedAt = at(10)
		if err := s.CustomerUpdate(ctx, bob); err != nil {
			t.Fatal(err)
		}
		if err := s.CustomerDelete(ctx, m.ID, cy.ID, at(11).Time); err != nil {
			t.Fatal(err)
		}
		check(t, []struct {
			kws  []string
			want []string
		}{
			{[]string{"globex"}, []string{}},
			{[]string{"initech"}, ids(bob)},
			{[]string{"acme"}, ids(ann)},
			{[]string{"5550199"}, []string{}},
			{[]string{"cy"}, []string{}},
		})
	})

	t.Run("KeywordSearchItems", func(t *testing.T) {
		t.Parallel()
		s := open(t)
		m := newMerchant(t, s, now)
		mk := func(i int, name, code, category, details string) *tender.Item {
			it := &tender.Item{ID: uuid.NewString(), MerchantID: m.ID, Item: name, Code: code, Category: category, Details: details,
				IsActive: true, Meta: json.RawMessage(`{}`), CreatedAt: at(i), UpdatedAt: at(i)}
			if err := s.ItemCreate(ctx, it); err != nil {
				t.Fatal(err)
			}
			return it
		}
		cut := mk(0, "Haircut", "HC-01", "Salon", "Wash and cut")
		tea := mk(1, "Green Tea", "T_100", "Drinks", "Sencha, 100%")
		check := func(kws []string, want ...*tender.Item) {
			t.Helper()
			page, err := s.ItemList(ctx, m.ID, tender.ItemFilter{Keywords: kws}, tender.ListParams{Page: 1, PerPage: 10, Desc: true})
			if err != nil {
				t.Fatal(err)
			}
			same(t, "items "+jsonOf(kws), page.Total, pageIDs(page.Items, func(it *tender.Item) string { return it.ID }),
				pageIDs(want, func(it *tender.Item) string { return it.ID }))
		}
		check([]string{"haircut"}, cut)
		check([]string{"hc-0"}, cut)
		check([]string{"SALON"}, cut)
		check([]string{"and cut"}, cut)
		check([]string{"cut"}, cut)
		check([]string{"t_1"}, tea)
		check([]string{"t%1"})
		check([]string{"100%"}, tea)
		check([]string{"cu"}, cut)
		tea.Details = "Gyokuro"
		tea.UpdatedAt = at(5)
		if err := s.ItemUpdate(ctx, tea); err != nil {
			t.Fatal(err)
		}
		check([]string{"sencha"})
		check([]string{"gyoku"}, tea)
		if err := s.ItemDelete(ctx, m.ID, cut.ID, at(6).Time); err != nil {
			t.Fatal(err)
		}
		check([]string{"haircut"})
	})

	t.Run("KeywordSearchTransactions", func(t *testing.T) {
		t.Parallel()
		s := open(t)
		m := newMerchant(t, s, now)
		mk := func(i int, f func(*tender.Transaction)) *tender.Transaction {
			tx := newTransaction(m.ID, "", at(i))
			f(tx)
			if err := s.TransactionCreate(ctx, tx); err != nil {
				t.Fatal(err)
			}
			return tx
		}
		a := mk(0, func(tx *tender.Transaction) {
			tx.LastFour, tx.Message = "4242", "Approved"
			tx.Meta = json.RawMessage(`{"reference":"Order #A-17"}`)
		})
		b := mk(1, func(tx *tender.Transaction) {
			tx.Method, tx.Message, tx.Type = "bank", "Declined: NSF", tender.TxCredit
		})
		check := func(kws []string, want ...*tender.Transaction) {
			t.Helper()
			page, err := s.TransactionList(ctx, m.ID, tender.TransactionFilter{Keywords: kws}, tender.ListParams{Page: 1, PerPage: 10, Sort: "created_at", Desc: true})
			if err != nil {
				t.Fatal(err)
			}
			same(t, "transactions "+jsonOf(kws), page.Total, pageIDs(page.Items, func(tx *tender.Transaction) string { return tx.ID }),
				pageIDs(want, func(tx *tender.Transaction) string { return tx.ID }))
		}
		checkAll := func(cards ...*tender.Transaction) {
			t.Helper()
			check([]string{"4242"}, a)
			check([]string{"42"}, a)
			check([]string{"approv"}, a)
			check([]string{"order #a"}, a)
			check([]string{"bank"}, b)
			check([]string{"nsf"}, b)
			check([]string{"credit"}, b)
			check([]string{"card"}, cards...)
			check([]string{"cr"}, b) // the type column (SQLite once read json_each's type there)
			check([]string{"card", "nsf"})
		}
		number := func() {
			t.Helper()
			if err := s.InTx(ctx, func(tx store.Executor) error {
				_, err := tx.TransactionPositionsAssign(ctx, at(1000).Time, 1000)
				return err
			}); err != nil {
				t.Fatal(err)
			}
		}
		update := func(tx *tender.Transaction, message string) {
			t.Helper()
			tx.Message = message
			if err := s.TransactionUpdate(ctx, tx); err != nil {
				t.Fatal(err)
			}
		}
		// Queued (not numbered yet), then numbered: SQLite indexes a
		// transaction when it numbers it (migration 035).
		checkAll(a)
		c := mk(2, func(tx *tender.Transaction) { tx.Message = "Held for review" })
		update(c, "Released after review") // queued: nothing indexed to move
		check([]string{"released"}, c)
		check([]string{"held"})
		number()
		checkAll(a, c)
		check([]string{"released"}, c)
		check([]string{"review"}, c)
		check([]string{"held"})
		// A numbered transaction's new text replaces its old in the index.
		update(b, "Declined: do not honor")
		check([]string{"nsf"})
		check([]string{"honor"}, b)
		check([]string{"declined"}, b)
		// Numbering again (new transactions) leaves the indexed alone.
		d := mk(3, func(tx *tender.Transaction) { tx.Message = "Approved" })
		number()
		check([]string{"approv"}, a, d)
		check([]string{"honor"}, b)
	})

	t.Run("KeywordSearchInvoices", func(t *testing.T) {
		t.Parallel()
		s := open(t)
		m := newMerchant(t, s, now)
		c := newCustomer(m.ID, now, nil)
		if err := s.CustomerCreate(ctx, c); err != nil {
			t.Fatal(err)
		}
		mk := func(i int, meta string) *tender.Invoice {
			inv := &tender.Invoice{ID: uuid.NewString(), MerchantID: m.ID, CustomerID: c.ID, Total: 5000, BalanceDue: 5000,
				Meta: json.RawMessage(meta), Status: tender.InvoiceDraft, URL: "https://pay.example/", CreatedAt: at(i), UpdatedAt: at(i)}
			if err := s.InvoiceCreate(ctx, inv); err != nil {
				t.Fatal(err)
			}
			return inv
		}
		spring := mk(0, `{"memo":"Spring Cleaning","lineItems":[]}`)
		ref := mk(1, `{"reference":"PO_2231","lineItems":[]}`)
		check := func(f tender.InvoiceFilter, want ...*tender.Invoice) {
			t.Helper()
			page, err := s.InvoiceList(ctx, m.ID, f, tender.ListParams{Page: 1, PerPage: 10, Sort: "created_at", Desc: true})
			if err != nil {
				t.Fatal(err)
			}
			same(t, "invoices "+jsonOf(f.Keywords), page.Total, pageIDs(page.Items, func(inv *tender.Invoice) string { return inv.ID }),
				pageIDs(want, func(inv *tender.Invoice) string { return inv.ID }))
		}
		check(tender.InvoiceFilter{Keywords: []string{"spring clean"}}, spring)
		check(tender.InvoiceFilter{Keywords: []string{"po_2"}}, ref)
		check(tender.InvoiceFilter{Keywords: []string{"po%2"}})
		check(tender.InvoiceFilter{Keywords: []string{"draft"}}, spring, ref)
		check(tender.InvoiceFilter{Keywords: []string{"spring"}, CustomerID: c.ID, Status: tender.InvoiceDraft}, spring)
		spring.Meta = json.RawMessage(`{"memo":"Autumn","lineItems":[]}`)
		spring.UpdatedAt = at(5)
		if err := s.InvoiceUpdate(ctx, spring); err != nil {
			t.Fatal(err)
		}
		check(tender.InvoiceFilter{Keywords: []string{"spring"}})
		check(tender.InvoiceFilter{Keywords: []string{"autumn"}}, spring)
		check(tender.InvoiceFilter{Keywords: []string{"autumn"}, CustomerID: c.ID}, spring)
	})
}

// jsonOf is v in JSON, for messages.
func jsonOf(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}
