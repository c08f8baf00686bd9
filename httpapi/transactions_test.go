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

// TestTransactionEdit: PUT /transaction/{id} changes meta, notes and
// reference only (other fields a 422 naming them); GET
// /transaction/{id}/related lists the family; receipt_email_at,
// receipt_sms_at and schedule_id are filled once they apply.
func TestTransactionEdit(t *testing.T) {
	apitest.EachStore(t, func(t *testing.T, store string) {
		e := apitest.Start(t, store, apitest.Options{})
		pm := newCard(t, e, "4111111111111111")
		sale := e.Call("POST", "/charge", map[string]any{"payment_method_id": pm, "total": 12, "meta": map[string]any{"a": 1}}, 200).Map(t)
		id := sale["id"].(string)
		if sale["receipt_email_at"] != nil || sale["receipt_sms_at"] != nil || sale["schedule_id"] != nil {
			t.Fatalf("%s: fresh sale = %v", store, sale)
		}
		got := e.Call("PUT", "/transaction/"+id, map[string]any{"notes": "called", "reference": "ORD-1"}, 200).Map(t)
		if m := got["meta"].(map[string]any); m["notes"] != "called" || m["reference"] != "ORD-1" || m["a"] != 1.0 {
			t.Fatalf("%s: updated meta = %v", store, got["meta"])
		}
		got = e.Call("PUT", "/transaction/"+id, map[string]any{"meta": map[string]any{"b": "x"}, "notes": nil}, 200).Map(t)
		if m := got["meta"].(map[string]any); len(m) != 1 || m["b"] != "x" {
			t.Fatalf("%s: replaced meta = %v", store, got["meta"])
		}
		bad := e.Call("PUT", "/transaction/"+id, map[string]any{"total": 1, "success": false, "notes": 3}, 422).Map(t)
		if bad["total"] == nil || bad["success"] == nil || bad["notes"] == nil || len(bad) != 3 {
			t.Fatalf("%s: rejected fields = %v", store, bad)
		}
		if tot := e.Call("GET", "/transaction/"+id, nil, 200).Map(t)["total"]; tot != 12.0 {
			t.Fatalf("%s: total changed to %v", store, tot)
		}
		e.Call("PUT", "/transaction/00000000-0000-4000-8000-000000000000", map[string]any{"notes": "x"}, 404)

		// The family: a sale and its void.
		var rel []map[string]any
		e.Call("GET", "/transaction/"+id+"/related", nil, 200).JSON(t, &rel)
		if len(rel) != 0 {
			t.Fatalf("%s: related of a lone sale = %v", store, rel)
		}
		voided := e.Call("POST", "/transaction/"+id+"/void", map[string]any{}, 200).Map(t)
		voidID := voided["child_transactions"].([]any)[0].(map[string]any)["id"].(string)
		e.Call("GET", "/transaction/"+id+"/related", nil, 200).JSON(t, &rel)
		if len(rel) != 1 || rel[0]["id"] != voidID || rel[0]["type"] != "void" {
			t.Fatalf("%s: related of the sale = %v", store, rel)
		}
		e.Call("GET", "/transaction/"+voidID+"/related", nil, 200).JSON(t, &rel)
		if len(rel) != 1 || rel[0]["id"] != id || len(rel[0]["child_transactions"].([]any)) != 1 {
			t.Fatalf("%s: related of the void = %v", store, rel)
		}
		e.Call("GET", "/transaction/00000000-0000-4000-8000-000000000000/related", nil, 404)

		// Receipts stamp their channel's time.
		e.Call("PUT", "/transaction/"+id+"/receipt/email", map[string]any{"email": "a@example.com"}, 200)
		got = e.Call("GET", "/transaction/"+id, nil, 200).Map(t)
		if got["receipt_email_at"] == nil || got["receipt_sms_at"] != nil {
			t.Fatalf("%s: after an email receipt = %v", store, got)
		}
		e.Call("PUT", "/transaction/"+id+"/receipt-sms", map[string]any{"phone": "4075550000"}, 200)
		if got = e.Call("GET", "/transaction/"+id, nil, 200).Map(t); got["receipt_sms_at"] == nil {
			t.Fatalf("%s: after an SMS receipt = %v", store, got)
		}
	})
}
