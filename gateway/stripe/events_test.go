package stripe

import (
	"context"
	"errors"
	"net/http"
	"testing"
	"time"

	"github.com/tenderpay/tender"
	"github.com/tenderpay/tender/gateway"
	"github.com/tenderpay/tender/gateway/stripe/stripetest"
)

func TestParseEvent(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	d, srv := setup(t)
	key := tender.NewID()
	res, err := d.Authorize(ctx, gateway.Request{Key: key, Amount: 1000, Card: ptr(card("4242424242424242")), Capture: true})
	if err != nil || !res.Approved {
		t.Fatal(res, err)
	}
	pi := res.Ref

	// The payment's own outcome, with Tender's key from its metadata.
	payload, h := srv.PaymentIntentEvent("payment_intent.succeeded", pi)
	if ev, err := d.ParseEvent(payload, h); err != nil || ev.Kind != gateway.EventPaymentSucceeded || ev.Key != key ||
		ev.Result == nil || !ev.Result.Approved || ev.Result.Ref != pi || ev.Amount != 1000 {
		t.Fatalf("payment_intent.succeeded: %+v, %v", ev, err)
	}

	// A refund made in Stripe's dashboard.
	reID, payload, h, err := srv.DashboardRefund(pi, 250)
	if err != nil {
		t.Fatal(err)
	}
	ev, err := d.ParseEvent(payload, h)
	if err != nil || ev == nil || ev.Kind != gateway.EventRefunded || ev.Ref != pi || ev.ChildRef != reID || ev.Amount != 250 || ev.ID == "" {
		t.Fatalf("dashboard refund: %+v, %v", ev, err)
	}
	// charge.refunded carrying the refund list: the newest refund.
	payload, h = srv.Event("charge.refunded", map[string]any{"id": "ch_1", "object": "charge", "payment_intent": pi,
		"refunds": map[string]any{"object": "list", "data": []any{map[string]any{"id": reID, "object": "refund", "amount": 250, "status": "succeeded"}}}})
	if ev, err := d.ParseEvent(payload, h); err != nil || ev.Kind != gateway.EventRefunded || ev.Ref != pi || ev.ChildRef != reID || ev.Amount != 250 {
		t.Fatalf("charge.refunded: %+v, %v", ev, err)
	}
	// Disputes.
	payload, h = srv.Dispute("dp_1", pi, "needs_response", 1000)
	if ev, err := d.ParseEvent(payload, h); err != nil || ev.Kind != gateway.EventDisputeOpened || ev.Ref != pi || ev.ChildRef != "dp_1" || ev.Amount != 1000 || ev.Reason != "fraudulent" {
		t.Fatalf("dispute opened: %+v, %v", ev, err)
	}
	for _, st := range []string{"won", "lost"} {
		payload, h = srv.Dispute("dp_1", pi, st, 1000)
		if ev, err := d.ParseEvent(payload, h); err != nil || ev.Kind != gateway.EventDisputeClosed || ev.Status != st {
			t.Fatalf("dispute %s: %+v, %v", st, ev, err)
		}
	}
	// A later failure.
	payload, h = srv.PaymentFailed(pi, "insufficient_funds", "")
	if ev, err := d.ParseEvent(payload, h); err != nil || ev.Kind != gateway.EventPaymentFailed || ev.Ref != pi || ev.Reason != "insufficient_funds" || ev.Amount != 1000 {
		t.Fatalf("charge.failed: %+v, %v", ev, err)
	}
	payload, h = srv.Event("payment_intent.payment_failed", map[string]any{"id": pi, "object": "payment_intent", "amount": 1000,
		"last_payment_error": map[string]any{"type": "card_error", "code": "card_declined", "decline_code": "lost_card"}})
	if ev, err := d.ParseEvent(payload, h); err != nil || ev.Kind != gateway.EventPaymentFailed || ev.Reason != "lost_card" || ev.Key != "" || ev.Result != nil {
		t.Fatalf("payment_intent.payment_failed: %+v, %v", ev, err)
	}
	// An event Tender does not act on.
	payload, h = srv.Event("customer.created", map[string]any{"id": "cus_1", "object": "customer"})
	if ev, err := d.ParseEvent(payload, h); ev != nil || err != nil {
		t.Fatalf("customer.created: %+v, %v", ev, err)
	}
	// Bad signatures: tampered, missing, wrong secret, too old.
	payload, h = srv.Dispute("dp_2", pi, "needs_response", 1000)
	tampered := append([]byte{}, payload...)
	tampered[len(tampered)-2] ^= 1
	bad := []struct {
		name    string
		payload []byte
		h       http.Header
	}{
		{"tampered", tampered, h},
		{"missing", payload, http.Header{}},
		{"wrong secret", payload, stripetest.Sign(payload, "whsec_other", time.Now())},
		{"too old", payload, stripetest.Sign(payload, stripetest.WebhookSecret, time.Now().Add(-EventTolerance-time.Minute))},
	}
	for _, b := range bad {
		if ev, err := d.ParseEvent(b.payload, b.h); !errors.Is(err, gateway.ErrBadSignature) || ev != nil {
			t.Fatalf("%s: %+v, %v", b.name, ev, err)
		}
	}
}
