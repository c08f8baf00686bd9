package httpapi_test

import (
	"testing"

	"github.com/tenderpay/tender/gateway/stripe/stripetest"
	"github.com/tenderpay/tender/internal/apitest"
)

// TestStripeMerchantEndToEnd: a live server, a merchant on the stripe
// processor pointed at the Stripe double: a charge, an invoice payment and
// Stax.js pay() answer in Stax's shapes (validated against the OpenAPI
// document by apitest), with the processor's references recorded.
func TestStripeMerchantEndToEnd(t *testing.T) {
	apitest.EachStore(t, func(t *testing.T, store string) {
		double := stripetest.New(t)
		e := apitest.Start(t, store, apitest.Options{Live: true, StripeBaseURL: double.URL})
		id, _ := liveMerchant(t, e, map[string]any{"company_name": "Stripe Shop", "processor": "stripe",
			"processor_credentials": map[string]any{"secret_key": stripetest.SecretKey, "webhook_secret": stripetest.WebhookSecret}})
		pm := newCard(t, e, "4242424242424242")
		ch := e.Call("POST", "/charge", map[string]any{"payment_method_id": pm, "total": 10}, 200).Map(t)
		stored, err := e.Server.Store.TransactionGet(t.Context(), id, ch["id"].(string))
		if err != nil || ch["success"] != true || stored.GatewayRef == "" {
			t.Fatalf("charge = %v (%+v %v)", ch, stored, err)
		}
		cust := e.Call("GET", "/payment-method/"+pm, nil, 200).Map(t)["customer_id"].(string)
		inv := e.Call("POST", "/invoice", map[string]any{"customer_id": cust, "total": 12, "payment_method_id": pm}, 200).Map(t)["id"].(string)
		if paid := e.Call("POST", "/invoice/"+inv+"/pay", map[string]any{}, 200).Map(t); paid["success"] != true {
			t.Fatalf("invoice pay = %v", paid)
		}
		if r := web(e, e.WebToken, "pay", "", card("4242424242424242", map[string]any{"firstname": "Pam", "lastname": "Payer", "total": 5})); r.Status != 200 {
			t.Fatalf("web pay: %d %s", r.Status, r.Body)
		}
	})
}
