package httpapi_test

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/tenderpay/tender"
	"github.com/tenderpay/tender/gateway"
	"github.com/tenderpay/tender/gateway/processors"
	"github.com/tenderpay/tender/gateway/sandbox"
	"github.com/tenderpay/tender/internal/apitest"
)

// fakeProcessor is a processor double for the per-merchant seam: the
// sandbox's outcomes, AVS and CVV results on every authorization, no
// unreferenced credits (gateway.UnsupportedError), and signed inbound
// events (HMAC-SHA256 of the body with the merchant's webhook secret in
// the Fake-Signature header).
type fakeProcessor struct {
	gateway.Gateway
	secret string
}

func (f *fakeProcessor) Name() string { return "fake" }

func (f *fakeProcessor) Authorize(ctx context.Context, req gateway.Request) (*gateway.Result, error) {
	res, err := f.Gateway.Authorize(ctx, req)
	if err == nil && res.Approved {
		r := *res
		r.AVSCode, r.AVSMessage, r.CVVResult = "Y", "Street address and zip match", "pass"
		return &r, nil
	}
	return res, err
}

func (f *fakeProcessor) Supports(op gateway.Op, _ string) error {
	if op == gateway.OpCredit {
		return &gateway.UnsupportedError{Processor: "fake", Operation: "unreferenced credits"}
	}
	return nil
}

func (f *fakeProcessor) Credit(context.Context, gateway.Request) (*gateway.Result, error) {
	return nil, f.Supports(gateway.OpCredit, tender.MethodCard)
}

type fakeEvent struct {
	ID       string        `json:"id"`
	Kind     string        `json:"kind"`
	Ref      string        `json:"ref"`
	ChildRef string        `json:"child_ref"`
	Amount   tender.Amount `json:"amount"`
	Reason   string        `json:"reason"`
	Status   string        `json:"status"`
}

func (f *fakeProcessor) ParseEvent(payload []byte, h http.Header) (*gateway.Event, error) {
	want := fakeSign(f.secret, payload)
	if !hmac.Equal([]byte(h.Get("Fake-Signature")), []byte(want)) {
		return nil, gateway.ErrBadSignature
	}
	var ev fakeEvent
	if err := json.Unmarshal(payload, &ev); err != nil {
		return nil, err
	}
	return &gateway.Event{ID: ev.ID, Kind: gateway.EventKind(ev.Kind), Ref: ev.Ref, ChildRef: ev.ChildRef,
		Amount: ev.Amount, Reason: ev.Reason, Status: ev.Status}, nil
}

func fakeSign(secret string, payload []byte) string {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write(payload)
	return hex.EncodeToString(m.Sum(nil))
}

var fakeRegistration = processors.Processor{Name: "fake", Fields: []string{"api_key", "webhook_secret"},
	Open: func(c processors.Credentials, d processors.Deps) (gateway.Gateway, error) {
		return &fakeProcessor{Gateway: sandbox.New(d.Store, d.Now), secret: c["webhook_secret"]}, nil
	}}

// Secrets of the fake processor's merchant: they must never come back.
const (
	fakeAPIKey        = "fk_live_SECRETapikey0123456789"
	fakeWebhookSecret = "whsec_SECRETwebhook0123456789"
)

// liveMerchant creates, on a live server, a partner's merchant with input
// in and points e at its API key; it returns the merchant id and the
// partner key.
func liveMerchant(t *testing.T, e *apitest.Env, in map[string]any) (string, string) {
	t.Helper()
	_, pk, err := e.Server.Service.CreatePartner(t.Context(), "Partner")
	if err != nil {
		t.Fatal(err)
	}
	r := e.Do(apitest.Request{Method: "POST", Path: "/merchant", Key: pk.Key, Body: in})
	if r.Status != 201 {
		t.Fatalf("create merchant: %d %s", r.Status, r.Body)
	}
	var out struct {
		Merchant struct {
			ID    string `json:"id"`
			Token string `json:"hosted_payments_token"`
		} `json:"merchant"`
		APIKey struct {
			Key string `json:"api_key"`
		} `json:"api_key"`
	}
	r.JSON(t, &out)
	e.Key, e.MerchantID, e.WebToken = out.APIKey.Key, out.Merchant.ID, out.Merchant.Token
	return out.Merchant.ID, pk.Key
}

// TestLiveMerchantWithoutProcessor: outside sandbox mode a merchant with no
// processor (or on the sandbox without being a test merchant) is refused,
// with a 422 naming the processor, on every money route, and nothing is
// written; marked as a test merchant it is served by the sandbox.
func TestLiveMerchantWithoutProcessor(t *testing.T) {
	apitest.EachStore(t, func(t *testing.T, store string) {
		e := apitest.Start(t, store, apitest.Options{Live: true})
		id, pk := liveMerchant(t, e, map[string]any{"company_name": "Live Shop"})
		pm := newCard(t, e, "4111111111111111")
		cust := e.Call("GET", "/payment-method/"+pm, nil, 200).Map(t)["customer_id"].(string)
		inv := e.Call("POST", "/invoice", map[string]any{"customer_id": cust, "total": 12, "payment_method_id": pm}, 200).Map(t)["id"].(string)
		reg := e.Call("POST", "/terminal/register", map[string]any{"nickname": "Front"}, 201).Map(t)["id"].(string)

		refused := func(what string, r *apitest.Response, processor string) {
			t.Helper()
			if r.Status != 422 || !strings.Contains(string(r.Body), `"processor"`) || !strings.Contains(string(r.Body), processor) {
				t.Fatalf("%s: %d %s", what, r.Status, r.Body)
			}
		}
		tries := func(processor string) {
			t.Helper()
			refused("charge", e.Do(apitest.Request{Method: "POST", Path: "/charge", Key: e.Key, Body: map[string]any{"payment_method_id": pm, "total": 10}}), processor)
			refused("credit", e.Do(apitest.Request{Method: "POST", Path: "/credit", Key: e.Key, Body: map[string]any{"payment_method_id": pm, "total": 10}}), processor)
			refused("invoice pay", e.Do(apitest.Request{Method: "POST", Path: "/invoice/" + inv + "/pay", Key: e.Key, Body: map[string]any{}}), processor)
			refused("webpayment pay", web(e, e.WebToken, "pay", "", card("4111111111111111", map[string]any{"firstname": "Pam", "lastname": "Payer", "total": 5})), processor)
			refused("terminal charge", e.Do(apitest.Request{Method: "POST", Path: "/terminal/charge", Key: e.Key, Body: map[string]any{"total": 5, "register": reg}}), processor)
			var page struct {
				Total int `json:"total"`
			}
			e.Call("GET", "/transaction", nil, 200).JSON(t, &page)
			invoices := e.Call("GET", "/invoice", nil, 200).Map(t)
			if page.Total != 0 || invoices["total"].(float64) != 1 {
				t.Fatalf("written: %d transactions, invoices %v", page.Total, invoices["total"])
			}
		}
		tries("none")
		put := func(body map[string]any) map[string]any {
			t.Helper()
			r := e.Do(apitest.Request{Method: "PUT", Path: "/merchant/" + id, Key: pk, Body: body})
			if r.Status != 200 {
				t.Fatalf("put merchant: %d %s", r.Status, r.Body)
			}
			return r.Map(t)
		}
		// The sandbox serves only test merchants outside sandbox mode.
		if m := put(map[string]any{"processor": "sandbox"}); m["processor"] != "sandbox" || m["is_test"] != false {
			t.Fatalf("merchant = %v", m)
		}
		tries("sandbox")
		if m := put(map[string]any{"is_test": true}); m["is_test"] != true || m["processor_configured"] != true {
			t.Fatalf("merchant = %v", m)
		}
		ch := e.Call("POST", "/charge", map[string]any{"payment_method_id": pm, "total": 10}, 200).Map(t)
		if ch["success"] != true {
			t.Fatalf("charge = %v", ch)
		}
		e.Call("POST", "/invoice/"+inv+"/pay", map[string]any{}, 200)
		if r := e.Do(apitest.Request{Method: "PUT", Path: "/merchant/" + id, Key: pk, Body: map[string]any{"processor": "nope"}}); r.Status != 422 || !strings.Contains(string(r.Body), "processor") {
			t.Fatalf("unknown processor: %d %s", r.Status, r.Body)
		}
	})
}

// TestProcessorCredentials: a partner sets a processor and its credentials;
// they are sealed, never in a response or a log line, and a merchant on the
// processor is served by it (AVS and the auth code on the transaction; a
// credit it does not offer is a 422 naming it).
func TestProcessorCredentials(t *testing.T) {
	apitest.EachStore(t, func(t *testing.T, store string) {
		var logs syncBuffer
		e := apitest.Start(t, store, apitest.Options{Live: true, Processors: []processors.Processor{fakeRegistration}, Logs: &logs})
		id, pk := liveMerchant(t, e, map[string]any{"company_name": "Fake Shop", "processor": "fake"})
		// Missing webhook_secret: refused, nothing stored.
		var responses [][]byte
		r := e.Do(apitest.Request{Method: "PUT", Path: "/merchant/" + id, Key: pk, Body: map[string]any{
			"processor_credentials": map[string]any{"api_key": fakeAPIKey}}})
		responses = append(responses, r.Body)
		if r.Status != 422 || !strings.Contains(string(r.Body), "processor_credentials.webhook_secret") {
			t.Fatalf("missing field: %d %s", r.Status, r.Body)
		}
		r = e.Do(apitest.Request{Method: "PUT", Path: "/merchant/" + id, Key: pk, Body: map[string]any{
			"processor_credentials": map[string]any{"api_key": fakeAPIKey, "webhook_secret": fakeWebhookSecret}}})
		responses = append(responses, r.Body)
		if m := r.Map(t); r.Status != 200 || m["processor"] != "fake" || m["processor_configured"] != true {
			t.Fatalf("put: %d %s", r.Status, r.Body)
		}
		responses = append(responses, e.Do(apitest.Request{Method: "GET", Path: "/merchant/" + id, Key: pk}).Body,
			e.Do(apitest.Request{Method: "GET", Path: "/merchant", Key: pk}).Body, e.Call("GET", "/self", nil, 200).Body)

		pm := newCard(t, e, "4111111111111111")
		ch := e.Call("POST", "/charge", map[string]any{"payment_method_id": pm, "total": 10}, 200)
		responses = append(responses, ch.Body)
		m := ch.Map(t)
		if m["avs_code"] != "Y" || m["avs_message"] != "Street address and zip match" || m["issuer_auth_code"] == "" {
			t.Fatalf("charge = %s", ch.Body)
		}
		cr := e.Do(apitest.Request{Method: "POST", Path: "/credit", Key: e.Key, Body: map[string]any{"payment_method_id": pm, "total": 3}})
		responses = append(responses, cr.Body)
		if cr.Status != 422 || !strings.Contains(string(cr.Body), "fake") {
			t.Fatalf("credit: %d %s", cr.Status, cr.Body)
		}
		// Refused before anything was written: the charge is the only
		// transaction, and no event announces a credit.
		var page struct {
			Total int `json:"total"`
		}
		e.Call("GET", "/transaction", nil, 200).JSON(t, &page)
		evs, err := e.Server.Store.EventListSince(t.Context(), id, time.Time{}, 1000)
		if err != nil || page.Total != 1 {
			t.Fatalf("after the refused credit: %d transactions (%v)", page.Total, err)
		}
		for _, ev := range evs {
			if strings.Contains(string(ev.Payload), `"type":"credit"`) {
				t.Fatalf("a credit was announced: %s", ev.Payload)
			}
		}
		for _, b := range append(responses, []byte(logs.String())) {
			for _, secret := range []string{fakeAPIKey, fakeWebhookSecret, "SECRET"} {
				if bytes.Contains(b, []byte(secret)) {
					t.Fatalf("a secret came back: %s", b)
				}
			}
		}
		sealed, err := e.Server.Store.MerchantGet(t.Context(), id)
		if err != nil || sealed.ProcessorCredentials == "" || strings.Contains(sealed.ProcessorCredentials, "SECRET") {
			t.Fatalf("stored credentials are not sealed: %v", err)
		}
	})
}

// TestProcessorWebhook: the processor's events, authenticated by their
// signature with the merchant's webhook secret: a bad one is a 400 and
// changes nothing; a refund made at the processor becomes a REFUND child
// once however often the event is sent, and not again under another event
// id naming the same refund; a dispute is recorded and announced.
func TestProcessorWebhook(t *testing.T) {
	apitest.EachStore(t, func(t *testing.T, store string) {
		e := apitest.Start(t, store, apitest.Options{Live: true, Processors: []processors.Processor{fakeRegistration}})
		id, _ := liveMerchant(t, e, map[string]any{"company_name": "Fake Shop", "processor": "fake",
			"processor_credentials": map[string]any{"api_key": fakeAPIKey, "webhook_secret": fakeWebhookSecret}})
		pm := newCard(t, e, "4111111111111111")
		txID := e.Call("POST", "/charge", map[string]any{"payment_method_id": pm, "total": 10}, 200).Map(t)["id"].(string)
		stored, err := e.Server.Store.TransactionGet(t.Context(), id, txID)
		if err != nil || stored.GatewayRef == "" {
			t.Fatalf("charge: %+v %v", stored, err)
		}
		send := func(ev fakeEvent, secret string) *apitest.Response {
			body, _ := json.Marshal(ev)
			return e.Do(apitest.Request{Method: "POST", Path: "/processor/fake/webhook/" + id, Body: body,
				Header: http.Header{"Fake-Signature": {fakeSign(secret, body)}}})
		}
		refund := fakeEvent{ID: "evt_1", Kind: "refunded", Ref: stored.GatewayRef, ChildRef: "re_1", Amount: 250}
		if r := send(refund, "whsec_wrong"); r.Status != 400 {
			t.Fatalf("bad signature: %d %s", r.Status, r.Body)
		}
		children := func() []any {
			return e.Call("GET", "/transaction/"+txID, nil, 200).Map(t)["child_transactions"].([]any)
		}
		if c := children(); len(c) != 0 {
			t.Fatalf("changed by a bad signature: %v", c)
		}
		for range 3 {
			if r := send(refund, fakeWebhookSecret); r.Status != 200 {
				t.Fatalf("refund event: %d %s", r.Status, r.Body)
			}
		}
		// Another event about the same refund: still one child.
		again := refund
		again.ID = "evt_2"
		if r := send(again, fakeWebhookSecret); r.Status != 200 {
			t.Fatalf("second event: %d %s", r.Status, r.Body)
		}
		view := e.Call("GET", "/transaction/"+txID, nil, 200).Map(t)
		c := view["child_transactions"].([]any)
		if len(c) != 1 || view["total_refunded"].(float64) != 2.5 {
			t.Fatalf("after refund events: %v", view)
		}
		if child := c[0].(map[string]any); child["type"] != "refund" || child["total"].(float64) != 2.5 || child["success"] != true {
			t.Fatalf("child = %v", child)
		}

		dispute := fakeEvent{ID: "evt_3", Kind: "dispute_opened", Ref: stored.GatewayRef, ChildRef: "dp_1", Amount: 1000,
			Reason: "fraudulent", Status: "needs_response"}
		for range 2 {
			if r := send(dispute, fakeWebhookSecret); r.Status != 200 {
				t.Fatalf("dispute event: %d %s", r.Status, r.Body)
			}
		}
		recs, err := e.Server.Store.ProcessorEventsOf(t.Context(), id, txID)
		if err != nil || len(recs) != 3 || recs[2].Kind != "dispute_opened" || recs[2].Reason != "fraudulent" || recs[2].Amount != 1000 {
			t.Fatalf("records: %+v %v", recs, err)
		}
		evs, err := e.Server.Store.EventListSince(t.Context(), id, time.Time{}, 100)
		if err != nil {
			t.Fatal(err)
		}
		disputes, refunds := 0, 0
		for _, ev := range evs {
			switch {
			case ev.Name == tender.EventTransactionDisputeOpened:
				disputes++
			case ev.Name == tender.EventCreateTransaction && strings.Contains(string(ev.Payload), `"type":"refund"`):
				refunds++
			}
		}
		if disputes != 1 || refunds != 1 {
			t.Fatalf("events: %d disputes, %d refunds", disputes, refunds)
		}
		// Another merchant's path, or another processor's, is not found.
		body, _ := json.Marshal(refund)
		if r := e.Do(apitest.Request{Method: "POST", Path: "/processor/sandbox/webhook/" + id, Body: body}); r.Status != 404 {
			t.Fatalf("wrong processor: %d %s", r.Status, r.Body)
		}
	})
}

// TestServeWarnsAboutMerchantsWithoutProcessor: a live server lists at
// start the merchants whose payments it will refuse.
func TestServeWarnsAboutMerchantsWithoutProcessor(t *testing.T) {
	apitest.EachStore(t, func(t *testing.T, store string) {
		first := apitest.Start(t, store, apitest.Options{Live: true})
		bare, _ := liveMerchant(t, first, map[string]any{"company_name": "No Processor"})
		tested, _ := liveMerchant(t, first, map[string]any{"company_name": "Test", "processor": "sandbox", "is_test": true})
		var logs syncBuffer
		apitest.Start(t, store, apitest.Options{Live: true, DatabaseURL: first.DatabaseURL, Logs: &logs})
		out := logs.String()
		if !strings.Contains(out, "merchants without a usable payment processor") || !strings.Contains(out, bare) || strings.Contains(out, tested) {
			t.Fatalf("logs: %s", out)
		}
	})
}
