package stripetest

import (
	"encoding/json"
	"fmt"
	"net/http"
	"time"

	"github.com/stripe/stripe-go/v84/webhook"
)

// Sign returns the headers Stripe sends with payload, signed with secret
// (WebhookSecret for the double's merchants) at time at.
func Sign(payload []byte, secret string, at time.Time) http.Header {
	sp := webhook.GenerateTestSignedPayload(&webhook.UnsignedPayload{Payload: payload, Secret: secret, Timestamp: at})
	h := http.Header{}
	h.Set("Stripe-Signature", sp.Header)
	h.Set("Content-Type", "application/json")
	return h
}

// Event builds a Stripe event of type typ around object, signed now with
// WebhookSecret.
func (s *Server) Event(typ string, object map[string]any) (payload []byte, header http.Header) {
	s.mu.Lock()
	id := s.newID("evt")
	s.mu.Unlock()
	payload, err := json.Marshal(map[string]any{"id": id, "object": "event", "type": typ, "api_version": "2025-01-01",
		"created": time.Now().Unix(), "livemode": false, "data": map[string]any{"object": object}})
	if err != nil {
		panic(err)
	}
	return payload, Sign(payload, WebhookSecret, time.Now())
}

// DashboardRefund refunds amount of PaymentIntent pi as a refund made in
// Stripe's dashboard would (no Tender key), and returns its refund.created
// event, signed.
func (s *Server) DashboardRefund(pi string, amount int64) (refundID string, payload []byte, header http.Header, err error) {
	s.mu.Lock()
	p := s.pis[pi]
	if p == nil || p.Status != "succeeded" || amount <= 0 || amount > p.Received-s.refundedLocked(pi) {
		s.mu.Unlock()
		return "", nil, nil, fmt.Errorf("stripetest: cannot refund %d of %s", amount, pi)
	}
	re := &refund{ID: s.newID("re"), PI: pi, Status: "succeeded", Amount: amount, Metadata: map[string]string{}, Created: s.now().Unix()}
	s.refunds = append(s.refunds, re)
	s.mu.Unlock()
	payload, header = s.Event("refund.created", refundJSON(re))
	return re.ID, payload, header, nil
}

// Dispute returns a charge.dispute.created (status "needs_response") or
// charge.dispute.closed (status "won" or "lost") event for PaymentIntent pi,
// and opens or moves the dispute at the double (which then takes evidence
// for it, disputes.go).
func (s *Server) Dispute(disputeID, pi, status string, amount int64) (payload []byte, header http.Header) {
	typ := "charge.dispute.closed"
	if status == "needs_response" || status == "warning_needs_response" {
		typ = "charge.dispute.created"
	}
	s.mu.Lock()
	dp := s.disputes[disputeID]
	if dp == nil {
		dp = &dispute{ID: disputeID, PI: pi, Amount: amount, Evidence: map[string]string{}}
		s.disputes[disputeID] = dp
	}
	dp.Status = status
	s.mu.Unlock()
	return s.Event(typ, map[string]any{"id": disputeID, "object": "dispute", "amount": amount, "currency": "usd",
		"payment_intent": pi, "reason": "fraudulent", "status": status})
}

// PaymentFailed returns a charge.failed event for PaymentIntent pi (a
// payment that failed after Stripe first accepted it).
func (s *Server) PaymentFailed(pi, code, message string) (payload []byte, header http.Header) {
	s.mu.Lock()
	var amount int64
	ch := ""
	if p := s.pis[pi]; p != nil {
		amount, ch = p.Amount, p.ChargeID
	}
	s.mu.Unlock()
	return s.Event("charge.failed", map[string]any{"id": ch, "object": "charge", "amount": amount, "payment_intent": pi,
		"status": "failed", "failure_code": code, "failure_message": message})
}

// PaymentIntentEvent returns a payment_intent.* event of type typ
// (payment_intent.succeeded, .amount_capturable_updated, .payment_failed)
// carrying PaymentIntent id as it stands, its metadata (tender_key)
// included and its charge not expanded, as Stripe sends it.
func (s *Server) PaymentIntentEvent(typ, id string) (payload []byte, header http.Header) {
	s.mu.Lock()
	var obj map[string]any
	if pi := s.pis[id]; pi != nil {
		obj = s.piJSON(pi, "")
		meta := map[string]string{}
		for k, v := range pi.Metadata {
			meta[k] = v
		}
		obj["metadata"] = meta // marshalled after the lock is let go
	}
	s.mu.Unlock()
	return s.Event(typ, obj)
}
