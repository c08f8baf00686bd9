package httpapi_test

import (
	"context"
	"io"
	"strings"
	"testing"

	"github.com/tenderpay/tender/internal/apitest"
	"github.com/tenderpay/tender/terminal"
)

// TestTerminalDeviceRequestsOpenAPI: the six device routes answered by a
// simulator, on both stores, every response validated against the
// OpenAPI document (the end-to-end test with a separate simulator process
// is cmd/tender's TestTerminalDeviceRequests).
func TestTerminalDeviceRequestsOpenAPI(t *testing.T) {
	apitest.EachStore(t, func(t *testing.T, store string) {
		e := apitest.Start(t, store, apitest.Options{})
		reg := e.Call("POST", "/terminal/register", map[string]any{"nickname": "front"}, 201).Map(t)
		regID := reg["id"].(string)
		out := &syncBuffer{}
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan error, 1)
		sim := &terminal.Simulator{Server: e.URL, Code: reg["pairing_code"].(string), Auto: terminal.AutoApprove, Name: "Ada Lovelace", Out: out}
		go func() { done <- sim.Run(ctx) }()
		defer func() {
			cancel()
			if err := <-done; err != nil {
				t.Error(err)
			}
		}()
		waitUntil(t, "the device online", func() bool {
			return e.Call("GET", "/terminal/register/"+regID, nil, 200).Map(t)["is_online"] == true
		})

		if r := e.Call("POST", "/terminal/print", map[string]any{"register_id": regID, "text": "Hello"}, 200).Map(t); r["message"] != "Printed." {
			t.Fatalf("print: %v", r)
		}
		if r := e.Call("POST", "/terminal/promptChoice", map[string]any{"register_id": regID, "message": "Size?", "choices": []string{"S", "M"}}, 200).Map(t); r["answer"] != "S" {
			t.Fatalf("promptChoice: %v", r)
		}
		if r := e.Call("POST", "/terminal/promptInput", map[string]any{"register_id": regID, "message": "Qty?", "input_type": "number"}, 200).Map(t); r["answer"] != "1234" {
			t.Fatalf("promptInput: %v", r)
		}
		if r := e.Call("POST", "/terminal/prompt/signature", map[string]any{"register_id": regID}, 200).Map(t); r["signature"] != terminal.Signature("Ada Lovelace") {
			t.Fatalf("signature: %v", r)
		}
		r := e.Call("POST", "/terminal/tokenize", map[string]any{"register_id": regID}, 200).Map(t)
		pm := r["payment_method"].(map[string]any)
		e.Call("GET", "/payment-method/"+pm["id"].(string), nil, 200)
		e.Call("POST", "/terminal/promptInput", map[string]any{"register_id": regID, "message": "Qty?", "input_type": "hex"}, 422)

		sale := e.Call("POST", "/terminal/charge", map[string]any{"total": 5, "register": regID}, 200).Map(t)
		v := e.Call("POST", "/terminal/void-or-refund", map[string]any{"transaction_id": sale["id"]}, 200).Map(t)
		if v["is_voided"] != true {
			t.Fatalf("void-or-refund: %v", v)
		}
		// Voided: nothing left to void or refund.
		e.Call("POST", "/terminal/void-or-refund", map[string]any{"transaction_id": sale["id"]}, 422)
	})
}

// TestTerminalVoidOrRefundRetry: a void-or-refund cancelled on the device
// moves nothing and frees its idempotency_id, so the retry reaches the
// device again; once done, the key replays without the device.
func TestTerminalVoidOrRefundRetry(t *testing.T) {
	apitest.EachStore(t, func(t *testing.T, store string) {
		e := apitest.Start(t, store, apitest.Options{})
		reg := e.Call("POST", "/terminal/register", map[string]any{"nickname": "console"}, 201).Map(t)
		regID := reg["id"].(string)
		out := &syncBuffer{}
		keys, typist := io.Pipe()
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan error, 1)
		sim := &terminal.Simulator{Server: e.URL, Code: reg["pairing_code"].(string), Out: out, In: keys}
		go func() { done <- sim.Run(ctx) }()
		defer func() {
			cancel()
			typist.Close()
			if err := <-done; err != nil {
				t.Error(err)
			}
		}()
		waitUntil(t, "the device online", func() bool {
			return e.Call("GET", "/terminal/register/"+regID, nil, 200).Map(t)["is_online"] == true
		})
		typeLine := func(s string) {
			go func() { _, _ = io.WriteString(typist, s) }()
		}
		q := e.Call("POST", "/terminal/charge/queue", map[string]any{"total": 5, "register": regID}, 200).Map(t)
		waitUntil(t, "the sale on screen", func() bool { return strings.Contains(out.String(), "sale $5.00") })
		typeLine("a\n\n\n") // approve, credit, insert
		waitUntil(t, "the sale approved", func() bool {
			return e.Call("GET", "/terminal/"+regID+"/status/"+q["id"].(string), nil, 200).Map(t)["status"] == "SUCCESS"
		})
		body := map[string]any{"transaction_id": q["id"], "idempotency_id": "return-1"}
		typeLine("c\n")
		e.Call("POST", "/terminal/void-or-refund", body, 422)
		typeLine("a\n")
		if v := e.Call("POST", "/terminal/void-or-refund", body, 200).Map(t); v["is_voided"] != true {
			t.Fatalf("retried void-or-refund: %v", v)
		}
		if v := e.Call("POST", "/terminal/void-or-refund", body, 200).Map(t); v["is_voided"] != true {
			t.Fatalf("replayed void-or-refund: %v", v)
		}
		if n := strings.Count(out.String(), "void of a transaction"); n != 2 {
			t.Fatalf("the device showed %d voids, want 2:\n%s", n, out.String())
		}
	})
}
