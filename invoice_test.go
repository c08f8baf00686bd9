package tender

import (
	"encoding/json"
	"testing"
	"time"
)

func TestInvoiceRecompute(t *testing.T) {
	now := NewTime(time.Date(2026, 5, 1, 0, 0, 0, 0, time.UTC))
	for name, tc := range map[string]struct {
		inv        Invoice
		paid       Amount
		status     string
		balance    Amount
		wantPaidAt bool
	}{
		"draft":            {Invoice{Total: 1000}, 0, InvoiceDraft, 1000, false},
		"sent":             {Invoice{Total: 1000, SentAt: &now}, 0, InvoiceSent, 1000, false},
		"viewed":           {Invoice{Total: 1000, SentAt: &now, ViewedAt: &now}, 0, InvoiceViewed, 1000, false},
		"attempted":        {Invoice{Total: 1000, SentAt: &now, PaymentAttemptFailed: true}, 0, InvoiceAttempted, 1000, false},
		"partial":          {Invoice{Total: 1000, PaymentAttemptFailed: true}, 1, InvoicePartiallyApplied, 999, false},
		"paid":             {Invoice{Total: 1000}, 1000, InvoicePaid, 0, true},
		"overpaid":         {Invoice{Total: 1000}, 1500, InvoicePaid, 0, true},
		"refunded to zero": {Invoice{Total: 1000, PaidAt: &now, SentAt: &now}, 0, InvoiceSent, 1000, false},
		"deleted":          {Invoice{Total: 1000, DeletedAt: &now}, 0, InvoiceDeleted, 1000, false},
	} {
		inv := tc.inv
		inv.Recompute(tc.paid, now)
		if inv.Status != tc.status || inv.BalanceDue != tc.balance || (inv.PaidAt != nil) != tc.wantPaidAt || inv.TotalPaid != max(tc.paid, 0) {
			t.Errorf("%s: status %s balance %v paid_at %v", name, inv.Status, inv.BalanceDue, inv.PaidAt)
		}
	}
}

func TestSplitProportionally(t *testing.T) {
	alloc := []Funding{{"a", 6667}, {"b", 3333}}
	for _, tc := range []struct {
		amount Amount
		want   []Amount
	}{{10000, []Amount{6667, 3333}}, {1, []Amount{1, 0}}, {1000, []Amount{667, 333}}, {0, []Amount{0, 0}}} {
		got := SplitProportionally(alloc, 10000, tc.amount)
		var sum Amount
		for i, g := range got {
			sum += g.Amount
			if g.Amount != tc.want[i] || g.AccountID != alloc[i].AccountID {
				t.Errorf("split %v: %v", tc.amount, got)
			}
		}
		if sum != tc.amount {
			t.Errorf("split %v sums to %v", tc.amount, sum)
		}
	}
}

// FuzzSplitProportionally: the parts always sum to the amount, none is
// negative, none exceeds its allocation.
func FuzzSplitProportionally(f *testing.F) {
	f.Add(int64(6667), int64(3333), int64(1), int64(500))
	f.Add(int64(1), int64(1), int64(1), int64(3))
	f.Fuzz(func(t *testing.T, a, b, c, amount int64) {
		if a < 0 || b < 0 || c < 0 || a > 1e9 || b > 1e9 || c > 1e9 {
			return
		}
		alloc := []Funding{{"a", Amount(a)}, {"b", Amount(b)}, {"c", Amount(c)}}
		total := Amount(a + b + c)
		if total == 0 || amount < 0 || Amount(amount) > total {
			return
		}
		var sum Amount
		for i, p := range SplitProportionally(alloc, total, Amount(amount)) {
			if p.Amount < 0 || p.Amount > alloc[i].Amount {
				t.Fatalf("part %d = %v of %v", i, p.Amount, alloc[i].Amount)
			}
			sum += p.Amount
		}
		if sum != Amount(amount) {
			t.Fatalf("sum %v != %v", sum, amount)
		}
	})
}

func TestInvoiceMeta(t *testing.T) {
	for name, tc := range map[string]struct {
		meta   string
		fields []string
		lines  int
	}{
		"empty":         {`{}`, nil, 0},
		"catalog":       {`{"lineItems":[{"id":"i1","item":"W","quantity":3,"price":10},{"item":"Labor","quantity":1.5,"price":"20.00"}],"tax":1.25,"subtotal":50,"memo":"m"}`, nil, 1},
		"bad tax":       {`{"tax":"x"}`, []string{"meta"}, 0},
		"tax too fine":  {`{"tax":"1.001"}`, []string{"meta.tax"}, 0},
		"bad qty":       {`{"lineItems":[{"quantity":-1}]}`, []string{"meta.lineItems.0.quantity"}, 0},
		"half item":     {`{"lineItems":[{"id":"i","quantity":0.5}]}`, []string{"meta.lineItems.0.quantity"}, 0},
		"bad price":     {`{"lineItems":[{"price":1.001}]}`, []string{"meta.lineItems.0.price"}, 0},
		"not object":    {`{"lineItems":[3]}`, []string{"meta.lineItems.0"}, 0},
		"memo not text": {`{"memo":{}}`, []string{"meta.memo"}, 0},
	} {
		errs := FieldErrors{}
		_, lines := InvoiceMeta(json.RawMessage(tc.meta), errs)
		for _, f := range tc.fields {
			if _, ok := errs[f]; !ok {
				t.Errorf("%s: no error on %s: %v", name, f, errs)
			}
		}
		if len(tc.fields) == 0 && len(errs) > 0 {
			t.Errorf("%s: unexpected %v", name, errs)
		}
		if len(lines) != tc.lines {
			t.Errorf("%s: %d catalog lines", name, len(lines))
		}
	}
}

// FuzzInvoiceMeta: no meta panics the parser, and an accepted one parses
// the same way again.
func FuzzInvoiceMeta(f *testing.F) {
	for _, s := range []string{`{}`, `{"lineItems":[{"id":"a","quantity":2}]}`, `{"tax":1e309}`, `{"lineItems":[{"quantity":"1e3"}]}`, `[]`, `{"memo":null}`,
		`{"memo":"\u0000"}`, "{\"memo\":\"\x00\"}", "{\"lineItems\":[{\"item\":\"\xff\"}]}", `{"reference":"\ud800"}`} { // NUL, invalid UTF-8
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		errs := FieldErrors{}
		meta, lines := InvoiceMeta(json.RawMessage(s), errs)
		if len(errs) > 0 {
			return
		}
		again := FieldErrors{}
		meta2, lines2 := InvoiceMeta(meta, again)
		if len(again) > 0 || string(meta2) != string(meta) || len(lines2) != len(lines) {
			t.Fatalf("%q: canonical %s re-parsed to %s %v", s, meta, meta2, again)
		}
	})
}
