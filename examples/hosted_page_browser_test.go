package examples_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/tenderpay/tender/internal/apitest"
)

// axePath is axe-core's script, installed by `npm ci` in
// dashboard/testdata/axe (pinned by its package-lock.json).
const axePath = "../dashboard/testdata/axe/node_modules/axe-core/axe.min.js"

// checkAxe runs axe-core in the current page (injected through the
// DevTools protocol, which the page's CSP does not govern) and fails the
// test on a serious or critical violation.
func checkAxe(t *testing.T, ctx context.Context, what string) {
	t.Helper()
	axe, err := os.ReadFile(axePath)
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("axe-core missing (cd dashboard/testdata/axe && npm ci): %v", err)
		}
		t.Logf("axe-core not installed (cd dashboard/testdata/axe && npm ci): %s not checked", what)
		return
	}
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](string(axe)+";true")); err != nil {
		t.Fatalf("inject axe into %s: %v", what, err)
	}
	const check = `axe.run(document, {resultTypes: ["violations"]}).then(r => JSON.stringify(r.violations
		.filter(v => v.impact === "serious" || v.impact === "critical")
		.map(v => v.impact + " " + v.id + ": " + v.help + " at " + v.nodes.slice(0, 3).map(n => n.target.join(" ")).join(", "))))`
	found, err := chromedp.Run(ctx, chromedp.Evaluate[string](check, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatalf("axe in %s: %v", what, err)
	}
	var violations []string
	if err := json.Unmarshal([]byte(found), &violations); err != nil {
		t.Fatalf("%s: axe answered %q", what, found)
	}
	if len(violations) > 0 {
		t.Errorf("axe in %s:\n  %s", what, strings.Join(violations, "\n  "))
	}
}

// waitJS waits until the JavaScript expression is true in the page.
func waitJS(t *testing.T, ctx context.Context, expr string) {
	t.Helper()
	if _, err := chromedp.Run(ctx, chromedp.Poll[bool](expr, chromedp.WithPollingTimeout(15*time.Second))); err != nil {
		html, _ := chromedp.Run(ctx, chromedp.OuterHTML(chromedp.CSS("main")))
		t.Fatalf("waiting for %s: %v\n%s", expr, err, html)
	}
}

func textOf(t *testing.T, ctx context.Context, css string) string {
	t.Helper()
	s, err := chromedp.Run(ctx, chromedp.Evaluate[string](`(document.querySelector(`+jsString(css)+`) || {textContent: ""}).textContent`))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func jsString(s string) string { b, _ := json.Marshal(s); return string(b) }

// retype clears an input of the page and types text into it key by key.
func retype(t *testing.T, ctx context.Context, css, text string) {
	t.Helper()
	clear := chromedp.Evaluate[bool](`(el => { el.value = ""; return true; })(document.querySelector(` + jsString(css) + `))`)
	if _, err := chromedp.Run(ctx, clear); err != nil {
		t.Fatalf("clear %s: %v", css, err)
	}
	// Focus, then keys to the focused element: chromedp's SendKeys reads
	// the node's attributes before taking the node's lock (chromedp v0.23.0
	// query.go), a data race with its event loop when the page changes an
	// attribute of the field meanwhile (as validation does while typing),
	// which -race reported once in CI.
	if err := chromedp.Do(ctx, chromedp.Focus(chromedp.CSS(css)), chromedp.KeyEvent(text)); err != nil {
		t.Fatalf("type into %s: %v", css, err)
	}
}

// waitError waits until the inline message of field id holds want.
func waitError(t *testing.T, ctx context.Context, id, want string) {
	t.Helper()
	waitJS(t, ctx, `document.getElementById(`+jsString(id+"-error")+`).textContent.includes(`+jsString(want)+`)`)
}

// TestHostedInvoicePagePolishInChromium: a branded invoice with a reference,
// subtotal, tax and due date, paid in part. The page reads as the payer's
// (number, "Due", subtotal, tax, due date, the merchant's colour, a main
// landmark, a favicon), the CVV box lines up with Expiry, and the form says
// what is wrong next to each field as the payer types and leaves it: a card
// number failing its check digit or too short, an impossible expiry, a
// short CVV, an amount above the balance (capped). The expiry is written
// MM/YY as typed. Then a good card pays part of it: "Partially paid".
// axe-core finds nothing serious at 390 and 1280 px; screenshots of both.
func TestHostedInvoicePagePolishInChromium(t *testing.T) {
	ctx := newBrowser(t)
	e := apitest.Start(t, "sqlite", apitest.Options{})
	shots := newScreens(t, ctx, "invoice-polish")
	pageErrors := listenErrors(t, ctx)
	e.Call("PUT", "/team/option/advanced_customizations", map[string]any{"primary_color": "#0a66c2", "accent_color": "#5b2a86"}, 200)
	cust := e.Call("POST", "/customer", map[string]any{"firstname": "Pat", "lastname": "Payer", "email": "pat@example.com"}, 200).Map(t)["id"].(string)
	due := time.Now().AddDate(0, 0, 14).UTC()
	inv := e.Call("POST", "/invoice", map[string]any{"customer_id": cust, "total": 46.40, "is_partial_payment_enabled": true,
		"due_at": due.Format("2006-01-02 15:04:05"),
		"meta": map[string]any{"reference": "A-1001", "subtotal": 42.18, "tax": 4.22, "lineItems": []any{
			map[string]any{"item": "Window cleaning", "quantity": 1, "price": 42.18}}}}, 200).Map(t)["id"].(string)
	e.Call("PUT", "/invoice/"+inv+"/send", nil, 200)

	for _, width := range []int64{1280, 390} {
		if err := chromedp.Do(ctx, chromedp.EmulateViewport(width, 900), chromedp.Navigate(e.URL+"/pay/invoice/"+inv)); err != nil {
			t.Fatal(err)
		}
		waitFor(t, ctx, "html[data-card-form=ready]")
		shots.take(fmt.Sprintf("%d-opened", width))
		checkAxe(t, ctx, fmt.Sprintf("the invoice page at %d px", width))
	}

	text := textOf(t, ctx, "body")
	for _, want := range []string{"Invoice A-1001", "Due", "Subtotal$42.18", "Tax$4.22", "Balance due: $46.40", "Due date" + due.Format("Jan 2, 2006")} {
		if !strings.Contains(text, want) {
			t.Errorf("the invoice page lacks %q:\n%s", want, text)
		}
	}
	for _, internal := range []string{"VIEWED", "SENT", "ATTEMPTED", "PARTIALLY APPLIED"} {
		if strings.Contains(text, internal) {
			t.Errorf("the invoice page shows the internal status %s", internal)
		}
	}
	layout, err := chromedp.Run(ctx, chromedp.Evaluate[map[string]any](`(() => {
		const exp = document.getElementById("exp").getBoundingClientRect();
		const cvv = document.getElementById("card-cvv").getBoundingClientRect();
		const icon = document.querySelector("link[rel=icon]");
		return {main: document.querySelectorAll("main").length, expTop: exp.top, cvvTop: cvv.top, expH: exp.height, cvvH: cvv.height,
			button: getComputedStyle(document.getElementById("submit")).backgroundColor, icon: icon ? icon.href : ""};
	})()`))
	if err != nil {
		t.Fatal(err)
	}
	if layout["main"] != 1.0 || layout["expTop"] != layout["cvvTop"] || layout["expH"] != layout["cvvH"] || layout["button"] != "rgb(10, 102, 194)" {
		t.Errorf("layout: %v (one main; Expiry and CVV boxes on one line, one height; the merchant's primary colour)", layout)
	}
	if icon, _ := layout["icon"].(string); icon == "" {
		t.Error("no favicon link")
	} else if resp, err := http.Get(icon); err != nil || resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "image/svg+xml" {
		t.Errorf("favicon %s: %v %v", icon, resp, err)
	} else {
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if !strings.Contains(string(body), "<svg") {
			t.Errorf("favicon body %q", body)
		}
	}

	// A 16-digit number failing its check digit is said while typing.
	typeInField(t, ctx, "number", "4111111111111112")
	waitError(t, ctx, "card-number", "not valid")
	// A short one when the payer leaves the field.
	typeInField(t, ctx, "number", "4111")
	click(t, ctx, "#person_name")
	waitError(t, ctx, "card-number", "too short")
	// The expiry: MM/YY as typed, the month 01-12, not in the past.
	retype(t, ctx, "#exp", "1230")
	if v, _ := chromedp.Run(ctx, chromedp.Value(chromedp.CSS("#exp"))); v != "12/30" {
		t.Errorf("typing 1230 into Expiry shows %q, want 12/30", v)
	}
	retype(t, ctx, "#exp", "4")
	if v, _ := chromedp.Run(ctx, chromedp.Value(chromedp.CSS("#exp"))); v != "04/" {
		t.Errorf("typing 4 into Expiry shows %q, want 04/", v)
	}
	retype(t, ctx, "#exp", "1399")
	waitError(t, ctx, "exp", "month must be 01 to 12")
	retype(t, ctx, "#exp", "0120")
	waitError(t, ctx, "exp", "expired")
	// A short CVV, said on leaving it.
	typeInField(t, ctx, "cvv", "12")
	click(t, ctx, "#person_name")
	waitError(t, ctx, "card-cvv", "3 digits")
	// The amount: capped at the balance, in dollars and cents.
	retype(t, ctx, "#amount", "1000")
	waitError(t, ctx, "amount", "at most $46.40")
	if v, _ := chromedp.Run(ctx, chromedp.Value(chromedp.CSS("#amount"))); v != "46.40" {
		t.Errorf("typing 1000 against a $46.40 balance leaves %q in the amount", v)
	}
	if b := textOf(t, ctx, "#submit"); b != "Pay $46.40" {
		t.Errorf("the button says %q against a $46.40 balance", b)
	}
	shots.take("390-inline-errors")
	checkAxe(t, ctx, "the invoice page with its inline messages")
	if got := textOf(t, ctx, "#error"); got != "" {
		t.Errorf("a general error before any submit: %q", got)
	}

	// Fixed: a good card pays 10.5 of it.
	retype(t, ctx, "#amount", "10.5")
	click(t, ctx, "#person_name")
	if v, _ := chromedp.Run(ctx, chromedp.Value(chromedp.CSS("#amount"))); v != "10.50" {
		t.Errorf("10.5 leaves %q in the amount, want 10.50", v)
	}
	retype(t, ctx, "#person_name", "Pat Payer")
	retype(t, ctx, "#exp", "1230")
	typeInField(t, ctx, "number", approveCard)
	typeInField(t, ctx, "cvv", "123")
	click(t, ctx, "#person_name")
	waitJS(t, ctx, `["card-number", "exp", "card-cvv", "amount"].every(id => document.getElementById(id + "-error").textContent === "")`)
	waitFor(t, ctx, "#submit:enabled")
	if b := textOf(t, ctx, "#submit"); b != "Pay $10.50" {
		t.Errorf("the button says %q for 10.50", b)
	}
	click(t, ctx, "#submit")
	waitFor(t, ctx, "#success")
	shots.take("390-paid")
	if s := textOf(t, ctx, "#status"); s != "Partially paid" {
		t.Errorf("status after paying part: %q", s)
	}
	if got := e.Call("GET", "/invoice/"+inv, nil, 200).Map(t); got["balance_due"] != 35.9 || got["status"] != "PARTIALLY APPLIED" {
		t.Errorf("after paying 10.50: %v %v", got["balance_due"], got["status"])
	}
	if errs := pageErrors(); len(errs) > 0 {
		t.Errorf("errors in the page: %q", errs)
	}
}

// TestHostedPaymentLinkInlineErrorsInChromium: the payment-link page has the
// same card form: an invalid number and an impossible expiry are said next
// to their fields, a missing email on submit; axe-core finds nothing
// serious at 390 and 1280 px.
func TestHostedPaymentLinkInlineErrorsInChromium(t *testing.T) {
	ctx := newBrowser(t)
	e := apitest.Start(t, "sqlite", apitest.Options{})
	shots := newScreens(t, ctx, "payment-link-polish")
	pageErrors := listenErrors(t, ctx)
	l := e.Call("POST", "/query/payment-links", map[string]any{"name": "Pottery class", "total": 35}, 200).Map(t)
	for _, width := range []int64{1280, 390} {
		if err := chromedp.Do(ctx, chromedp.EmulateViewport(width, 900), chromedp.Navigate(l["url"].(string))); err != nil {
			t.Fatal(err)
		}
		waitFor(t, ctx, "html[data-card-form=ready]")
		shots.take(fmt.Sprintf("%d-opened", width))
		checkAxe(t, ctx, fmt.Sprintf("the payment-link page at %d px", width))
	}
	typeInField(t, ctx, "number", "4111111111111112")
	waitError(t, ctx, "card-number", "not valid")
	retype(t, ctx, "#exp", "1399")
	waitError(t, ctx, "exp", "month must be 01 to 12")
	retype(t, ctx, "#payer_name", "Pat")
	retype(t, ctx, "#exp", "1230")
	typeInField(t, ctx, "number", approveCard)
	typeInField(t, ctx, "cvv", "123")
	waitFor(t, ctx, "#submit:enabled")
	click(t, ctx, "#submit")
	waitError(t, ctx, "email", "Enter your email")
	shots.take("390-inline-errors")
	if got := e.Call("GET", "/query/payment-links/"+l["id"].(string), nil, 200).Map(t); got["uses"] != 0.0 {
		t.Errorf("a refused form took a use: %v", got["uses"])
	}
	if errs := pageErrors(); len(errs) > 0 {
		t.Errorf("errors in the page: %q", errs)
	}
}
