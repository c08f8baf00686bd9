package stripe

// Request and response mapping between Tender's gateway types and Stripe's
// objects, kept apart from the flow in stripe.go (the Hyperswitch habit of
// <name>.rs + transformers.rs).

import (
	"errors"
	"fmt"
	"net/http"
	"regexp"

	stripe "github.com/stripe/stripe-go/v84"

	"github.com/tenderpay/tender"
	"github.com/tenderpay/tender/gateway"
)

// Metadata keys the driver writes on Stripe objects, so that Resolve can
// find an outcome by Tender's idempotency key.
const (
	metaKey     = "tender_key"     // on the PaymentIntent (Authorize) and on each Refund
	metaCapture = "tender_capture" // on the PaymentIntent, set by the capture call itself
	metaVoid    = "tender_void"    // on the PaymentIntent, set just before it is cancelled
	metaFence   = "tender_fence"   // on the inert PaymentIntent Resolve creates to fence a key
)

// Expansions: the charge carries the auth code and the AVS/CVC checks, its
// balance transaction tells whether the funds settled.
var (
	expandCharge  = []*string{stripe.String("latest_charge")}
	expandSettled = []*string{stripe.String("latest_charge.balance_transaction")}
)

// paymentMethodParams is the raw card, sent to Stripe's PaymentMethods API
// (Stripe's published API description has no card fields under a
// PaymentIntent's payment_method_data, so the card becomes a PaymentMethod
// first; see the package doc).
func paymentMethodParams(c *gateway.Card) *stripe.PaymentMethodCreateParams {
	p := &stripe.PaymentMethodCreateParams{
		Type: stripe.String("card"),
		Card: &stripe.PaymentMethodCreateCardParams{
			Number:   stripe.String(c.Number),
			ExpMonth: stripe.Int64(int64(c.ExpMonth)),
			ExpYear:  stripe.Int64(int64(c.ExpYear)),
		},
	}
	if c.CVV != "" {
		p.Card.CVC = stripe.String(c.CVV)
	}
	bd := &stripe.PaymentMethodCreateBillingDetailsParams{}
	if c.Name != "" {
		bd.Name = stripe.String(c.Name)
	}
	if c.Zip != "" || c.Address != "" {
		bd.Address = &stripe.AddressParams{}
		if c.Zip != "" {
			bd.Address.PostalCode = stripe.String(c.Zip)
		}
		if c.Address != "" {
			bd.Address.Line1 = stripe.String(c.Address)
		}
	}
	if bd.Name != nil || bd.Address != nil {
		p.BillingDetails = bd
	}
	return p
}

// paymentIntentParams creates and confirms a PaymentIntent for req with the
// PaymentMethod pm. Off-session, with error_on_requires_action: a server-side
// charge cannot take the customer through 3-D Secure, so such a card is a
// decline (authentication_required) rather than a PaymentIntent left waiting.
func paymentIntentParams(req gateway.Request, pm string) *stripe.PaymentIntentCreateParams {
	p := &stripe.PaymentIntentCreateParams{
		Amount:                stripe.Int64(int64(req.Amount)),
		Currency:              stripe.String(string(stripe.CurrencyUSD)),
		PaymentMethod:         stripe.String(pm),
		PaymentMethodTypes:    []*string{stripe.String("card")},
		Confirm:               stripe.Bool(true),
		ErrorOnRequiresAction: stripe.Bool(true),
		Metadata:              map[string]string{metaKey: req.Key},
		Expand:                expandCharge,
	}
	if !req.Capture {
		p.CaptureMethod = stripe.String(string(stripe.PaymentIntentCaptureMethodManual))
	}
	return p
}

// fenceParams is the inert PaymentIntent Resolve creates under a key that
// never reached Stripe: never confirmed, so it moves no money, and it holds
// the key so that a late original request is refused (see the package doc).
func fenceParams(key string) *stripe.PaymentIntentCreateParams {
	return &stripe.PaymentIntentCreateParams{
		Amount:             stripe.Int64(50), // Stripe's minimum; never confirmed
		Currency:           stripe.String(string(stripe.CurrencyUSD)),
		PaymentMethodTypes: []*string{stripe.String("card")},
		Metadata:           map[string]string{metaFence: key},
	}
}

// paymentResult turns a PaymentIntent (Authorize, Capture, Void, Resolve)
// into Tender's result.
func paymentResult(pi *stripe.PaymentIntent) *gateway.Result {
	res := &gateway.Result{Ref: pi.ID}
	switch pi.Status {
	case stripe.PaymentIntentStatusSucceeded, stripe.PaymentIntentStatusRequiresCapture,
		stripe.PaymentIntentStatusProcessing:
		res.Approved = true
	case stripe.PaymentIntentStatusRequiresAction:
		res.DeclineCode, res.Message = "authentication_required", declineMessages["authentication_required"]
	default: // requires_payment_method after a decline, canceled, ...
		code, msg := "card_declined", declineMessages["card_declined"]
		if e := pi.LastPaymentError; e != nil {
			code, msg = declineOf(string(e.Code), string(e.DeclineCode))
		}
		res.DeclineCode, res.Message = code, msg
	}
	if ch := pi.LatestCharge; ch != nil {
		chargeDetails(res, ch)
	}
	return res
}

// chargeDetails copies the auth code and the AVS and CVC checks.
func chargeDetails(res *gateway.Result, ch *stripe.Charge) {
	if ch.PaymentMethodDetails == nil || ch.PaymentMethodDetails.Card == nil {
		return
	}
	card := ch.PaymentMethodDetails.Card
	res.AuthCode = card.AuthorizationCode
	if ck := card.Checks; ck != nil {
		res.AVSCode, res.AVSMessage = avs(string(ck.AddressLine1Check), string(ck.AddressPostalCodeCheck))
		res.CVVResult = string(ck.CVCCheck)
	}
}

// avs turns Stripe's two address checks into the usual one-letter AVS code
// and its message ("" when neither was checked).
func avs(line1, zip string) (string, string) {
	switch {
	case zip == "pass" && line1 == "pass":
		return "Y", "Address and ZIP code match."
	case zip == "pass" && line1 == "fail":
		return "Z", "ZIP code matches; address does not."
	case zip == "pass":
		return "Z", "ZIP code matches; address not checked."
	case zip == "fail" && line1 == "pass":
		return "A", "Address matches; ZIP code does not."
	case zip == "fail":
		return "N", "Neither address nor ZIP code matches."
	case zip == "unavailable" || line1 == "unavailable":
		return "U", "Address verification unavailable."
	}
	return "", ""
}

// refundResult turns a Refund into Tender's result; Ref is the refund's id,
// which is also the ChildRef of the refund's inbound events.
func refundResult(r *stripe.Refund) *gateway.Result {
	res := &gateway.Result{Ref: r.ID}
	switch r.Status {
	case stripe.RefundStatusFailed, stripe.RefundStatusCanceled:
		res.DeclineCode, res.Message = "refund_failed", "The processor could not complete the refund."
		if r.FailureReason != "" {
			res.Message = "The processor could not complete the refund (" + string(r.FailureReason) + ")."
		}
	default: // succeeded, pending, requires_action: the refund is under way
		res.Approved = true
	}
	return res
}

// declineMessages is Tender's wording, as the sandbox processor's.
var declineMessages = map[string]string{
	"card_declined":           "Card declined.",
	"insufficient_funds":      "Insufficient funds.",
	"lost_card":               "Card reported lost.",
	"stolen_card":             "Card reported stolen.",
	"expired_card":            "Card expired.",
	"incorrect_cvc":           "CVV verification failed.",
	"processing_error":        "A processing error occurred.",
	"incorrect_number":        "Card number incorrect.",
	"incorrect_zip":           "ZIP code verification failed.",
	"fraudulent":              "Card declined.",
	"authentication_required": "The card requires authentication (3-D Secure), which a server-side charge cannot complete.",
	"invalid_expiry":          "Card expiration date invalid.",
}

// stripeDeclines maps Stripe's error codes and decline codes onto Tender's.
// Anything else is a generic card_declined: Stripe documents many decline
// codes, and a code Tender does not know is still a decline.
var stripeDeclines = map[string]string{
	"insufficient_funds":      "insufficient_funds",
	"lost_card":               "lost_card",
	"stolen_card":             "stolen_card",
	"expired_card":            "expired_card",
	"incorrect_cvc":           "incorrect_cvc",
	"invalid_cvc":             "incorrect_cvc",
	"processing_error":        "processing_error",
	"incorrect_number":        "incorrect_number",
	"invalid_number":          "incorrect_number",
	"incorrect_zip":           "incorrect_zip",
	"invalid_expiry_month":    "invalid_expiry",
	"invalid_expiry_year":     "invalid_expiry",
	"authentication_required": "authentication_required",
}

// declineOf picks Tender's decline code and message for a Stripe card error:
// the decline code (the issuer's reason) first, then the error code.
func declineOf(code, declineCode string) (string, string) {
	t, ok := stripeDeclines[declineCode]
	if !ok {
		if t, ok = stripeDeclines[code]; !ok {
			t = "card_declined"
		}
	}
	return t, declineMessages[t]
}

// errKind is what a failed call means for Tender.
type errKind int

const (
	kindUnknown  errKind = iota // maybe acted: network, timeout, 5xx, 429, 409
	kindDecline                 // card_error: a decline, an answer
	kindRefused                 // invalid_request_error: Stripe refused, nothing happened
	kindKeyTaken                // idempotency_error: the key was used with other parameters or on another endpoint
	kindConfig                  // 401/403: bad or restricted credentials, nothing happened
)

// classify sorts an error of the SDK. Errors that are not Stripe's answers
// (connection reset, timeout, cancelled context) are unknown outcomes.
func classify(err error) (errKind, *stripe.Error) {
	var se *stripe.Error
	if !errors.As(err, &se) {
		return kindUnknown, nil
	}
	switch {
	case se.HTTPStatusCode >= 500, se.HTTPStatusCode == http.StatusTooManyRequests,
		se.HTTPStatusCode == http.StatusConflict, se.HTTPStatusCode == 0:
		return kindUnknown, se
	case se.Type == stripe.ErrorTypeCard:
		return kindDecline, se
	case se.Type == stripe.ErrorTypeIdempotency:
		return kindKeyTaken, se
	case se.HTTPStatusCode == http.StatusUnauthorized, se.HTTPStatusCode == http.StatusForbidden:
		return kindConfig, se
	case se.Type == stripe.ErrorTypeInvalidRequest:
		return kindRefused, se
	}
	return kindUnknown, se
}

// secretLike matches what must never leave the driver in an error: API keys,
// webhook secrets and anything that looks like a card number.
var secretLike = regexp.MustCompile(`(?:sk|rk|pk)_(?:live|test)_[0-9A-Za-z*]+|whsec_[0-9A-Za-z*]+|[0-9][0-9 -]{10,}[0-9]`)

// scrub removes secrets from a message Stripe wrote (an invalid key error
// quotes part of the key).
func scrub(s string) string { return secretLike.ReplaceAllString(s, "[redacted]") }

// safeError describes a Stripe error without its request parameters (the
// SDK's own Error() is the whole error object as JSON) and without secrets.
func safeError(op string, err error) error {
	kind, se := classify(err)
	if se == nil {
		if kind == kindUnknown {
			return fmt.Errorf("stripe %s: %w (%s)", op, gateway.ErrUnknown, scrub(errorText(err)))
		}
		return fmt.Errorf("stripe %s: %s", op, scrub(errorText(err)))
	}
	msg := fmt.Sprintf("stripe %s: HTTP %d %s", op, se.HTTPStatusCode, se.Type)
	if se.Code != "" {
		msg += " " + string(se.Code)
	}
	if kind == kindConfig {
		msg += ": the merchant's Stripe credentials were refused"
	} else if se.Msg != "" {
		msg += ": " + scrub(se.Msg)
	}
	if se.RequestID != "" {
		msg += " (request " + se.RequestID + ")"
	}
	if kind == kindUnknown {
		return fmt.Errorf("%s: %w", msg, gateway.ErrUnknown)
	}
	return errors.New(msg)
}

// errorText is err's message; for a *url.Error it is the URL (never carrying
// parameters: the SDK sends them in the body, search queries aside) and the
// cause.
func errorText(err error) string { return err.Error() }

// refusal is the answer to a request Stripe refused: nothing happened, as
// the sandbox processor's invalid_request declines. A capture, void or
// refund Stripe would not do (already captured, more than captured,
// cancelled...) or a request it could not take answers Stripe's message
// (scrubbed); refused credentials answer a fixed message, since Stripe's
// quotes part of the key.
func refusal(se *stripe.Error) *gateway.Result {
	if se.HTTPStatusCode == http.StatusUnauthorized {
		return &gateway.Result{DeclineCode: gateway.DeclineCredentials,
			Message: "The processor (stripe) refused the merchant's credentials (HTTP 401): the secret key is wrong or revoked; a partner sets new ones with PUT /merchant/{id}."}
	}
	if se.HTTPStatusCode == http.StatusForbidden {
		return &gateway.Result{DeclineCode: gateway.DeclineCredentials,
			Message: "The processor (stripe) refused the merchant's credentials (HTTP 403): the restricted key lacks a permission this request needs."}
	}
	msg := "The processor refused the request."
	if se.Msg != "" {
		msg = scrub(se.Msg)
	}
	return &gateway.Result{Message: msg, DeclineCode: "invalid_request"}
}

// abandoned answers a request whose key Resolve fenced (Stripe refuses it
// with an idempotency error), as the sandbox processor does.
func abandoned() *gateway.Result {
	return &gateway.Result{Message: "The request was abandoned and not processed.", DeclineCode: "abandoned"}
}

// cents converts Tender's minor units to Stripe's (both integer cents, USD).
func cents(a tender.Amount) *int64 { return stripe.Int64(int64(a)) }
