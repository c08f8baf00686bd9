package httpapi_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tenderpay/tender/internal/apitest"
)

// stripeMockProxy is a thin reverse proxy in front of stripe-mock. It
// rewrites one thing: the "status" of a PaymentIntent answer. stripe-mock
// answers every PaymentIntent with its fixture, whose status is always
// requires_payment_method (it validates requests against Stripe's OpenAPI
// description but keeps no state), which the driver rightly reads as a
// decline. The proxy gives the status Stripe would: requires_capture for a
// confirmed manual-capture create, canceled for a cancel, succeeded
// otherwise. Every other byte is stripe-mock's, and every request reaches
// stripe-mock unchanged, so its validation still applies; seen records the
// status stripe-mock gave each request.
type stripeMockProxy struct {
	mu   sync.Mutex
	seen map[string]int // "POST /v1/payment_intents" -> stripe-mock's last status
}

func startStripeMockProxy(t *testing.T, target string) (*stripeMockProxy, string) {
	t.Helper()
	u, err := url.Parse(target)
	if err != nil {
		t.Fatal(err)
	}
	p := &stripeMockProxy{seen: map[string]int{}}
	rp := httputil.NewSingleHostReverseProxy(u)
	rp.ModifyResponse = p.rewrite
	// The proxy reads the request's form to pick the status, so keep a copy
	// of the body for stripe-mock.
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		r.Body = io.NopCloser(bytes.NewReader(body))
		form, _ := url.ParseQuery(string(body))
		rp.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), captureMethodKey{}, form.Get("capture_method"))))
	}))
	t.Cleanup(srv.Close)
	return p, srv.URL
}

// captureMethodKey carries a request's capture_method to rewrite.
type captureMethodKey struct{}

func (p *stripeMockProxy) rewrite(resp *http.Response) error {
	req := resp.Request
	path := req.URL.Path
	key := req.Method + " " + path
	if strings.HasPrefix(path, "/v1/payment_intents/") && path != "/v1/payment_intents/search" {
		parts := strings.Split(path, "/")
		parts[3] = "{id}"
		key = req.Method + " " + strings.Join(parts, "/")
	}
	p.mu.Lock()
	p.seen[key] = resp.StatusCode
	p.mu.Unlock()
	if resp.StatusCode != 200 || !strings.HasPrefix(path, "/v1/payment_intents") {
		return nil
	}
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return err
	}
	_ = resp.Body.Close()
	var obj map[string]any
	if err := json.Unmarshal(body, &obj); err == nil && obj["object"] == "payment_intent" {
		status := "succeeded"
		switch {
		case strings.HasSuffix(path, "/cancel"):
			status = "canceled"
		case path == "/v1/payment_intents" && req.Context().Value(captureMethodKey{}) == "manual":
			status = "requires_capture"
		}
		obj["status"] = status
		body, _ = json.Marshal(obj)
	}
	resp.Body = io.NopCloser(bytes.NewReader(body))
	resp.ContentLength = int64(len(body))
	resp.Header.Set("Content-Length", strconv.Itoa(len(body)))
	return nil
}

// TestStripeMockEndToEnd: a live server (--sandbox=false), a merchant on
// stripe pointed at stripe-mock (through the status-rewriting proxy above):
// a charge, a pre-auth captured in part, a refund and an invoice payment
// answer in Stax's shapes (every answer validated against our OpenAPI
// document by apitest), and stripe-mock accepted every request Tender sent.
func TestStripeMockEndToEnd(t *testing.T) {
	mock := os.Getenv("STRIPE_MOCK_URL")
	if mock == "" {
		if os.Getenv("CI") != "" {
			t.Fatal("STRIPE_MOCK_URL is not set (.ci/run starts stripe-mock)")
		}
		t.Skip("STRIPE_MOCK_URL is not set; start stripe-mock -http-port N and export STRIPE_MOCK_URL=http://127.0.0.1:N")
	}
	apitest.EachStore(t, func(t *testing.T, store string) {
		proxy, base := startStripeMockProxy(t, mock)
		e := apitest.Start(t, store, apitest.Options{Live: true, StripeBaseURL: base})
		id, _ := liveMerchant(t, e, map[string]any{"company_name": "Stripe Mock Shop", "processor": "stripe",
			"processor_credentials": map[string]any{"secret_key": "sk_test_123", "webhook_secret": "whsec_123"}})
		pm := newCard(t, e, "4242424242424242")

		ch := e.Call("POST", "/charge", map[string]any{"payment_method_id": pm, "total": 10}, 200).Map(t)
		if ch["success"] != true || ch["type"] != "charge" || ch["total"].(float64) != 10 {
			t.Fatalf("charge = %v", ch)
		}
		pre := e.Call("POST", "/charge", map[string]any{"payment_method_id": pm, "total": 10, "pre_auth": true}, 200).Map(t)
		if pre["success"] != true || pre["pre_auth"] != true || pre["is_captured"] == true {
			t.Fatalf("pre-auth = %v", pre)
		}
		captured := e.Call("POST", "/transaction/"+pre["id"].(string)+"/capture", map[string]any{"total": 6}, 200).Map(t)
		if captured["is_captured"] != true || len(captured["child_transactions"].([]any)) != 1 {
			t.Fatalf("capture = %v", captured)
		}
		// stripe-mock's balance transaction is "available": the charge settles.
		if n, err := e.Server.Service.Settle(t.Context(), id, time.Now().Add(time.Hour)); err != nil || n != 2 {
			t.Fatalf("settled %d, %v; want the charge and the capture", n, err)
		}
		refunded := e.Call("POST", "/transaction/"+ch["id"].(string)+"/refund", map[string]any{"total": 4}, 200).Map(t)
		if refunded["total_refunded"].(float64) != 4 {
			t.Fatalf("refund = %v", refunded)
		}
		cust := e.Call("GET", "/payment-method/"+pm, nil, 200).Map(t)["customer_id"].(string)
		inv := e.Call("POST", "/invoice", map[string]any{"customer_id": cust, "total": 12, "payment_method_id": pm}, 200).Map(t)["id"].(string)
		if paid := e.Call("POST", "/invoice/"+inv+"/pay", map[string]any{}, 200).Map(t); paid["success"] != true {
			t.Fatalf("invoice pay = %v", paid)
		}
		if got := e.Call("GET", "/invoice/"+inv, nil, 200).Map(t); got["status"] != "PAID" {
			t.Fatalf("invoice = %v", got)
		}
		proxy.mu.Lock()
		defer proxy.mu.Unlock()
		for _, want := range []string{"POST /v1/payment_methods", "POST /v1/payment_intents", "POST /v1/payment_intents/{id}/capture",
			"GET /v1/payment_intents/{id}", "POST /v1/refunds"} {
			if st, ok := proxy.seen[want]; !ok || st != 200 {
				t.Errorf("%s: stripe-mock answered %d (sent: %v)", want, st, ok)
			}
		}
		for k, st := range proxy.seen {
			if st >= 400 {
				t.Errorf("%s: stripe-mock answered %d", k, st)
			}
		}
	})
}
