package httpapi_test

import (
	"testing"

	"github.com/tenderpay/tender/internal/apitest"
)

// TestChargeSeesOtherInstances: an instance that charged a payment method
// before holds it in memory (the sandbox charge is then one statement);
// its next charge still answers with what another instance changed since
// (the method's billing address, the customer's email) and is refused once
// the other instance deleted the method, with nothing written.
func TestChargeSeesOtherInstances(t *testing.T) {
	apitest.EachStore(t, func(t *testing.T, store string) {
		opt := apitest.Options{DatabaseURL: apitest.DatabaseURL(t, store), DataDir: t.TempDir()}
		a := apitest.Start(t, store, opt)
		b := apitest.Start(t, store, opt)
		b.Key = a.Key // one merchant, two instances
		pm := newCard(t, a, "4111111111111111")
		charge := func(want int) map[string]any {
			return a.Call("POST", "/charge", map[string]any{"payment_method_id": pm, "total": 1.5}, want).Map(t)
		}
		sub := func(tx map[string]any, object, field string) any {
			o, _ := tx[object].(map[string]any)
			return o[field]
		}
		// The first charge erases the CVV; the second reads the method
		// without it and holds it; the third is made from what is held.
		var last map[string]any
		for range 3 {
			last = charge(200)
		}
		cust := last["customer_id"].(string)

		b.Call("PUT", "/payment-method/"+pm, map[string]any{"address_zip": "10001"}, 200)
		if got := sub(charge(200), "payment_method", "address_zip"); got != "10001" {
			t.Fatalf("after another instance changed the method, the charge shows address_zip %v", got)
		}
		b.Call("PUT", "/customer/"+cust, map[string]any{"email": "moved@example.com"}, 200)
		if got := sub(charge(200), "customer", "email"); got != "moved@example.com" {
			t.Fatalf("after another instance changed the customer, the charge shows email %v", got)
		}
		charge(200) // held again

		b.Call("DELETE", "/payment-method/"+pm, nil, 200)
		charge(422)
		if n := a.Call("GET", "/transaction?payment_method_id="+pm, nil, 200).Map(t)["total"].(float64); n != 6 {
			t.Fatalf("%v transactions, want 6", n)
		}
	})
}
