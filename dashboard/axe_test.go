package dashboard_test

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/tenderpay/tender/internal/apitest"
	"github.com/tenderpay/tender/internal/browsertest"
)

// axePath is axe-core's script, installed by `npm ci` in
// dashboard/testdata/axe (pinned by its package-lock.json).
const axePath = "testdata/axe/node_modules/axe-core/axe.min.js"

// TestDashboardAccessibility signs the owner in through the one-time link
// in Chromium, then opens every page at 390 px and 1280 px, saves a
// screenshot of each and runs axe-core in it: a serious or critical
// violation fails the test. The pages run under their strict CSP (axe is
// injected through the DevTools protocol, which the CSP does not govern).
func TestDashboardAccessibility(t *testing.T) {
	t.Parallel()
	axe, err := os.ReadFile(axePath)
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("axe-core missing (cd dashboard/testdata/axe && npm ci): %v", err)
		}
		t.Skip("axe-core not installed: cd dashboard/testdata/axe && npm ci")
	}
	// A bound for the whole walk (38 pages with axe in each), well inside
	// go test's -timeout: under -race beside the other packages on two
	// cores the walk took over two minutes.
	ctx := browsertest.Start(t, 10*time.Minute)
	e := apitest.Start(t, "sqlite", apitest.Options{})
	pm := newCard(t, e)
	sale := e.Call("POST", "/charge", map[string]any{"payment_method_id": pm, "total": 12.5}, 200).Map(t)["id"].(string)
	cust := e.Call("GET", "/payment-method/"+pm, nil, 200).Map(t)["customer_id"].(string)
	item := e.Call("POST", "/item", map[string]any{"item": "Widget", "price": 2.5}, 200).Map(t)["id"].(string)
	sched := e.Call("POST", "/invoice/schedule", map[string]any{"customer_id": cust, "total": 5,
		"rule": "DTSTART:20990101T090000Z\nRRULE:FREQ=MONTHLY;COUNT=3"}, 200).Map(t)["id"].(string)
	inv := e.Call("POST", "/invoice", map[string]any{"customer_id": cust, "total": 5}, 200).Map(t)["id"].(string)
	reg := e.Call("POST", "/terminal/register", map[string]any{"nickname": "Front"}, 201).Map(t)["id"].(string)
	target, _ := hookReceiver(t)
	hook := e.Call("POST", "/webhook", map[string]any{"target_url": target, "event": "*"}, 200).Map(t)["id"].(string)

	link := e.Server.SignInLink
	if err := chromedp.Do(ctx, chromedp.Navigate(link), chromedp.WaitVisible(chromedp.CSS(`main button[type=submit]`)),
		chromedp.Click(chromedp.CSS(`main button[type=submit]`)), chromedp.WaitVisible(chromedp.CSS(`nav#nav`))); err != nil {
		t.Fatalf("sign in through the link: %v", err)
	}
	dir := os.Getenv("TENDER_SCREENSHOTS")
	if dir == "" {
		dir = t.TempDir()
	}
	pages := []string{"/", "/dashboard/transactions", "/dashboard/transactions/" + sale, "/dashboard/transactions/" + sale + "/act/void",
		"/dashboard/customers", "/dashboard/customers/" + cust, "/dashboard/invoices", "/dashboard/invoices/new",
		"/dashboard/invoices/" + inv, "/dashboard/invoices/scheduled", "/dashboard/invoices/scheduled/new",
		"/dashboard/invoices/scheduled/" + sched, "/dashboard/catalog", "/dashboard/catalog/" + item, "/dashboard/terminals",
		"/dashboard/terminals/" + reg, "/dashboard/webhooks", "/dashboard/webhooks/" + hook, "/dashboard/events",
		"/dashboard/keys", "/dashboard/settings", "/docs"}
	const check = `axe.run(document, {resultTypes: ["violations"]}).then(r => JSON.stringify(r.violations
		.filter(v => v.impact === "serious" || v.impact === "critical")
		.map(v => v.impact + " " + v.id + ": " + v.help + " at " + v.nodes.slice(0, 3).map(n => n.target.join(" ")).join(", "))))`
	for _, width := range []int64{390, 1280} {
		for i, p := range pages {
			err := chromedp.Do(ctx, chromedp.EmulateViewport(width, 900), chromedp.Navigate(e.URL+p),
				chromedp.WaitReady(chromedp.CSS(`main`)))
			if err != nil {
				t.Fatalf("%s at %d px: %v", p, width, err)
			}
			if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](string(axe)+";true")); err != nil {
				t.Fatalf("inject axe into %s: %v", p, err)
			}
			found, err := chromedp.Run(ctx, chromedp.Evaluate[string](check, chromedp.EvalAwaitPromise))
			if err != nil {
				t.Fatalf("axe in %s: %v", p, err)
			}
			// Chromium captures at most 16,384 px in one image; a taller
			// page (the API reference at 390 px) is shot as its first
			// screen.
			height, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.documentElement.scrollHeight`))
			if err != nil {
				t.Fatalf("height of %s: %v", p, err)
			}
			shoot, ext := chromedp.FullScreenshot(80), "jpg"
			if height > 16000 {
				shoot, ext = chromedp.CaptureScreenshot(), "png"
			}
			shot, err := chromedp.Run(ctx, shoot)
			if err != nil {
				t.Fatalf("screenshot of %s: %v", p, err)
			}
			var violations []string
			if err := json.Unmarshal([]byte(found), &violations); err != nil {
				t.Fatalf("%s: axe answered %q", p, found)
			}
			if len(violations) > 0 {
				t.Errorf("%s at %d px:\n  %s", p, width, strings.Join(violations, "\n  "))
			}
			name := filepath.Join(dir, fmt.Sprintf("dashboard-%d-%02d%s.%s", width, i, strings.ReplaceAll(strings.Split(p, "/dashboard")[len(strings.Split(p, "/dashboard"))-1], "/", "-"), ext))
			if err := os.WriteFile(name, shot, 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	t.Logf("screenshots in %s", dir)
}
