package httpapi_test

import (
	"testing"

	"github.com/tenderpay/tender/internal/apitest"
)

// TestTransactionBreadth: the fields Stax clients read on a transaction,
// its split-funding allocations at GET /transaction/{id}/funding, and
// Stax's spelling PUT /transaction/{id}/receipt-sms.
func TestTransactionBreadth(t *testing.T) {
	apitest.EachStore(t, func(t *testing.T, store string) {
		e := apitest.Start(t, store, apitest.Options{})
		cust := e.Call("POST", "/customer", map[string]any{"firstname": "Di", "phone": "4075551234"}, 200).Map(t)["id"].(string)
		pm := newCard(t, e, "4111111111111111")
		sale := e.Call("POST", "/charge", map[string]any{"payment_method_id": pm, "total": 12}, 200).Map(t)
		id := sale["id"].(string)
		got := e.Call("GET", "/transaction/"+id, nil, 200).Map(t)
		if got["currency"] != "USD" || got["is_manual"] != false || got["user"] != nil || got["user_id"] != nil ||
			got["recurring_transaction_id"] != nil {
			t.Fatalf("%s: transaction = %v", store, got)
		}
		if f := e.Call("GET", "/transaction/"+id+"/funding", nil, 200).Body; string(f) != "[]\n" && string(f) != "[]" {
			t.Fatalf("%s: funding of a plain charge = %s", store, f)
		}
		e.Call("GET", "/transaction/00000000-0000-4000-8000-000000000000/funding", nil, 404)

		inv := e.Call("POST", "/invoice", map[string]any{"customer_id": cust, "total": 100}, 200).Map(t)["id"].(string)
		paid := e.Call("POST", "/invoice/"+inv+"/pay", map[string]any{"payment_method_id": pm, "funding": []any{
			map[string]any{"account_id": "fa_operating", "amount": 66.67}, map[string]any{"account_id": "fa_partner", "amount": 33.33},
		}}, 200).Map(t)
		var alloc []map[string]any
		e.Call("GET", "/transaction/"+paid["id"].(string)+"/funding", nil, 200).JSON(t, &alloc)
		if len(alloc) != 2 || alloc[0]["account_id"] != "fa_operating" || alloc[0]["amount"] != 66.67 || alloc[1]["amount"] != 33.33 {
			t.Fatalf("%s: funding = %v", store, alloc)
		}
		manual := e.Call("POST", "/invoice", map[string]any{"customer_id": cust, "total": 5}, 200).Map(t)["id"].(string)
		cash := e.Call("POST", "/invoice/"+manual+"/pay/CASH", map[string]any{"total": 5}, 200).Map(t)
		if cash["is_manual"] != true {
			t.Fatalf("%s: manual payment = %v", store, cash)
		}

		msg := e.Call("PUT", "/transaction/"+id+"/receipt-sms", map[string]any{"phone": "4075550000"}, 200).Map(t)
		if msg["channel"] != "sms" || msg["to"] != "4075550000" {
			t.Fatalf("%s: receipt-sms = %v", store, msg)
		}
	})
}

// TestClientFields: customer has_address, missing_address_components and
// options; payment method card_exp_datetime and is_tokenized.
func TestClientFields(t *testing.T) {
	apitest.EachStore(t, func(t *testing.T, store string) {
		e := apitest.Start(t, store, apitest.Options{})
		c := e.Call("POST", "/customer", map[string]any{"firstname": "Al", "address_1": "1 Main St", "address_city": "Orlando"}, 200).Map(t)
		if c["has_address"] != false || len(c["missing_address_components"].([]any)) != 2 || c["options"] == nil {
			t.Fatalf("%s: customer = %v", store, c)
		}
		c = e.Call("PUT", "/customer/"+c["id"].(string), map[string]any{"address_state": "FL", "address_zip": "32801"}, 200).Map(t)
		if c["has_address"] != true || len(c["missing_address_components"].([]any)) != 0 {
			t.Fatalf("%s: customer = %v", store, c)
		}
		pm := e.Call("GET", "/payment-method/"+newCard(t, e, "4111111111111111"), nil, 200).Map(t)
		if pm["card_exp_datetime"] != "2030-12-31 23:59:59" || pm["is_tokenized"] != true {
			t.Fatalf("%s: payment method = %v", store, pm)
		}
	})
}
