package stripe

import (
	"bytes"
	"context"
	"errors"
	"io"
	"log"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tenderpay/tender"
	"github.com/tenderpay/tender/gateway"
	"github.com/tenderpay/tender/gateway/gatewaytest"
	"github.com/tenderpay/tender/gateway/stripe/stripetest"
)

func card(n string) gateway.Card {
	return gateway.Card{Number: n, CVV: "123", ExpMonth: 12, ExpYear: 2030, Name: "Ada Lovelace", Zip: "10001", Address: "1 Main St"}
}

// setup starts a double and a driver on it without SDK retries (a test of
// its own keeps them).
func setup(t testing.TB) (*Driver, *stripetest.Server) {
	srv := stripetest.New(t)
	d, err := newDriver(Config{SecretKey: stripetest.SecretKey, WebhookSecret: stripetest.WebhookSecret, BaseURL: srv.URL}, new(int64))
	if err != nil {
		t.Fatal(err)
	}
	return d, srv
}

// TestContract runs the gateway contract against the driver and the double.
func TestContract(t *testing.T) {
	var doubles sync.Map // *Driver -> *stripetest.Server
	srv := func(g gateway.Gateway) *stripetest.Server { s, _ := doubles.Load(g); return s.(*stripetest.Server) }
	codes := map[string]string{}
	for n, d := range stripetest.Declines {
		c, _ := declineOf(d.Code, d.DeclineCode)
		codes[n] = c
	}
	var declines []gatewaytest.Decline
	for n, c := range codes {
		declines = append(declines, gatewaytest.Decline{Card: card(n), Code: c})
	}
	gatewaytest.Exercise(t, gatewaytest.Harness{
		New: func(t *testing.T) gateway.Gateway {
			d, s := setup(t)
			doubles.Store(d, s)
			return d
		},
		Card:     card("4242424242424242"),
		Declines: declines,
		LoseAnswer: func(t *testing.T, g gateway.Gateway, req *gateway.Request) {
			srv(g).LoseAnswers(req.Key, 1)
		},
		LoseRequest: func(t *testing.T, g gateway.Gateway, req *gateway.Request) {
			srv(g).DropRequests(req.Key, 1)
		},
		Payments:    func(t *testing.T, g gateway.Gateway, key string) int { return srv(g).Payments(key) },
		MakeSettled: func(t *testing.T, g gateway.Gateway, ref string) { srv(g).MakeAvailable(ref) },
	})
	// Every decline code the contract checks is one of Tender's.
	for _, want := range []string{"insufficient_funds", "lost_card", "stolen_card", "expired_card", "incorrect_cvc", "processing_error", "card_declined"} {
		found := false
		for _, c := range codes {
			found = found || c == want
		}
		if !found {
			t.Errorf("no test card declines with %s", want)
		}
	}
}

// TestAuthorizeDetails: auth code, AVS and CVC results, the manual capture
// of a pre-auth, metadata and the idempotency key on the wire.
func TestAuthorizeDetails(t *testing.T) {
	t.Parallel()
	d, srv := setup(t)
	req := gateway.Request{Key: tender.NewID(), Amount: 1234, Card: ptr(card("4242424242424242"))}
	res, err := d.Authorize(context.Background(), req)
	if err != nil {
		t.Fatal(err)
	}
	if !res.Approved || !strings.HasPrefix(res.Ref, "pi_") || res.AuthCode == "" || res.AVSCode != "Y" || res.CVVResult != "pass" {
		t.Fatalf("pre-auth: %+v", res)
	}
	if n := srv.Requests(req.Key); n != 1 {
		t.Fatalf("%d requests carried the key, want 1", n)
	}
	// Not captured: a refund is refused, a capture works.
	if r, err := d.Refund(context.Background(), tender.NewID(), res.Ref, 100); err != nil || r.Approved || r.DeclineCode != "invalid_request" {
		t.Fatalf("refund of an uncaptured pre-auth: %+v, %v", r, err)
	}
	c := card("4242424242424242")
	c.Address, c.CVV = "", ""
	res, err = d.Authorize(context.Background(), gateway.Request{Key: tender.NewID(), Amount: 1234, Card: &c, Capture: true})
	if err != nil || res.AVSCode != "Z" || res.CVVResult != "" {
		t.Fatalf("sale without address and CVV: %+v, %v", res, err)
	}
}

func ptr[T any](v T) *T { return &v }

// TestUnsupported: bank payments and unreferenced credits are declared
// unsupported, and refused before anything is sent.
func TestUnsupported(t *testing.T) {
	t.Parallel()
	d, srv := setup(t)
	bank := &gateway.Bank{Account: "000123456789", Routing: "110000000", Type: "checking", HolderType: "personal", Name: "Ada"}
	var ue *gateway.UnsupportedError
	if _, err := d.Authorize(context.Background(), gateway.Request{Key: tender.NewID(), Amount: 100, Bank: bank}); !errors.As(err, &ue) || ue.Operation != "bank payments" || ue.Processor != "stripe" {
		t.Fatalf("bank debit: %v", err)
	}
	if _, err := d.Credit(context.Background(), gateway.Request{Key: tender.NewID(), Amount: 100, Card: ptr(card("4242424242424242"))}); !errors.As(err, &ue) || ue.Operation != "unreferenced card credits" {
		t.Fatalf("credit: %v", err)
	}
	// The same answers, declared without a call: the service asks first.
	for _, c := range []struct {
		op     gateway.Op
		method string
		ok     bool
	}{{gateway.OpAuthorize, tender.MethodCard, true}, {gateway.OpAuthorize, tender.MethodBank, false},
		{gateway.OpCredit, tender.MethodCard, false}, {gateway.OpCredit, tender.MethodBank, false}} {
		if err := d.Supports(c.op, c.method); (err == nil) != c.ok || err != nil && !errors.As(err, &ue) {
			t.Errorf("Supports(%s, %s) = %v", c.op, c.method, err)
		}
	}
	if n := srv.Requests(""); n != 0 {
		t.Fatalf("%d requests sent, want none", n)
	}
}

// TestRetriesReuseKey: with the SDK's retries on, a dropped answer is
// retried under the same Idempotency-Key and Stripe's replay answers it:
// one payment, an approved result.
func TestRetriesReuseKey(t *testing.T) {
	t.Parallel()
	srv := stripetest.New(t)
	d, err := New(Config{SecretKey: stripetest.SecretKey, BaseURL: srv.URL})
	if err != nil {
		t.Fatal(err)
	}
	req := gateway.Request{Key: tender.NewID(), Amount: 1000, Card: ptr(card("4242424242424242")), Capture: true}
	srv.LoseAnswers(req.Key, 1)
	res, err := d.Authorize(context.Background(), req)
	if err != nil || !res.Approved {
		t.Fatalf("authorize with a lost answer and retries: %+v, %v", res, err)
	}
	if n := srv.Requests(req.Key); n != 2 {
		t.Fatalf("%d requests under the key, want 2 (the original and one retry)", n)
	}
	if n := srv.Payments(req.Key); n != 1 {
		t.Fatalf("%d payments, want 1", n)
	}
}

// TestChildLostAnswers: capture, void and refund whose answers are lost are
// found by Resolve.
func TestChildLostAnswers(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	d, srv := setup(t)
	auth := func(capture bool) string {
		res, err := d.Authorize(ctx, gateway.Request{Key: tender.NewID(), Amount: 1000, Card: ptr(card("4242424242424242")), Capture: capture})
		if err != nil || !res.Approved {
			t.Fatal(res, err)
		}
		return res.Ref
	}
	resolve := func(what, key string) *gateway.Result {
		t.Helper()
		res, found, err := d.Resolve(ctx, key)
		if err != nil || !found || !res.Approved {
			t.Fatalf("%s: resolve %+v found=%v err=%v", what, res, found, err)
		}
		return res
	}
	lost := func(what string, call func(key string) (*gateway.Result, error)) string {
		t.Helper()
		key := tender.NewID()
		srv.LoseAnswers(key, 1)
		if res, err := call(key); !errors.Is(err, gateway.ErrUnknown) {
			t.Fatalf("%s: %+v, %v; want ErrUnknown", what, res, err)
		}
		return key
	}
	pre := auth(false)
	k := lost("capture", func(key string) (*gateway.Result, error) { return d.Capture(ctx, key, pre, 700) })
	if r := resolve("capture", k); r.Ref != pre {
		t.Fatalf("capture resolved to %s", r.Ref)
	}
	k = lost("refund", func(key string) (*gateway.Result, error) { return d.Refund(ctx, key, pre, 200) })
	if r := resolve("refund", k); !strings.HasPrefix(r.Ref, "re_") {
		t.Fatalf("refund resolved to %s", r.Ref)
	}
	if got := srv.Refunded(pre); got != 200 {
		t.Fatalf("refunded %d, want 200", got)
	}
	pre2 := auth(false)
	k = lost("void", func(key string) (*gateway.Result, error) { return d.Void(ctx, key, pre2) })
	resolve("void", k)
	// A void whose cancel never arrived: fenced, the late cancel is refused
	// and the pre-authorization stays capturable.
	pre3 := auth(false)
	k = tender.NewID()
	srv.DropRequests(k, 1)
	if _, err := d.Void(ctx, k, pre3); !errors.Is(err, gateway.ErrUnknown) {
		t.Fatalf("void with a dropped cancel: %v", err)
	}
	if _, found, err := d.Resolve(ctx, k); err != nil || found {
		t.Fatalf("resolve of a void never sent: found=%v err=%v", found, err)
	}
	if r, err := d.cancel(ctx, k, pre3); err != nil || r.Approved {
		t.Fatalf("late cancel after the fence: %+v, %v", r, err)
	}
	if r, err := d.Capture(ctx, tender.NewID(), pre3, 1000); err != nil || !r.Approved {
		t.Fatalf("capture after a fenced void: %+v, %v", r, err)
	}
	// A refund that never arrived is fenced: the late one is refused.
	sale := auth(true)
	k = tender.NewID()
	srv.DropRequests(k, 1)
	if _, err := d.Refund(ctx, k, sale, 300); !errors.Is(err, gateway.ErrUnknown) {
		t.Fatalf("dropped refund: %v", err)
	}
	if _, found, err := d.Resolve(ctx, k); err != nil || found {
		t.Fatalf("resolve of a refund never sent: found=%v err=%v", found, err)
	}
	if r, err := d.Refund(ctx, k, sale, 300); err != nil || r.Approved {
		t.Fatalf("late refund after the fence: %+v, %v", r, err)
	}
	if got := srv.Refunded(sale); got != 0 {
		t.Fatalf("refunded %d after the fence, want 0", got)
	}
}

// TestErrors: transport failures, 5xx and timeouts are unknown outcomes;
// refused credentials and refused requests are answers (Results) that
// carry no secret.
func TestErrors(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	// Nothing listens: a connection error, outcome unknown.
	d, err := newDriver(Config{SecretKey: stripetest.SecretKey, BaseURL: "http://127.0.0.1:1"}, new(int64))
	if err != nil {
		t.Fatal(err)
	}
	_, err = d.Authorize(ctx, gateway.Request{Key: tender.NewID(), Amount: 100, Card: ptr(card("4242424242424242"))})
	if !errors.Is(err, gateway.ErrUnknown) {
		t.Fatalf("unreachable: %v", err)
	}
	// A 500: unknown.
	five := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(500)
		_, _ = io.WriteString(w, `{"error":{"type":"api_error","message":"An unknown error occurred"}}`)
	})
	d = onHandler(t, five)
	if _, err := d.Capture(ctx, tender.NewID(), "pi_x", 100); !errors.Is(err, gateway.ErrUnknown) {
		t.Fatalf("500: %v", err)
	}
	// A timeout: unknown.
	slow := make(chan struct{})
	d = onHandler(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-slow:
		case <-r.Context().Done():
		}
	}))
	t.Cleanup(func() { close(slow) }) // before the server's Close, which waits for the handler
	tctx, cancel := context.WithTimeout(ctx, 50*time.Millisecond)
	defer cancel()
	if _, err := d.Refund(tctx, tender.NewID(), "pi_x", 100); !errors.Is(err, gateway.ErrUnknown) {
		t.Fatalf("timeout: %v", err)
	}
	// Bad or revoked credentials: a definitive answer (nothing happened at
	// Stripe), a Result naming no key, on every money call.
	_, srv := setup(t)
	bad, err := newDriver(Config{SecretKey: "sk_test_wrongwrongwrong1234", BaseURL: srv.URL}, new(int64))
	if err != nil {
		t.Fatal(err)
	}
	refusedCreds := func(what string, res *gateway.Result, err error) {
		t.Helper()
		if err != nil || res == nil || res.Approved || res.DeclineCode != gateway.DeclineCredentials ||
			!strings.Contains(res.Message, "401") || strings.Contains(res.Message, "sk_") || strings.Contains(res.Message, "1234") {
			t.Fatalf("%s with a bad key: %+v, %v", what, res, err)
		}
	}
	res, err := bad.Authorize(ctx, gateway.Request{Key: tender.NewID(), Amount: 100, Card: ptr(card("4242424242424242"))})
	refusedCreds("authorize", res, err)
	res, err = bad.Capture(ctx, tender.NewID(), "pi_x", 100)
	refusedCreds("capture", res, err)
	res, err = bad.Refund(ctx, tender.NewID(), "pi_x", 100)
	refusedCreds("refund", res, err)
	res, err = bad.Void(ctx, tender.NewID(), "pi_x")
	refusedCreds("void", res, err)
	// Resolve cannot tell without credentials: an error, the janitor asks again.
	if _, _, err := bad.Resolve(ctx, tender.NewID()); err == nil || strings.Contains(err.Error(), "sk_") {
		t.Fatalf("resolve with a bad key: %v", err)
	}
	// A restricted key lacking a permission (403), and a request Stripe
	// will not take (400): definitive too.
	forbidden := onHandler(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(403)
		_, _ = io.WriteString(w, `{"error":{"type":"invalid_request_error","message":"The provided key 'rk_test_****1234' does not have the required permissions for this endpoint."}}`)
	}))
	res, err = forbidden.Authorize(ctx, gateway.Request{Key: tender.NewID(), Amount: 100, Card: ptr(card("4242424242424242"))})
	if err != nil || res.DeclineCode != gateway.DeclineCredentials || !strings.Contains(res.Message, "403") || strings.Contains(res.Message, "rk_") {
		t.Fatalf("403: %+v, %v", res, err)
	}
	rawCards := onHandler(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(400)
		_, _ = io.WriteString(w, `{"error":{"type":"invalid_request_error","message":"Sending credit card numbers directly to the Stripe API is generally unsafe. To continue processing use Stripe.js."}}`)
	}))
	res, err = rawCards.Authorize(ctx, gateway.Request{Key: tender.NewID(), Amount: 100, Card: ptr(card("4242424242424242"))})
	if err != nil || res.Approved || res.DeclineCode != "invalid_request" || !strings.Contains(res.Message, "Stripe.js") {
		t.Fatalf("400: %+v, %v", res, err)
	}
}

func onHandler(t *testing.T, h http.Handler) *Driver {
	ts := httptest.NewServer(h)
	t.Cleanup(ts.Close)
	d, err := newDriver(Config{SecretKey: stripetest.SecretKey, BaseURL: ts.URL}, new(int64))
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func TestNewValidates(t *testing.T) {
	t.Parallel()
	for _, c := range []Config{{}, {SecretKey: "pk_test_abc"}, {SecretKey: "sk_test_abc", WebhookSecret: "nope_secret"}} {
		_, err := New(c)
		if err == nil {
			t.Fatalf("New(%+v) accepted", c)
		}
		for _, s := range []string{"pk_test_abc", "nope_secret"} {
			if strings.Contains(err.Error(), s) {
				t.Fatalf("error quotes a secret: %v", err)
			}
		}
	}
}

// TestNoSecretsInErrorsOrLogs drives every failing path with the card
// number, CVC, secret key and webhook secret in play and checks that none
// appears in an error, in the standard logger, slog's default logger or
// stderr.
func TestNoSecretsInErrorsOrLogs(t *testing.T) {
	// Not parallel: it takes over the process's loggers and stderr.
	var logs bytes.Buffer
	oldLog, oldSlog := log.Writer(), slog.Default()
	log.SetOutput(&logs)
	slog.SetDefault(slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug})))
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	oldStderr := os.Stderr
	os.Stderr = w
	stderr := make(chan []byte)
	go func() { b, _ := io.ReadAll(r); stderr <- b }()
	defer func() { log.SetOutput(oldLog); slog.SetDefault(oldSlog) }()

	const number, cvc = "4000000000009995", "987"
	ctx := context.Background()
	d, srv := setup(t)
	c := card(number)
	c.CVV = cvc
	var errs []error
	note := func(_ *gateway.Result, err error) {
		if err != nil {
			errs = append(errs, err)
		}
	}
	note(d.Authorize(ctx, gateway.Request{Key: tender.NewID(), Amount: 1000, Card: &c, Capture: true})) // a decline
	k := tender.NewID()
	srv.LoseAnswers(k, 1)
	note(d.Authorize(ctx, gateway.Request{Key: k, Amount: 1000, Card: ptr(card("4242424242424242")), Capture: true}))
	bad, _ := newDriver(Config{SecretKey: "sk_test_" + number, BaseURL: srv.URL}, new(int64))
	note(bad.Authorize(ctx, gateway.Request{Key: tender.NewID(), Amount: 1000, Card: &c, Capture: true}))
	off, _ := newDriver(Config{SecretKey: stripetest.SecretKey, BaseURL: "http://127.0.0.1:1"}, new(int64))
	note(off.Authorize(ctx, gateway.Request{Key: tender.NewID(), Amount: 1000, Card: &c, Capture: true}))
	note(d.Refund(ctx, tender.NewID(), "pi_missing", 100))
	_, err = d.ParseEvent([]byte(`{"id":"evt_1"}`), http.Header{"Stripe-Signature": {"t=1,v1=" + stripetest.WebhookSecret}})
	errs = append(errs, err)
	_, err = New(Config{SecretKey: "xx_" + stripetest.SecretKey})
	errs = append(errs, err)

	os.Stderr = oldStderr
	_ = w.Close()
	out := string(<-stderr) + logs.String()
	for _, e := range errs {
		out += "\n" + e.Error()
	}
	if len(errs) < 4 {
		t.Fatalf("only %d errors to inspect: %v", len(errs), errs)
	}
	for _, secret := range []string{number, cvc, stripetest.SecretKey, stripetest.WebhookSecret, "tenderdouble"} {
		if strings.Contains(out, secret) {
			t.Fatalf("a secret (%q) appears in errors or logs:\n%s", secret, out)
		}
	}
}

// TestDisputeEvidence: evidence reaches the dispute at Stripe (files by
// their uploaded ids); Stripe's refusals (a dispute under review already,
// an unknown dispute) are DisputeRefusedErrors with Stripe's message.
func TestDisputeEvidence(t *testing.T) {
	d, srv := setup(t)
	ctx := context.Background()
	srv.Dispute("dp_1", "pi_1", "needs_response", 1000)
	ev := gateway.DisputeEvidence{Text: map[string]string{"uncategorized_text": "Delivered, signed for."},
		Files: []gateway.EvidenceFile{{Type: "shipping_documentation", Name: "pod.png", Mime: "image/png", Data: []byte("\x89PNG...")}}}
	st, err := d.SubmitDisputeEvidence(ctx, "dp_1", ev)
	if err != nil || st != tender.DisputeUnderReview {
		t.Fatalf("submit: %q %v", st, err)
	}
	if got, evd, files := srv.DisputeEvidence("dp_1"); got != "under_review" || evd["uncategorized_text"] != "Delivered, signed for." ||
		string(files["shipping_documentation"]) != "\x89PNG..." {
		t.Fatalf("at the double: %s %v", got, evd)
	}
	var refused *gateway.DisputeRefusedError
	if _, err := d.SubmitDisputeEvidence(ctx, "dp_1", ev); !errors.As(err, &refused) || !strings.Contains(refused.Message, "under review") {
		t.Fatalf("second submission: %v", err)
	}
	if _, err := d.SubmitDisputeEvidence(ctx, "dp_nope", ev); !errors.As(err, &refused) || !strings.Contains(refused.Message, "No such dispute") {
		t.Fatalf("unknown dispute: %v", err)
	}
	two := gateway.DisputeEvidence{Files: []gateway.EvidenceFile{{Type: "receipt", Data: []byte("a")}, {Type: "receipt", Data: []byte("b")}}}
	if _, err := d.SubmitDisputeEvidence(ctx, "dp_1", two); !errors.As(err, &refused) {
		t.Fatalf("two receipts: %v", err)
	}
}
