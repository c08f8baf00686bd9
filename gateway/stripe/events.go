package stripe

import (
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"time"

	stripe "github.com/stripe/stripe-go/v84"
	"github.com/stripe/stripe-go/v84/webhook"

	"github.com/tenderpay/tender"
	"github.com/tenderpay/tender/gateway"
)

// EventTolerance is how old a signed event may be (stripe-go's default): an
// older signature is refused as a replay.
const EventTolerance = webhook.DefaultTolerance

// ParseEvent implements gateway.Receiver: it verifies the Stripe-Signature
// header with the merchant's webhook secret (gateway.ErrBadSignature when it
// does not verify, is missing or too old) and normalises the events Tender
// acts on; any other event is (nil, nil).
//
// The event's API version is not checked against stripe-go's: a webhook
// endpoint keeps the version it was created with, and the few fields read
// here (ids, amounts, statuses) are stable across versions.
//
// payment_intent.payment_failed and charge.failed are reported for every
// failed payment, including a card declined at once; the service applies
// EventPaymentFailed only to a payment it recorded as successful.
func (d *Driver) ParseEvent(payload []byte, header http.Header) (*gateway.Event, error) {
	if d.webhookSecret == "" {
		return nil, errors.New("stripe: no webhook secret configured")
	}
	ev, err := webhook.ConstructEventWithOptions(payload, header.Get("Stripe-Signature"), d.webhookSecret,
		webhook.ConstructEventOptions{Tolerance: EventTolerance, IgnoreAPIVersionMismatch: true})
	if err != nil {
		return nil, gateway.ErrBadSignature
	}
	if ev.Data == nil {
		return nil, nil
	}
	return eventOf(ev)
}

// eventOf maps a verified Stripe event.
func eventOf(ev stripe.Event) (*gateway.Event, error) {
	out := &gateway.Event{ID: ev.ID}
	raw := ev.Data.Raw
	switch ev.Type {
	case "refund.created", "refund.updated", "charge.refund.updated":
		var r stripe.Refund
		if err := json.Unmarshal(raw, &r); err != nil {
			return nil, errors.New("stripe event: malformed refund")
		}
		return refundEvent(out, &r), nil
	case "charge.refunded":
		var ch stripe.Charge
		if err := json.Unmarshal(raw, &ch); err != nil {
			return nil, errors.New("stripe event: malformed charge")
		}
		// The newest refund is the one this event reports (Stripe lists
		// them newest first; since API 2022-11-15 the list may be absent,
		// and refund.created reports the refund instead).
		if ch.Refunds == nil || len(ch.Refunds.Data) == 0 {
			return nil, nil
		}
		r := ch.Refunds.Data[0]
		if r.PaymentIntent == nil {
			r.PaymentIntent = ch.PaymentIntent
		}
		return refundEvent(out, r), nil
	case "charge.dispute.created", "charge.dispute.closed":
		var dp stripe.Dispute
		if err := json.Unmarshal(raw, &dp); err != nil {
			return nil, errors.New("stripe event: malformed dispute")
		}
		out.Kind = gateway.EventDisputeOpened
		if ev.Type == "charge.dispute.closed" {
			out.Kind = gateway.EventDisputeClosed
		}
		if dp.PaymentIntent != nil {
			out.Ref = dp.PaymentIntent.ID
		}
		out.ChildRef, out.Amount = dp.ID, tender.Amount(dp.Amount)
		out.Reason, out.Status = string(dp.Reason), string(dp.Status)
		out.Currency = strings.ToUpper(string(dp.Currency))
		if dp.EvidenceDetails != nil && dp.EvidenceDetails.DueBy > 0 {
			out.DueBy = time.Unix(dp.EvidenceDetails.DueBy, 0).UTC()
		}
		out.Message = "Dispute " + string(dp.Status) + " (" + string(dp.Reason) + ")."
		return out, nil
	case "payment_intent.succeeded", "payment_intent.amount_capturable_updated":
		var pi stripe.PaymentIntent
		if err := json.Unmarshal(raw, &pi); err != nil {
			return nil, errors.New("stripe event: malformed payment intent")
		}
		out.Kind, out.Ref, out.Amount = gateway.EventPaymentSucceeded, pi.ID, tender.Amount(pi.Amount)
		paymentOutcome(out, &pi)
		return out, nil
	case "payment_intent.payment_failed":
		var pi stripe.PaymentIntent
		if err := json.Unmarshal(raw, &pi); err != nil {
			return nil, errors.New("stripe event: malformed payment intent")
		}
		out.Kind, out.Ref, out.Amount = gateway.EventPaymentFailed, pi.ID, tender.Amount(pi.Amount)
		paymentOutcome(out, &pi)
		if pi.LatestCharge != nil {
			out.ChildRef = pi.LatestCharge.ID
		}
		out.Reason, out.Message = "payment_failed", "The payment failed at the processor."
		if e := pi.LastPaymentError; e != nil {
			out.Reason, out.Message = declineOf(string(e.Code), string(e.DeclineCode))
		}
		return out, nil
	case "charge.failed":
		var ch stripe.Charge
		if err := json.Unmarshal(raw, &ch); err != nil {
			return nil, errors.New("stripe event: malformed charge")
		}
		out.Kind, out.ChildRef, out.Amount = gateway.EventPaymentFailed, ch.ID, tender.Amount(ch.Amount)
		if ch.PaymentIntent != nil {
			out.Ref = ch.PaymentIntent.ID
		}
		out.Reason, out.Message = declineOf(ch.FailureCode, "")
		if ch.FailureMessage != "" {
			out.Message = scrub(ch.FailureMessage)
		}
		return out, nil
	}
	return nil, nil
}

// refundEvent reports a refund made at Stripe; a failed or cancelled refund
// moved no money and is not reported.
func refundEvent(out *gateway.Event, r *stripe.Refund) *gateway.Event {
	if r.Status == stripe.RefundStatusFailed || r.Status == stripe.RefundStatusCanceled {
		return nil
	}
	out.Kind, out.ChildRef, out.Amount = gateway.EventRefunded, r.ID, tender.Amount(r.Amount)
	if r.PaymentIntent != nil {
		out.Ref = r.PaymentIntent.ID
	}
	out.Reason, out.Message = string(r.Reason), "Refunded at the processor."
	return out
}

// paymentOutcome sets the Key and Result of an event about a PaymentIntent
// Authorize made (its tender_key metadata), so that a payment whose answer
// was lost is finalized by the event. A fence (tender_fence) or a
// PaymentIntent made outside Tender has no tender_key and is left alone.
//
// Documented edges: an event's PaymentIntent does not expand its charge, so
// a payment finalized from an event has no auth code, AVS or CVC result
// (the janitor's Resolve, which expands it, would have them). And a
// pre-authorization still PENDING at Tender but captured meanwhile in
// Stripe's dashboard (payment_intent.succeeded) is finalized as authorized
// only: Tender records no capture it did not ask for.
func paymentOutcome(out *gateway.Event, pi *stripe.PaymentIntent) {
	key := pi.Metadata[metaKey]
	if key == "" {
		return
	}
	out.Key, out.Result = key, paymentResult(pi)
}
