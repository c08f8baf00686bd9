package stripe

import (
	"context"
	"net/http"
	"os"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/tenderpay/tender"
	"github.com/tenderpay/tender/gateway"
)

// recorder keeps the method, path and status of every exchange.
type recorder struct {
	mu   sync.Mutex
	seen map[string]int // "POST /v1/refunds" -> last status
}

func (r *recorder) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := http.DefaultTransport.RoundTrip(req)
	if err == nil {
		path := req.URL.Path
		if strings.HasPrefix(path, "/v1/disputes/") {
			path = "/v1/disputes/{id}"
		}
		if strings.HasPrefix(path, "/v1/payment_intents/") && path != "/v1/payment_intents/search" {
			parts := strings.Split(path, "/")
			parts[3] = "{id}"
			path = strings.Join(parts, "/")
		}
		r.mu.Lock()
		r.seen[req.Method+" "+path] = resp.StatusCode
		r.mu.Unlock()
	}
	return resp, err
}

// TestAgainstStripeMock sends every kind of request the driver makes to
// stripe-mock, which validates each against Stripe's OpenAPI description.
// stripe-mock answers fixtures (its PaymentIntent's id and status do not
// follow the request), so this checks wire validity, not behaviour: no
// request may get a 4xx from its validator.
func TestAgainstStripeMock(t *testing.T) {
	url := os.Getenv("STRIPE_MOCK_URL")
	if url == "" {
		if os.Getenv("CI") != "" {
			t.Fatal("STRIPE_MOCK_URL is not set (.ci/run starts stripe-mock)")
		}
		t.Skip("STRIPE_MOCK_URL is not set; start stripe-mock -http-port N and export STRIPE_MOCK_URL=http://127.0.0.1:N")
	}
	rec := &recorder{seen: map[string]int{}}
	d, err := newDriver(Config{SecretKey: "sk_test_123", WebhookSecret: "whsec_123", BaseURL: url,
		HTTPClient: &http.Client{Transport: rec}}, new(int64))
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	c := card("4242424242424242")
	for _, capture := range []bool{true, false} {
		if _, err := d.Authorize(ctx, gateway.Request{Key: tender.NewID(), Amount: 1234, Card: &c, Capture: capture}); err != nil {
			t.Fatalf("authorize: %v", err)
		}
	}
	noCVV := card("4242424242424242")
	noCVV.CVV, noCVV.Address, noCVV.Name = "", "", ""
	if _, err := d.Authorize(ctx, gateway.Request{Key: tender.NewID(), Amount: 1234, Card: &noCVV, Capture: true}); err != nil {
		t.Fatalf("authorize without CVV: %v", err)
	}
	const pi = "pi_123"
	must := func(what string, _ *gateway.Result, err error) {
		t.Helper()
		if err != nil {
			t.Fatalf("%s: %v", what, err)
		}
	}
	r, err := d.Capture(ctx, tender.NewID(), pi, 500)
	must("capture", r, err)
	r, err = d.Void(ctx, tender.NewID(), pi) // retrieve, then refund or mark and cancel
	must("void", r, err)
	r, err = d.cancel(ctx, tender.NewID(), pi)
	must("cancel", r, err)
	up := tender.NewID()
	r, err = d.refund(ctx, up, pi, 300)
	must("refund", r, err)
	r, err = d.refund(ctx, tender.NewID(), pi, 0)
	must("full refund", r, err)
	if _, err := d.Settle(ctx, pi); err != nil && err != gateway.ErrNotSettled {
		t.Fatalf("settle: %v", err)
	}
	// Resolve: the fence, then (stripe-mock's fixture is not our fence) the
	// search and the refund list.
	_, _, _ = d.Resolve(ctx, tender.NewID())
	if _, _, err := d.find(ctx, "k'ey"); err != nil {
		t.Fatalf("find: %v", err)
	}
	if _, err := d.fence(ctx, tender.NewID()); err != nil {
		t.Fatalf("fence: %v", err)
	}
	// Dispute evidence: a file upload (multipart, on the uploads backend)
	// and the dispute's update with text and the file's id.
	if _, err := d.SubmitDisputeEvidence(ctx, "dp_123", gateway.DisputeEvidence{Text: map[string]string{"customer_name": "Jane"},
		Files: []gateway.EvidenceFile{{Type: "receipt", Name: "r.pdf", Mime: "application/pdf", Data: []byte("%PDF-1.4\n")}}}); err != nil {
		t.Fatalf("dispute evidence: %v", err)
	}
	want := []string{
		"POST /v1/payment_methods", "POST /v1/payment_intents", "POST /v1/payment_intents/{id}/capture",
		"POST /v1/payment_intents/{id}/cancel", "POST /v1/payment_intents/{id}", "GET /v1/payment_intents/{id}",
		"POST /v1/refunds",
		"GET /v1/payment_intents/search", "GET /v1/refunds", "POST /v1/files", "POST /v1/disputes/{id}",
	}
	rec.mu.Lock()
	defer rec.mu.Unlock()
	var got []string
	for k, st := range rec.seen {
		got = append(got, k)
		if st >= 400 {
			t.Errorf("%s: stripe-mock answered %d", k, st)
		}
	}
	sort.Strings(got)
	for _, w := range want {
		if _, ok := rec.seen[w]; !ok {
			t.Errorf("never sent %s (sent: %v)", w, got)
		}
	}
	t.Logf("validated by stripe-mock: %v", got)
}
