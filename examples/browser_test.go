package examples_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	cdplog "github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
	"github.com/tenderpay/tender/internal/apitest"
	"github.com/tenderpay/tender/internal/browsertest"
)

// The browser tests drive Debian's Chromium (never a downloaded browser)
// through the example checkout page, served from another site than Tender,
// and through Tender's hosted invoice page.

const (
	approveCard = "4111111111111111"
	declineCard = "4000000000000002"
	bankAccount = "9876543210"
)

// cardForms are the ways a card number could show up in the merchant's page.
var cardForms = []string{approveCard, declineCard, "4111 1111 1111 1111", "4000 0000 0000 0002",
	"4111-1111-1111-1111"}

// newBrowser starts a headless Chromium with a fresh profile and returns
// the context of its first tab.
func newBrowser(t *testing.T) context.Context {
	t.Helper()
	return browsertest.Start(t, 3*time.Minute, chromedp.Flag("disable-quic", true))
}

// screens saves PNG screenshots (quality 100 means PNG) into TENDER_SCREENSHOTS (default
// $TMPDIR/tender-screens).
type screens struct {
	t   *testing.T
	ctx context.Context
	dir string
	n   int
}

func newScreens(t *testing.T, ctx context.Context, prefix string) *screens {
	dir := os.Getenv("TENDER_SCREENSHOTS")
	if dir == "" {
		dir = filepath.Join(os.TempDir(), "tender-screens")
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	t.Logf("screenshots: %s/%s-*.png", dir, prefix)
	return &screens{t: t, ctx: ctx, dir: filepath.Join(dir, prefix)}
}

func (s *screens) take(name string) {
	s.t.Helper()
	buf, err := chromedp.Run(s.ctx, chromedp.FullScreenshot(100))
	if err != nil {
		s.t.Fatalf("screenshot %s: %v", name, err)
	}
	s.n++
	path := fmt.Sprintf("%s-%02d-%s.png", s.dir, s.n, name)
	if err := os.WriteFile(path, buf, 0o644); err != nil {
		s.t.Fatal(err)
	}
}

// netLog records every request the top-level target sees, with the frame
// that made it: the cross-site hosted fields run in their own process and
// target, so what is left here is the merchant page's own traffic.
type netLog struct {
	mu   sync.Mutex
	reqs map[network.RequestID]*netReq
	ids  []network.RequestID
}

type netReq struct {
	url, method string
	frame       cdp.FrameID
	post        []byte
	hasPost     bool
	responded   bool
}

func listenNetwork(t *testing.T, ctx context.Context) *netLog {
	l := &netLog{reqs: map[network.RequestID]*netReq{}}
	err := chromedp.Listen(ctx, func(ev any) {
		l.mu.Lock()
		defer l.mu.Unlock()
		switch ev := ev.(type) {
		case *network.EventRequestWillBeSent:
			r := &netReq{url: ev.Request.URL, method: ev.Request.Method, frame: ev.FrameID, hasPost: ev.Request.HasPostData}
			for _, e := range ev.Request.PostDataEntries {
				r.post = append(r.post, e.Bytes...)
			}
			if _, ok := l.reqs[ev.RequestID]; !ok {
				l.ids = append(l.ids, ev.RequestID)
			}
			l.reqs[ev.RequestID] = r
		case *network.EventResponseReceived:
			if r := l.reqs[ev.RequestID]; r != nil {
				r.responded = true
			}
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	return l
}

// checkMerchantFrame fails if any request of the main frame (URL, body or
// response body) carries a card number; it returns the URLs it checked.
func (l *netLog) checkMerchantFrame(t *testing.T, ctx context.Context, mainFrame cdp.FrameID) []string {
	t.Helper()
	l.mu.Lock()
	var mine []network.RequestID
	for _, id := range l.ids {
		if l.reqs[id].frame == mainFrame {
			mine = append(mine, id)
		}
	}
	l.mu.Unlock()
	var urls []string
	for _, id := range mine {
		l.mu.Lock()
		r := *l.reqs[id]
		l.mu.Unlock()
		urls = append(urls, r.method+" "+r.url)
		body := r.post
		if r.hasPost && len(body) == 0 {
			res, err := chromedp.Run(ctx, cdpCall(network.GetRequestPostData, network.GetRequestPostDataParams{RequestID: id}))
			if err == nil {
				body = res.PostData
			}
		}
		var resp []byte
		if r.responded {
			if res, err := chromedp.Run(ctx, cdpCall(network.GetResponseBody, network.GetResponseBodyParams{RequestID: id})); err == nil {
				resp = res.Body
			}
		}
		for _, pan := range cardForms {
			for what, b := range map[string][]byte{"URL": []byte(r.url), "request body": body, "response body": resp} {
				if bytes.Contains(b, []byte(pan)) {
					t.Errorf("the merchant page's %s %s carries the card number in its %s", r.method, r.url, what)
				}
			}
		}
	}
	return urls
}

// listenErrors collects the page's uncaught exceptions and console errors
// (a CSP violation among them); failed HTTP answers (a decline is a 400)
// are not errors here.
func listenErrors(t *testing.T, ctx context.Context) func() []string {
	var mu sync.Mutex
	var errs []string
	err := chromedp.Listen(ctx, func(ev any) {
		mu.Lock()
		defer mu.Unlock()
		switch ev := ev.(type) {
		case *runtime.EventExceptionThrown:
			errs = append(errs, "exception: "+ev.ExceptionDetails.Text+" "+fmt.Sprint(ev.ExceptionDetails.Exception))
		case *cdplog.EventEntryAdded:
			if ev.Entry.Level == cdplog.EntryLevelError && ev.Entry.Source != cdplog.EntrySourceNetwork {
				errs = append(errs, string(ev.Entry.Source)+": "+ev.Entry.Text)
			}
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	return func() []string {
		mu.Lock()
		defer mu.Unlock()
		return append([]string(nil), errs...)
	}
}

// cdpCall runs one protocol command on the context's target.
func cdpCall[P, R any](c cdp.Command[P, R], p P) chromedp.Action[R] {
	return func(ctx context.Context, t *chromedp.Target) (R, error) { return cdp.Call(ctx, t, c, p) }
}

func mainFrameID(t *testing.T, ctx context.Context) cdp.FrameID {
	t.Helper()
	tree, err := chromedp.Run(ctx, cdpCall(page.GetFrameTree, cdp.Empty{}))
	if err != nil {
		t.Fatal(err)
	}
	return tree.FrameTree.Frame.ID
}

// typeInField types into a hosted field as a user does: it clicks the
// field, waits until the field holds the focus, types, and checks that
// every digit landed. Keys sent before Chromium has moved the focus into a
// cross-site frame are dropped (under load the number field was left with
// "4" or nothing), so neither the click nor the wait is optional. A
// cross-site field is its own target (attached to, as a user's keystrokes
// reach it); a same-site one (the hosted invoice page) is reached through
// its iframe element.
func typeInField(t *testing.T, ctx context.Context, kind, text string) {
	t.Helper()
	css := `iframe[src*="/hosted/field/` + kind + `?"]`
	iframe := chromedp.CSS(css)
	if err := chromedp.Do(ctx, chromedp.WaitVisible(iframe)); err != nil {
		t.Fatalf("the %s field: %v", kind, err)
	}
	fctx, in, doc := hostedField(t, ctx, kind, css)
	field := doc + `.getElementById("field")`
	focused := chromedp.Evaluate[bool](doc + `.hasFocus() && ` + doc + `.activeElement === ` + field)
	// A click that comes before Chromium can hit-test the new frame lands
	// on the merchant's page instead; a user then clicks again.
	for clicks := 1; ; clicks++ {
		if err := chromedp.Do(ctx, chromedp.Click(iframe)); err != nil {
			t.Fatalf("click the %s field: %v", kind, err)
		}
		var ok bool
		// A bounded poll that must not fail the test (no focus in a second
		// means the click was lost: click again), so not apitest.Eventually.
		for deadline := time.Now().Add(time.Second); !ok && time.Now().Before(deadline); time.Sleep(25 * time.Millisecond) {
			ok, _ = chromedp.Run(fctx, focused)
		}
		if ok {
			if clicks > 1 {
				t.Logf("the %s field took %d clicks to focus", kind, clicks)
			}
			break
		}
		if clicks == 10 {
			t.Fatalf("%d clicks on the %s field did not focus it", clicks, kind)
		}
	}
	// Keys to the focused field rather than SendKeys, which races with
	// chromedp's event loop on the node's attributes (see retype).
	sel := chromedp.CSS("#field")
	if err := chromedp.Do(fctx, chromedp.SetValue(sel, "", in...), chromedp.Focus(sel, in...), chromedp.KeyEvent(text)); err != nil {
		t.Fatalf("type into the %s field: %v", kind, err)
	}
	got, err := chromedp.Run(fctx, chromedp.Evaluate[string](field+`.value.replace(/\D+/g, "")`))
	if err != nil || got != text {
		t.Fatalf("the %s field holds %q after typing %q (%v)", kind, got, text, err)
	}
}

// hostedField finds the frame of the hosted field whose iframe css
// selects: the context to run in, the query options that reach into it
// and a JavaScript expression for its document.
func hostedField(t *testing.T, ctx context.Context, kind, css string) (context.Context, []chromedp.QueryOption, string) {
	t.Helper()
	var (
		fctx context.Context
		opts []chromedp.QueryOption
		doc  string
	)
	apitest.Eventually(t, "the hosted "+kind+" field", 10*time.Second, func() bool {
		infos, err := chromedp.Targets(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, info := range infos {
			if info.Type == "iframe" && strings.Contains(info.URL, "/hosted/field/"+kind+"?") {
				c, cancel := chromedp.NewContext(ctx, chromedp.WithTargetID(info.TargetID), chromedp.WithDetachOnCancel()) // cancel must not close the iframe
				t.Cleanup(cancel)
				fctx, doc = c, "document"
				return true
			}
		}
		nodes, err := chromedp.Run(ctx, chromedp.Nodes(chromedp.CSS(css)))
		if err == nil && len(nodes) == 1 && nodes[0].ContentDocument != nil {
			fctx, opts, doc = ctx, []chromedp.QueryOption{chromedp.FromNode(nodes[0].ContentDocument)},
				`document.querySelector('`+css+`').contentDocument`
			return true
		}
		return false
	})
	return fctx, opts, doc
}

func setValues(t *testing.T, ctx context.Context, kv ...string) {
	t.Helper()
	var acts []chromedp.Action[chromedp.Void]
	for i := 0; i < len(kv); i += 2 {
		acts = append(acts, chromedp.SetValue(chromedp.CSS("#"+kv[i]), kv[i+1]))
	}
	if err := chromedp.Do(ctx, acts...); err != nil {
		t.Fatal(err)
	}
}

func waitFor(t *testing.T, ctx context.Context, css string) {
	t.Helper()
	wctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	if err := chromedp.Do(wctx, chromedp.WaitVisible(chromedp.CSS(css))); err != nil {
		html, _ := chromedp.Run(ctx, chromedp.OuterHTML(chromedp.CSS("body")))
		t.Fatalf("waiting for %s: %v\n%s", css, err, html)
	}
}

func checkDOM(t *testing.T, ctx context.Context) {
	t.Helper()
	html, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.documentElement.outerHTML`))
	if err != nil {
		t.Fatal(err)
	}
	for _, pan := range cardForms {
		if strings.Contains(html, pan) {
			t.Errorf("the merchant page's DOM contains the card number %s", pan)
		}
	}
}

// merchantSite serves examples/checkout from its own server, at
// http://localhost:PORT while Tender is at http://127.0.0.1:PORT: another
// site, so the hosted fields are cross-site iframes, postMessage crosses
// origins and the bank payment is a real CORS request.
func merchantSite(t *testing.T, tenderURL, token string) string {
	t.Helper()
	page, err := os.ReadFile("checkout/index.html")
	if err != nil {
		t.Fatal(err)
	}
	page = bytes.ReplaceAll(page, []byte("http://localhost:8080"), []byte(tenderURL))
	page = bytes.ReplaceAll(page, []byte("tnd_wp_REPLACE_ME"), []byte(token))
	files := http.FileServer(http.Dir("checkout"))
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/" || r.URL.Path == "/index.html" {
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			_, _ = w.Write(page)
			return
		}
		files.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	return strings.Replace(srv.URL, "127.0.0.1", "localhost", 1) + "/"
}

func resultJSON(t *testing.T, ctx context.Context) map[string]any {
	t.Helper()
	text, err := chromedp.Run(ctx, chromedp.TextContent(chromedp.CSS("#result")))
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal([]byte(text), &m); err != nil {
		t.Fatalf("result %q: %v", text, err)
	}
	return m
}

func click(t *testing.T, ctx context.Context, css string) {
	t.Helper()
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS(css))); err != nil {
		t.Fatalf("click %s: %v", css, err)
	}
}

// outbox returns the subjects and recipients of the sandbox merchant's
// messages about the given transactions' objects.
func receipts(t *testing.T, e *apitest.Env) []map[string]any {
	t.Helper()
	var out []map[string]any
	for _, m := range e.Call("GET", "/sandbox/outbox?per_page=100", nil, 200).Map(t)["data"].([]any) {
		if msg := m.(map[string]any); msg["kind"] == "receipt" {
			out = append(out, msg)
		}
	}
	return out
}

// TestCheckoutInChromium: the example checkout page, on its own site,
// tokenizes a card, pays with it (approved), pays with a declining card
// (ATTEMPTED) and pays by bank (CORS), in headless Chromium. The card
// numbers are typed into Tender's hosted fields; neither the merchant
// page's DOM nor any request or response of its frame carries them.
func TestCheckoutInChromium(t *testing.T) {
	ctx := newBrowser(t)
	e := apitest.Start(t, "sqlite", apitest.Options{})
	site := merchantSite(t, e.URL, e.WebToken)
	net := listenNetwork(t, ctx)
	pageErrors := listenErrors(t, ctx)
	shots := newScreens(t, ctx, "checkout")

	if err := chromedp.Do(ctx, chromedp.EmulateViewport(1000, 1100), chromedp.Navigate(site)); err != nil {
		t.Fatal(err)
	}
	waitFor(t, ctx, "body[data-ready=true]")
	mainFrame := mainFrameID(t, ctx)
	shots.take("loaded")
	if ok, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`typeof StaxJs === "function" && FattJs === StaxJs`)); err != nil || !ok {
		t.Errorf("StaxJs and its old name FattJs: %v %v", ok, err)
	}

	setValues(t, ctx, "firstname", "Jane", "lastname", "Shopper", "email", "jane@example.com",
		"phone", "4075550100", "address_1", "1 Main St", "address_city", "Orlando", "address_zip", "32801",
		"month", "12", "year", "2030")
	typeInField(t, ctx, "number", approveCard)
	typeInField(t, ctx, "cvv", "123")
	waitFor(t, ctx, "#tokenize:enabled") // card_form_complete
	shots.take("card-typed")

	// tokenize()
	click(t, ctx, "#tokenize")
	waitFor(t, ctx, "body[data-outcome=tokenized]")
	pm := resultJSON(t, ctx)
	shots.take("tokenized")
	if pm["card_last_four"] != "1111" {
		t.Fatalf("tokenized = %v", pm)
	}
	stored := e.Call("GET", "/payment-method/"+pm["id"].(string), nil, 200).Map(t)
	cust := e.Call("GET", "/customer/"+stored["customer_id"].(string), nil, 200).Map(t)
	if cust["email"] != "jane@example.com" || cust["address_1"] != "1 Main St" || stored["address_1"] != "" {
		t.Errorf("customer %v / payment method %v: the address goes on the customer only", cust, stored)
	}

	// pay(): approved; the customer is matched by email.
	click(t, ctx, "#pay")
	waitFor(t, ctx, "body[data-outcome=paid]")
	shots.take("paid")
	paid := resultJSON(t, ctx)
	inv := e.Call("GET", "/invoice/"+paid["id"].(string), nil, 200).Map(t)
	if inv["status"] != "PAID" || inv["total"] != 24.5 || inv["customer_id"] != cust["id"] {
		t.Errorf("paid invoice = %v", inv)
	}

	// pay() with a declining card: the invoice is ATTEMPTED.
	typeInField(t, ctx, "number", declineCard)
	waitFor(t, ctx, "#pay:enabled")
	click(t, ctx, "#pay")
	waitFor(t, ctx, "body[data-outcome=declined]")
	shots.take("declined")
	declined := resultJSON(t, ctx)
	if declined["status"] != "ATTEMPTED" {
		t.Errorf("declined invoice = %v", declined)
	}

	// pay() by bank: no hosted field; the library calls Tender from the
	// merchant's origin (CORS, any origin for a sandbox merchant).
	click(t, ctx, "input[value=bank]")
	setValues(t, ctx, "bank_routing", "021000021", "bank_account", bankAccount)
	waitFor(t, ctx, "#pay:enabled")
	click(t, ctx, "#pay")
	waitFor(t, ctx, "body[data-outcome=paid]")
	shots.take("bank-paid")

	// A receipt for each payment, to the customer's email, with the outcome.
	var ok, failed int
	for _, m := range receipts(t, e) {
		if m["to"] != "jane@example.com" {
			t.Errorf("receipt to %v", m["to"])
		}
		switch s := m["subject"].(string); {
		case strings.HasPrefix(s, "Receipt"):
			ok++
		case strings.HasPrefix(s, "Payment failed"):
			failed++
		}
	}
	if ok != 2 || failed != 1 {
		t.Errorf("receipts: %d ok, %d failed; want 2 and 1", ok, failed)
	}

	checkDOM(t, ctx)
	urls := net.checkMerchantFrame(t, ctx, mainFrame)
	var sawLibrary, sawBank bool
	for _, u := range urls {
		sawLibrary = sawLibrary || strings.Contains(u, "/js/stax.js")
		sawBank = sawBank || strings.HasPrefix(u, "POST ") && strings.Contains(u, "/webpayment/") && strings.HasSuffix(u, "/pay")
		if strings.Contains(u, "/tokenize") {
			t.Errorf("the merchant frame itself sent %s: card requests belong to the hosted field", u)
		}
	}
	if !sawLibrary || !sawBank {
		t.Errorf("the network log of the merchant frame misses the library or the bank payment: %v", urls)
	}
	t.Logf("checked %d requests of the merchant frame", len(urls))
	if errs := pageErrors(); len(errs) > 0 {
		t.Errorf("errors in the page: %q", errs)
	}
}

// TestHostedInvoicePageInChromium: the customer opens a sent invoice on a
// phone-sized screen (VIEWED), pays part of it by bank, is declined by
// card, and pays the rest by card; the payment methods are saved on the
// customer.
func TestHostedInvoicePageInChromium(t *testing.T) {
	ctx := newBrowser(t)
	e := apitest.Start(t, "sqlite", apitest.Options{})
	shots := newScreens(t, ctx, "invoice")
	pageErrors := listenErrors(t, ctx)
	cust := e.Call("POST", "/customer", map[string]any{"firstname": "Pat", "lastname": "Payer", "email": "pat@example.com"}, 200).Map(t)["id"].(string)
	inv := e.Call("POST", "/invoice", map[string]any{"customer_id": cust, "total": 50, "is_partial_payment_enabled": true,
		"meta": map[string]any{"subtotal": 50, "memo": "Thanks for your business", "lineItems": []any{
			map[string]any{"item": "Lawn mowing", "quantity": 2, "price": 15}, map[string]any{"item": "Hedge trimming", "quantity": 1, "price": 20}}}}, 200).Map(t)["id"].(string)
	e.Call("PUT", "/invoice/"+inv+"/send", nil, 200)
	status := func() map[string]any { return e.Call("GET", "/invoice/"+inv, nil, 200).Map(t) }

	if err := chromedp.Do(ctx, chromedp.EmulateViewport(390, 844, chromedp.EmulateScale(2), chromedp.EmulateMobile),
		chromedp.Navigate(e.URL+"/pay/invoice/"+inv)); err != nil {
		t.Fatal(err)
	}
	waitFor(t, ctx, "html[data-card-form=ready]")
	shots.take("opened")
	text, err := chromedp.Run(ctx, chromedp.TextContent(chromedp.CSS("body")))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"Sandbox Merchant", "Lawn mowing", "Hedge trimming", "$15.00", "Total: $50.00", "Balance due: $50.00", "Thanks for your business"} {
		if !strings.Contains(text, want) {
			t.Errorf("the invoice page lacks %q", want)
		}
	}
	if s := status(); s["status"] != "VIEWED" {
		t.Fatalf("after opening: %v", s["status"])
	}
	if w, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.documentElement.scrollWidth`)); err != nil || w > 390 {
		t.Errorf("the page is %d px wide on a 390 px screen (%v)", w, err)
	}

	// 20 of 50 by bank.
	click(t, ctx, "input[value=bank]")
	setValues(t, ctx, "person_name", "Pat Payer", "bank_routing", "021000021", "bank_account", bankAccount, "amount", "20")
	waitFor(t, ctx, "#submit:enabled")
	shots.take("bank-form")
	click(t, ctx, "#submit")
	waitFor(t, ctx, "#success")
	shots.take("bank-paid")
	if s := status(); s["status"] != "PARTIALLY APPLIED" || s["balance_due"] != 30.0 {
		t.Fatalf("after the bank payment: %v %v", s["status"], s["balance_due"])
	}

	// The rest by card: declined first, then approved.
	if err := chromedp.Do(ctx, chromedp.Reload()); err != nil {
		t.Fatal(err)
	}
	waitFor(t, ctx, "html[data-card-form=ready]")
	setValues(t, ctx, "person_name", "Pat Payer", "exp", "12/30")
	typeInField(t, ctx, "number", declineCard)
	typeInField(t, ctx, "cvv", "123")
	waitFor(t, ctx, "#submit:enabled")
	shots.take("card-form")
	click(t, ctx, "#submit")
	waitFor(t, ctx, "#declined")
	shots.take("card-declined")
	if s := status(); s["balance_due"] != 30.0 || s["payment_attempt_failed"] != true {
		t.Fatalf("after the decline: %v", s)
	}
	click(t, ctx, "#retry")
	typeInField(t, ctx, "number", approveCard)
	waitFor(t, ctx, "#submit:enabled")
	click(t, ctx, "#submit")
	waitFor(t, ctx, "#success")
	shots.take("card-paid")
	if s := status(); s["status"] != "PAID" || s["balance_due"] != 0.0 {
		t.Fatalf("after the card payment: %v %v", s["status"], s["balance_due"])
	}
	var methods []map[string]any
	e.Call("GET", "/customer/"+cust+"/payment-method", nil, 200).JSON(t, &methods)
	var bank, card bool
	for _, m := range methods {
		bank = bank || m["method"] == "bank" && m["card_last_four"] == "3210"
		card = card || m["method"] == "card" && m["card_last_four"] == "1111"
	}
	if !bank || !card {
		t.Errorf("the customer's payment methods lack the bank account or the card: %v", methods)
	}
	if r := receipts(t, e); len(r) != 3 {
		t.Errorf("%d receipts, want 3 (bank, declined card, card)", len(r))
	}
	// The strict CSP blocked nothing the page needs, and no script failed.
	if errs := pageErrors(); len(errs) > 0 {
		t.Errorf("errors in the page: %q", errs)
	}
}
