package examples_test

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/tenderpay/tender/internal/apitest"
)

// TestPaymentLinkPageInChromium pays a one-use payment link on its public
// page: a declined card (the use stays available), then an approved one;
// after that the page says the link is no longer available.
func TestPaymentLinkPageInChromium(t *testing.T) {
	ctx := newBrowser(t)
	e := apitest.Start(t, "sqlite", apitest.Options{})
	shots := newScreens(t, ctx, "payment-link")
	pageErrors := listenErrors(t, ctx)
	l := e.Call("POST", "/query/payment-links", map[string]any{"name": "Yoga class pass", "description": "Ten classes",
		"total": 120.5, "max_uses": 1}, 200).Map(t)
	link := func() map[string]any { return e.Call("GET", "/query/payment-links/"+l["id"].(string), nil, 200).Map(t) }

	if err := chromedp.Do(ctx, chromedp.EmulateViewport(390, 844, chromedp.EmulateScale(2), chromedp.EmulateMobile),
		chromedp.Navigate(l["url"].(string))); err != nil {
		t.Fatal(err)
	}
	waitFor(t, ctx, "html[data-card-form=ready]")
	shots.take("opened")
	text, err := chromedp.Run(ctx, chromedp.TextContent(chromedp.CSS("body")))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"Sandbox Merchant", "Yoga class pass", "Ten classes", "$120.50"} {
		if !strings.Contains(text, want) {
			t.Errorf("the link page lacks %q", want)
		}
	}
	if got := link(); got["views"] != 1.0 {
		t.Fatalf("views after opening: %v", got["views"])
	}

	setValues(t, ctx, "payer_name", "Pat Payer", "email", "pat@example.com", "exp", "12/30")
	typeInField(t, ctx, "number", declineCard)
	typeInField(t, ctx, "cvv", "123")
	waitFor(t, ctx, "#submit:enabled")
	click(t, ctx, "#submit")
	waitFor(t, ctx, "#declined")
	shots.take("declined")
	if got := link(); got["uses"] != 0.0 {
		t.Fatalf("a decline took the use: %v", got["uses"])
	}
	click(t, ctx, "#retry")
	typeInField(t, ctx, "number", approveCard)
	waitFor(t, ctx, "#submit:enabled")
	click(t, ctx, "#submit")
	waitFor(t, ctx, "#success")
	shots.take("paid")
	if got := link(); got["uses"] != 1.0 {
		t.Fatalf("uses after the payment: %v", got["uses"])
	}

	if err := chromedp.Do(ctx, chromedp.Reload()); err != nil {
		t.Fatal(err)
	}
	waitFor(t, ctx, "#unavailable")
	shots.take("used-up")
	if errs := pageErrors(); len(errs) > 0 {
		t.Errorf("errors in the page: %q", errs)
	}
}
