package httpapi_test

import (
	"testing"

	"github.com/tenderpay/tender/internal/apitest"
)

// newCard creates a customer and a card payment method, returning its id.
func newCard(t *testing.T, e *apitest.Env, number string) string {
	t.Helper()
	cust := e.Call("POST", "/customer", map[string]any{"firstname": "Jane", "lastname": "Doe", "email": "jane@example.com"}, 200).Map(t)
	cvv := "123"
	if len(number) == 15 {
		cvv = "1234"
	}
	pm := e.Call("POST", "/payment-method", map[string]any{
		"method": "card", "customer_id": cust["id"], "person_name": "Jane Doe",
		"card_number": number, "card_cvv": cvv, "card_exp": "1230", "address_zip": "32801",
	}, 200).Map(t)
	return pm["id"].(string)
}

func TestPaymentMethods(t *testing.T) {
	apitest.EachStore(t, func(t *testing.T, store string) {
		e := apitest.Start(t, store, apitest.Options{})
		cust := e.Call("POST", "/customer", map[string]any{"firstname": "Jane", "lastname": "Doe"}, 200).Map(t)["id"].(string)
		card := e.Call("POST", "/payment-method", map[string]any{
			"method": "card", "customer_id": cust, "person_name": "Jane Doe",
			"card_number": "4111 1111 1111 1111", "card_cvv": "123", "card_exp": "0430",
		}, 200)
		pm := card.Map(t)
		if pm["card_type"] != "visa" || pm["card_last_four"] != "1111" || pm["card_exp"] != "042030" ||
			pm["has_cvv"] != true || pm["is_default"] != true || pm["nickname"] != "VISA: Jane Doe (ending in: 1111)" {
			t.Fatalf("card = %v", pm)
		}
		for _, secret := range []string{"4111111111111111", "4111 1111 1111 1111", `"123"`} {
			if contains(card.Body, secret) {
				t.Fatalf("response contains %s: %s", secret, card.Body)
			}
		}
		bank := e.Call("POST", "/payment-method", map[string]any{
			"method": "bank", "customer_id": cust, "person_name": "Jane Doe", "bank_name": "First Bank",
			"bank_account": "9876543210", "bank_routing": "021000021", "bank_type": "checking", "bank_holder_type": "personal",
			"is_default": true,
		}, 200)
		if contains(bank.Body, "9876543210") {
			t.Fatalf("response contains the account number: %s", bank.Body)
		}
		list := e.Do(apitest.Request{Method: "GET", Path: "/customer/" + cust + "/payment-method", Key: e.Key})
		var arr []map[string]any
		list.JSON(t, &arr)
		if len(arr) != 2 {
			t.Fatalf("customer payment methods = %s", list.Body)
		}
		defaults := 0
		for _, m := range arr {
			if m["is_default"] == true {
				defaults++
			}
		}
		if defaults != 1 {
			t.Fatalf("%d defaults", defaults)
		}
		upd := e.Call("PUT", "/payment-method/"+pm["id"].(string), map[string]any{"address_zip": "32801", "nickname": "work card"}, 200).Map(t)
		if upd["address_zip"] != "32801" || upd["nickname"] != "work card" {
			t.Fatalf("update = %v", upd)
		}
		// A single payment method embeds its customer (created, read and
		// updated alike); lists carry customer_id alone.
		got := e.Call("GET", "/payment-method/"+pm["id"].(string), nil, 200).Map(t)
		for name, v := range map[string]map[string]any{"POST": pm, "PUT": upd, "GET": got} {
			c, _ := v["customer"].(map[string]any)
			if c == nil || c["id"] != cust || c["firstname"] != "Jane" || v["customer_id"] != cust {
				t.Fatalf("%s /payment-method: customer %v", name, v["customer"])
			}
		}
		if _, ok := arr[0]["customer"]; ok {
			t.Fatalf("a list embeds the customer: %v", arr[0])
		}

		for name, body := range map[string]map[string]any{
			"bad luhn":     {"customer_id": cust, "person_name": "J", "card_number": "4111111111111112", "card_cvv": "123", "card_exp": "1230"},
			"expired":      {"customer_id": cust, "person_name": "J", "card_number": "4111111111111111", "card_cvv": "123", "card_exp": "0120"},
			"amex cvv":     {"customer_id": cust, "person_name": "J", "card_number": "378282246310005", "card_cvv": "123", "card_exp": "1230"},
			"no customer":  {"person_name": "J", "card_number": "4111111111111111", "card_cvv": "123", "card_exp": "1230"},
			"bad customer": {"customer_id": "00000000-0000-4000-8000-000000000000", "person_name": "J", "card_number": "4111111111111111", "card_cvv": "123", "card_exp": "1230"},
			"bad routing":  {"method": "bank", "customer_id": cust, "person_name": "J", "bank_account": "12345678", "bank_routing": "123456789", "bank_type": "checking", "bank_holder_type": "personal"},
			"no cvv":       {"customer_id": cust, "person_name": "J", "card_number": "4111111111111111", "card_exp": "1230"},
		} {
			r := e.Do(apitest.Request{Method: "POST", Path: "/payment-method", Key: e.Key, Body: body})
			if r.Status != 422 {
				t.Errorf("%s: %d %s", name, r.Status, r.Body)
			}
			for _, secret := range []string{"4111111111111112", "4111111111111111", "378282246310005", "12345678"} {
				if contains(r.Body, secret) {
					t.Errorf("%s: error echoes card data: %s", name, r.Body)
				}
			}
		}
		e.Call("DELETE", "/payment-method/"+pm["id"].(string), nil, 200)
		r := e.Do(apitest.Request{Method: "POST", Path: "/charge", Key: e.Key, Body: map[string]any{"payment_method_id": pm["id"], "total": 1}})
		if r.Status != 422 {
			t.Fatalf("charge on deleted payment method: %d %s", r.Status, r.Body)
		}
	})
}

func contains(b []byte, s string) bool {
	return len(s) > 0 && len(b) >= len(s) && indexOf(string(b), s) >= 0
}

func indexOf(s, sub string) int {
	for i := 0; i+len(sub) <= len(s); i++ {
		if s[i:i+len(sub)] == sub {
			return i
		}
	}
	return -1
}
