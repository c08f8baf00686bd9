// Package stripe is Tender's driver for Stripe, on the official stripe-go
// SDK. It implements gateway.Gateway and gateway.Receiver.
//
// # Raw card data and PCI
//
// Tender keeps card numbers in its vault and sends them to the processor at
// payment time, so this driver posts the raw card to Stripe (a PaymentMethod
// created with card[number], card[exp_*], card[cvc], then a PaymentIntent
// created and confirmed with it). Stripe refuses raw card numbers unless the
// account has "raw card data APIs" enabled (Dashboard, Settings, Integration;
// Stripe asks for proof of PCI compliance). The PCI consequence: Tender's
// deployment stores, processes and transmits cardholder data, so the
// operator is assessed under SAQ D (or a QSA's report on compliance), not the
// SAQ A of an integration where only Stripe.js touches the card.
// Stripe's published API description has no card fields under a
// PaymentIntent's payment_method_data (stripe-mock rejects them), hence the
// separate PaymentMethod call, whose idempotency key is derived from
// Tender's ("<key>/pm") so that a replay reuses the same PaymentMethod.
//
// # Operations
//
//   - Authorize: PaymentIntent create+confirm, capture_method=manual for a
//     pre-authorization, metadata tender_key=<key>, Idempotency-Key <key>.
//     Bank debits are not supported: Supports says so, and Authorize
//     answers gateway.UnsupportedError ("bank payments") before sending
//     anything (Stripe's us_bank_account needs a mandate collected from the
//     customer and Financial Connections or micro-deposits, which Tender's
//     API does not carry).
//   - Capture: capture with amount_to_capture (partial), metadata
//     tender_capture=<key>. Void: an uncaptured PaymentIntent is cancelled
//     (after marking it tender_void=<key>, so Resolve can find the void); a
//     captured one cannot be cancelled on Stripe, so it is refunded in full
//     (Ref = the refund). Refund: a Refund of the PaymentIntent, partial or
//     several, metadata tender_key=<key>; Ref = the refund's id.
//   - Credit: not supported (Supports; gateway.UnsupportedError
//     "unreferenced card credits"): Stripe has no payout to an arbitrary card.
//   - Answers are Results, not errors, whenever Stripe answered: a decline
//     (402 card_error) with Tender's decline code and wording; a refused
//     request (400 invalid_request_error: already captured, more than
//     captured, cancelled, raw card data not enabled) with DeclineCode
//     invalid_request and Stripe's message, secrets scrubbed; refused
//     credentials (401, or 403 for a restricted key lacking a permission)
//     with gateway.DeclineCredentials and a fixed message that quotes no
//     part of the key. Nothing happened at Stripe in any of these cases, so
//     Tender records the transaction FAILED. Only network errors, timeouts,
//     409, 429 and 5xx are errors (gateway.ErrUnknown): the transaction
//     stays PENDING for Resolve.
//   - Retries: stripe-go's own retries are kept (2, its default, with
//     backoff, within the caller's deadline); every retry carries the same
//     Idempotency-Key, so Stripe replays rather than acts twice.
//   - Settle: Stripe settles cards itself. Settle reports a payment settled
//     once its charge's balance transaction is "available", and
//     gateway.ErrNotSettled before that.
//
// # Resolve and fencing
//
// Stripe keeps an idempotency key for at least 24 hours and refuses a key
// reused with other parameters, or on another endpoint, with an
// idempotency_error. Resolve(key) uses that as a fence: it first creates an
// inert, never-confirmed PaymentIntent (50 cents, metadata
// tender_fence=<key>) under the key, then cancels it.
//
//   - If Stripe accepts it, the key had never reached Stripe: Resolve
//     answers found=false, and the key is now taken, so the lost original,
//     should it arrive late, is refused (Authorize answers it as
//     "abandoned", like the sandbox's fence). This holds for the 24 hours
//     Stripe keeps keys; a request older than that cannot still be in
//     flight (Tender's calls carry a deadline of seconds, and stripe-go
//     gives up with it).
//   - If Stripe refuses it (idempotency_error or 409), the key was used: the
//     outcome is looked up by the search API (PaymentIntents whose
//     tender_key, tender_capture or tender_void is the key) and in the
//     refunds created in the last 72 hours (refunds are not searchable).
//     Search is eventually consistent (Stripe: usually under a minute); when
//     the object is not visible yet Resolve returns an error, and the janitor
//     asks again at its next sweep instead of recording a wrong answer.
//
// So Stripe cannot refuse a late original request by itself, but under this
// driver a key is never both "not found" for Tender and usable at Stripe.
package stripe

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	stripe "github.com/stripe/stripe-go/v84"

	"github.com/tenderpay/tender"
	"github.com/tenderpay/tender/gateway"
)

// Config configures a driver for one Stripe account.
type Config struct {
	SecretKey     string       // sk_live_/sk_test_/rk_...
	WebhookSecret string       // whsec_..., for ParseEvent
	BaseURL       string       // default https://api.stripe.com; tests point it at stripe-mock or an httptest double
	HTTPClient    *http.Client // optional
}

// Driver is a Stripe gateway.
type Driver struct {
	api           *stripe.Client
	webhookSecret string
	// refundWindow bounds the refund list Resolve scans.
	refundWindow time.Duration
	now          func() time.Time
}

var (
	_ gateway.Gateway  = (*Driver)(nil)
	_ gateway.Receiver = (*Driver)(nil)
)

// New returns a driver for cfg. It fails when the secret key is missing or
// does not look like a Stripe secret or restricted key; the error never
// quotes the key.
func New(cfg Config) (*Driver, error) {
	return newDriver(cfg, nil)
}

// newDriver lets tests set the SDK's retry count (nil: the SDK default).
func newDriver(cfg Config, retries *int64) (*Driver, error) {
	k := cfg.SecretKey
	if k == "" {
		return nil, errors.New("stripe: a secret key is required")
	}
	if !strings.HasPrefix(k, "sk_") && !strings.HasPrefix(k, "rk_") {
		return nil, errors.New("stripe: the secret key must be a secret (sk_) or restricted (rk_) key")
	}
	if cfg.WebhookSecret != "" && !strings.HasPrefix(cfg.WebhookSecret, "whsec_") {
		return nil, errors.New("stripe: the webhook secret must start with whsec_")
	}
	bc := &stripe.BackendConfig{
		HTTPClient:        cfg.HTTPClient,
		MaxNetworkRetries: retries,
		// The SDK's default logger writes Stripe's error messages to stderr;
		// the driver's errors say what matters, without secrets.
		LeveledLogger: &stripe.LeveledLogger{Level: stripe.LevelNull},
	}
	if cfg.BaseURL != "" {
		bc.URL = stripe.String(strings.TrimRight(cfg.BaseURL, "/"))
	}
	// Files (dispute evidence) go to Stripe's uploads host, or with a
	// BaseURL to the same place as the rest.
	backends := &stripe.Backends{API: stripe.GetBackendWithConfig(stripe.APIBackend, bc),
		Uploads: stripe.GetBackendWithConfig(stripe.UploadsBackend, bc)}
	return &Driver{
		api:           stripe.NewClient(k, stripe.WithBackends(backends)),
		webhookSecret: cfg.WebhookSecret,
		refundWindow:  72 * time.Hour,
		now:           time.Now,
	}, nil
}

// Name implements gateway.Gateway.
func (d *Driver) Name() string { return "stripe" }

// Supports implements gateway.Gateway: card sales and pre-authorizations;
// no bank payments and no unreferenced credits (see the package doc).
func (d *Driver) Supports(op gateway.Op, method string) error {
	switch {
	case method != tender.MethodCard:
		return &gateway.UnsupportedError{Processor: "stripe", Operation: "bank payments"}
	case op == gateway.OpCredit:
		return &gateway.UnsupportedError{Processor: "stripe", Operation: "unreferenced card credits"}
	}
	return nil
}

// Authorize implements gateway.Gateway.
func (d *Driver) Authorize(ctx context.Context, req gateway.Request) (*gateway.Result, error) {
	if req.Card == nil {
		if req.Bank != nil {
			return nil, d.Supports(gateway.OpAuthorize, tender.MethodBank)
		}
		return nil, errors.New("stripe: request has neither card nor bank")
	}
	pmp := paymentMethodParams(req.Card)
	pmp.Context = ctx
	pmp.SetIdempotencyKey(req.Key + "/pm")
	pm, err := d.api.V1PaymentMethods.Create(ctx, pmp)
	if err != nil {
		return d.authorizeFailed("payment method", err)
	}
	pip := paymentIntentParams(req, pm.ID)
	pip.SetIdempotencyKey(req.Key)
	pi, err := d.api.V1PaymentIntents.Create(ctx, pip)
	if err != nil {
		return d.authorizeFailed("authorize", err)
	}
	return paymentResult(pi), nil
}

// authorizeFailed sorts a failed Authorize call: a decline is an answer
// (with the PaymentIntent Stripe created, when the error carries it), and so
// is a refused request or refused credentials; a key taken by Resolve's
// fence means the request was abandoned.
func (d *Driver) authorizeFailed(op string, err error) (*gateway.Result, error) {
	kind, se := classify(err)
	switch kind {
	case kindRefused, kindConfig:
		return refusal(se), nil
	case kindDecline:
		res := &gateway.Result{}
		if se.PaymentIntent != nil {
			res = paymentResult(se.PaymentIntent)
			if res.Approved { // never: a card error is a decline
				res.Approved = false
			}
		}
		res.DeclineCode, res.Message = declineOf(string(se.Code), string(se.DeclineCode))
		return res, nil
	case kindKeyTaken:
		return abandoned(), nil
	}
	return nil, safeError(op, err)
}

// childFailed sorts a failed capture, void or refund.
func childFailed(op string, err error) (*gateway.Result, error) {
	kind, se := classify(err)
	switch kind {
	case kindRefused, kindDecline, kindConfig:
		return refusal(se), nil
	case kindKeyTaken:
		return abandoned(), nil
	}
	return nil, safeError(op, err)
}

// Capture implements gateway.Gateway.
func (d *Driver) Capture(ctx context.Context, key, ref string, amount tender.Amount) (*gateway.Result, error) {
	p := &stripe.PaymentIntentCaptureParams{
		AmountToCapture: cents(amount),
		Metadata:        map[string]string{metaCapture: key},
		Expand:          expandCharge,
	}
	p.SetIdempotencyKey(key)
	pi, err := d.api.V1PaymentIntents.Capture(ctx, ref, p)
	if err != nil {
		return childFailed("capture", err)
	}
	return paymentResult(pi), nil
}

// Void implements gateway.Gateway: cancel an uncaptured PaymentIntent, fully
// refund a captured one (Stripe cannot cancel it).
func (d *Driver) Void(ctx context.Context, key, ref string) (*gateway.Result, error) {
	pi, err := d.api.V1PaymentIntents.Retrieve(ctx, ref, &stripe.PaymentIntentRetrieveParams{})
	if err != nil {
		return childFailed("void", err)
	}
	if pi.Status == stripe.PaymentIntentStatusSucceeded {
		return d.refund(ctx, key, ref, 0)
	}
	// Mark first, so that Resolve finds the void should the cancel's
	// answer be lost (a cancel takes no metadata).
	up := &stripe.PaymentIntentUpdateParams{Metadata: map[string]string{metaVoid: key}}
	up.SetIdempotencyKey(key + "/mark")
	if _, err := d.api.V1PaymentIntents.Update(ctx, ref, up); err != nil {
		return childFailed("void", err)
	}
	return d.cancel(ctx, key, ref)
}

func (d *Driver) cancel(ctx context.Context, key, ref string) (*gateway.Result, error) {
	p := &stripe.PaymentIntentCancelParams{Expand: expandCharge}
	p.SetIdempotencyKey(key)
	pi, err := d.api.V1PaymentIntents.Cancel(ctx, ref, p)
	if err != nil {
		return childFailed("void", err)
	}
	return voidResult(pi), nil
}

// voidResult: a cancelled PaymentIntent is an approved void.
func voidResult(pi *stripe.PaymentIntent) *gateway.Result {
	if pi.Status == stripe.PaymentIntentStatusCanceled {
		return &gateway.Result{Approved: true, Ref: pi.ID}
	}
	return &gateway.Result{Ref: pi.ID, DeclineCode: "invalid_request", Message: "The payment could not be voided."}
}

// Refund implements gateway.Gateway.
func (d *Driver) Refund(ctx context.Context, key, ref string, amount tender.Amount) (*gateway.Result, error) {
	return d.refund(ctx, key, ref, amount)
}

// refund refunds amount of ref (0: what is left).
func (d *Driver) refund(ctx context.Context, key, ref string, amount tender.Amount) (*gateway.Result, error) {
	p := &stripe.RefundCreateParams{
		PaymentIntent: stripe.String(ref),
		Metadata:      map[string]string{metaKey: key},
	}
	if amount > 0 {
		p.Amount = cents(amount)
	}
	p.SetIdempotencyKey(key)
	r, err := d.api.V1Refunds.Create(ctx, p)
	if err != nil {
		return childFailed("refund", err)
	}
	return refundResult(r), nil
}

// Credit implements gateway.Gateway: Stripe has no unreferenced card credit
// (Supports says so; the service never calls this).
func (d *Driver) Credit(ctx context.Context, req gateway.Request) (*gateway.Result, error) {
	method := tender.MethodCard
	if req.Card == nil {
		method = tender.MethodBank
	}
	return nil, d.Supports(gateway.OpCredit, method)
}

// Resolve implements gateway.Gateway; see the package doc.
func (d *Driver) Resolve(ctx context.Context, key string) (*gateway.Result, bool, error) {
	fenced, err := d.fence(ctx, key)
	if err != nil {
		return nil, false, err
	}
	if fenced {
		return nil, false, nil
	}
	res, found, err := d.find(ctx, key)
	if err != nil {
		return nil, false, err
	}
	if !found {
		return nil, false, fmt.Errorf("stripe resolve: the key was used but its outcome is not visible yet; ask again later: %w", gateway.ErrUnknown)
	}
	return res, true, nil
}

// fence takes key at Stripe with an inert PaymentIntent. It reports true
// when Stripe accepted it (the key had never been used, or was fenced
// before), false when the key was used by a real request.
func (d *Driver) fence(ctx context.Context, key string) (bool, error) {
	p := fenceParams(key)
	p.SetIdempotencyKey(key)
	pi, err := d.api.V1PaymentIntents.Create(ctx, p)
	if err != nil {
		kind, _ := classify(err)
		if kind == kindKeyTaken {
			return false, nil
		}
		if kind == kindUnknown {
			var se *stripe.Error
			if errors.As(err, &se) && se.HTTPStatusCode == http.StatusConflict {
				return false, nil // the original is executing right now
			}
		}
		return false, safeError("resolve", err)
	}
	if pi.Metadata[metaFence] != key {
		// Not our fence: an earlier request with identical parameters (never
		// the case for Tender's requests) was replayed.
		return false, nil
	}
	if pi.Status != stripe.PaymentIntentStatusCanceled {
		cp := &stripe.PaymentIntentCancelParams{CancellationReason: stripe.String(string(stripe.PaymentIntentCancellationReasonAbandoned))}
		cp.SetIdempotencyKey(key + "/fence")
		// The fence holds the key whether or not it is cancelled (an
		// uncancelled fence is an inert, incomplete PaymentIntent), so a
		// failed cancel changes nothing.
		_, _ = d.api.V1PaymentIntents.Cancel(ctx, pi.ID, cp)
	}
	return true, nil
}

// find looks up what a used key did: an Authorize, capture or void through
// the PaymentIntent search, a refund (or a void made as one) through the
// recent refunds.
func (d *Driver) find(ctx context.Context, key string) (*gateway.Result, bool, error) {
	q := fmt.Sprintf("metadata['%s']:'%s' OR metadata['%s']:'%s' OR metadata['%s']:'%s'",
		metaKey, quote(key), metaCapture, quote(key), metaVoid, quote(key))
	sp := &stripe.PaymentIntentSearchParams{SearchParams: stripe.SearchParams{Query: q, Limit: stripe.Int64(10), Single: true}}
	sp.Expand = []*string{stripe.String("data.latest_charge")}
	for pi, err := range d.api.V1PaymentIntents.Search(ctx, sp) {
		if err != nil {
			return nil, false, safeError("resolve", err)
		}
		switch key {
		case pi.Metadata[metaKey]:
			return paymentResult(pi), true, nil
		case pi.Metadata[metaCapture]:
			return paymentResult(pi), true, nil
		case pi.Metadata[metaVoid]:
			if pi.Status == stripe.PaymentIntentStatusCanceled {
				return voidResult(pi), true, nil
			}
			// Marked but not cancelled: the cancel was lost on its way, or
			// is arriving. Send it again under its key: Stripe replays the
			// original or performs it now, which is what was asked.
			res, err := d.cancel(ctx, key, pi.ID)
			if err != nil {
				return nil, false, err
			}
			return res, true, nil
		}
	}
	lp := &stripe.RefundListParams{CreatedRange: &stripe.RangeQueryParams{GreaterThanOrEqual: d.now().Add(-d.refundWindow).Unix()}}
	lp.Limit = stripe.Int64(100)
	for r, err := range d.api.V1Refunds.List(ctx, lp) {
		if err != nil {
			return nil, false, safeError("resolve", err)
		}
		if r.Metadata[metaKey] == key {
			return refundResult(r), true, nil
		}
	}
	return nil, false, nil
}

// quote escapes a value for Stripe's search language.
func quote(s string) string {
	return strings.NewReplacer(`\`, `\\`, `'`, `\'`).Replace(s)
}

// Settle implements gateway.Gateway.
func (d *Driver) Settle(ctx context.Context, ref string) (*gateway.Settlement, error) {
	pi, err := d.api.V1PaymentIntents.Retrieve(ctx, ref, &stripe.PaymentIntentRetrieveParams{Expand: expandSettled})
	if err != nil {
		return nil, safeError("settle", err)
	}
	ch := pi.LatestCharge
	if pi.Status != stripe.PaymentIntentStatusSucceeded || ch == nil || ch.BalanceTransaction == nil {
		return nil, gateway.ErrNotSettled
	}
	if ch.BalanceTransaction.Status != stripe.BalanceTransactionStatusAvailable {
		return nil, gateway.ErrNotSettled
	}
	return &gateway.Settlement{Fee: tender.Amount(ch.BalanceTransaction.Fee)}, nil
}
