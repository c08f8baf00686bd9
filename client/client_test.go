package client_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"reflect"
	"sync"
	"testing"
	"time"

	"github.com/tenderpay/tender/client"
	"github.com/tenderpay/tender/internal/apitest"
	"github.com/tenderpay/tender/webhook"
)

// TestClientAgainstServer drives every resource through the client on a
// real server on both stores: customers, payment methods, a charge, a
// pre-auth captured, a void, a refund after settlement, a decline (an
// *Error with the transaction), a 422 with field messages, invoices, items,
// webhooks, events and the sandbox clock. Each answer decoded into the
// client's structs keeps every field the OpenAPI document requires.
func TestClientAgainstServer(t *testing.T) {
	apitest.EachStore(t, func(t *testing.T, store string) {
		e := apitest.Start(t, store, apitest.Options{})
		c := client.New(e.URL, e.Key)
		ctx := context.Background()
		doc := openAPI(t, e)
		// same checks that the typed value kept the required fields of the
		// raw answer to GET path (validated against the document by apitest).
		same := func(schemaName, path string, v any) {
			t.Helper()
			raw := e.Call("GET", path, nil, 200).Body
			requiredKept(t, doc, schemaName, raw, v)
		}

		cust, err := c.CreateCustomer(ctx, &client.CustomerInput{Firstname: "Jane", Lastname: "Doe", Email: "jane@example.com"})
		must(t, err)
		same("Customer", "/customer/"+cust.ID, cust)
		_, err = c.CreateCustomer(ctx, &client.CustomerInput{Email: "not an email"})
		var ce *client.Error
		if !errors.As(err, &ce) || ce.Status != 422 || len(ce.Fields["email"]) == 0 {
			t.Fatalf("bad email: %v", err)
		}
		pm, err := c.CreatePaymentMethod(ctx, &client.PaymentMethodInput{Method: "card", CustomerID: cust.ID,
			PersonName: "Jane Doe", CardNumber: "4111111111111111", CardCVV: "123", CardExp: "1240"})
		must(t, err)
		if pm.Customer == nil || pm.Customer.ID != cust.ID || pm.CardLastFour != "1111" {
			t.Fatalf("payment method = %+v", pm)
		}
		same("PaymentMethodWithCustomer", "/payment-method/"+pm.ID, pm)

		tx, err := c.Charge(ctx, &client.ChargeInput{PaymentMethodID: pm.ID, Total: client.Dollars(10, 50)})
		must(t, err)
		if !tx.Success || tx.Total != 1050 || tx.Status != "SUCCESS" {
			t.Fatalf("charge = %+v", tx)
		}
		// The same idempotency id twice is one charge.
		in := &client.ChargeInput{PaymentMethodID: pm.ID, Total: client.Dollars(3, 0), IdempotencyID: "order-1"}
		a, err := c.Charge(ctx, in)
		must(t, err)
		b, err := c.Charge(ctx, in)
		must(t, err)
		if a.ID != b.ID {
			t.Fatalf("replayed charge %s != %s", b.ID, a.ID)
		}
		voided, err := c.Void(ctx, a.ID, nil)
		must(t, err)
		if !voided.IsVoided {
			t.Fatalf("void = %+v", voided)
		}
		pre, err := c.Charge(ctx, &client.ChargeInput{PaymentMethodID: pm.ID, Total: client.Dollars(20, 0), PreAuth: true})
		must(t, err)
		capt, err := c.Capture(ctx, pre.ID, &client.ActionInput{Total: client.Dollars(15, 0)})
		must(t, err)
		if len(capt.ChildTransactions) == 0 || capt.ChildTransactions[0].Type != "capture" {
			t.Fatalf("capture = %+v", capt)
		}
		batch, err := c.SettleSandboxBatch(ctx)
		must(t, err)
		if batch.Settled == 0 {
			t.Fatalf("batch settled nothing")
		}
		ref, err := c.Refund(ctx, tx.ID, &client.ActionInput{Total: client.Dollars(0, 50)})
		must(t, err)
		if ref.TotalRefunded != 50 {
			t.Fatalf("refund = %+v", ref)
		}
		same("Transaction", "/transaction/"+tx.ID, ref)
		txs, err := c.Transactions(ctx, &client.ListParams{Filter: map[string]string{"customer_id": cust.ID}})
		must(t, err)
		if txs.Total < 3 {
			t.Fatalf("transactions total %d", txs.Total)
		}

		bad, err := c.CreatePaymentMethod(ctx, &client.PaymentMethodInput{Method: "card", CustomerID: cust.ID,
			PersonName: "Jane Doe", CardNumber: "4000000000000002", CardCVV: "123", CardExp: "1240"})
		must(t, err)
		inv, err := c.CreateInvoice(ctx, &client.InvoiceInput{CustomerID: cust.ID, Total: client.Dollars(25, 0),
			Meta: client.Meta{"lineItems": []any{map[string]any{"item": "Beans", "quantity": 1, "price": 25}}}})
		must(t, err)
		same("Invoice", "/invoice/"+inv.ID, inv)
		declined, err := c.PayInvoice(ctx, inv.ID, &client.PayInvoiceInput{PaymentMethodID: bad.ID, Total: client.Dollars(25, 0)})
		if !errors.As(err, &ce) || !ce.Declined() || declined == nil || declined.Success || ce.Transaction.ID != declined.ID {
			t.Fatalf("declined payment: %v, %+v", err, declined)
		}
		paid, err := c.PayInvoice(ctx, inv.ID, &client.PayInvoiceInput{PaymentMethodID: pm.ID, Total: client.Dollars(25, 0)})
		must(t, err)
		if got, err := c.Invoice(ctx, inv.ID); err != nil || got.Status != "PAID" || !paid.Success {
			t.Fatalf("invoice after payment: %+v %v", got, err)
		}

		item, err := c.CreateItem(ctx, &client.ItemInput{Item: "Widget", Price: client.Dollars(9, 99)})
		must(t, err)
		same("Item", "/item/"+item.ID, item)
		if item.Price != 999 {
			t.Fatalf("item price %v", item.Price)
		}

		wh, err := c.CreateWebhook(ctx, &client.WebhookInput{TargetURL: "https://example.com/hooks", Event: "*"})
		must(t, err)
		if wh.Secret == "" {
			t.Fatalf("webhook without its secret")
		}
		whs, err := c.Webhooks(ctx, nil)
		must(t, err)
		if whs.Total != 1 {
			t.Fatalf("webhooks %+v", whs)
		}
		requiredKept(t, doc, "Webhook", e.Call("GET", "/webhook", nil, 200).Map(t)["data"].([]any)[0], &whs.Data[0])

		evs, err := c.Events(ctx, &client.ListParams{Filter: map[string]string{"name": "create_transaction"}})
		must(t, err)
		if evs.Total == 0 {
			t.Fatalf("no create_transaction events")
		}
		ev, err := c.Event(ctx, evs.Data[0].ID)
		must(t, err)
		same("Event", "/event/"+ev.ID, ev)

		clk, err := c.SandboxClock(ctx)
		must(t, err)
		same("SandboxClock", "/sandbox/clock", clk)
		clk, err = c.AdvanceSandboxClock(ctx, "1h")
		must(t, err)
		if clk.Offset() != time.Hour {
			t.Fatalf("clock = %+v", clk)
		}
		if _, err := c.Customer(ctx, ""); err == nil {
			t.Fatalf("an empty id was sent")
		}

		// A manual payment of a second invoice; an API key; a register (the
		// terminal's card-present calls are driven by cmd/tender's tests,
		// with a device simulator).
		inv2, err := c.CreateInvoice(ctx, &client.InvoiceInput{CustomerID: cust.ID, Total: client.Dollars(12, 0)})
		must(t, err)
		cash, err := c.PayInvoiceManual(ctx, inv2.ID, "CASH", &client.ManualPaymentInput{Total: client.Dollars(12, 0)})
		must(t, err)
		if cash.Total != client.Dollars(12, 0) || !cash.Success || cash.InvoiceID != inv2.ID {
			t.Fatalf("cash payment = %+v", cash)
		}
		same("Transaction", "/transaction/"+cash.ID, cash)
		if got, err := c.Invoice(ctx, inv2.ID); err != nil || got.Status != "PAID" {
			t.Fatalf("invoice after the cash payment: %+v %v", got, err)
		}
		key, err := c.CreateAPIKey(ctx, &client.APIKeyInput{Name: "reports"})
		must(t, err)
		if key.APIKey == "" || key.Name != "reports" {
			t.Fatalf("api key = %+v", key)
		}
		if _, err := client.New(e.URL, key.APIKey).Customers(ctx, nil); err != nil {
			t.Fatalf("the new key: %v", err)
		}
		tip := true
		reg, err := c.CreateRegister(ctx, &client.RegisterInput{Nickname: "Front", TipEnabled: &tip})
		must(t, err)
		if reg.PairingCode == "" || reg.RegisterNum == 0 || !reg.TipEnabled {
			t.Fatalf("register = %+v", reg)
		}
		got, err := c.Register(ctx, reg.ID)
		must(t, err)
		same("Register", "/terminal/register/"+reg.ID, got)
		if _, err := c.TerminalStatus(ctx, reg.ID, cash.ID); !errors.As(err, &ce) || ce.Status != http.StatusNotFound {
			t.Fatalf("status of a transaction not on the register: %v", err)
		}
	})
}

// TestRegisterRef: a register_num is sent as a JSON number, an id as a
// string.
func TestRegisterRef(t *testing.T) {
	for ref, want := range map[client.RegisterRef]string{client.RegisterNum(3): `3`, "reg_abc": `"reg_abc"`, "0": `"0"`} {
		b, err := json.Marshal(ref)
		if err != nil || string(b) != want {
			t.Errorf("%q: %s %v, want %s", ref, b, err, want)
		}
	}
}

// TestClientRetries: 503 and 429 are retried with the wait Retry-After
// gives, with the same idempotency id on every attempt; the retries are
// bounded, and a cancelled context ends a long wait at once.
func TestClientRetries(t *testing.T) {
	var mu sync.Mutex
	var ids []string
	answers := []int{503, 429, 200}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var in map[string]any
		_ = json.NewDecoder(r.Body).Decode(&in)
		mu.Lock()
		ids = append(ids, in["idempotency_id"].(string))
		status := answers[min(len(ids)-1, len(answers)-1)]
		mu.Unlock()
		if status != 200 {
			w.Header().Set("Retry-After", "0")
			w.WriteHeader(status)
			_, _ = w.Write([]byte(`{"error":"busy"}`))
			return
		}
		_, _ = w.Write([]byte(`{"id":"t1","success":true,"status":"SUCCESS","total":1.5}`))
	}))
	defer srv.Close()
	c := client.New(srv.URL, "k")
	tx, err := c.Charge(context.Background(), &client.ChargeInput{PaymentMethodID: "pm", Total: 150})
	if err != nil || tx.ID != "t1" || tx.Total != 150 {
		t.Fatalf("charge = %+v, %v", tx, err)
	}
	if len(ids) != 3 || ids[0] == "" || ids[0] != ids[1] || ids[1] != ids[2] {
		t.Fatalf("idempotency ids over the attempts: %q", ids)
	}

	// Always 503: MaxRetries+1 attempts, then the *Error.
	ids, answers = nil, []int{503}
	c.MaxRetries = 2
	_, err = c.Charge(context.Background(), &client.ChargeInput{PaymentMethodID: "pm", Total: 150})
	var ce *client.Error
	if !errors.As(err, &ce) || ce.Status != 503 || ce.Message != "busy" || len(ids) != 3 {
		t.Fatalf("after retries: %v (%d attempts)", err, len(ids))
	}

	// A long Retry-After: the context's deadline ends the wait.
	long := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Retry-After", "3600")
		w.WriteHeader(429)
	}))
	defer long.Close()
	c = client.New(long.URL, "k")
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err = c.Customer(ctx, "x")
	if !errors.Is(err, context.DeadlineExceeded) || time.Since(start) > 20*time.Second {
		t.Fatalf("long Retry-After: %v after %v", err, time.Since(start))
	}
}

// TestVerifyWebhook: what Tender's webhook signer signs, the client
// verifies; another secret, another body, an old timestamp and a malformed
// header are refused.
func TestVerifyWebhook(t *testing.T) {
	body := []byte(`{"id":"ev1","name":"create_transaction"}`)
	h := webhook.Sign("whsec", time.Now(), body)
	if err := client.VerifyWebhook(body, h, "whsec"); err != nil {
		t.Fatal(err)
	}
	if h2 := client.SignWebhook(body, "whsec", time.Now()); webhook.Verify("whsec", h2, body, time.Now()) != nil {
		t.Fatalf("the client's signature does not verify with Tender's")
	}
	for name, tc := range map[string]struct {
		body        []byte
		header, sec string
	}{
		"secret":    {body, h, "other"},
		"body":      {append(bytes.Clone(body), ' '), h, "whsec"},
		"old":       {body, webhook.Sign("whsec", time.Now().Add(-time.Hour), body), "whsec"},
		"malformed": {body, "v1=abc", "whsec"},
	} {
		if client.VerifyWebhook(tc.body, tc.header, tc.sec) == nil {
			t.Errorf("%s: verified", name)
		}
	}
}

// TestAmount: dollars in and out exactly, never through a float.
func TestAmount(t *testing.T) {
	for in, want := range map[string]client.Amount{"10.5": 1050, "0.07": 7, "-1.25": -125, "3": 300, `"12.30"`: 1230, "19.990": 1999} {
		var a client.Amount
		if err := json.Unmarshal([]byte(in), &a); err != nil || a != want {
			t.Errorf("%s -> %d, %v; want %d", in, a, err, want)
		}
	}
	for _, bad := range []string{"1.234", "1e3", `"x"`} {
		var a client.Amount
		if json.Unmarshal([]byte(bad), &a) == nil {
			t.Errorf("%s accepted", bad)
		}
	}
	if b, _ := json.Marshal(client.Amount(-5)); string(b) != "-0.05" {
		t.Errorf("-5 cents = %s", b)
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// openAPI is the server's OpenAPI document as plain JSON values.
func openAPI(t *testing.T, e *apitest.Env) map[string]any {
	b, err := json.Marshal(e.Server.API.OpenAPI())
	if err != nil {
		t.Fatal(err)
	}
	var doc map[string]any
	must(t, json.Unmarshal(b, &doc))
	return doc
}

// requiredKept checks that v (raw decoded into a client struct) encodes
// every property the schema requires, with the raw answer's value, and
// does the same for the objects the schema refers to.
func requiredKept(t *testing.T, doc map[string]any, schemaName string, raw any, v any) {
	t.Helper()
	var rawV any
	switch r := raw.(type) {
	case []byte:
		must(t, json.Unmarshal(r, &rawV))
		// Decode the raw answer into a fresh value of v's type: that is
		// what is checked.
		fresh := reflect.New(reflect.TypeOf(v).Elem()).Interface()
		must(t, json.Unmarshal(r, fresh))
		v = fresh
	default:
		rawV = r
	}
	b, err := json.Marshal(v)
	must(t, err)
	var got any
	must(t, json.Unmarshal(b, &got))
	kept(t, doc, schemaName, rawV, got, schemaName)
}

func kept(t *testing.T, doc map[string]any, name string, raw, got any, where string) {
	t.Helper()
	schemas := doc["components"].(map[string]any)["schemas"].(map[string]any)
	s := schemas[name].(map[string]any)
	rm, _ := raw.(map[string]any)
	gm, _ := got.(map[string]any)
	req, _ := s["required"].([]any)
	if len(req) == 0 {
		t.Fatalf("%s: the schema requires nothing", name)
	}
	props, _ := s["properties"].(map[string]any)
	for _, f := range req {
		k := f.(string)
		gv, ok := gm[k]
		if !ok {
			t.Errorf("%s.%s: required, lost by the client's struct", where, k)
			continue
		}
		if r, isRef := refOf(props[k]); isRef && rm[k] != nil {
			kept(t, doc, r, rm[k], gv, where+"."+k)
			continue
		}
		if arr, ok := rm[k].([]any); ok {
			if items, _ := props[k].(map[string]any)["items"]; items != nil {
				if r, isRef := refOf(items); isRef {
					garr, _ := gv.([]any)
					if len(garr) != len(arr) {
						t.Errorf("%s.%s: %d items, raw has %d", where, k, len(garr), len(arr))
						continue
					}
					for i := range arr {
						kept(t, doc, r, arr[i], garr[i], where+"."+k)
					}
					continue
				}
			}
		}
		if !reflect.DeepEqual(gv, rm[k]) {
			t.Errorf("%s.%s: the struct has %v, the answer %v", where, k, gv, rm[k])
		}
	}
}

// refOf is the schema name a property refers to, directly or through a
// oneOf with null.
func refOf(p any) (string, bool) {
	m, _ := p.(map[string]any)
	if r, ok := m["$ref"].(string); ok {
		return r[len("#/components/schemas/"):], true
	}
	if one, ok := m["oneOf"].([]any); ok {
		for _, o := range one {
			if r, ok := refOf(o); ok {
				return r, true
			}
		}
	}
	return "", false
}
