package httpapi_test

import (
	"strings"
	"testing"
	"time"

	"github.com/tenderpay/tender"
	"github.com/tenderpay/tender/gateway"
	"github.com/tenderpay/tender/gateway/stripe/stripetest"
	"github.com/tenderpay/tender/internal/apitest"
)

// TestStripeMerchantEndToEnd: a live server, a merchant on the stripe
// processor pointed at the Stripe double: a charge, an invoice payment and
// Stax.js pay() answer in Stax's shapes (validated against the OpenAPI
// document by apitest), with the processor's references recorded.
func TestStripeMerchantEndToEnd(t *testing.T) {
	apitest.EachStore(t, func(t *testing.T, store string) {
		e, _, id := stripeShop(t, store)
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
		e, double, id := stripeShop(t, store)
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

// TestStripeTerminalBatchMovesPastUnsettled: a register's batch makes one
// pass over its unsettled payments, so more than a page of payments Stripe
// has not settled yet does not end it: the payment after them settles in
// the same batch. (The loop it replaces re-read the first page until
// nothing on it was new, and stopped there.)
func TestStripeTerminalBatchMovesPastUnsettled(t *testing.T) {
	apitest.EachStore(t, func(t *testing.T, store string) {
		e, double, id := stripeShop(t, store)
		ctx := t.Context()
		pm := newCard(t, e, "4242424242424242")
		cust := e.Call("GET", "/payment-method/"+pm, nil, 200).Map(t)["customer_id"].(string)
		reg := e.Call("POST", "/terminal/register", map[string]any{"nickname": "Front"}, 201).Map(t)["id"].(string)
		gw, err := e.Server.Service.GatewayFor(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		pay := func() string {
			res, err := gw.Authorize(ctx, gateway.Request{Key: tender.NewID(), Amount: 1000, Capture: true,
				Card: &gateway.Card{Number: "4242424242424242", ExpMonth: 12, ExpYear: 2040}})
			if err != nil || !res.Approved {
				t.Fatalf("authorize: %+v, %v", res, err)
			}
			return res.Ref
		}
		// The device's payments, as its terminal requests recorded them:
		// 201 (more than the batch's page of 200) on one PaymentIntent whose
		// funds are not available yet, all at one instant, then one whose
		// funds are.
		pending, available := pay(), pay()
		double.MakeAvailable(available)
		record := func(ref string, at time.Time) string {
			now := tender.NewTime(at)
			tx := &tender.Transaction{ID: tender.NewID(), MerchantID: id, CustomerID: cust, PaymentMethodID: pm,
				Type: tender.TxCharge, Source: "terminal", Method: tender.MethodCard, Success: true, Status: tender.StatusSuccess,
				Total: 1000, Captured: 1000, IsCaptured: true, GatewayRef: ref, LastFour: "4242", Meta: []byte("{}"),
				CreatedAt: now, UpdatedAt: now}
			if err := e.Server.Store.TransactionCreate(ctx, tx); err != nil {
				t.Fatal(err)
			}
			done := tender.NewTime(at)
			r := &tender.TerminalRequest{ID: tender.NewID(), MerchantID: id, RegisterID: reg, TransactionID: tx.ID,
				Kind: tender.TermSale, Amount: 1000, Params: []byte("{}"), State: tender.TermDone, CreatedAt: now, DoneAt: &done}
			if err := e.Server.Store.TerminalRequestCreate(ctx, r); err != nil {
				t.Fatal(err)
			}
			return tx.ID
		}
		at := time.Now().Add(-time.Hour)
		for range 201 {
			record(pending, at)
		}
		last := record(available, at.Add(time.Minute))
		got := e.Call("POST", "/terminal/register/"+reg+"/batch", nil, 200).Map(t)
		if got["settled"] != 1.0 {
			t.Fatalf("batch = %v; want the one available payment settled", got)
		}
		if v := e.Call("GET", "/transaction/"+last, nil, 200).Map(t); v["settled_at"] == nil {
			t.Fatalf("the available payment did not settle: %v", v)
		}
	})
}

// TestStripeRefundChain: on a Stripe merchant, a pre-auth of 10.00 captured
// for 6.00 settles only once Stripe makes its funds available; refunds of
// 2.00 and 3.00 follow; a refund of more than is left is a 422 with nothing
// written at Tender nor sent to Stripe; the last 1.00 then refunds.
func TestStripeRefundChain(t *testing.T) {
	apitest.EachStore(t, func(t *testing.T, store string) {
		e, double, id := stripeShop(t, store)
		pm := newCard(t, e, "4242424242424242")
		pre := e.Call("POST", "/charge", map[string]any{"payment_method_id": pm, "total": 10, "pre_auth": true}, 200).Map(t)
		txID := pre["id"].(string)
		if c := e.Call("POST", "/transaction/"+txID+"/capture", map[string]any{"total": 6}, 200).Map(t); c["is_captured"] != true {
			t.Fatalf("capture = %v", c)
		}
		stored, err := e.Server.Store.TransactionGet(t.Context(), id, txID)
		if err != nil || stored.Captured != 600 {
			t.Fatalf("captured: %+v, %v", stored, err)
		}
		pi := stored.GatewayRef
		refund := func(total float64, status int) *apitest.Response {
			t.Helper()
			return e.Call("POST", "/transaction/"+txID+"/refund", map[string]any{"total": total}, status)
		}
		unchanged := func(what string, sent, children int) {
			t.Helper()
			v := e.Call("GET", "/transaction/"+txID, nil, 200).Map(t)
			if n := double.Requests(""); n != sent || len(v["child_transactions"].([]any)) != children {
				t.Fatalf("%s: %d requests at Stripe (had %d), children %v", what, n, sent, v["child_transactions"])
			}
		}
		sent := double.Requests("")
		refund(2, 422) // not settled yet: void it instead
		unchanged("refund before settlement", sent, 1)
		if n, err := e.Server.Service.Settle(t.Context(), id, time.Now().Add(time.Hour)); err != nil || n != 0 {
			t.Fatalf("settled %d before the funds are available, %v", n, err)
		}
		double.MakeAvailable(pi)
		if n, err := e.Server.Service.Settle(t.Context(), id, time.Now().Add(time.Hour)); err != nil || n != 1 {
			t.Fatalf("settled %d, %v", n, err)
		}
		refund(2, 200)
		if v := refund(3, 200).Map(t); v["total_refunded"].(float64) != 5 {
			t.Fatalf("after refunds of 2 and 3: %v", v)
		}
		if got := double.Refunded(pi); got != 500 {
			t.Fatalf("refunded at Stripe: %d, want 500", got)
		}
		sent = double.Requests("")
		over := refund(2, 422)
		if !strings.Contains(string(over.Body), `"total"`) {
			t.Fatalf("over-refund: %s", over.Body)
		}
		unchanged("over-refund", sent, 3)
		if v := refund(1, 200).Map(t); v["total_refunded"].(float64) != 6 || double.Refunded(pi) != 600 {
			t.Fatalf("the last 1.00: %v (Stripe %d)", v, double.Refunded(pi))
		}
	})
}
