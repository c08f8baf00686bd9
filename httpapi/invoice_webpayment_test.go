package httpapi_test

import (
	"testing"

	"github.com/tenderpay/tender/internal/apitest"
)

// TestInvoiceWebPayment: an invoice paid by its payer on the hosted page is
// is_webpayment with the payer-side payment_meta, its payment of source
// "webpayment"; one paid with the API key is not (source "invoice"). Both
// are finalized alike: PAID, nothing due.
func TestInvoiceWebPayment(t *testing.T) {
	apitest.EachStore(t, func(t *testing.T, store string) {
		e := apitest.Start(t, store, apitest.Options{})
		pm := newCard(t, e, "4111111111111111")
		cust := e.Call("GET", "/payment-method/"+pm, nil, 200).Map(t)["customer_id"].(string)
		newInvoice := func() string {
			return e.Call("POST", "/invoice", map[string]any{"customer_id": cust, "total": 10}, 200).Map(t)["id"].(string)
		}
		paid := func(id, source string) map[string]any {
			t.Helper()
			inv := e.Call("GET", "/invoice/"+id, nil, 200).Map(t)
			kids := inv["child_transactions"].([]any)
			if inv["status"] != "PAID" || inv["balance_due"] != 0.0 || inv["total_paid"] != 10.0 || len(kids) != 1 ||
				kids[0].(map[string]any)["source"] != source {
				t.Fatalf("invoice paid by %s: %v", source, inv)
			}
			return inv
		}

		// With the API key: not a web payment.
		api := newInvoice()
		e.Call("POST", "/invoice/"+api+"/pay", map[string]any{"payment_method_id": pm}, 200)
		if inv := paid(api, "invoice"); inv["is_webpayment"] != false || inv["payment_meta"] != nil {
			t.Fatalf("API payment: is_webpayment %v, payment_meta %v", inv["is_webpayment"], inv["payment_meta"])
		}

		// On the hosted page: a web payment, with what the payer paid with.
		hosted := newInvoice()
		if r := e.Do(apitest.Request{Method: "POST", Path: "/pay/invoice/" + hosted, Body: card("5555555555554444", map[string]any{"person_name": "Payer Name"})}); r.Status != 200 {
			t.Fatalf("hosted pay: %d %s", r.Status, r.Body)
		}
		inv := paid(hosted, "webpayment")
		meta, _ := inv["payment_meta"].(map[string]any)
		tx := inv["child_transactions"].([]any)[0].(map[string]any)
		if inv["is_webpayment"] != true || meta == nil || meta["transaction_id"] != tx["id"] || meta["last_four"] != "4444" ||
			meta["method"] != "card" || meta["total"] != 10.0 || meta["card_type"] == "" {
			t.Fatalf("hosted payment: is_webpayment %v, payment_meta %v", inv["is_webpayment"], inv["payment_meta"])
		}
		// The list shows the same.
		list := e.Call("GET", "/invoice?per_page=200", nil, 200).Map(t)
		seen := 0
		for _, d := range list["data"].([]any) {
			d := d.(map[string]any)
			switch d["id"] {
			case hosted:
				seen++
				if d["is_webpayment"] != true || d["payment_meta"] == nil {
					t.Errorf("listed hosted invoice: %v", d)
				}
			case api:
				seen++
				if d["is_webpayment"] != false || d["payment_meta"] != nil {
					t.Errorf("listed API invoice: %v", d)
				}
			}
		}
		if seen != 2 {
			t.Fatalf("list: %v", list)
		}
	})
}
