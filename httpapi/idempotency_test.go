package httpapi_test

import (
	"context"
	"fmt"
	"net/http"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/tenderpay/tender"
	"github.com/tenderpay/tender/gateway"
	"github.com/tenderpay/tender/internal/apitest"
)

func TestIdempotentCharge(t *testing.T) {
	apitest.EachStore(t, func(t *testing.T, store string) {
		e := apitest.Start(t, store, apitest.Options{})
		pm := newCard(t, e, "4111111111111111")
		body := map[string]any{"payment_method_id": pm, "total": 10, "idempotency_id": "order-1"}
		first := e.Call("POST", "/charge", body, 200)
		again := e.Call("POST", "/charge", body, 200)
		if string(first.Body) != string(again.Body) || again.Header.Get("Idempotent-Replayed") != "true" {
			t.Fatalf("replay differs:\n%s\n%s", first.Body, again.Body)
		}
		// Same key, other parameters.
		r := e.Do(apitest.Request{Method: "POST", Path: "/charge", Key: e.Key, Body: map[string]any{"payment_method_id": pm, "total": 11, "idempotency_id": "order-1"}})
		if r.Status != 422 {
			t.Fatalf("reused key with other total: %d %s", r.Status, r.Body)
		}
		// A decline is replayed as a decline.
		bad := newCard(t, e, "4000000000000002")
		d1 := e.Call("POST", "/charge", map[string]any{"payment_method_id": bad, "total": 3, "idempotency_id": "order-2"}, 400)
		d2 := e.Call("POST", "/charge", map[string]any{"payment_method_id": bad, "total": 3, "idempotency_id": "order-2"}, 400)
		if string(d1.Body) != string(d2.Body) {
			t.Fatal("declined replay differs")
		}
		// Refund idempotency: the second refund with the key is the first one.
		id := first.Map(t)["id"].(string)
		e.Call("POST", "/sandbox/batch", nil, 200)
		rf := map[string]any{"total": 4, "idempotency_id": "refund-1"}
		e.Call("POST", "/transaction/"+id+"/refund", rf, 200)
		e.Call("POST", "/transaction/"+id+"/refund", rf, 200)
		if got := e.Call("GET", "/transaction/"+id, nil, 200).Map(t)["total_refunded"]; got != 4.0 {
			t.Fatalf("refunded %v after a repeated refund", got)
		}
		if got := e.Call("GET", "/transaction", nil, 200).Map(t)["total"]; got != 3.0 {
			t.Fatalf("transactions: %v, want 3 (charge, decline, one refund)", got)
		}
	})
}

// TestIdempotentChargeConcurrent: identical requests racing each other give
// one authorization; the losers wait for the winner and replay its answer.
func TestIdempotentChargeConcurrent(t *testing.T) {
	apitest.EachStore(t, func(t *testing.T, store string) {
		e := apitest.Start(t, store, apitest.Options{})
		pm := newCard(t, e, "4111111111111111")
		body := map[string]any{"payment_method_id": pm, "total": 5.20, "idempotency_id": "race"} // 5.20: a slow processor
		var wg sync.WaitGroup
		ids := make([]string, 10)
		for i := range ids {
			wg.Add(1)
			go func() {
				defer wg.Done()
				r := e.Do(apitest.Request{Method: "POST", Path: "/charge", Key: e.Key, Body: body})
				if r.Status == 200 {
					ids[i] = r.Map(t)["id"].(string)
				} else {
					t.Errorf("status %d %s", r.Status, r.Body)
				}
			}()
		}
		wg.Wait()
		for _, id := range ids {
			if id != ids[0] {
				t.Fatalf("different transactions: %v", ids)
			}
		}
		if got := e.Call("GET", "/transaction", nil, 200).Map(t)["total"]; got != 1.0 {
			t.Fatalf("%v transactions, want 1", got)
		}
	})
}

// TestUnknownOutcome: a processor answer that never arrives leaves the
// charge PENDING (202); the janitor asks the processor and records the real
// outcome; a retry with the same key then gets it.
func TestUnknownOutcome(t *testing.T) {
	apitest.EachStore(t, func(t *testing.T, store string) {
		e := apitest.Start(t, store, apitest.Options{})
		e.Server.Service.IdempotencyWait = 100 * time.Millisecond
		for _, tc := range []struct {
			total   float64
			success bool
		}{
			{5.13, true},  // approved, answer lost
			{5.14, false}, // never reached the processor
		} {
			pm := newCard(t, e, "4111111111111111")
			body := map[string]any{"payment_method_id": pm, "total": tc.total, "idempotency_id": "lost-" + time.Now().String()}
			p := e.Call("POST", "/charge", body, http.StatusAccepted).Map(t)
			if p["status"] != "PENDING" || p["success"] != false {
				t.Fatalf("pending = %v", p)
			}
			id := p["id"].(string)
			e.Call("POST", "/charge", body, http.StatusConflict) // still being resolved
			n, err := e.Server.Service.ResolvePending(t.Context(), 0)
			if err != nil || n != 1 {
				t.Fatalf("janitor resolved %d: %v", n, err)
			}
			want := 400
			if tc.success {
				want = 200
			}
			final := e.Call("POST", "/charge", body, want).Map(t)
			if final["id"] != id || final["success"] != tc.success || final["status"] == "PENDING" {
				t.Fatalf("final = %v", final)
			}
			if !tc.success {
				// The lost request is fenced at the processor: if it arrived now it would be refused.
				gw, err := e.Server.Service.GatewayFor(t.Context(), e.MerchantID)
				if err != nil {
					t.Fatal(err)
				}
				res, err := gw.Authorize(t.Context(), gateway.Request{Key: id, Amount: 100, Card: &gateway.Card{Number: "4111111111111111"}, Capture: true})
				if err != nil || res.Approved {
					t.Fatalf("late arrival of a fenced request: %+v %v", res, err)
				}
			}
		}
	})
}

// janitorFirst runs the janitor while the processor holds a charge's
// answer: before the processor sees the request (before) or after it has
// approved it.
type janitorFirst struct {
	gateway.Gateway
	before bool
	env    atomic.Pointer[apitest.Env]
}

func (g *janitorFirst) Authorize(ctx context.Context, req gateway.Request) (*gateway.Result, error) {
	resolve := func() {
		if n, err := g.env.Load().Server.Service.ResolvePending(ctx, 0); err != nil || n != 1 {
			panic(fmt.Sprintf("janitor resolved %d: %v", n, err))
		}
	}
	if g.before {
		resolve()
	}
	res, err := g.Gateway.Authorize(ctx, req)
	if !g.before {
		resolve()
	}
	return res, err
}

// TestChargeJanitorFirst: when the janitor has resolved a charge while its
// processor call was still out, the charge answers with what the janitor
// recorded, and the charge has one event and one outcome.
func TestChargeJanitorFirst(t *testing.T) {
	apitest.EachStore(t, func(t *testing.T, store string) {
		for _, tc := range []struct {
			name    string
			before  bool
			status  int
			success bool
		}{
			{"after approval", false, 200, true},
			{"before the processor", true, 400, false},
		} {
			t.Run(tc.name, func(t *testing.T) {
				g := &janitorFirst{before: tc.before}
				e := apitest.Start(t, store, apitest.Options{WrapGateway: func(inner gateway.Gateway) gateway.Gateway {
					g.Gateway = inner
					return g
				}})
				g.env.Store(e)
				pm := newCard(t, e, "4111111111111111")
				body := map[string]any{"payment_method_id": pm, "total": 12.5, "idempotency_id": "janitor-first"}
				got := e.Call("POST", "/charge", body, tc.status).Map(t)
				if got["success"] != tc.success || got["status"] == "PENDING" {
					t.Fatalf("charge = %v", got)
				}
				id := got["id"].(string)
				stored := e.Call("GET", "/transaction/"+id, nil, 200).Map(t)
				if stored["status"] != got["status"] || stored["success"] != tc.success {
					t.Fatalf("stored %v, answered %v", stored["status"], got["status"])
				}
				events, err := e.Server.Store.EventListSince(t.Context(), e.MerchantID, time.Time{}, 100)
				if err != nil {
					t.Fatal(err)
				}
				n := 0
				for _, ev := range events {
					if ev.ObjectID == id && ev.Name == tender.EventCreateTransaction {
						n++
					}
				}
				if n != 1 {
					t.Fatalf("%d create_transaction events, want 1", n)
				}
				if again := e.Call("POST", "/charge", body, tc.status).Map(t); again["id"] != id || again["status"] != got["status"] {
					t.Fatalf("retry = %v", again)
				}
			})
		}
	})
}

// TestChargeOneEncoding: a charge's response, its idempotent replay and its
// event's payload are the same bytes, HTML characters included; on the
// first charge of a card (which erases its CVV in the same transaction) and
// on the next (finalised in one statement on PostgreSQL).
func TestChargeOneEncoding(t *testing.T) {
	apitest.EachStore(t, func(t *testing.T, store string) {
		e := apitest.Start(t, store, apitest.Options{})
		pm := newCard(t, e, "4111111111111111")
		for _, key := range []string{"one-encoding", "one-encoding-again"} {
			body := map[string]any{"payment_method_id": pm, "total": 3.25, "idempotency_id": key,
				"meta": map[string]any{"note": "<b>fish & chips</b>", "z": 1, "a": "  spaced  "}}
			first := e.Call("POST", "/charge", body, 200)
			again := e.Call("POST", "/charge", body, 200)
			if string(first.Body) != string(again.Body) {
				t.Fatalf("%s: replay differs:\n%s\n%s", key, first.Body, again.Body)
			}
			id := first.Map(t)["id"].(string)
			events, err := e.Server.Store.EventListSince(t.Context(), e.MerchantID, time.Time{}, 100)
			if err != nil {
				t.Fatal(err)
			}
			found := false
			for _, ev := range events {
				if ev.ObjectID == id && ev.Name == tender.EventCreateTransaction {
					if got, want := string(ev.Payload)+"\n", string(first.Body); got != want {
						t.Fatalf("%s: event payload differs:\n%s\n%s", key, got, want)
					}
					found = true
				}
			}
			if !found {
				t.Fatalf("%s: no create_transaction event", key)
			}
		}
	})
}
