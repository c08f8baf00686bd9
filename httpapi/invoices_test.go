package httpapi_test

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/tenderpay/tender/internal/apitest"
)

// TestInvoiceFlow is the full flow on both stores: a catalog item,
// an invoice with that item, sent (mail received over SMTP), a partial
// payment, a second payment sent twice with one idempotency_id, and a
// refund; balances, statuses and stock are exact at every step.
func TestInvoiceFlow(t *testing.T) {
	apitest.EachStore(t, func(t *testing.T, store string) {
		mail := apitest.StartSMTP(t)
		e := apitest.Start(t, store, apitest.Options{SMTPURL: mail.URL})
		item := e.Call("POST", "/item", map[string]any{"item": "Widget", "price": 10, "in_stock": 10}, 200).Map(t)["id"].(string)
		cust := e.Call("POST", "/customer", map[string]any{"firstname": "Ada", "lastname": "Lovelace", "email": "ada@example.com",
			"cc_emails": []string{"books@example.com"}}, 200).Map(t)["id"].(string)
		pm := e.Call("POST", "/payment-method", map[string]any{"method": "card", "customer_id": cust, "person_name": "Ada Lovelace",
			"card_number": "4111111111111111", "card_cvv": "123", "card_exp": "1230"}, 200).Map(t)["id"].(string)

		inv := e.Call("POST", "/invoice", map[string]any{
			"customer_id": cust, "total": 50, "is_partial_payment_enabled": true,
			"meta": map[string]any{"subtotal": 50, "tax": 0, "memo": "Thanks!", "lineItems": []any{
				map[string]any{"id": item, "item": "Widget", "quantity": 3, "price": 10},
				map[string]any{"item": "Labor", "details": "one hour", "quantity": 1, "price": 20},
			}},
		}, 200).Map(t)
		id := inv["id"].(string)
		want(t, inv, map[string]any{"status": "DRAFT", "balance_due": 50.0, "total_paid": 0.0, "sent_at": nil})
		if !strings.HasSuffix(inv["url"].(string), "/pay/invoice/") {
			t.Fatalf("default url = %v", inv["url"])
		}

		sent := e.Call("PUT", "/invoice/"+id+"/send", nil, 200).Map(t)
		want(t, sent, map[string]any{"status": "SENT"})
		m := mail.WaitFor(t, 10*time.Second, "ada@example.com", sent["url"].(string)+id)
		mail.WaitFor(t, 10*time.Second, "books@example.com", sent["url"].(string)+id) // the cc gets a copy
		if !strings.Contains(m.Decoded, "--- text/html") || !strings.Contains(m.Decoded, "--- text/plain") || m.To[0] != "ada@example.com" ||
			!strings.Contains(m.Decoded, "Widget") || !strings.Contains(m.Decoded, "$50.00") {
			t.Fatalf("invoice mail lacks a part or recipient: %+v", m)
		}

		// The link opens the hosted page (no key: the id is the capability),
		// with a strict CSP; opening it marks the invoice VIEWED.
		link := strings.TrimPrefix(sent["url"].(string)+id, e.URL)
		page := e.Do(apitest.Request{Method: "GET", Path: link, NoValidate: true})
		if page.Status != 200 || !strings.Contains(string(page.Body), "$50.00") || !strings.Contains(string(page.Body), "Widget") ||
			!strings.Contains(page.Header.Get("Content-Security-Policy"), "default-src 'none'") {
			t.Fatalf("hosted page: %d %s %v", page.Status, page.Body, page.Header)
		}
		want(t, e.Call("GET", "/invoice/"+id, nil, 200).Map(t), map[string]any{"status": "VIEWED"})
		if r := e.Do(apitest.Request{Method: "GET", Path: "/pay/invoice/00000000-0000-4000-8000-000000000000", NoValidate: true}); r.Status != 404 {
			t.Fatalf("unknown invoice page: %d", r.Status)
		}

		// A partial payment takes the catalog stock, once.
		p1 := e.Call("POST", "/invoice/"+id+"/pay", map[string]any{"payment_method_id": pm, "total": 20, "idempotency_id": "inv-p1"}, 200).Map(t)
		want(t, p1, map[string]any{"success": true, "invoice_id": id, "total": 20.0, "type": "charge"})
		want(t, e.Call("GET", "/invoice/"+id, nil, 200).Map(t), map[string]any{"status": "PARTIALLY APPLIED", "total_paid": 20.0, "balance_due": 30.0})
		want(t, e.Call("GET", "/item/"+item, nil, 200).Map(t), map[string]any{"in_stock": 7.0})

		// The second payment, twice with one idempotency_id: one charge.
		p2 := e.Call("POST", "/invoice/"+id+"/pay", map[string]any{"payment_method_id": pm, "total": 30, "idempotency_id": "inv-p2"}, 200)
		again := e.Call("POST", "/invoice/"+id+"/pay", map[string]any{"payment_method_id": pm, "total": 30, "idempotency_id": "inv-p2"}, 200)
		if !bytes.Equal(p2.Body, again.Body) || again.Header.Get("Idempotent-Replayed") != "true" {
			t.Fatalf("duplicate pay was not replayed:\n%s\n%s", p2.Body, again.Body)
		}
		paid := e.Call("GET", "/invoice/"+id, nil, 200).Map(t)
		want(t, paid, map[string]any{"status": "PAID", "total_paid": 50.0, "balance_due": 0.0})
		if paid["paid_at"] == nil || len(paid["child_transactions"].([]any)) != 2 {
			t.Fatalf("paid invoice = %v", paid)
		}
		want(t, e.Call("GET", "/item/"+item, nil, 200).Map(t), map[string]any{"in_stock": 7.0})
		e.Call("POST", "/invoice/"+id+"/pay", map[string]any{"payment_method_id": pm, "total": 1}, 422)
		e.Call("PUT", "/invoice/"+id, map[string]any{"total": 60}, 422)
		e.Call("DELETE", "/invoice/"+id, nil, 422)

		// A refund after settlement reopens part of the balance.
		e.Call("POST", "/sandbox/batch", nil, 200)
		e.Call("POST", "/transaction/"+p1["id"].(string)+"/refund", map[string]any{"total": 5}, 200)
		final := e.Call("GET", "/invoice/"+id, nil, 200).Map(t)
		want(t, final, map[string]any{"status": "PARTIALLY APPLIED", "total_paid": 45.0, "balance_due": 5.0, "paid_at": nil})
		txs := e.Call("GET", "/transaction?invoice_id="+id, nil, 200).Map(t)
		if txs["total"].(float64) != 3 {
			t.Fatalf("invoice transactions = %v", txs["total"])
		}
		want(t, e.Call("GET", "/item/"+item, nil, 200).Map(t), map[string]any{"in_stock": 7.0})

		// A receipt by email names the card by brand and last four only.
		e.Call("PUT", "/transaction/"+p1["id"].(string)+"/receipt/email", nil, 200)
		r := mail.WaitFor(t, 10*time.Second, "Receipt", "ending in 1111")
		if strings.Contains(r.Decoded, "4111111111111111") || strings.Contains(r.Data, "4111111111111111") {
			t.Fatal("receipt holds the card number")
		}
	})
}

func TestInvoiceRules(t *testing.T) {
	apitest.EachStore(t, func(t *testing.T, store string) {
		e := apitest.Start(t, store, apitest.Options{})
		cust := e.Call("POST", "/customer", map[string]any{"firstname": "Bo", "email": "bo@example.com"}, 200).Map(t)["id"].(string)
		noEmail := e.Call("POST", "/customer", map[string]any{"firstname": "Cy"}, 200).Map(t)["id"].(string)
		pm := newCard(t, e, "4242424242424242")
		declining := newCard(t, e, "4000000000000002")

		for name, body := range map[string]map[string]any{
			"no total":      {"customer_id": cust},
			"no customer":   {"total": 5},
			"bad customer":  {"customer_id": "00000000-0000-4000-8000-000000000000", "total": 5},
			"bad item":      {"customer_id": cust, "total": 5, "meta": map[string]any{"lineItems": []any{map[string]any{"id": "00000000-0000-4000-8000-000000000000", "quantity": 1}}}},
			"half an item":  {"customer_id": cust, "total": 5, "meta": map[string]any{"lineItems": []any{map[string]any{"id": "00000000-0000-4000-8000-000000000000", "quantity": 1.5}}}},
			"bad tax":       {"customer_id": cust, "total": 5, "meta": map[string]any{"tax": "lots"}},
			"bad url":       {"customer_id": cust, "total": 5, "url": "javascript:alert(1)"},
			"three decimal": {"customer_id": cust, "total": 5.001},
		} {
			if r := e.Do(apitest.Request{Method: "POST", Path: "/invoice", Key: e.Key, Body: body}); r.Status != 422 {
				t.Errorf("%s: status %d %s", name, r.Status, r.Body)
			}
		}

		// No email → 422 on send; SMS without a transport lands in the outbox.
		inv := e.Call("POST", "/invoice", map[string]any{"customer_id": noEmail, "total": 12}, 200).Map(t)["id"].(string)
		e.Call("PUT", "/invoice/"+inv+"/send/email", nil, 422)
		e.Call("PUT", "/invoice/"+inv+"/send/sms", nil, 422)
		e.Call("PUT", "/customer/"+noEmail, map[string]any{"phone": "+1 407 555 0100"}, 200)
		want(t, e.Call("PUT", "/invoice/"+inv+"/send/sms", nil, 200).Map(t), map[string]any{"status": "SENT"})
		out := e.Call("GET", "/sandbox/outbox", nil, 200).Map(t)["data"].([]any)
		if len(out) != 1 || out[0].(map[string]any)["channel"] != "sms" || out[0].(map[string]any)["status"] != "OUTBOX" ||
			!strings.Contains(out[0].(map[string]any)["text"].(string), inv) {
			t.Fatalf("outbox = %v", out)
		}

		// Whole payments only unless partial payments are enabled; a decline
		// marks the invoice ATTEMPTED.
		e.Call("POST", "/invoice/"+inv+"/pay", map[string]any{"payment_method_id": pm, "total": 5}, 422)
		e.Call("POST", "/invoice/"+inv+"/pay", map[string]any{"payment_method_id": pm, "total": 13}, 422)
		e.Call("POST", "/invoice/"+inv+"/pay", map[string]any{}, 422)
		d := e.Call("POST", "/invoice/"+inv+"/pay", map[string]any{"payment_method_id": declining}, 400).Map(t)
		want(t, d, map[string]any{"success": false, "invoice_id": inv})
		att := e.Call("GET", "/invoice/"+inv, nil, 200).Map(t)
		want(t, att, map[string]any{"status": "ATTEMPTED", "payment_attempt_failed": true, "balance_due": 12.0})
		if att["payment_attempt_message"] == "" {
			t.Fatal("no payment_attempt_message")
		}

		// A manual payment moves the invoice and cannot be refunded or voided.
		cash := e.Call("POST", "/invoice/"+inv+"/pay/cash", map[string]any{"idempotency_id": "cash-1"}, 200).Map(t)
		want(t, cash, map[string]any{"method": "cash", "source": "manual", "total": 12.0, "is_refundable": false, "is_voidable": false})
		e.Call("POST", "/invoice/"+inv+"/pay/cash", map[string]any{"idempotency_id": "cash-1"}, 200)
		want(t, e.Call("GET", "/invoice/"+inv, nil, 200).Map(t), map[string]any{"status": "PAID", "payment_attempt_failed": false, "total_paid": 12.0})
		e.Call("POST", "/transaction/"+cash["id"].(string)+"/void", nil, 422)
		e.Call("POST", "/transaction/"+cash["id"].(string)+"/refund", nil, 422)
		inv2 := e.Call("POST", "/invoice", map[string]any{"customer_id": cust, "total": 3}, 200).Map(t)["id"].(string)
		e.Call("POST", "/invoice/"+inv2+"/pay/crypto", map[string]any{}, 422)
		want(t, e.Call("POST", "/invoice/"+inv2+"/pay/BANK%20TRANSFER", map[string]any{}, 200).Map(t), map[string]any{"method": "bank transfer"})

		// Unpaid invoices can be edited and deleted.
		inv3 := e.Call("POST", "/invoice", map[string]any{"customer_id": cust, "total": 8, "send_now": true}, 200).Map(t)
		want(t, inv3, map[string]any{"status": "SENT"})
		id3 := inv3["id"].(string)
		want(t, e.Call("PUT", "/invoice/"+id3, map[string]any{"total": 9.5, "due_at": "2030-01-31"}, 200).Map(t),
			map[string]any{"total": 9.5, "balance_due": 9.5, "status": "SENT", "due_at": "2030-01-31 00:00:00"})
		want(t, e.Call("DELETE", "/invoice/"+id3, nil, 200).Map(t), map[string]any{"status": "DELETED"})
		e.Call("POST", "/invoice/"+id3+"/pay", map[string]any{"payment_method_id": pm}, 422)
		list := e.Call("GET", "/invoice?status=PAID", nil, 200).Map(t)
		if list["total"].(float64) != 2 {
			t.Fatalf("paid invoices = %v", list["total"])
		}
		if e.Call("GET", "/invoice", nil, 200).Map(t)["total"].(float64) != 2 {
			t.Fatal("deleted invoices are listed")
		}
	})
}

// TestSplitFunding checks allocations: only for enrolled merchants, on their
// funding accounts, summing to the payment; refunds reverse them in
// proportion, exactly.
func TestSplitFunding(t *testing.T) {
	apitest.EachStore(t, func(t *testing.T, store string) {
		e := apitest.Start(t, store, apitest.Options{})
		cust := e.Call("POST", "/customer", map[string]any{"firstname": "Di", "email": "di@example.com"}, 200).Map(t)["id"].(string)
		pm := newCard(t, e, "4111111111111111")
		inv := e.Call("POST", "/invoice", map[string]any{"customer_id": cust, "total": 100}, 200).Map(t)["id"].(string)
		pay := func(funding []any, status int) map[string]any {
			return e.Call("POST", "/invoice/"+inv+"/pay", map[string]any{"payment_method_id": pm, "funding": funding}, status).Map(t)
		}
		bad := pay([]any{map[string]any{"account_id": "fa_operating", "amount": 60}, map[string]any{"account_id": "fa_partner", "amount": 30}}, 422)
		if _, ok := bad["funding"]; !ok {
			t.Fatalf("sum mismatch: %v", bad)
		}
		bad = pay([]any{map[string]any{"account_id": "nope", "amount": 100}}, 422)
		if _, ok := bad["funding.0.account_id"]; !ok {
			t.Fatalf("unknown account: %v", bad)
		}
		// Two allocations to one account (summing right): 422 on the second.
		bad = pay([]any{map[string]any{"account_id": "fa_operating", "amount": 60}, map[string]any{"account_id": " fa_operating", "amount": 40}}, 422)
		if _, ok := bad["funding.1.account_id"]; !ok || len(bad) != 1 {
			t.Fatalf("duplicate account: %v", bad)
		}
		if got := e.Call("GET", "/transaction", nil, 200).Map(t)["total"]; got != 0.0 {
			t.Fatalf("transactions after refused payments = %v", got)
		}
		tx := pay([]any{map[string]any{"account_id": "fa_operating", "amount": 66.67}, map[string]any{"account_id": "fa_partner", "amount": 33.33}}, 200)
		if f := tx["funding"].([]any); len(f) != 2 || f[0].(map[string]any)["amount"] != 66.67 {
			t.Fatalf("funding = %v", tx["funding"])
		}
		e.Call("POST", "/sandbox/batch", nil, 200)
		txID := tx["id"].(string)
		sums := map[string]float64{}
		for _, amount := range []float64{10, 0.01, 89.99} {
			p := e.Call("POST", "/transaction/"+txID+"/refund", map[string]any{"total": amount}, 200).Map(t)
			kids := p["child_transactions"].([]any)
			last := kids[len(kids)-1].(map[string]any)
			var got float64
			for _, f := range last["funding"].([]any) {
				fm := f.(map[string]any)
				sums[fm["account_id"].(string)] += fm["amount"].(float64)
				got += fm["amount"].(float64)
			}
			if abs(got-amount) > 0.001 {
				t.Fatalf("refund of %v allocated %v: %v", amount, got, last["funding"])
			}
		}
		if abs(sums["fa_operating"]-66.67) > 0.001 || abs(sums["fa_partner"]-33.33) > 0.001 {
			t.Fatalf("full refund reversed %v", sums)
		}

		// Refunded in full, the invoice is due again.
		want(t, e.Call("GET", "/invoice/"+inv, nil, 200).Map(t), map[string]any{"total_paid": 0.0, "balance_due": 100.0})

		// A merchant not enrolled in split funding gets 422.
		_, pk, err := e.Server.Service.CreatePartner(t.Context(), "ISV")
		if err != nil {
			t.Fatal(err)
		}
		r := e.Do(apitest.Request{Method: "POST", Path: "/merchant", Key: pk.Key, Body: map[string]any{"company_name": "Plain Shop"}})
		key := r.Map(t)["api_key"].(map[string]any)["api_key"].(string)
		call := func(path string, body any, status int) map[string]any {
			t.Helper()
			r := e.Do(apitest.Request{Method: "POST", Path: path, Key: key, Body: body})
			if r.Status != status {
				t.Fatalf("POST %s: %d %s", path, r.Status, r.Body)
			}
			return r.Map(t)
		}
		c2 := call("/customer", map[string]any{"firstname": "Ed"}, 200)["id"].(string)
		pm2 := call("/payment-method", map[string]any{"method": "card", "customer_id": c2, "person_name": "Ed",
			"card_number": "4111111111111111", "card_cvv": "123", "card_exp": "1230"}, 200)["id"].(string)
		inv2 := call("/invoice", map[string]any{"customer_id": c2, "total": 10}, 200)["id"].(string)
		if _, ok := call("/invoice/"+inv2+"/pay", map[string]any{"payment_method_id": pm2,
			"funding": []any{map[string]any{"account_id": "fa_operating", "amount": 10}}}, 422)["funding"]; !ok {
			t.Fatal("no funding error for a merchant not enrolled")
		}
	})
}

func abs(f float64) float64 {
	if f < 0 {
		return -f
	}
	return f
}

// want checks fields of a decoded JSON object.
func want(t *testing.T, got map[string]any, fields map[string]any) {
	t.Helper()
	for k, v := range fields {
		if got[k] != v {
			t.Fatalf("%s = %#v, want %#v (in %v)", k, got[k], v, got)
		}
	}
}

// TestInvoiceReceiptAndLineItemRefusals: an empty line-item id (a client's
// unset variable) is a 422 naming the field, and email_receipt for a
// customer without an email is a 422 before any charge; with an email the
// receipt is in the outbox.
func TestInvoiceReceiptAndLineItemRefusals(t *testing.T) {
	apitest.EachStore(t, func(t *testing.T, store string) {
		e := apitest.Start(t, store, apitest.Options{})
		c := e.Call("POST", "/customer", map[string]any{"firstname": "Ada"}, 200).Map(t)["id"].(string)
		errs := e.Call("POST", "/invoice", map[string]any{"customer_id": c, "total": 10, "meta": map[string]any{
			"lineItems": []any{map[string]any{"id": "", "item": "Widget", "quantity": 1, "price": 10}}}}, 422).Map(t)
		if _, ok := errs["meta.lineItems.0.id"]; !ok || len(errs) != 1 {
			t.Fatalf("empty line-item id: %v", errs)
		}
		if list := e.Call("GET", "/invoice", nil, 200).Map(t); list["total"].(float64) != 0 {
			t.Fatalf("a refused invoice was written: %v", list)
		}

		for _, email := range []string{"", "jane@example.com"} {
			cust := e.Call("POST", "/customer", map[string]any{"firstname": "Jane", "email": email}, 200).Map(t)["id"].(string)
			pm := e.Call("POST", "/payment-method", map[string]any{"method": "card", "customer_id": cust, "person_name": "Jane",
				"card_number": "4111111111111111", "card_cvv": "123", "card_exp": "1230"}, 200).Map(t)["id"].(string)
			inv := e.Call("POST", "/invoice", map[string]any{"customer_id": cust, "total": 10}, 200).Map(t)["id"].(string)
			pay := map[string]any{"payment_method_id": pm, "total": 10, "email_receipt": true, "idempotency_id": "r-" + cust}
			if email == "" {
				errs := e.Call("POST", "/invoice/"+inv+"/pay", pay, 422).Map(t)
				if msgs, ok := errs["email_receipt"].([]any); !ok || !strings.Contains(msgs[0].(string), "no valid email") {
					t.Fatalf("receipt without an email: %v", errs)
				}
				want(t, e.Call("GET", "/invoice/"+inv, nil, 200).Map(t), map[string]any{"total_paid": 0.0, "status": "DRAFT"})
				txs := e.Call("GET", "/transaction?invoice_id="+inv, nil, 200).Map(t)
				if txs["total"].(float64) != 0 {
					t.Fatalf("a refused payment reached the processor: %v", txs)
				}
				continue
			}
			tx := e.Call("POST", "/invoice/"+inv+"/pay", pay, 200).Map(t)["id"].(string)
			out := e.Call("GET", "/sandbox/outbox", nil, 200).Map(t)["data"].([]any)
			if len(out) == 0 || out[0].(map[string]any)["object_id"] != tx || out[0].(map[string]any)["to"] != email {
				t.Fatalf("receipt not queued for %s: %v", tx, out)
			}
		}
	})
}
