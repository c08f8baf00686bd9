package httpapi_test

import (
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tenderpay/tender"
	"github.com/tenderpay/tender/gateway/stripe/stripetest"
	"github.com/tenderpay/tender/internal/apitest"
)

// stripeShop starts a live server with a merchant on the stripe processor
// pointed at a fresh Stripe double; e's key is the merchant's.
func stripeShop(t *testing.T, store string) (*apitest.Env, *stripetest.Server, string) {
	t.Helper()
	double := stripetest.New(t)
	e := apitest.Start(t, store, apitest.Options{Live: true, StripeBaseURL: double.URL, MetricsToken: stripeMetricsToken})
	id, _ := liveMerchant(t, e, map[string]any{"company_name": "Stripe Shop", "processor": "stripe",
		"processor_credentials": map[string]any{"secret_key": stripetest.SecretKey, "webhook_secret": stripetest.WebhookSecret}})
	return e, double, id
}

// stripeMetricsToken reads a Stripe shop's GET /metrics.
const stripeMetricsToken = "stripe-shop-metrics-token-0123456789"

// sendStripe posts a Stripe event to the merchant's webhook.
func sendStripe(e *apitest.Env, merchantID string, payload []byte, h http.Header) *apitest.Response {
	e.T.Helper()
	return e.Do(apitest.Request{Method: "POST", Path: "/processor/stripe/webhook/" + merchantID, Body: payload, Header: h})
}

// creates counts the create_transaction events of transaction txID.
func creates(t *testing.T, e *apitest.Env, merchantID, txID string) int {
	t.Helper()
	evs, err := e.Server.Store.EventListSince(t.Context(), merchantID, time.Time{}, 1000)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, ev := range evs {
		if ev.ObjectID == txID && ev.Name == tender.EventCreateTransaction {
			n++
		}
	}
	return n
}

// lostCharge makes a charge (or pre-auth) whose answer from Stripe is lost
// (the double acts, then drops the answer and its retries'): 202 PENDING.
func lostCharge(t *testing.T, e *apitest.Env, double *stripetest.Server, number string, preAuth bool, idem string) (txID, pi string) {
	t.Helper()
	pm := newCard(t, e, number)
	double.LoseAnswersOn("/v1/payment_intents", 3) // the original and stripe-go's two retries
	p := e.Call("POST", "/charge", map[string]any{"payment_method_id": pm, "total": 10, "pre_auth": preAuth, "idempotency_id": idem}, http.StatusAccepted).Map(t)
	if p["status"] != "PENDING" {
		t.Fatalf("lost charge = %v", p)
	}
	txID = p["id"].(string)
	if pi = double.PaymentIntentOf(txID); pi == "" {
		t.Fatalf("no PaymentIntent at the double under key %s", txID)
	}
	return txID, pi
}

// TestStripeEventFinalizesLostPayment: a payment whose answer from Stripe
// was lost is finalized by Stripe's own event (succeeded, authorized,
// failed), once however often the event comes: one outcome, one
// create_transaction event, and the client's retry gets that outcome.
func TestStripeEventFinalizesLostPayment(t *testing.T) {
	apitest.EachStore(t, func(t *testing.T, store string) {
		e, double, id := stripeShop(t, store)
		for _, tc := range []struct {
			name, number, event string
			preAuth             bool
			status              int
			want                string
		}{
			{"sale", "4242424242424242", "payment_intent.succeeded", false, 200, "SUCCESS"},
			{"pre-auth", "4242424242424242", "payment_intent.amount_capturable_updated", true, 200, "SUCCESS"},
			{"declined", "4000000000009995", "payment_intent.payment_failed", false, 400, "FAILED"},
		} {
			idem := "lost-" + tc.name
			txID, pi := lostCharge(t, e, double, tc.number, tc.preAuth, idem)
			payload, h := double.PaymentIntentEvent(tc.event, pi)
			for range 2 {
				if r := sendStripe(e, id, payload, h); r.Status != 200 {
					t.Fatalf("%s: event: %d %s", tc.name, r.Status, r.Body)
				}
			}
			got := e.Call("GET", "/transaction/"+txID, nil, 200).Map(t)
			if got["status"] != tc.want || got["pre_auth"] != tc.preAuth {
				t.Fatalf("%s: after the event: %v", tc.name, got)
			}
			stored, err := e.Server.Store.TransactionGet(t.Context(), id, txID)
			if err != nil || stored.GatewayRef != pi || stored.GatewayUnknown ||
				tc.want == "FAILED" && stored.DeclineCode != "insufficient_funds" ||
				tc.preAuth && (stored.IsCaptured || stored.Captured != 0) ||
				!tc.preAuth && tc.want == "SUCCESS" && stored.Captured != 1000 {
				t.Fatalf("%s: stored = %+v, %v", tc.name, stored, err)
			}
			if n := creates(t, e, id, txID); n != 1 {
				t.Fatalf("%s: %d create_transaction events, want 1", tc.name, n)
			}
			// The client's retry gets the outcome the event recorded.
			pm := got["payment_method_id"].(string)
			again := e.Call("POST", "/charge", map[string]any{"payment_method_id": pm, "total": 10, "pre_auth": tc.preAuth, "idempotency_id": idem}, tc.status).Map(t)
			if again["id"] != txID || again["status"] != tc.want {
				t.Fatalf("%s: retry = %v", tc.name, again)
			}
		}
		// The operator's metrics count each payment the events finalized,
		// once (each event came twice).
		fams := scrape(t, e, stripeMetricsToken)
		for _, m := range []struct {
			name   string
			labels []string
		}{
			{"tender_payments_total", []string{"type", "charge", "outcome", "approved"}},
			{"tender_payments_total", []string{"type", "pre_auth", "outcome", "approved"}},
			{"tender_payments_total", []string{"type", "charge", "outcome", "declined"}},
			{"tender_payment_declines_total", []string{"code", "insufficient_funds"}},
		} {
			if v, ok := metricValue(fams, m.name, m.labels...); !ok || v != 1 {
				t.Errorf("%s%v = %v (%v), want 1", m.name, m.labels, v, ok)
			}
		}
	})
}

// TestStripeEventRacesJanitor: the event and the janitor's Resolve, let go
// together on a payment whose answer was lost, record one outcome and one
// create_transaction event, round after round.
func TestStripeEventRacesJanitor(t *testing.T) {
	apitest.EachStore(t, func(t *testing.T, store string) {
		e, double, id := stripeShop(t, store)
		for round := range 3 {
			txID, pi := lostCharge(t, e, double, "4242424242424242", false, apitest.Sprintf("race-%d", round))
			payload, h := double.PaymentIntentEvent("payment_intent.succeeded", pi)
			start := make(chan struct{})
			var wg sync.WaitGroup
			var status int
			var resolveErr error
			wg.Add(2)
			go func() {
				defer wg.Done()
				<-start
				status = sendStripe(e, id, payload, h).Status
			}()
			go func() {
				defer wg.Done()
				<-start
				_, resolveErr = e.Server.Service.ResolvePending(t.Context(), 0)
			}()
			close(start)
			wg.Wait()
			if status != 200 || resolveErr != nil {
				t.Fatalf("round %d: event %d, janitor %v", round, status, resolveErr)
			}
			stored, err := e.Server.Store.TransactionGet(t.Context(), id, txID)
			if err != nil || stored.Status != tender.StatusSuccess || stored.GatewayRef != pi || stored.Captured != 1000 {
				t.Fatalf("round %d: stored = %+v, %v", round, stored, err)
			}
			if n := creates(t, e, id, txID); n != 1 {
				t.Fatalf("round %d: %d create_transaction events, want 1", round, n)
			}
			if n := double.Payments(txID); n != 1 {
				t.Fatalf("round %d: %d payments at Stripe, want 1", round, n)
			}
		}
	})
}

// TestStripeEventWhileAnswerInFlight: while Tender still waits for Stripe's
// answer to a charge, Stripe's event about it is a 503 with Retry-After
// and changes nothing; the answer then finalizes the charge, and the event
// sent again is a no-op.
func TestStripeEventWhileAnswerInFlight(t *testing.T) {
	apitest.EachStore(t, func(t *testing.T, store string) {
		e, double, id := stripeShop(t, store)
		pm := newCard(t, e, "4242424242424242")
		held := double.Hold("/v1/payment_intents")
		answered := make(chan *apitest.Response, 1)
		go func() {
			answered <- e.Do(apitest.Request{Method: "POST", Path: "/charge", Key: e.Key, Body: map[string]any{"payment_method_id": pm, "total": 10}})
		}()
		var txID string
		select {
		case txID = <-held.Acted:
		case <-time.After(60 * time.Second):
			t.Fatal("timed out waiting for the charge to reach the Stripe double")
		}
		pi := double.PaymentIntentOf(txID)
		payload, h := double.PaymentIntentEvent("payment_intent.succeeded", pi)
		r := sendStripe(e, id, payload, h)
		if r.Status != http.StatusServiceUnavailable || r.Header.Get("Retry-After") == "" {
			t.Fatalf("event while the answer is in flight: %d %v %s", r.Status, r.Header, r.Body)
		}
		stored, err := e.Server.Store.TransactionGet(t.Context(), id, txID)
		if err != nil || stored.Status != tender.StatusPending || stored.GatewayRef != "" {
			t.Fatalf("changed by the refused event: %+v, %v", stored, err)
		}
		if recs, err := e.Server.Store.ProcessorEventsOf(t.Context(), id, txID); err != nil || len(recs) != 0 {
			t.Fatalf("event recorded: %v, %v", recs, err)
		}
		if n := creates(t, e, id, txID); n != 0 {
			t.Fatalf("%d create_transaction events while in flight", n)
		}
		held.Release()
		select {
		case r = <-answered:
		case <-time.After(60 * time.Second):
			t.Fatal("timed out waiting for the charge's answer")
		}
		if ch := r.Map(t); r.Status != 200 || ch["id"] != txID || ch["status"] != "SUCCESS" {
			t.Fatalf("charge: %d %s", r.Status, r.Body)
		}
		if r := sendStripe(e, id, payload, h); r.Status != 200 {
			t.Fatalf("event again: %d %s", r.Status, r.Body)
		}
		if n := creates(t, e, id, txID); n != 1 {
			t.Fatalf("%d create_transaction events, want 1", n)
		}
		if got := e.Call("GET", "/transaction/"+txID, nil, 200).Map(t); got["status"] != "SUCCESS" || got["issuer_auth_code"] == "" {
			t.Fatalf("after the answer: %v", got)
		}
	})
}

// TestStripeSignedEvents: Stripe's signed events over real HTTP. A wrong
// secret, a tampered body or no signature is a 400 that changes nothing; a
// refund made in Stripe's dashboard, sent three times, is one REFUND child
// and one set of events; a dispute opened and closed is announced once
// each; a later failure of the settled payment (charge.failed) returns what
// is left of it as a refund child.
func TestStripeSignedEvents(t *testing.T) {
	apitest.EachStore(t, func(t *testing.T, store string) {
		e, double, id := stripeShop(t, store)
		pm := newCard(t, e, "4242424242424242")
		txID := e.Call("POST", "/charge", map[string]any{"payment_method_id": pm, "total": 10}, 200).Map(t)["id"].(string)
		stored, err := e.Server.Store.TransactionGet(t.Context(), id, txID)
		if err != nil {
			t.Fatal(err)
		}
		pi := stored.GatewayRef
		double.MakeAvailable(pi)
		if n, err := e.Server.Service.Settle(t.Context(), id, time.Now().Add(time.Hour)); err != nil || n != 1 {
			t.Fatalf("settled %d, %v", n, err)
		}
		events := func() []*tender.Event {
			t.Helper()
			evs, err := e.Server.Store.EventListSince(t.Context(), id, time.Time{}, 1000)
			if err != nil {
				t.Fatal(err)
			}
			return evs
		}
		named := func(name string) int {
			n := 0
			for _, ev := range events() {
				if ev.Name == name {
					n++
				}
			}
			return n
		}
		view := func() map[string]any { return e.Call("GET", "/transaction/"+txID, nil, 200).Map(t) }

		reID, payload, h, err := double.DashboardRefund(pi, 250)
		if err != nil {
			t.Fatal(err)
		}
		before := len(events())
		tampered := append([]byte{}, payload...)
		tampered[len(tampered)-3] ^= 1
		for _, bad := range []struct {
			name    string
			payload []byte
			h       http.Header
		}{
			{"wrong secret", payload, stripetest.Sign(payload, "whsec_someoneelse000000", time.Now())},
			{"tampered", tampered, h},
			{"no signature", payload, http.Header{"Content-Type": {"application/json"}}},
		} {
			if r := sendStripe(e, id, bad.payload, bad.h); r.Status != 400 {
				t.Fatalf("%s: %d %s", bad.name, r.Status, r.Body)
			}
		}
		if v := view(); len(v["child_transactions"].([]any)) != 0 || v["total_refunded"].(float64) != 0 || len(events()) != before {
			t.Fatalf("changed by bad signatures: %v", v)
		}
		if recs, err := e.Server.Store.ProcessorEventsOf(t.Context(), id, txID); err != nil || len(recs) != 0 {
			t.Fatalf("recorded from bad signatures: %v, %v", recs, err)
		}

		for range 3 {
			if r := sendStripe(e, id, payload, h); r.Status != 200 {
				t.Fatalf("dashboard refund event: %d %s", r.Status, r.Body)
			}
		}
		v := view()
		children := v["child_transactions"].([]any)
		if len(children) != 1 || v["total_refunded"].(float64) != 2.5 {
			t.Fatalf("after the dashboard refund: %v", v)
		}
		if c := children[0].(map[string]any); c["type"] != "refund" || c["total"].(float64) != 2.5 || c["success"] != true {
			t.Fatalf("refund child = %v", c)
		}
		if child, err := e.Server.Store.TransactionByGatewayRef(t.Context(), id, reID); err != nil || child.ParentID != txID {
			t.Fatalf("the child does not carry Stripe's refund id: %+v, %v", child, err)
		}
		// One set: the child's create_transaction and the payment's update.
		if got := len(events()); got != before+2 {
			t.Fatalf("%d events from the refund, want 2", got-before)
		}

		opened, oh := double.Dispute("dp_1", pi, "needs_response", 1000)
		closed, ch := double.Dispute("dp_1", pi, "won", 1000)
		for _, ev := range [][2]any{{opened, oh}, {opened, oh}, {closed, ch}, {closed, ch}} {
			if r := sendStripe(e, id, ev[0].([]byte), ev[1].(http.Header)); r.Status != 200 {
				t.Fatalf("dispute event: %d %s", r.Status, r.Body)
			}
		}
		if o, c := named(tender.EventTransactionDisputeOpened), named(tender.EventTransactionDisputeClosed); o != 1 || c != 1 {
			t.Fatalf("disputes announced: %d opened, %d closed", o, c)
		}
		// One dispute record, closed as won.
		var dps struct {
			Total int
			Data  []struct {
				ID, Status         string
				ProcessorDisputeID string `json:"processor_dispute_id"`
			}
		}
		e.Call("GET", "/underwriting/disputes", nil, 200).JSON(t, &dps)
		if dps.Total != 1 || dps.Data[0].Status != "won" || dps.Data[0].ProcessorDisputeID != "dp_1" {
			t.Fatalf("dispute records: %+v", dps)
		}
		opened2, oh2 := double.Dispute("dp_2", pi, "needs_response", 500)
		if r := sendStripe(e, id, opened2, oh2); r.Status != 200 {
			t.Fatalf("second dispute event: %d %s", r.Status, r.Body)
		}
		e.Call("GET", "/underwriting/disputes?status=needs_response", nil, 200).JSON(t, &dps)
		if dps.Total != 1 {
			t.Fatalf("open disputes: %+v", dps)
		}
		// Evidence goes to Stripe: the file through its Files API, the text
		// and the file's id on the dispute, submitted at once.
		pdf := []byte("%PDF-1.4\n%stripe receipt\n")
		if up := upload(t, e, e.Key, "POST", "/file/dispute", map[string]string{"dispute_id": dps.Data[0].ID, "evidence_type": "receipt"},
			"receipt.pdf", "application/pdf", pdf); up.Status != 200 {
			t.Fatalf("evidence file: %d %s", up.Status, up.Body)
		}
		sub := e.Do(apitest.Request{Method: "POST", Path: "/underwriting/dispute/" + dps.Data[0].ID + "/submit", Key: e.Key,
			Body: map[string]any{"customer_name": "Jane", "product_description": "A lamp"}})
		if sub.Status != 200 || sub.Map(t)["status"] != "under_review" {
			t.Fatalf("submission on Stripe: %d %s", sub.Status, sub.Body)
		}
		st, ev, files := double.DisputeEvidence("dp_2")
		if st != "under_review" || ev["customer_name"] != "Jane" || ev["product_description"] != "A lamp" ||
			!strings.HasPrefix(ev["receipt"], "file_") || string(files["receipt"]) != string(pdf) {
			t.Fatalf("at Stripe: %s %v (receipt %q)", st, ev, files["receipt"])
		}
		// Submitted once: Stripe refuses more, and Tender says so first.
		if r := e.Do(apitest.Request{Method: "POST", Path: "/underwriting/dispute/" + dps.Data[0].ID + "/submit", Key: e.Key,
			Body: map[string]any{"customer_name": "Jane"}}); r.Status != 422 {
			t.Fatalf("second submission: %d %s", r.Status, r.Body)
		}

		failed, fh := double.PaymentFailed(pi, "insufficient_funds", "")
		for range 2 {
			if r := sendStripe(e, id, failed, fh); r.Status != 200 {
				t.Fatalf("charge.failed: %d %s", r.Status, r.Body)
			}
		}
		v = view()
		children = v["child_transactions"].([]any)
		if len(children) != 2 || v["total_refunded"].(float64) != 10 {
			t.Fatalf("after charge.failed: %v", v)
		}
		returned := 0
		for _, c := range children {
			if c := c.(map[string]any); c["type"] == "refund" && c["total"].(float64) == 7.5 {
				returned++
			}
		}
		if returned != 1 {
			t.Fatalf("no return child of the 7.50 left: %v", children)
		}
	})
}
