package httpapi_test

import (
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tenderpay/tender/internal/apitest"
)

// TestPaymentLinkPay: the payer's side of a payment link on both stores:
// the public page (headers, branding, views, the "no longer available"
// page), a card payment that makes a PAID invoice naming the link and
// takes one use, a decline that gives its use back, a retry answered from
// the first attempt, two concurrent payers of a one-use link (one charge),
// and links that cannot be paid.
func TestPaymentLinkPay(t *testing.T) {
	apitest.EachStore(t, func(t *testing.T, store string) {
		e := apitest.Start(t, store, apitest.Options{})
		l := e.Call("POST", "/query/payment-links", map[string]any{
			"name": "Yoga class pass", "description": "Ten classes", "total": "120.50", "max_uses": 1,
		}, http.StatusOK).Map(t)
		id := l["id"].(string)
		if u, _ := l["url"].(string); !strings.HasSuffix(u, "/pay/link/"+id) {
			t.Errorf("url = %q", u)
		}
		pay := func(link, number string, details map[string]any) *apitest.Response {
			return e.Do(apitest.Request{Method: "POST", Path: "/pay/link/" + link, Body: card(number, details)})
		}
		link := func() map[string]any { return e.Call("GET", "/query/payment-links/"+id, nil, http.StatusOK).Map(t) }

		// The page: strict headers, the link's name and amount, a card form; a view counted.
		resp, err := http.Get(e.URL + "/pay/link/" + id)
		if err != nil {
			t.Fatal(err)
		}
		body := readAll(t, resp)
		if resp.StatusCode != 200 || !strings.Contains(resp.Header.Get("Content-Security-Policy"), "default-src 'none'") ||
			resp.Header.Get("X-Frame-Options") != "DENY" {
			t.Fatalf("page: %d %v", resp.StatusCode, resp.Header)
		}
		for _, want := range []string{"Yoga class pass", "Ten classes", "$120.50", `id="card-number"`, `id="email"`, "/js/payform.js", `data-link="`, `id="card-number-error"`} {
			if !strings.Contains(body, want) {
				t.Errorf("page lacks %q", want)
			}
		}
		if got := link(); got["views"] != 1.0 || got["uses"] != 0.0 {
			t.Fatalf("after a view: %v", got)
		}

		// Bad bodies: 422, nothing taken.
		for name, details := range map[string]map[string]any{
			"no email":  {"person_name": "Ann Lee"},
			"bad email": {"person_name": "Ann Lee", "email": "nope"},
			"no name":   {"email": "ann@example.com"},
		} {
			if r := pay(id, "4111111111111111", details); r.Status != 422 {
				t.Errorf("%s: %d %s", name, r.Status, r.Body)
			}
		}
		if r := pay(id, "4111111111111112", map[string]any{"person_name": "Ann Lee", "email": "ann@example.com"}); r.Status != 422 {
			t.Errorf("bad card number: %d %s", r.Status, r.Body)
		}

		// A decline gives its use back: the one-use link is still payable.
		payer := map[string]any{"person_name": "Ann Lee", "email": "ann@example.com"}
		if r := pay(id, "4000000000000002", payer); r.Status != 400 || r.Map(t)["success"] != false {
			t.Fatalf("decline: %d %s", r.Status, r.Body)
		}
		if got := link(); got["uses"] != 0.0 {
			t.Fatalf("a decline took a use: %v", got)
		}

		// Two concurrent payers of the one use: exactly one is charged.
		var wg sync.WaitGroup
		results := make([]*apitest.Response, 2)
		for i := range results {
			wg.Go(func() {
				results[i] = pay(id, "4111111111111111", map[string]any{"person_name": "Ann Lee", "email": "ann@example.com",
					"idempotency_id": []string{"link-a", "link-b"}[i]})
			})
		}
		wg.Wait()
		var won *apitest.Response
		for _, r := range results {
			switch r.Status {
			case 200:
				if won != nil {
					t.Fatal("both payers of a one-use link were charged")
				}
				won = r
			case 422:
				if !strings.Contains(string(r.Body), "no longer available") {
					t.Errorf("loser: %s", r.Body)
				}
			default:
				t.Fatalf("payer: %d %s", r.Status, r.Body)
			}
		}
		if won == nil {
			t.Fatal("no payer was charged")
		}
		want(t, won.Map(t), map[string]any{"success": true, "status": "PAID", "total": 120.5, "balance_due": 0.0, "last_four": "1111"})
		if strings.Contains(string(won.Body), "ann@example.com") {
			t.Error("the public answer shows the payer's email")
		}
		if got := link(); got["uses"] != 1.0 {
			t.Fatalf("uses after the payment: %v", got)
		}

		// The invoice: PAID, the link's total, on the customer found by email, naming the link.
		var invoices struct {
			Data []map[string]any `json:"data"`
		}
		e.Call("GET", "/invoice?status=PAID", nil, http.StatusOK).JSON(t, &invoices)
		if len(invoices.Data) != 1 {
			t.Fatalf("%d PAID invoices", len(invoices.Data))
		}
		inv := invoices.Data[0]
		meta, _ := inv["meta"].(map[string]any)
		if inv["total"] != 120.5 || meta["payment_link_id"] != id || meta["payment_link_name"] != "Yoga class pass" {
			t.Errorf("invoice = %v", inv)
		}
		cust := e.Call("GET", "/customer/"+inv["customer_id"].(string), nil, http.StatusOK).Map(t)
		if cust["email"] != "ann@example.com" || cust["firstname"] != "Ann" || cust["lastname"] != "Lee" {
			t.Errorf("customer = %v", cust)
		}
		var customers struct {
			Total float64 `json:"total"`
		}
		e.Call("GET", "/customer", nil, http.StatusOK).JSON(t, &customers)
		if customers.Total != 1 {
			t.Errorf("%v customers, want the one found by email", customers.Total)
		}

		// The winner's retry: the same result, no second charge, no second use.
		winnerKey := "link-a"
		if results[1] == won {
			winnerKey = "link-b"
		}
		retry := pay(id, "4111111111111111", map[string]any{"person_name": "Ann Lee", "email": "ann@example.com", "idempotency_id": winnerKey})
		if retry.Status != 200 || retry.Map(t)["status"] != "PAID" || retry.Map(t)["total"] != 120.5 {
			t.Errorf("retry: %d %s", retry.Status, retry.Body)
		}
		var txs struct {
			Data []map[string]any `json:"data"`
		}
		e.Call("GET", "/transaction?success=1", nil, http.StatusOK).JSON(t, &txs)
		charges := 0
		for _, tx := range txs.Data {
			if tx["success"] == true && tx["invoice_id"] == inv["id"] {
				charges++
			}
		}
		if charges != 1 {
			t.Errorf("%d successful charges on the link's invoice, want 1", charges)
		}

		// Used up: the page says so (410), a payment is a 422.
		resp, err = http.Get(e.URL + "/pay/link/" + id)
		if err != nil {
			t.Fatal(err)
		}
		if body := readAll(t, resp); resp.StatusCode != http.StatusGone || !strings.Contains(body, "This link is no longer available") ||
			strings.Contains(body, `id="card-number"`) {
			t.Errorf("used-up page: %d %s", resp.StatusCode, body)
		}
		if r := pay(id, "4111111111111111", payer); r.Status != 422 || !strings.Contains(string(r.Body), "maximum number of times") {
			t.Errorf("used-up link: %d %s", r.Status, r.Body)
		}

		// Expired (the sandbox clock moves on), inactive, deleted, unknown.
		other := e.Call("POST", "/query/payment-links", map[string]any{"name": "Donation", "total": 5,
			"expires_at": "2099-01-01 00:00:00"}, http.StatusOK).Map(t)["id"].(string)
		if r := pay(other, "4111111111111111", payer); r.Status != 200 {
			t.Fatalf("unlimited link: %d %s", r.Status, r.Body)
		}
		e.Call("PUT", "/query/payment-links/"+other, map[string]any{"is_active": false}, http.StatusOK)
		if r := pay(other, "4111111111111111", payer); r.Status != 422 || !strings.Contains(string(r.Body), "inactive") {
			t.Errorf("inactive link: %d %s", r.Status, r.Body)
		}
		e.Call("PUT", "/query/payment-links/"+other, map[string]any{"is_active": true, "expires_at": nil}, http.StatusOK)
		soon := e.Call("POST", "/query/payment-links", map[string]any{"name": "Soon", "total": 5,
			"expires_at": time.Now().UTC().Add(time.Hour).Format("2006-01-02 15:04:05")}, http.StatusOK).Map(t)["id"].(string)
		e.Call("POST", "/sandbox/clock", map[string]any{"advance": "2h"}, http.StatusOK)
		if r := pay(soon, "4111111111111111", payer); r.Status != 422 || !strings.Contains(string(r.Body), "expired") {
			t.Errorf("expired link: %d %s", r.Status, r.Body)
		}
		resp, err = http.Get(e.URL + "/pay/link/" + soon)
		if err != nil {
			t.Fatal(err)
		}
		if body := readAll(t, resp); resp.StatusCode != http.StatusGone || !strings.Contains(body, "This link is no longer available") {
			t.Errorf("expired page: %d %s", resp.StatusCode, body)
		}
		e.Call("DELETE", "/query/payment-links/"+other, nil, http.StatusOK)
		if r := pay(other, "4111111111111111", payer); r.Status != 404 {
			t.Errorf("deleted link: %d %s", r.Status, r.Body)
		}
		resp, err = http.Get(e.URL + "/pay/link/" + other)
		if err != nil {
			t.Fatal(err)
		}
		if body := readAll(t, resp); resp.StatusCode != http.StatusGone || !strings.Contains(body, "This link is no longer available") {
			t.Errorf("deleted page: %d %s", resp.StatusCode, body)
		}
		if r := pay("00000000-0000-4000-8000-000000000000", "4111111111111111", payer); r.Status != 404 {
			t.Errorf("unknown link: %d", r.Status)
		}
		resp, err = http.Get(e.URL + "/pay/link/00000000-0000-4000-8000-000000000000")
		if err != nil {
			t.Fatal(err)
		}
		if readAll(t, resp); resp.StatusCode != 404 {
			t.Errorf("unknown page: %d", resp.StatusCode)
		}
	})
}

func readAll(t *testing.T, resp *http.Response) string {
	t.Helper()
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
