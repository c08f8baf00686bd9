package httpapi_test

import (
	"fmt"
	"sync"
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

func TestChargeOutcomes(t *testing.T) {
	apitest.EachStore(t, func(t *testing.T, store string) {
		e := apitest.Start(t, store, apitest.Options{})
		for _, tc := range []struct {
			card    string
			total   any
			status  int
			success bool
		}{
			{"4111111111111111", 10.5, 200, true},
			{"4242424242424242", "1.00", 200, true},
			{"5555555555554444", 3, 200, true},
			{"378282246310005", 7.77, 200, true},
			{"6011111111111117", 0.01, 200, true},
			{"4000000000000002", 5, 400, false},
			{"4000000000009995", 5, 400, false},
			{"4000000000009987", 5, 400, false},
			{"4000000000009979", 5, 400, false},
			{"4000000000000069", 5, 400, false},
			{"4000000000000127", 5, 400, false},
			{"4000000000000119", 5, 400, false},
			{"4111111111111111", 5.01, 400, false},
			{"4111111111111111", 5.02, 400, false},
		} {
			pm := newCard(t, e, tc.card)
			r := e.Do(apitest.Request{Method: "POST", Path: "/charge", Key: e.Key, Body: map[string]any{
				"payment_method_id": pm, "total": tc.total, "meta": map[string]any{"reference": "r1", "tax": 0.5},
			}})
			if r.Status != tc.status {
				t.Errorf("card %s total %v: %d %s", tc.card, tc.total, r.Status, r.Body)
				continue
			}
			tx := r.Map(t)
			if tx["success"] != tc.success || tx["type"] != "charge" || tx["payment_method_id"] != pm {
				t.Errorf("card %s: %v", tc.card, tx)
			}
			if !tc.success && (tx["message"] == "" || tx["status"] != "FAILED") {
				t.Errorf("decline without message/status: %v", tx)
			}
			if tc.success && (tx["status"] != "SUCCESS" || tx["is_voidable"] != true || tx["is_refundable"] != false) {
				t.Errorf("approved flags: %v", tx)
			}
			// CVV is gone after the first authorization.
			if got := e.Call("GET", "/payment-method/"+pm, nil, 200).Map(t); got["has_cvv"] != false {
				t.Errorf("has_cvv after authorization: %v", got["has_cvv"])
			}
		}
		for name, body := range map[string]map[string]any{
			"no total":    {"payment_method_id": newCard(t, e, "4111111111111111")},
			"zero":        {"payment_method_id": newCard(t, e, "4111111111111111"), "total": 0},
			"3 decimals":  {"payment_method_id": newCard(t, e, "4111111111111111"), "total": 1.001},
			"no pm":       {"total": 1},
			"unknown pm":  {"payment_method_id": "00000000-0000-4000-8000-000000000000", "total": 1},
			"meta array":  {"payment_method_id": newCard(t, e, "4111111111111111"), "total": 1, "meta": []int{}},
			"long idem":   {"payment_method_id": newCard(t, e, "4111111111111111"), "total": 1, "idempotency_id": string(make([]byte, 256))},
			"pre_auth xx": {"payment_method_id": newCard(t, e, "4111111111111111"), "total": 1, "pre_auth": "maybe"},
		} {
			if r := e.Do(apitest.Request{Method: "POST", Path: "/charge", Key: e.Key, Body: body}); r.Status != 422 {
				t.Errorf("%s: %d %s", name, r.Status, r.Body)
			}
		}
	})
}

func TestPreAuthCaptureVoidRefund(t *testing.T) {
	apitest.EachStore(t, func(t *testing.T, store string) {
		e := apitest.Start(t, store, apitest.Options{})
		pm := newCard(t, e, "4111111111111111")

		// Pre-auth, capture part of it, settle, refund in two parts.
		auth := e.Call("POST", "/charge", map[string]any{"payment_method_id": pm, "total": 20, "pre_auth": true}, 200).Map(t)
		id := auth["id"].(string)
		if auth["type"] != "pre_auth" || auth["is_captured"] != false {
			t.Fatalf("auth = %v", auth)
		}
		e.Call("POST", "/transaction/"+id+"/refund", map[string]any{}, 422) // not captured
		e.Call("POST", "/transaction/"+id+"/capture", map[string]any{"total": 25}, 422)
		capd := e.Call("POST", "/transaction/"+id+"/capture", map[string]any{"total": 15}, 200).Map(t)
		kids := capd["child_transactions"].([]any)
		if capd["is_captured"] != true || len(kids) != 1 || kids[0].(map[string]any)["type"] != "capture" || kids[0].(map[string]any)["total"] != 15.0 {
			t.Fatalf("capture = %v", capd)
		}
		e.Call("POST", "/transaction/"+id+"/capture", map[string]any{}, 422)          // twice
		e.Call("POST", "/transaction/"+id+"/refund", map[string]any{"total": 1}, 422) // not settled
		if got := e.Call("POST", "/sandbox/batch", nil, 200).Map(t)["settled"]; got != 1.0 {
			t.Fatalf("batch settled %v", got)
		}
		e.Call("POST", "/transaction/"+id+"/void", map[string]any{}, 422) // settled
		r1 := e.Call("POST", "/transaction/"+id+"/refund", map[string]any{"total": 5}, 200).Map(t)
		if r1["total_refunded"] != 5.0 || r1["is_refundable"] != true {
			t.Fatalf("refund 1 = %v", r1)
		}
		e.Call("POST", "/transaction/"+id+"/refund", map[string]any{"total": 10.01}, 422)
		r2 := e.Call("POST", "//transaction/"+id+"/refund", map[string]any{}, 200).Map(t) // the rest
		if r2["total_refunded"] != 15.0 || r2["is_refundable"] != false || len(r2["child_transactions"].([]any)) != 3 {
			t.Fatalf("refund 2 = %v", r2)
		}
		e.Call("POST", "/transaction/"+id+"/refund", map[string]any{"total": 0.01}, 422)

		// A sale voided before settlement; void-or-refund picks void.
		sale := e.Call("POST", "/charge", map[string]any{"payment_method_id": newCard(t, e, "4242424242424242"), "total": 9}, 200).Map(t)
		v := e.Call("POST", "/transaction/"+sale["id"].(string)+"/void-or-refund", nil, 200).Map(t)
		if v["is_voided"] != true || v["child_transactions"].([]any)[0].(map[string]any)["type"] != "void" {
			t.Fatalf("void = %v", v)
		}
		e.Call("POST", "/transaction/"+sale["id"].(string)+"/refund", map[string]any{}, 422)

		// Transactions list and filters.
		page := e.Call("GET", "/transaction?type=refund", nil, 200).Map(t)
		if page["total"] != 2.0 {
			t.Fatalf("refunds listed: %v", page["total"])
		}
		if got := e.Call("GET", "/transaction?payment_method_id="+pm, nil, 200).Map(t)["total"]; got != 4.0 {
			t.Fatalf("transactions of pm: %v", got)
		}
		if got := e.Call("GET", "/transaction?success=false", nil, 200).Map(t)["total"]; got != 0.0 {
			t.Fatalf("failed transactions: %v", got)
		}
		if got := e.Call("GET", "/transaction?endDate=2000-01-01", nil, 200).Map(t)["total"]; got != 0.0 {
			t.Fatalf("date range ignored: %v", got)
		}
	})
}

// TestConcurrentRefunds: 20 concurrent partial refunds of one charge never
// refund more than was captured.
func TestConcurrentRefunds(t *testing.T) {
	apitest.EachStore(t, func(t *testing.T, store string) {
		e := apitest.Start(t, store, apitest.Options{})
		id := e.Call("POST", "/charge", map[string]any{"payment_method_id": newCard(t, e, "4111111111111111"), "total": 10}, 200).Map(t)["id"].(string)
		e.Call("POST", "/sandbox/batch", nil, 200)
		var wg sync.WaitGroup
		statuses := make([]int, 20)
		for i := range 20 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				r := e.Do(apitest.Request{Method: "POST", Path: "/transaction/" + id + "/refund", Key: e.Key, Body: map[string]any{"total": 0.75}})
				statuses[i] = r.Status
			}()
		}
		wg.Wait()
		ok := 0
		for _, s := range statuses {
			switch s {
			case 200:
				ok++
			case 422, 409:
			default:
				t.Errorf("unexpected status %d", s)
			}
		}
		if ok != 13 { // 13 × 0.75 = 9.75 ≤ 10 < 14 × 0.75
			t.Errorf("%d refunds succeeded, want 13 (statuses %v)", ok, statuses)
		}
		tx := e.Call("GET", "/transaction/"+id, nil, 200).Map(t)
		if tx["total_refunded"] != 9.75 {
			t.Fatalf("total_refunded = %v", tx["total_refunded"])
		}
		_ = fmt.Sprint
	})
}

func TestBankPayments(t *testing.T) {
	apitest.EachStore(t, func(t *testing.T, store string) {
		e := apitest.Start(t, store, apitest.Options{})
		cust := e.Call("POST", "/customer", map[string]any{"firstname": "B"}, 200).Map(t)["id"].(string)
		bank := func(account string) string {
			return e.Call("POST", "/payment-method", map[string]any{
				"method": "bank", "customer_id": cust, "person_name": "B Person", "bank_account": account,
				"bank_routing": "021000021", "bank_type": "checking", "bank_holder_type": "personal",
			}, 200).Map(t)["id"].(string)
		}
		ok := e.Call("POST", "/charge", map[string]any{"payment_method_id": bank("9876543210"), "total": 40}, 200).Map(t)
		nsf := e.Call("POST", "/charge", map[string]any{"payment_method_id": bank("9876543211"), "total": 30}, 200).Map(t)
		if ok["method"] != "bank" || ok["is_settling"] != true {
			t.Fatalf("bank charge = %v", ok)
		}
		e.Call("POST", "/charge", map[string]any{"payment_method_id": bank("9876543212"), "total": 30}, 400)
		e.Call("POST", "/sandbox/batch", nil, 200)
		if got := e.Call("GET", "/transaction/"+ok["id"].(string), nil, 200).Map(t); got["settled_at"] == nil || got["total_refunded"] != 0.0 {
			t.Fatalf("settled bank = %v", got)
		}
		ret := e.Call("GET", "/transaction/"+nsf["id"].(string), nil, 200).Map(t)
		kids := ret["child_transactions"].([]any)
		if ret["total_refunded"] != 30.0 || len(kids) != 1 || kids[0].(map[string]any)["source"] != "ach_return" {
			t.Fatalf("NSF return = %v", ret)
		}
	})
}

func TestCreditAndIsolationOfMoney(t *testing.T) {
	apitest.EachStore(t, func(t *testing.T, store string) {
		e := apitest.Start(t, store, apitest.Options{})
		pm := newCard(t, e, "4111111111111111")
		cr := e.Call("POST", "/credit", map[string]any{"payment_method_id": pm, "total": 12.34}, 200).Map(t)
		if cr["type"] != "credit" || cr["success"] != true {
			t.Fatalf("credit = %v", cr)
		}
		sale := e.Call("POST", "/charge", map[string]any{"payment_method_id": pm, "total": 5}, 200).Map(t)["id"].(string)
		name := "Other"
		other, err := e.Server.Service.CreateMerchant(t.Context(), "", true, nil2(&name))
		if err != nil {
			t.Fatal(err)
		}
		ok := other.APIKey.Key
		for _, rq := range []apitest.Request{
			{Method: "GET", Path: "/transaction/" + sale},
			{Method: "POST", Path: "/transaction/" + sale + "/void", Body: map[string]any{}},
			{Method: "POST", Path: "/transaction/" + sale + "/refund", Body: map[string]any{}},
			{Method: "POST", Path: "/transaction/" + sale + "/capture", Body: map[string]any{}},
			{Method: "GET", Path: "/payment-method/" + pm},
			{Method: "PUT", Path: "/payment-method/" + pm, Body: map[string]any{"nickname": "x"}},
			{Method: "DELETE", Path: "/payment-method/" + pm},
		} {
			rq.Key = ok
			if r := e.Do(rq); r.Status != 404 {
				t.Errorf("%s %s as another merchant: %d %s", rq.Method, rq.Path, r.Status, r.Body)
			}
		}
		// Charging another merchant's payment method is a validation error, not a charge.
		if r := e.Do(apitest.Request{Method: "POST", Path: "/charge", Key: ok, Body: map[string]any{"payment_method_id": pm, "total": 1}}); r.Status != 422 {
			t.Errorf("charge other's pm: %d", r.Status)
		}
		if tx := e.Call("GET", "/transaction/"+sale, nil, 200).Map(t); tx["is_voided"] != false {
			t.Fatalf("changed: %v", tx)
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
