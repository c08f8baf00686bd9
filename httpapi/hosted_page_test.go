package httpapi_test

import (
	"io"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/tenderpay/tender/internal/apitest"
)

// TestHostedPayRefusals: what the hosted card form checks in the browser,
// the server refuses too, with a 422 naming the field (the browser flow is
// in examples/): a card number failing its check digit or too short, an
// expiry month past 12 or in the past, a short CVV, and on the invoice
// page an amount above the balance. Nothing is charged.
func TestHostedPayRefusals(t *testing.T) {
	apitest.EachStore(t, func(t *testing.T, store string) {
		e := apitest.Start(t, store, apitest.Options{})
		cust := e.Call("POST", "/customer", map[string]any{"firstname": "Hal", "email": "hal@example.com"}, 200).Map(t)["id"].(string)
		inv := e.Call("POST", "/invoice", map[string]any{"customer_id": cust, "total": 46.40, "is_partial_payment_enabled": true}, 200).Map(t)["id"].(string)
		link := e.Call("POST", "/query/payment-links", map[string]any{"name": "Class", "total": 20}, 200).Map(t)["id"].(string)
		good := func(extra map[string]any) map[string]any {
			body := map[string]any{"card_number": "4111111111111111", "card_cvv": "123", "card_exp": "1230", "person_name": "Hal",
				"email": "hal@example.com"}
			for k, v := range extra {
				body[k] = v
			}
			return body
		}
		cases := []struct {
			name, field string
			body        map[string]any
		}{
			{"a number failing its check digit", "card_number", good(map[string]any{"card_number": "4111111111111112"})},
			{"a short number", "card_number", good(map[string]any{"card_number": "4111"})},
			{"month 13", "card_exp", good(map[string]any{"card_exp": "1330"})},
			{"an expiry in the past", "card_exp", good(map[string]any{"card_exp": "0120"})},
			{"a short CVV", "card_cvv", good(map[string]any{"card_cvv": "12"})},
		}
		for _, path := range []string{"/pay/invoice/" + inv, "/pay/link/" + link} {
			for _, c := range cases {
				r := e.Do(apitest.Request{Method: "POST", Path: path, Body: c.body})
				if r.Status != 422 {
					t.Errorf("%s, %s: %d %s, want 422", path, c.name, r.Status, r.Body)
					continue
				}
				if msgs, _ := r.Map(t)[c.field].([]any); len(msgs) == 0 {
					t.Errorf("%s, %s: %s names no %s", path, c.name, r.Body, c.field)
				}
			}
		}
		// More than the balance: 422 on total, saying the balance.
		r := e.Do(apitest.Request{Method: "POST", Path: "/pay/invoice/" + inv, Body: good(map[string]any{"total": 1000})})
		if r.Status != 422 {
			t.Fatalf("1000 against 46.40: %d %s", r.Status, r.Body)
		}
		if msgs, _ := r.Map(t)["total"].([]any); len(msgs) == 0 || !strings.Contains(msgs[0].(string), "46.40") {
			t.Errorf("1000 against 46.40: %s", r.Body)
		}
		got := e.Call("GET", "/invoice/"+inv, nil, 200).Map(t)
		if got["balance_due"] != 46.4 || len(got["child_transactions"].([]any)) != 0 {
			t.Fatalf("after the refusals: %v", got)
		}
		if l := e.Call("GET", "/query/payment-links/"+link, nil, 200).Map(t); l["uses"] != 0.0 {
			t.Fatalf("link uses after the refusals: %v", l["uses"])
		}
		// The balance itself goes through.
		if r := e.Do(apitest.Request{Method: "POST", Path: "/pay/invoice/" + inv, Body: good(map[string]any{"total": "46.40"})}); r.Status != 200 {
			t.Fatalf("paying the balance: %d %s", r.Status, r.Body)
		}
	})
}

var inlineCode = regexp.MustCompile(`<script>|<script [^>]*>[^<]|\sstyle="|\son[a-z]+=`)

// TestHostedInvoicePage: the page's own words (the number from meta's
// reference, "Partially paid" for PARTIALLY APPLIED, the due date,
// subtotal and tax), a main landmark, the favicon and stylesheet served by
// the binary, the merchant's colours as custom properties in the page's
// nonce-tagged style, and no inline script, style attribute or handler.
func TestHostedInvoicePage(t *testing.T) {
	e := apitest.Start(t, "sqlite", apitest.Options{})
	e.Call("PUT", "/team/option/advanced_customizations", map[string]any{"primary_color": "#0a66c2"}, 200)
	pm := newCard(t, e, "4111111111111111")
	cust := e.Call("GET", "/payment-method/"+pm, nil, 200).Map(t)["customer_id"].(string)
	inv := e.Call("POST", "/invoice", map[string]any{"customer_id": cust, "total": 46.40, "is_partial_payment_enabled": true,
		"due_at": "2099-03-01", "meta": map[string]any{"reference": "A-1001", "subtotal": 42.18, "tax": 4.22}}, 200).Map(t)["id"].(string)
	e.Call("POST", "/invoice/"+inv+"/pay", map[string]any{"payment_method_id": pm, "total": 6.40}, 200)
	if s := e.Call("GET", "/invoice/"+inv, nil, 200).Map(t)["status"]; s != "PARTIALLY APPLIED" {
		t.Fatalf("status %v", s)
	}
	resp, err := http.Get(e.URL + "/pay/invoice/" + inv)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	page := string(b)
	csp := resp.Header.Get("Content-Security-Policy")
	if !strings.Contains(csp, "style-src 'self' 'nonce-") || !strings.Contains(csp, "script-src 'self';") {
		t.Errorf("CSP %q", csp)
	}
	for _, want := range []string{"<main>", "Invoice A-1001", ">Partially paid<", "Mar 1, 2099", ">$42.18<", ">$4.22<", "Balance due: $40.00",
		`rel="icon" href="/js/favicon.svg?v=`, `rel="stylesheet" href="/js/hosted.css?v=`, "--primary: #0a66c2;", `data-balance="40.00"`,
		`src="/js/payform.js?v=`} {
		if !strings.Contains(page, want) {
			t.Errorf("the page lacks %q", want)
		}
	}
	if strings.Contains(page, "PARTIALLY APPLIED") {
		t.Error("the page shows the internal status")
	}
	if m := inlineCode.FindString(page); m != "" {
		t.Errorf("inline code in the page: %q", m)
	}
	// Paid in full: "Paid", no form. Past its due date: "Overdue".
	e.Call("POST", "/invoice/"+inv+"/pay", map[string]any{"payment_method_id": pm}, 200)
	paid := hostedGet(t, e.URL+"/pay/invoice/"+inv)
	if !strings.Contains(paid, ">Paid<") || !strings.Contains(paid, "Paid in full") || strings.Contains(paid, `id="pay"`) {
		t.Errorf("the paid invoice's page:\n%s", paid)
	}
	late := e.Call("POST", "/invoice", map[string]any{"customer_id": cust, "total": 5, "due_at": "2020-01-31"}, 200).Map(t)["id"].(string)
	if page := hostedGet(t, e.URL+"/pay/invoice/"+late); !strings.Contains(page, ">Overdue<") || !strings.Contains(page, "Invoice INV-") {
		t.Errorf("the overdue invoice's page:\n%s", page)
	}
	for file, ctype := range map[string]string{"hosted.css": "text/css; charset=utf-8", "favicon.svg": "image/svg+xml", "payform.js": "text/javascript; charset=utf-8"} {
		r := e.Do(apitest.Request{Method: "GET", Path: "/js/" + file, NoValidate: true})
		if r.Status != 200 || r.Header.Get("Content-Type") != ctype || len(r.Body) == 0 {
			t.Errorf("/js/%s: %d %q", file, r.Status, r.Header.Get("Content-Type"))
		}
	}
	for _, gone := range []string{"invoice.js", "paymentlink.js"} {
		if r := e.Do(apitest.Request{Method: "GET", Path: "/js/" + gone, NoValidate: true}); r.Status != 404 {
			t.Errorf("/js/%s: %d; one script serves both pages", gone, r.Status)
		}
	}
}

func hostedGet(t *testing.T, url string) string {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return string(b)
}
