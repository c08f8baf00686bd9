package dashboard_test

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/tenderpay/tender/internal/apitest"
	"github.com/tenderpay/tender/internal/browsertest"
)

// TestDashboardBrandingInChromium: the owner picks a primary colour on the
// settings page in Chromium and saves it; the hosted invoice page then
// paints its button in that colour.
func TestDashboardBrandingInChromium(t *testing.T) {
	ctx := browsertest.Start(t, 3*time.Minute)
	e := apitest.Start(t, "sqlite", apitest.Options{})
	cust := e.Call("POST", "/customer", map[string]any{"firstname": "Pat", "email": "pat@example.com"}, 200).Map(t)["id"].(string)
	inv := e.Call("POST", "/invoice", map[string]any{"customer_id": cust, "total": 5}, 200).Map(t)["id"].(string)

	if err := chromedp.Do(ctx, chromedp.EmulateViewport(1280, 900), chromedp.Navigate(e.Server.SignInLink),
		chromedp.WaitVisible(chromedp.CSS(`main button[type=submit]`)), chromedp.Click(chromedp.CSS(`main button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`nav#nav`))); err != nil {
		t.Fatalf("sign in through the link: %v", err)
	}
	// A colour input's picker is the browser's own; set its value as the
	// picker does (input and change events), then save the form.
	pick := `(el => { el.value = "#0a66c2"; el.dispatchEvent(new Event("input", {bubbles: true}));
		el.dispatchEvent(new Event("change", {bubbles: true})); return el.value; })(document.getElementById("primary_color"))`
	if err := chromedp.Do(ctx, chromedp.Navigate(e.URL+"/dashboard/settings"), chromedp.WaitVisible(chromedp.CSS(`#primary_color`))); err != nil {
		t.Fatal(err)
	}
	if v, err := chromedp.Run(ctx, chromedp.Evaluate[string](pick)); err != nil || v != "#0a66c2" {
		t.Fatalf("pick the colour: %q %v", v, err)
	}
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS(`#save-branding`)), chromedp.WaitVisible(chromedp.CSS(`p.notice`))); err != nil {
		t.Fatalf("save the branding: %v", err)
	}
	dir := os.Getenv("TENDER_SCREENSHOTS")
	if dir == "" {
		dir = t.TempDir()
	}
	if shot, err := chromedp.Run(ctx, chromedp.FullScreenshot(80)); err == nil {
		_ = os.WriteFile(filepath.Join(dir, "dashboard-branding-saved.jpg"), shot, 0o644)
	}
	if v, err := chromedp.Run(ctx, chromedp.Value(chromedp.CSS(`#primary_color`))); err != nil || v != "#0a66c2" {
		t.Fatalf("the settings page after saving shows %q (%v)", v, err)
	}

	if err := chromedp.Do(ctx, chromedp.Navigate(e.URL+"/pay/invoice/"+inv), chromedp.WaitVisible(chromedp.CSS(`#submit`))); err != nil {
		t.Fatal(err)
	}
	bg, err := chromedp.Run(ctx, chromedp.Evaluate[string](`getComputedStyle(document.getElementById("submit")).backgroundColor`))
	if err != nil || bg != "rgb(10, 102, 194)" {
		t.Fatalf("the hosted invoice page's button is %q (%v), want the saved rgb(10, 102, 194)", bg, err)
	}
}
