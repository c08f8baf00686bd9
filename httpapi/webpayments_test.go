package httpapi_test

import (
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/tenderpay/tender"
	"github.com/tenderpay/tender/internal/apitest"
)

// web sends a web-payments request: no API key, the public token in the
// path, an Origin when given.
func web(e *apitest.Env, token, action, origin string, body any) *apitest.Response {
	h := http.Header{}
	if origin != "" {
		h.Set("Origin", origin)
	}
	return e.Do(apitest.Request{Method: "POST", Path: "/webpayment/" + token + "/" + action, Body: body, Header: h})
}

// card adds the hosted fields' card to details.
func card(number string, details map[string]any) map[string]any {
	out := map[string]any{"card_number": number, "card_cvv": "123", "month": "12", "year": "2030"}
	for k, v := range details {
		out[k] = v
	}
	return out
}

// TestWebTokenizeCustomerMatching: tokenize() attaches the card to the
// customer named by customer_id, else to the first customer matching one
// demographic group exactly, else to a new customer; a matched customer's
// stored demographics do not change; match_customer false always creates.
func TestWebTokenizeCustomerMatching(t *testing.T) {
	apitest.EachStore(t, func(t *testing.T, store string) {
		e := apitest.Start(t, store, apitest.Options{})
		bob := e.Call("POST", "/customer", map[string]any{"firstname": "Bob", "lastname": "Smith", "email": "bob@example.com",
			"phone": "4075550100", "company": "Acme", "address_1": "123 North Way", "address_city": "Orlando", "address_zip": "32801"}, 200).Map(t)
		other := e.Call("POST", "/customer", map[string]any{"firstname": "Olga"}, 200).Map(t)
		name := "Elsewhere"
		b, err := e.Server.Service.CreateMerchant(t.Context(), "", true, &tender.MerchantInput{CompanyName: &name})
		if err != nil {
			t.Fatal(err)
		}
		foreign, err := e.Server.Service.CreateCustomer(t.Context(), b.Merchant.ID, &tender.CustomerInput{Firstname: &name})
		if err != nil {
			t.Fatal(err)
		}
		for _, tc := range []struct {
			name    string
			details map[string]any
			want    string // "bob", "other", "new"
		}{
			{"email, other case; other fields differ", map[string]any{"email": "BOB@example.com", "firstname": "Robert", "address_2": "Apt 9"}, "bob"},
			{"company, address_1, address_city", map[string]any{"company": "Acme", "address_1": "123 North Way", "address_city": "Orlando", "firstname": "Zed"}, "bob"},
			{"firstname, phone", map[string]any{"firstname": "Bob", "phone": "4075550100"}, "bob"},
			{"firstname, lastname, address_1, address_zip", map[string]any{"firstname": "Bob", "lastname": "Smith", "address_1": "123 North Way", "address_zip": "32801"}, "bob"},
			{"lastname, phone", map[string]any{"lastname": "Smith", "phone": "4075550100"}, "bob"},
			{"near miss (the seed's Bobby Smith at 123 Noth. Way)", map[string]any{"firstname": "Bobby", "lastname": "Smith", "address_1": "123 Noth. Way", "address_zip": "32801"}, "new"},
			{"incomplete group", map[string]any{"firstname": "Bob", "lastname": "Smith"}, "new"},
			{"match_customer false", map[string]any{"email": "bob@example.com", "firstname": "Bob", "match_customer": false}, "new"},
			{"explicit customer_id wins", map[string]any{"customer_id": other["id"], "email": "bob@example.com"}, "other"},
		} {
			r := web(e, e.WebToken, "tokenize", "", card("4111111111111111", tc.details))
			if r.Status != 200 {
				t.Fatalf("%s: %d %s", tc.name, r.Status, r.Body)
			}
			pm := r.Map(t)
			got := pm["customer_id"].(string)
			switch tc.want {
			case "bob":
				if got != bob["id"] {
					t.Errorf("%s: customer %s, want Bob", tc.name, got)
				}
			case "other":
				if got != other["id"] {
					t.Errorf("%s: customer %s, want the given one", tc.name, got)
				}
			case "new":
				if got == bob["id"] || got == other["id"] {
					t.Errorf("%s: matched an existing customer", tc.name)
				}
			}
			if pm["card_last_four"] != "1111" || strings.Contains(string(r.Body), "4111111111111111") || pm["address_1"] != "" {
				t.Errorf("%s: payment method %s", tc.name, r.Body)
			}
		}
		// Bob is as he was: matching stores no demographics.
		after := e.Call("GET", "/customer/"+bob["id"].(string), nil, 200).Map(t)
		if after["firstname"] != "Bob" || after["address_2"] != "" || after["updated_at"] != bob["updated_at"] {
			t.Errorf("matched customer changed: %v", after)
		}
		// A new customer gets the address; the payment method does not.
		r := web(e, e.WebToken, "tokenize", "", card("4242424242424242", map[string]any{"firstname": "Nia", "lastname": "New",
			"address_1": "9 Elm St", "address_city": "Tampa", "address_state": "FL", "address_zip": "33601"}))
		pm := r.Map(t)
		c := e.Call("GET", "/customer/"+pm["customer_id"].(string), nil, 200).Map(t)
		if c["address_1"] != "9 Elm St" || c["address_zip"] != "33601" || pm["address_zip"] != "" || pm["person_name"] != "Nia New" {
			t.Errorf("new customer %v, payment method %v", c, pm)
		}

		// Refusals.
		for _, tc := range []struct {
			name   string
			body   map[string]any
			status int
			field  string
		}{
			{"another merchant's customer", card("4111111111111111", map[string]any{"customer_id": foreign.ID}), 422, "customer_id"},
			{"no demographics", card("4111111111111111", nil), 422, "firstname"},
			{"bad card", card("4111111111111112", map[string]any{"firstname": "X"}), 422, "card_number"},
			{"bad expiry", card("4111111111111111", map[string]any{"firstname": "X", "month": "13"}), 422, "card_exp"},
		} {
			r := web(e, e.WebToken, "tokenize", "", tc.body)
			if r.Status != tc.status || !strings.Contains(string(r.Body), `"`+tc.field) {
				t.Errorf("%s: %d %s, want %d on %s", tc.name, r.Status, r.Body, tc.status, tc.field)
			}
			if strings.Contains(string(r.Body), "411111111111111") {
				t.Errorf("%s: the error shows the card number", tc.name)
			}
		}
		if r := web(e, "tnd_wp_nope", "tokenize", "", card("4111111111111111", map[string]any{"firstname": "X"})); r.Status != 401 {
			t.Errorf("unknown token: %d", r.Status)
		}
		if r := e.Do(apitest.Request{Method: "POST", Path: "/webpayment/" + e.WebToken + "/tokenize", Key: e.Key, Body: "{}"}); r.Status != 422 {
			t.Errorf("an API key is not needed, nor harmful: %d", r.Status)
		}
	})
}

// TestWebPay: pay() creates customer, payment method, invoice and payment;
// an approved payment leaves the invoice PAID (200), a decline ATTEMPTED
// (400); a retry with the same idempotency_id returns the same invoice
// without a second payment; each payment emails a receipt with its outcome.
func TestWebPay(t *testing.T) {
	apitest.EachStore(t, func(t *testing.T, store string) {
		e := apitest.Start(t, store, apitest.Options{})
		body := card("4111111111111111", map[string]any{"firstname": "Pam", "lastname": "Payer", "email": "pam@example.com",
			"total": 12.34, "idempotency_id": "order-1", "meta": map[string]any{"reference": "order-1",
				"lineItems": []any{map[string]any{"item": "Tea", "quantity": 2, "price": 6.17}}}})
		r := web(e, e.WebToken, "pay", "", body)
		if r.Status != 200 {
			t.Fatalf("pay: %d %s", r.Status, r.Body)
		}
		inv := r.Map(t)
		want(t, inv, map[string]any{"status": "PAID", "total": 12.34, "balance_due": 0.0, "total_paid": 12.34})
		if txs := inv["child_transactions"].([]any); len(txs) != 1 || txs[0].(map[string]any)["success"] != true {
			t.Fatalf("payments: %v", txs)
		}
		again := web(e, e.WebToken, "pay", "", body)
		if again.Status != 200 || again.Map(t)["id"] != inv["id"] {
			t.Fatalf("retry: %d %s", again.Status, again.Body)
		}
		list := e.Call("GET", "/transaction?invoice_id="+inv["id"].(string), nil, 200).Map(t)
		if list["total"] != 1.0 {
			t.Errorf("%v payments after a retry, want 1", list["total"])
		}
		changed := card("4111111111111111", map[string]any{"firstname": "Pam", "email": "pam@example.com", "total": 99, "idempotency_id": "order-1"})
		if r := web(e, e.WebToken, "pay", "", changed); r.Status != 422 || !strings.Contains(string(r.Body), "idempotency_id") {
			t.Errorf("same id, other parameters: %d %s", r.Status, r.Body)
		}

		// A decline: 400 with the invoice ATTEMPTED; the customer matched by email.
		r = web(e, e.WebToken, "pay", "", card("4000000000000002", map[string]any{"email": "pam@example.com", "total": 5}))
		if r.Status != 400 {
			t.Fatalf("decline: %d %s", r.Status, r.Body)
		}
		declined := r.Map(t)
		want(t, declined, map[string]any{"status": "ATTEMPTED", "payment_attempt_failed": true, "customer_id": inv["customer_id"]})

		// Bank.
		r = web(e, e.WebToken, "pay", "", map[string]any{"method": "bank", "firstname": "Ben", "bank_account": "9876543210",
			"bank_routing": "021000021", "bank_type": "checking", "bank_holder_type": "personal", "total": 7, "send_receipt": false})
		if r.Status != 200 || r.Map(t)["status"] != "PAID" {
			t.Fatalf("bank: %d %s", r.Status, r.Body)
		}

		// Receipts: the approval and the decline, to Pam (Ben asked for none and has no email).
		var subjects []string
		for _, m := range e.Call("GET", "/sandbox/outbox?per_page=50", nil, 200).Map(t)["data"].([]any) {
			msg := m.(map[string]any)
			if msg["kind"] == "receipt" {
				if msg["to"] != "pam@example.com" {
					t.Errorf("receipt to %v", msg["to"])
				}
				subjects = append(subjects, msg["subject"].(string))
			}
		}
		if len(subjects) != 2 || !strings.Contains(strings.Join(subjects, "|"), "Payment failed") || !strings.Contains(strings.Join(subjects, "|"), "Receipt") {
			t.Errorf("receipt subjects %q", subjects)
		}

		// Concurrent retries of a slow payment (5.20 approves after 1.5 s):
		// one customer, one invoice, one payment.
		slow := card("4242424242424242", map[string]any{"firstname": "Quinn", "email": "quinn@example.com", "total": 5.20, "idempotency_id": "slow-1"})
		ids := make(chan string, 4)
		var wg sync.WaitGroup
		for range 4 {
			wg.Go(func() {
				r := web(e, e.WebToken, "pay", "", slow)
				if r.Status != 200 {
					t.Errorf("concurrent pay: %d %s", r.Status, r.Body)
					ids <- ""
					return
				}
				ids <- r.Map(t)["id"].(string)
			})
		}
		wg.Wait()
		close(ids)
		first := ""
		for id := range ids {
			if first == "" {
				first = id
			} else if id != first {
				t.Errorf("concurrent retries made invoices %s and %s", first, id)
			}
		}
		if n := e.Call("GET", "/customer?email=quinn@example.com", nil, 200).Map(t)["total"]; n != 1.0 {
			t.Errorf("%v customers from concurrent retries, want 1", n)
		}
		if n := e.Call("GET", "/transaction?invoice_id="+first, nil, 200).Map(t)["total"]; n != 1.0 {
			t.Errorf("%v payments from concurrent retries, want 1", n)
		}

		// Validation.
		if r := web(e, e.WebToken, "pay", "", card("4111111111111111", map[string]any{"firstname": "X"})); r.Status != 422 || !strings.Contains(string(r.Body), `"total"`) {
			t.Errorf("no total: %d %s", r.Status, r.Body)
		}
	})
}

// TestWebPaymentsCORS: browsers may call the web-payments routes from the
// merchant's allowed origins only (any origin for a sandbox merchant);
// native apps send no Origin.
func TestWebPaymentsCORS(t *testing.T) {
	e := apitest.Start(t, "sqlite", apitest.Options{})
	name := "Live shop"
	origins := []string{"https://shop.example"}
	live, err := e.Server.Service.CreateMerchant(t.Context(), "", false, &tender.MerchantInput{CompanyName: &name, AllowedOrigins: &origins})
	if err != nil {
		t.Fatal(err)
	}
	tok := live.Merchant.WebPaymentsToken
	body := card("4111111111111111", map[string]any{"firstname": "Cora"})
	for _, tc := range []struct {
		token, origin string
		status        int
	}{
		{tok, "https://shop.example", 200},
		{tok, "https://SHOP.example", 200},
		{tok, "https://evil.example", 403},
		{tok, "http://shop.example", 403},
		{tok, "", 200}, // a native app
		{e.WebToken, "https://anything.example", 200},
	} {
		r := web(e, tc.token, "tokenize", tc.origin, body)
		acao := r.Header.Get("Access-Control-Allow-Origin")
		switch {
		case r.Status != tc.status:
			t.Errorf("origin %q: %d %s, want %d", tc.origin, r.Status, r.Body, tc.status)
		case tc.status == 200 && tc.origin != "" && acao != tc.origin:
			t.Errorf("origin %q: Access-Control-Allow-Origin %q", tc.origin, acao)
		case tc.status == 403 && acao != "":
			t.Errorf("origin %q refused but allowed by CORS: %q", tc.origin, acao)
		}
	}
	// The hosted fields call from Tender's own origin on behalf of the page
	// embedding them, named in Tender-Parent-Origin.
	h := http.Header{"Origin": {e.URL}, "Tender-Parent-Origin": {"https://evil.example"}}
	if r := e.Do(apitest.Request{Method: "POST", Path: "/webpayment/" + tok + "/tokenize", Body: body, Header: h}); r.Status != 403 {
		t.Errorf("hosted field embedded by another origin: %d", r.Status)
	}
	h.Set("Tender-Parent-Origin", "https://shop.example")
	if r := e.Do(apitest.Request{Method: "POST", Path: "/webpayment/" + tok + "/tokenize", Body: body, Header: h}); r.Status != 200 {
		t.Errorf("hosted field embedded by the shop: %d %s", r.Status, r.Body)
	}
	// Preflight.
	pre := func(origin string) *apitest.Response {
		return e.Do(apitest.Request{Method: "OPTIONS", Path: "/webpayment/" + tok + "/pay", NoValidate: true,
			Header: http.Header{"Origin": {origin}, "Access-Control-Request-Method": {"POST"}, "Access-Control-Request-Headers": {"content-type"}}})
	}
	if r := pre("https://shop.example"); r.Status != 204 || r.Header.Get("Access-Control-Allow-Origin") != "https://shop.example" ||
		!strings.Contains(r.Header.Get("Access-Control-Allow-Headers"), "Content-Type") {
		t.Errorf("preflight: %d %v", r.Status, r.Header)
	}
	if r := pre("https://evil.example"); r.Status != 403 || r.Header.Get("Access-Control-Allow-Origin") != "" {
		t.Errorf("preflight from another origin: %d %v", r.Status, r.Header)
	}
	// The hosted field may be framed only by the merchant's origins.
	resp, err := http.Get(e.URL + "/hosted/field/number?token=" + tok)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if csp := resp.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "frame-ancestors 'self' https://shop.example") ||
		!strings.Contains(csp, "script-src 'self'") {
		t.Errorf("hosted field CSP %q", csp)
	}
}

// TestWebPaymentsThrottle: the Stax.js routes have their own budget per IP
// (10/min), of which pay() may spend 5; over either, 429 with Retry-After
// and a message that says so. The API's own budget is not spent.
func TestWebPaymentsThrottle(t *testing.T) {
	e := apitest.Start(t, "sqlite", apitest.Options{WebRateLimit: 10, WebPayRateLimit: 5})
	// pay(): 5 a minute (refused requests count too); the sixth is refused,
	// readable by the page that sent it.
	for i := range 6 {
		r := web(e, e.WebToken, "pay", "https://shop.example", map[string]any{})
		if i < 5 && r.Status != 422 {
			t.Fatalf("pay %d: %d %s", i+1, r.Status, r.Body)
		}
		if i == 5 && (r.Status != 429 || r.Header.Get("Access-Control-Allow-Origin") != "https://shop.example" ||
			!strings.Contains(r.Map(t)["error"].(string), "Too many payments from this address (at most 5 a minute)")) {
			t.Fatalf("6th pay: %d %v %s", r.Status, r.Header, r.Body)
		}
	}
	// The payments spent 5 of the routes' 10: five more tokenize calls, then 429.
	for i := range 6 {
		r := web(e, e.WebToken, "tokenize", "", map[string]any{})
		if i < 5 && r.Status != 422 {
			t.Fatalf("tokenize %d: %d %s", i+1, r.Status, r.Body)
		}
		if i == 5 && (r.Status != 429 || r.Header.Get("Retry-After") == "" || !strings.Contains(r.Map(t)["error"].(string), "Too many Stax.js requests (tokenize and pay) from this address (at most 10 a minute)")) {
			t.Fatalf("11th web-payments request: %d %v %s", r.Status, r.Header, r.Body)
		}
	}
	e.Call("GET", "/customer", nil, 200)
}

// TestStaxJsAsset: the library is served with a content-hash ETag; a link
// with the current hash is cacheable for good.
func TestStaxJsAsset(t *testing.T) {
	e := apitest.Start(t, "sqlite", apitest.Options{})
	r := e.Do(apitest.Request{Method: "GET", Path: "/js/stax.js", NoValidate: true})
	etag := r.Header.Get("ETag")
	if r.Status != 200 || etag == "" || !strings.HasPrefix(r.Header.Get("Content-Type"), "text/javascript") ||
		!strings.Contains(string(r.Body), "global.FattJs = StaxJs") {
		t.Fatalf("stax.js: %d %v", r.Status, r.Header)
	}
	if r := e.Do(apitest.Request{Method: "GET", Path: "/js/stax.js", NoValidate: true, Header: http.Header{"If-None-Match": {etag}}}); r.Status != 304 {
		t.Errorf("revalidation: %d", r.Status)
	}
	v := strings.Trim(etag, `"`)
	if r := e.Do(apitest.Request{Method: "GET", Path: "/js/stax.js?v=" + v, NoValidate: true}); !strings.Contains(r.Header.Get("Cache-Control"), "immutable") {
		t.Errorf("versioned link: %v", r.Header)
	}
	if r := e.Do(apitest.Request{Method: "GET", Path: "/js/nope.js", NoValidate: true}); r.Status != 404 {
		t.Errorf("unknown asset: %d", r.Status)
	}
}

// TestHostedInvoicePayment: the hosted page's security headers, and its
// payment route's rules (the browser flow is in examples/).
func TestHostedInvoicePayment(t *testing.T) {
	apitest.EachStore(t, func(t *testing.T, store string) {
		e := apitest.Start(t, store, apitest.Options{})
		cust := e.Call("POST", "/customer", map[string]any{"firstname": "Hal", "email": "hal@example.com"}, 200).Map(t)["id"].(string)
		inv := e.Call("POST", "/invoice", map[string]any{"customer_id": cust, "total": 30}, 200).Map(t)["id"].(string)
		resp, err := http.Get(e.URL + "/pay/invoice/" + inv)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		csp := resp.Header.Get("Content-Security-Policy")
		for _, want := range []string{"default-src 'none'", "script-src 'self'", "frame-src 'self'", "frame-ancestors 'none'"} {
			if !strings.Contains(csp, want) {
				t.Errorf("CSP %q lacks %s", csp, want)
			}
		}
		if resp.Header.Get("X-Frame-Options") != "DENY" || resp.Header.Get("X-Content-Type-Options") != "nosniff" || resp.Header.Get("Referrer-Policy") != "no-referrer" {
			t.Errorf("headers %v", resp.Header)
		}
		pay := func(body any) *apitest.Response {
			return e.Do(apitest.Request{Method: "POST", Path: "/pay/invoice/" + inv, Body: body})
		}
		// Partial payments are off: the total must be the balance.
		if r := pay(card("4111111111111111", map[string]any{"person_name": "Hal", "total": 10})); r.Status != 422 {
			t.Errorf("partial on a non-partial invoice: %d %s", r.Status, r.Body)
		}
		if r := pay(card("4000000000000002", map[string]any{"person_name": "Hal"})); r.Status != 400 || r.Map(t)["success"] != false {
			t.Errorf("decline: %d %s", r.Status, r.Body)
		}
		r := pay(card("4111111111111111", map[string]any{"person_name": "Hal", "idempotency_id": "hosted-1"}))
		if r.Status != 200 {
			t.Fatalf("pay: %d %s", r.Status, r.Body)
		}
		want(t, r.Map(t), map[string]any{"success": true, "status": "PAID", "total": 30.0, "balance_due": 0.0, "last_four": "1111"})
		if strings.Contains(string(r.Body), "hal@example.com") {
			t.Error("the public answer shows the customer's email")
		}
		if r := pay(card("4111111111111111", map[string]any{"person_name": "Hal", "idempotency_id": "hosted-1"})); r.Status != 200 || r.Map(t)["status"] != "PAID" {
			t.Errorf("retry: %d %s", r.Status, r.Body)
		}
		if r := pay(card("4111111111111111", map[string]any{"person_name": "Hal"})); r.Status != 422 {
			t.Errorf("paying a paid invoice: %d %s", r.Status, r.Body)
		}
		if r := e.Do(apitest.Request{Method: "POST", Path: "/pay/invoice/00000000-0000-4000-8000-000000000000", Body: card("4111111111111111", nil)}); r.Status != 404 {
			t.Errorf("unknown invoice: %d", r.Status)
		}
		var methods []map[string]any
		e.Call("GET", "/customer/"+cust+"/payment-method", nil, 200).JSON(t, &methods)
		if len(methods) != 2 {
			t.Errorf("%d payment methods saved on the customer, want 2 (declined and approved card)", len(methods))
		}
	})
}
