package dashboard_test

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
	"github.com/tenderpay/tender"
	"github.com/tenderpay/tender/internal/apitest"
	"github.com/tenderpay/tender/internal/browsertest"
)

// chrome is one Chromium tab driven through the dashboard, with a
// screenshot directory (TENDER_SCREENSHOTS, default a temporary one).
type chrome struct {
	t     *testing.T
	ctx   context.Context
	base  string
	dir   string
	shots int
}

// startChrome starts a headless Chromium whose every confirmation dialog
// (the data-confirm forms that move money) is accepted, as a user would.
func startChrome(t *testing.T, base string) *chrome {
	t.Helper()
	ctx := browsertest.Start(t, 5*time.Minute)
	dialogs := chromedp.Events(ctx, page.JavascriptDialogOpening)
	go func() {
		for _, err := range dialogs {
			if err != nil {
				return
			}
			_, _ = chromedp.Call(ctx, page.HandleJavaScriptDialog, page.HandleJavaScriptDialogParams{Accept: true})
		}
	}()
	dir := os.Getenv("TENDER_SCREENSHOTS")
	if dir == "" {
		dir = t.TempDir()
	}
	t.Logf("screenshots in %s", dir)
	return &chrome{t: t, ctx: ctx, base: base, dir: dir}
}

func (c *chrome) do(what string, acts ...chromedp.Action[chromedp.Void]) {
	c.t.Helper()
	if err := chromedp.Do(c.ctx, acts...); err != nil {
		c.t.Fatalf("%s: %v", what, err)
	}
}

// open navigates to path and waits for its main element.
func (c *chrome) open(path string) {
	c.t.Helper()
	c.do("open "+path, chromedp.Navigate(c.base+path), chromedp.WaitReady(chromedp.CSS("main")))
}

// submit clicks a link or a submit button, waits for the page it leads
// to to load, and for that page to show css.
func (c *chrome) submit(button, css string) {
	c.t.Helper()
	if _, err := chromedp.Run(c.ctx, chromedp.WaitEvent(page.LoadEventFired, nil, chromedp.Click(chromedp.CSS(button)))); err != nil {
		c.t.Fatalf("click %s: %v", button, err)
	}
	c.do("wait for "+css, chromedp.WaitVisible(chromedp.CSS(css)))
}

func (c *chrome) text(css string) string {
	c.t.Helper()
	s, err := chromedp.Run(c.ctx, chromedp.TextContent(chromedp.CSS(css)))
	if err != nil {
		c.t.Fatalf("text of %s: %v", css, err)
	}
	return strings.TrimSpace(s)
}

func (c *chrome) has(css string) bool {
	c.t.Helper()
	ok, err := chromedp.Run(c.ctx, chromedp.Evaluate[bool](fmt.Sprintf("document.querySelector(%q) !== null", css)))
	if err != nil {
		c.t.Fatal(err)
	}
	return ok
}

func (c *chrome) location() string {
	c.t.Helper()
	s, err := chromedp.Run(c.ctx, chromedp.Location())
	if err != nil {
		c.t.Fatal(err)
	}
	return s
}

// shot saves a full-page screenshot named for the step.
func (c *chrome) shot(name string) {
	c.t.Helper()
	buf, err := chromedp.Run(c.ctx, chromedp.FullScreenshot(80))
	if err != nil {
		c.t.Fatalf("screenshot %s: %v", name, err)
	}
	c.shots++
	if err := os.WriteFile(filepath.Join(c.dir, fmt.Sprintf("flow-%02d-%s.jpg", c.shots, name)), buf, 0o644); err != nil {
		c.t.Fatal(err)
	}
}

// simProcess runs "tender terminal simulate" (built from cmd/tender) as
// its own process, approving every sale, and waits until it is online.
func simProcess(t *testing.T, server, code string) {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "tender")
	if out, err := exec.Command("go", "build", "-o", bin, "../cmd/tender").CombinedOutput(); err != nil {
		t.Fatalf("go build ./cmd/tender: %v\n%s", err, out)
	}
	cmd := exec.Command(bin, "terminal", "simulate", "--server", server, "--code", code, "--auto", "approve", "--serial", "SIM-42")
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = cmd.Stdout
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var lines []string
	online, done := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(done)
		sc := bufio.NewScanner(out)
		once := sync.Once{}
		for sc.Scan() {
			mu.Lock()
			lines = append(lines, sc.Text())
			mu.Unlock()
			if strings.Contains(sc.Text(), "online as register") {
				once.Do(func() { close(online) })
			}
		}
		_ = cmd.Wait()
	}()
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		<-done
		if t.Failed() {
			mu.Lock()
			t.Logf("simulator output:\n%s", strings.Join(lines, "\n"))
			mu.Unlock()
		}
	})
	select {
	case <-online:
	case <-done:
		t.Fatal("the simulator exited before it was online")
	case <-time.After(30 * time.Second):
		t.Fatal("the simulator was not online within 30 s")
	}
}

// TestDashboardBrowserFlows drives the dashboard's main flows in
// Chromium, by clicks and typing, with a screenshot of each step: the
// owner signs in with the start banner's link, refunds a payment from its
// page (accepting the confirmation), creates an invoice from a catalog
// item and sends it (it is SENT and the email reaches the SMTP sink),
// replays a webhook delivery (the receiver gets the event a second time),
// adds a register, pairs the simulator (its own process) with the code
// shown and charges a sale on it from the virtual terminal; a staff user's
// transaction page offers no refund, and from it a forged refund with the
// session's valid CSRF token is 403, one without the token is 403 and
// another merchant's customer is 404.
func TestDashboardBrowserFlows(t *testing.T) {
	smtp := apitest.StartSMTP(t)
	e := apitest.Start(t, "sqlite", apitest.Options{SMTPURL: smtp.URL})
	pm := newCard(t, e)
	sale := e.Call("POST", "/charge", map[string]any{"payment_method_id": pm, "total": 12.5}, 200).Map(t)["id"].(string)
	e.Call("POST", "/sandbox/batch", nil, 200)
	target, got := hookReceiver(t)
	hook := e.Call("POST", "/webhook", map[string]any{"target_url": target, "event": "create_customer"}, 200).Map(t)["id"].(string)
	cust := e.Call("POST", "/customer", map[string]any{"firstname": "Ann", "lastname": "Lee", "email": "ann@example.com"}, 200).Map(t)["id"].(string)
	item := e.Call("POST", "/item", map[string]any{"item": "Widget", "price": 2.5}, 200).Map(t)["id"].(string)

	c := startChrome(t, e.URL)
	c.do("sign in", chromedp.Navigate(e.Server.SignInLink), chromedp.WaitVisible(chromedp.CSS(`main button[type=submit]`)),
		chromedp.Click(chromedp.CSS(`main button[type=submit]`)), chromedp.WaitVisible(chromedp.CSS(`nav#nav`)))
	c.shot("home")

	// Refund from the transaction page.
	c.open("/dashboard/transactions/" + sale)
	c.submit(`a[href$="/refund"]`, `#amount`)
	c.do("amount", chromedp.SetValue(chromedp.CSS("#amount"), "5.00"))
	c.shot("refund")
	c.submit(`main form button[type=submit]`, `.notice`)
	if n := c.text(".notice"); n != "Refund sent." {
		t.Fatalf("after the refund: %q", n)
	}
	c.shot("refunded")
	if r := e.Call("GET", "/transaction/"+sale, nil, 200).Map(t)["total_refunded"]; r != 5.0 {
		t.Fatalf("total_refunded = %v, want 5", r)
	}

	// Create an invoice from the catalog and send it.
	c.open("/dashboard/invoices/new")
	c.do("fill the invoice", chromedp.SetValue(chromedp.CSS("#customer_id"), cust),
		chromedp.SendKeys(chromedp.CSS("#qty_"+item), "3"), chromedp.SendKeys(chromedp.CSS("#memo"), "Thanks"))
	c.shot("invoice-new")
	c.submit(`main form[action="/dashboard/invoices/new"] button[type=submit]`, `.notice`)
	loc := c.location()
	inv := loc[strings.LastIndex(loc, "/")+1:]
	inv, _, _ = strings.Cut(inv, "?")
	if n := c.text(".notice"); n != "Invoice created." || !strings.Contains(c.text("main"), "$7.50") {
		t.Fatalf("after creating the invoice (%s): %q", loc, c.text("main"))
	}
	c.submit(`main form[action$="/send"] button[type=submit]`, `.notice`)
	if n := c.text(".notice"); n != "Invoice sent." {
		t.Fatalf("after sending: %q", n)
	}
	c.shot("invoice-sent")
	if got := e.Call("GET", "/invoice/"+inv, nil, 200).Map(t); got["status"] != tender.InvoiceSent || got["total"] != 7.5 {
		t.Fatalf("the invoice over the API: %v", got)
	}
	if m := smtp.WaitFor(t, 15*time.Second, "/pay/invoice/"+inv); len(m.To) != 1 || m.To[0] != "ann@example.com" {
		t.Fatalf("the invoice email went to %v", m.To)
	}

	// Replay a webhook delivery: the customer above made one.
	first := nextDelivery(t, got)
	c.open("/dashboard/webhooks/" + hook)
	replay := `main form[action$="/replay"] button[type=submit]`
	for deadline := time.Now().Add(15 * time.Second); !c.has(replay); {
		if time.Now().After(deadline) {
			t.Fatalf("no delivery to replay: %s", c.text("main"))
		}
		c.do("reload", chromedp.Reload(), chromedp.WaitReady(chromedp.CSS("main")))
	}
	c.shot("webhook")
	c.submit(replay, `.notice`)
	if n := c.text(".notice"); !strings.HasPrefix(n, "Delivery replayed") {
		t.Fatalf("after the replay: %q", n)
	}
	if again := nextDelivery(t, got); again != first {
		t.Fatalf("the replay delivered event %s, want %s", again, first)
	}
	c.shot("webhook-replayed")

	// Add a register, pair the simulator, run a sale on it.
	c.open("/dashboard/terminals")
	c.do("nickname", chromedp.SendKeys(chromedp.CSS("#nickname"), "Front desk"))
	c.submit(`main form[action="/dashboard/terminals"] button[type=submit]`, `#pairing-code`)
	c.shot("register-added")
	simProcess(t, e.URL, c.text("#pairing-code"))
	c.open("/dashboard/terminals")
	c.submit(`main table a[href^="/dashboard/terminals/"]`, `#amount`)
	if !strings.Contains(c.text("main"), "is online") {
		t.Fatalf("the register page after pairing: %s", c.text("main"))
	}
	reg := c.location()
	reg = reg[strings.LastIndex(reg, "/")+1:]
	c.do("amount", chromedp.SendKeys(chromedp.CSS("#amount"), "8.25"))
	c.submit(`main form button[type=submit]`, `main dl`)
	loc = c.location()
	tx := loc[strings.LastIndex(loc, "/")+1:]
	tx, _, _ = strings.Cut(tx, "?")
	for {
		s := e.Call("GET", "/terminal/"+reg+"/status/"+tx, nil, 200).Map(t)["status"]
		if s == "SUCCESS" {
			break
		}
		if s == "FAILED" {
			t.Fatal("the simulator's sale failed")
		}
		if err := c.ctx.Err(); err != nil {
			t.Fatalf("the sale did not succeed in time: %v", err)
		}
	}
	c.do("reload", chromedp.Reload(), chromedp.WaitReady(chromedp.CSS("main")))
	if txt := c.text("main"); !strings.Contains(txt, "SUCCESS") || !strings.Contains(txt, "$8.50") {
		t.Fatalf("the sale's page: %s", txt)
	}
	c.shot("terminal-sale")

	// A staff user's transaction page offers no refund.
	if _, err := e.Server.Service.CreateTeamUser(t.Context(), e.MerchantID, &tender.TeamUserInput{
		Email: "staff@example.com", Role: tender.RoleStaff, Password: "correct horse battery"}); err != nil {
		t.Fatal(err)
	}
	c.do("sign out", chromedp.Navigate(e.URL+"/"), chromedp.WaitVisible(chromedp.CSS(`form[action="/dashboard/signout"] button`)),
		chromedp.Click(chromedp.CSS(`form[action="/dashboard/signout"] button`)), chromedp.WaitVisible(chromedp.CSS(`#email`)))
	c.open("/dashboard/signin?next=" + "/dashboard/transactions/" + sale)
	c.do("staff sign in", chromedp.SendKeys(chromedp.CSS("#email"), "staff@example.com"),
		chromedp.SendKeys(chromedp.CSS("#password"), "correct horse battery"))
	c.submit(`main form button[type=submit]`, `main dl`)
	if c.has(`a[href$="/refund"]`) || c.has(`a[href$="/act/void"]`) {
		t.Fatal("a staff user's transaction page offers a refund or a void")
	}
	c.shot("staff-transaction")

	// Forged from the staff user's page: a refund with the session's valid
	// CSRF token is 403, the same POST without the token is 403, and
	// another merchant's customer is 404.
	name := "B"
	other, err := e.Server.Service.CreateMerchant(t.Context(), "", true, &tender.MerchantInput{CompanyName: &name})
	if err != nil {
		t.Fatal(err)
	}
	bCust := e.Do(apitest.Request{Method: "POST", Path: "/customer", Key: other.APIKey.Key, Body: map[string]any{"firstname": "B"}}).Map(t)["id"].(string)
	status := func(js string) int {
		t.Helper()
		n, err := chromedp.Run(c.ctx, chromedp.Evaluate[int](js, chromedp.EvalAwaitPromise))
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	post := `(csrf) => fetch("/dashboard/transactions/` + sale + `/refund", {method: "POST", redirect: "manual",
		body: new URLSearchParams(Object.assign({amount: "1.00", idempotency_id: "` + tender.NewID() + `"}, csrf ? {csrf} : {}))}).then(r => r.status)`
	token := `document.querySelector('input[name=csrf]').value`
	if n := status("(" + post + ")(" + token + ")"); n != 403 {
		t.Fatalf("a staff user's forged refund with a valid CSRF token: %d, want 403", n)
	}
	if n := status("(" + post + ")(null)"); n != 403 {
		t.Fatalf("a refund without the CSRF token: %d, want 403", n)
	}
	if n := status(`fetch("/dashboard/customers/` + bCust + `").then(r => r.status)`); n != 404 {
		t.Fatalf("another merchant's customer: %d, want 404", n)
	}
	if r := e.Call("GET", "/transaction/"+sale, nil, 200).Map(t)["total_refunded"]; r != 5.0 {
		t.Fatalf("after the forged refunds total_refunded = %v, want 5", r)
	}
}
