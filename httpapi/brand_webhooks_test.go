package httpapi_test

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/tenderpay/tender/internal/apitest"
	"github.com/tenderpay/tender/webhook"
)

// partnerMerchant creates a merchant of the partner and answers its id and
// API key.
func partnerMerchant(t *testing.T, e *apitest.Env, partnerKey, name string) (id, key string) {
	t.Helper()
	r := e.Do(apitest.Request{Method: "POST", Path: "/merchant", Key: partnerKey, Body: map[string]any{"company_name": name}})
	if r.Status != 201 {
		t.Fatalf("create merchant: %d %s", r.Status, r.Body)
	}
	m := r.Map(t)
	return m["merchant"].(map[string]any)["id"].(string), m["api_key"].(map[string]any)["api_key"].(string)
}

// chargeAs charges a new card of a new customer of the key's merchant and
// answers the transaction's id.
func chargeAs(t *testing.T, e *apitest.Env, key string) string {
	t.Helper()
	call := func(path string, body map[string]any) map[string]any {
		r := e.Do(apitest.Request{Method: "POST", Path: path, Key: key, Body: body})
		if r.Status != 200 {
			t.Fatalf("POST %s: %d %s", path, r.Status, r.Body)
		}
		return r.Map(t)
	}
	cust := call("/customer", map[string]any{"firstname": "Brand", "lastname": "Payer"})
	pm := call("/payment-method", map[string]any{"method": "card", "customer_id": cust["id"], "person_name": "Brand Payer",
		"card_number": "4111111111111111", "card_cvv": "123", "card_exp": "1230", "address_zip": "32801"})
	return call("/charge", map[string]any{"payment_method_id": pm["id"], "total": 7.25})["id"].(string)
}

// deliveriesOf is a webhook's delivery log as its owner reads it, once no
// delivery in it is pending any more.
func deliveriesOf(t *testing.T, e *apitest.Env, key, webhookID string, want int) []map[string]any {
	t.Helper()
	var out []map[string]any
	wait(t, "the delivery log", 20*time.Second, func() bool {
		var log map[string]any
		e.Do(apitest.Request{Method: "GET", Path: "/webhook/" + webhookID + "/deliveries", Key: key}).JSON(t, &log)
		out = out[:0]
		for _, d := range log["data"].([]any) {
			if d.(map[string]any)["status"] == "pending" {
				return false
			}
			out = append(out, d.(map[string]any))
		}
		return len(out) >= want
	})
	return out
}

// TestBrandWebhooks: a partner's brand webhook receives, signed with its own
// secret, the events of every one of its merchants (one created after it
// too), and none of another partner's; only partner keys reach the routes,
// a partner never sees another's webhooks, and a delete stops deliveries.
func TestBrandWebhooks(t *testing.T) {
	apitest.EachStore(t, func(t *testing.T, store string) {
		e := apitest.Start(t, store, apitest.Options{})
		_, pa, err := e.Server.Service.CreatePartner(t.Context(), "ISV A")
		if err != nil {
			t.Fatal(err)
		}
		_, pb, err := e.Server.Service.CreatePartner(t.Context(), "ISV B")
		if err != nil {
			t.Fatal(err)
		}
		do := func(method, path, key string, body any, want int) map[string]any {
			t.Helper()
			r := e.Do(apitest.Request{Method: method, Path: path, Key: key, Body: body})
			if r.Status != want {
				t.Fatalf("%s %s: %d %s, want %d", method, path, r.Status, r.Body, want)
			}
			if method == "GET" && path == "/webhookadmin/webhook/brand" {
				return map[string]any{"list": r.Body}
			}
			return r.Map(t)
		}
		const brand = "/webhookadmin/webhook/brand"
		rcA, rcB, rcC := newReceiver(t), newReceiver(t), newReceiver(t)

		// A merchant key may not use the routes.
		do("POST", brand, e.Key, map[string]any{"target_url": rcA.URL, "event_name": "create_transaction"}, 403)
		do("GET", brand, e.Key, nil, 403)

		// Bad input: Stax's field names.
		bad := do("POST", brand, pa.Key, map[string]any{"meta": map[string]any{"webhook_retry_count": 500, "webhook_retry_frequency": 0, "response_code": "500"}}, 422)
		for _, f := range []string{"target_url", "event_name", "meta.webhook_retry_count", "meta.webhook_retry_frequency", "meta.response_code"} {
			if bad[f] == nil {
				t.Errorf("422 without %s: %v", f, bad)
			}
		}
		do("POST", brand, pa.Key, map[string]any{"target_url": rcA.URL, "event_name": "nope"}, 422)

		mPresent, keyPresent := partnerMerchant(t, e, pa.Key, "A present")
		hookA := do("POST", brand, pa.Key, map[string]any{"target_url": rcA.URL, "event_name": "create_transaction",
			"meta": map[string]any{"response_code": "200", "webhook_retry_count": 5, "webhook_retry_frequency": 10}}, 200)
		secretA, idA := hookA["secret"].(string), hookA["id"].(string)
		meta := hookA["meta"].(map[string]any)
		if secretA == "" || hookA["merchant_id"] != nil || hookA["brand_level"] != "ISV A" || hookA["url"] != rcA.URL ||
			meta["webhook_retry_count"] != 5.0 || meta["max_attempts"] != 6.0 || meta["retry_base_seconds"] != 600.0 {
			t.Fatalf("brand webhook: %v", hookA)
		}
		hookB := do("POST", brand, pb.Key, map[string]any{"target_url": rcB.URL, "event": "*"}, 200)
		idB := hookB["id"].(string)

		// Each partner sees its own only.
		got := do("GET", brand+"/"+idA, pa.Key, nil, 200)
		if got["id"] != idA || got["secret"] != nil || got["deleted_at"] != nil {
			t.Fatalf("get: %v", got)
		}
		do("GET", brand+"/"+idB, pa.Key, nil, 404)
		do("DELETE", brand+"/"+idA, pb.Key, nil, 404)
		do("GET", brand+"/"+idA, e.Key, nil, 403)
		var list []map[string]any
		if err := json.Unmarshal(do("GET", brand, pa.Key, nil, 200)["list"].([]byte), &list); err != nil ||
			len(list) != 1 || list[0]["id"] != idA || list[0]["secret"] != nil {
			t.Fatalf("A's list: %v %v", list, err)
		}

		// Charges: B's merchant first, then A's present and future merchants.
		mFuture, keyFuture := partnerMerchant(t, e, pa.Key, "A future")
		mOther, keyOther := partnerMerchant(t, e, pb.Key, "B's")
		txOther := chargeAs(t, e, keyOther)
		txs := map[string]string{chargeAs(t, e, keyPresent): mPresent, chargeAs(t, e, keyFuture): mFuture}

		// A's log holds exactly its two merchants' charges (events are
		// relayed in order, so B's earlier one was relayed by then).
		log := deliveriesOf(t, e, pa.Key, idA, 2)
		if len(log) != 2 {
			t.Fatalf("A's delivery log: %v", log)
		}
		for _, d := range log {
			if d["status"] != "delivered" || txs[d["object_id"].(string)] != d["merchant_id"] {
				t.Errorf("A's delivery %v", d)
			}
		}
		wait(t, "A's two deliveries", 10*time.Second, func() bool { return len(rcA.received()) == 2 })
		for _, r := range rcA.received() {
			if err := webhook.Verify(secretA, r.signature, r.body, time.Now()); err != nil {
				t.Errorf("A's delivery signature: %v", err)
			}
			if webhook.Verify(hookB["secret"].(string), r.signature, r.body, time.Now()) == nil {
				t.Error("B's secret verifies A's delivery")
			}
			var tx map[string]any
			if err := json.Unmarshal(r.body, &tx); err != nil || r.event != "create_transaction" || txs[tx["id"].(string)] == "" ||
				tx["merchant_id"] != txs[tx["id"].(string)] {
				t.Errorf("A received %s %s", r.event, r.body)
			}
		}
		// B's webhook (every event) got its own merchant's, never A's.
		logB := deliveriesOf(t, e, pb.Key, idB, 3) // customer, payment method, transaction
		for _, d := range logB {
			if d["merchant_id"] != mOther {
				t.Errorf("B's webhook got %v", d)
			}
		}
		seen := false
		for _, r := range rcB.received() {
			var obj map[string]any
			_ = json.Unmarshal(r.body, &obj)
			seen = seen || obj["id"] == txOther
			if obj["merchant_id"] != mOther {
				t.Errorf("B received %s", r.body)
			}
		}
		if !seen {
			t.Error("B's receiver missed its merchant's charge")
		}

		// Delete stops deliveries: a later charge reaches only a webhook
		// made after the delete.
		del := do("DELETE", brand+"/"+idA, pa.Key, nil, 200)
		if del["deleted_at"] == nil || del["secret"] != nil {
			t.Fatalf("deleted: %v", del)
		}
		do("GET", brand+"/"+idA, pa.Key, nil, 404)
		do("DELETE", brand+"/"+idA, pa.Key, nil, 404)
		idC := do("POST", brand, pa.Key, map[string]any{"target_url": rcC.URL, "event_name": "create_transaction"}, 200)["id"].(string)
		after := chargeAs(t, e, keyPresent)
		if logC := deliveriesOf(t, e, pa.Key, idC, 1); len(logC) != 1 || logC[0]["object_id"] != after {
			t.Fatalf("control log: %v", logC)
		}
		if n := len(rcA.received()); n != 2 {
			t.Fatalf("%d deliveries to the deleted brand webhook, want 2", n)
		}
	})
}
