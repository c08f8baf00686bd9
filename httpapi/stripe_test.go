package httpapi_test

import (
	"strings"
	"testing"
	"time"

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

// TestStripeRefusedCredentials: a merchant whose Stripe key is wrong or
// revoked (Stripe answers 401) gets its charge FAILED at once, answered as
// a gateway error after the attempt (400 with the transaction, as Stax),
// with a message naming the processor and no part of the key; nothing is
// left PENDING for the janitor.
func TestStripeRefusedCredentials(t *testing.T) {
	apitest.EachStore(t, func(t *testing.T, store string) {
		double := stripetest.New(t)
		e := apitest.Start(t, store, apitest.Options{Live: true, StripeBaseURL: double.URL})
		const revoked = "sk_test_revokedREVOKED9876"
		id, _ := liveMerchant(t, e, map[string]any{"company_name": "Revoked", "processor": "stripe",
			"processor_credentials": map[string]any{"secret_key": revoked, "webhook_secret": stripetest.WebhookSecret}})
		pm := newCard(t, e, "4242424242424242")
		r := e.Call("POST", "/charge", map[string]any{"payment_method_id": pm, "total": 10}, 400)
		ch := r.Map(t)
		msg, _ := ch["message"].(string)
		if ch["success"] != false || !strings.Contains(msg, "stripe") || !strings.Contains(msg, "401") ||
			strings.Contains(string(r.Body), "REVOKED") || strings.Contains(string(r.Body), "9876") {
			t.Fatalf("charge = %s", r.Body)
		}
		stored, err := e.Server.Store.TransactionGet(t.Context(), id, ch["id"].(string))
		if err != nil || stored.Status != "FAILED" || stored.GatewayUnknown || stored.DeclineCode != "processor_credentials" {
			t.Fatalf("stored = %+v, %v", stored, err)
		}
		if pending, err := e.Server.Store.TransactionsPending(t.Context(), time.Now().Add(time.Hour), 10); err != nil || len(pending) != 0 {
			t.Fatalf("pending = %v, %v", pending, err)
		}
	})
}

// TestStripeSettlementMovesPastUnsettled: a page of payments Stripe has not
// settled yet (funds not available) does not stop the batch: the payments
// after it settle in the same pass.
func TestStripeSettlementMovesPastUnsettled(t *testing.T) {
	apitest.EachStore(t, func(t *testing.T, store string) {
		double := stripetest.New(t)
		e := apitest.Start(t, store, apitest.Options{Live: true, StripeBaseURL: double.URL})
		id, _ := liveMerchant(t, e, map[string]any{"company_name": "Stripe Shop", "processor": "stripe",
			"processor_credentials": map[string]any{"secret_key": stripetest.SecretKey, "webhook_secret": stripetest.WebhookSecret}})
		pm := newCard(t, e, "4242424242424242")
		var ids []string
		for range 5 {
			ids = append(ids, e.Call("POST", "/charge", map[string]any{"payment_method_id": pm, "total": 10}, 200).Map(t)["id"].(string))
		}
		// Stripe made the funds of the last two available only.
		for _, txID := range ids[3:] {
			stored, err := e.Server.Store.TransactionGet(t.Context(), id, txID)
			if err != nil {
				t.Fatal(err)
			}
			double.MakeAvailable(stored.GatewayRef)
		}
		e.Server.Service.SettlePage = 2 // three pages; the first all not settled
		n, err := e.Server.Service.Settle(t.Context(), id, time.Now().Add(time.Hour))
		if err != nil || n != 2 {
			t.Fatalf("settled %d, %v; want 2", n, err)
		}
		for i, txID := range ids {
			got := e.Call("GET", "/transaction/"+txID, nil, 200).Map(t)
			if settled := got["settled_at"] != nil; settled != (i >= 3) {
				t.Fatalf("payment %d settled=%v", i, settled)
			}
		}
	})
}
