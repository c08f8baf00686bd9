package httpapi_test

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/tenderpay/tender/internal/apitest"
	"github.com/tenderpay/tender/webhook"
)

// receiver is a real HTTP server collecting deliveries.
type receiver struct {
	*httptest.Server
	mu    sync.Mutex
	got   []received
	reply atomic.Value // func(n int) (status int, delay time.Duration)
	// refuse, when set, answers 500 to the bodies it returns true for.
	refuse atomic.Value // func(body []byte) bool
	calls  atomic.Int64
}

type received struct {
	event, eventID, deliveryID, signature string
	body                                  []byte
	at                                    time.Time
}

func newReceiver(t *testing.T) *receiver {
	rc := &receiver{}
	rc.reply.Store(func(int) (int, time.Duration) { return 200, 0 })
	rc.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n := int(rc.calls.Add(1))
		status, delay := rc.reply.Load().(func(int) (int, time.Duration))(n)
		body, _ := io.ReadAll(r.Body)
		if f, ok := rc.refuse.Load().(func([]byte) bool); ok && f(body) {
			status = 500
		}
		if delay > 0 {
			time.Sleep(delay) // a slow endpoint, as the test configures it: the behaviour under test, not a wait
		}
		if status == 200 {
			rc.mu.Lock()
			rc.got = append(rc.got, received{r.Header.Get(webhook.HeaderEvent), r.Header.Get(webhook.HeaderEventID),
				r.Header.Get(webhook.HeaderDelivery), r.Header.Get(webhook.HeaderSignature), body, time.Now()})
			rc.mu.Unlock()
		}
		w.WriteHeader(status)
	}))
	t.Cleanup(rc.Close)
	return rc
}

func (rc *receiver) received() []received {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	return append([]received(nil), rc.got...)
}

// wait waits until cond holds (deliveries are asynchronous).
func wait(t *testing.T, what string, d time.Duration, cond func() bool) {
	t.Helper()
	apitest.Eventually(t, what, d, cond)
}

func TestWebhookDeliveries(t *testing.T) {
	apitest.EachStore(t, func(t *testing.T, store string) {
		e := apitest.Start(t, store, apitest.Options{})
		rc := newReceiver(t)
		hook := e.Call("POST", "/webhook", map[string]any{"target_url": rc.URL, "event": "*"}, 200).Map(t)
		secret := hook["secret"].(string)
		if secret == "" {
			t.Fatal("no signing secret")
		}
		only := newReceiver(t)
		e.Call("POST", "/webhook", map[string]any{"target_url": only.URL, "event": "create_transaction"}, 200)

		pm := newCard(t, e, "4111111111111111") // create_customer, create_payment_method
		cust := e.Call("GET", "/payment-method/"+pm, nil, 200).Map(t)["customer_id"].(string)
		for _, n := range []string{"a", "b", "c"} {
			e.Call("PUT", "/customer/"+cust, map[string]any{"notes": n}, 200)
		}
		// A change that is refused (and so rolled back) sends nothing.
		e.Call("PUT", "/customer/"+cust, map[string]any{"email": "not an email", "notes": "never"}, 422)
		tx := e.Call("POST", "/charge", map[string]any{"payment_method_id": pm, "total": 12.5}, 200).Map(t)
		wait(t, "6 deliveries", 10*time.Second, func() bool { return len(rc.received()) == 6 })
		wait(t, "the create_transaction delivery", 10*time.Second, func() bool { return len(only.received()) == 1 })
		// create_transaction was the last event, and the relay takes events
		// in order: once the log (written just after each batch is sent)
		// shows it, the log holds every delivery there will be.
		logged := func() float64 {
			return e.Call("GET", "/webhook/"+hook["id"].(string)+"/deliveries", nil, 200).Map(t)["total"].(float64)
		}
		wait(t, "6 deliveries logged", 10*time.Second, func() bool { return logged() >= 6 })
		if n := logged(); n != 6 || len(rc.received()) != 6 {
			t.Fatalf("%v deliveries logged, %d received; want 6", n, len(rc.received()))
		}

		var names []string
		var notes []string
		for _, r := range rc.received() {
			names = append(names, r.event)
			if err := webhook.Verify(secret, r.signature, r.body, time.Now()); err != nil {
				t.Errorf("%s: %v", r.event, err)
			}
			if webhook.Verify("whsec_wrong", r.signature, r.body, time.Now()) == nil {
				t.Error("a wrong secret verifies")
			}
			if webhook.Verify(secret, r.signature, r.body, time.Now().Add(10*time.Minute)) == nil {
				t.Error("an old signature verifies")
			}
			var obj map[string]any
			if err := json.Unmarshal(r.body, &obj); err != nil || obj["id"] == nil {
				t.Errorf("%s body: %s", r.event, r.body)
			}
			if r.event == "update_customer" {
				notes = append(notes, obj["notes"].(string))
			}
			if r.event == "create_transaction" && obj["id"] != tx["id"] {
				t.Errorf("transaction body %s", r.body)
			}
		}
		// Per object, in order: the customer's updates arrive as made.
		if len(notes) != 3 || notes[0] != "a" || notes[1] != "b" || notes[2] != "c" {
			t.Errorf("customer updates arrived as %v (events %v)", notes, names)
		}
		if got := only.received()[0]; got.event != "create_transaction" {
			t.Errorf("filtered webhook got %s", got.event)
		}

		// Delivery log and replay. A batch records its outcomes after its
		// last send, so the log may trail the receiver a little.
		var log map[string]any
		wait(t, "the deliveries recorded", 10*time.Second, func() bool {
			log = nil
			e.Do(apitest.Request{Method: "GET", Path: "/webhook/" + hook["id"].(string) + "/deliveries", Key: e.Key}).JSON(t, &log)
			for _, d := range log["data"].([]any) {
				if d.(map[string]any)["status"] == "pending" {
					return false
				}
			}
			return true
		})
		if log["total"] != 6.0 {
			t.Fatalf("delivery log = %v", log["total"])
		}
		first := log["data"].([]any)[0].(map[string]any)
		if first["status"] != "delivered" || first["attempts"] != 1.0 || first["last_status_code"] != 200.0 {
			t.Fatalf("delivery = %v", first)
		}
		re := e.Call("POST", "/webhook/"+hook["id"].(string)+"/deliveries/"+first["id"].(string)+"/replay", nil, 200).Map(t)
		wait(t, "the replay", 10*time.Second, func() bool { return len(rc.received()) == 7 })
		last := rc.received()[6]
		if last.eventID != first["event_id"] || last.deliveryID != re["id"] {
			t.Fatalf("replay delivered %+v", last)
		}

		// Unsubscribe: nothing more arrives.
		e.Call("DELETE", "/webhook/"+hook["id"].(string), nil, 200)
		e.Call("PUT", "/customer/"+cust, map[string]any{"notes": "after"}, 200)
		// A later event delivered to the other subscription marks the
		// update as relayed (events are relayed in order).
		e.Call("POST", "/charge", map[string]any{"payment_method_id": pm, "total": 1}, 200)
		wait(t, "the marker delivery", 10*time.Second, func() bool { return len(only.received()) == 2 })
		if n := len(rc.received()); n != 7 {
			t.Fatalf("%d deliveries after delete", n)
		}
		// The list is a Laravel paginator like every other: the one left.
		list := e.Call("GET", "/webhook", nil, 200).Map(t)
		if list["total"] != 1.0 || list["current_page"] != 1.0 || len(list["data"].([]any)) != 1 {
			t.Fatalf("webhook list after delete: %v", list)
		}
		e.Call("POST", "/webhook", map[string]any{"target_url": rc.URL, "event": "create_item"}, 200)
		second := e.Call("GET", "/webhook?per_page=1&page=2", nil, 200).Map(t)
		if second["total"] != 2.0 || second["last_page"] != 2.0 || second["prev_page_url"] == nil ||
			second["data"].([]any)[0].(map[string]any)["event"] != "create_transaction" || second["data"].([]any)[0].(map[string]any)["secret"] != nil {
			t.Fatalf("webhook list, page 2 of 2 (oldest last, no secret): %v", second)
		}
	})
}

// TestWebhookRetries: a receiver failing with 500s, then timing out, gets
// the event once it recovers; the log shows every attempt.
func TestWebhookRetries(t *testing.T) {
	apitest.EachStore(t, func(t *testing.T, store string) {
		e := apitest.Start(t, store, apitest.Options{WebhookTimeout: 300 * time.Millisecond})
		rc := newReceiver(t)
		rc.reply.Store(func(n int) (int, time.Duration) {
			switch n {
			case 1, 2:
				return 500, 0
			case 3:
				return 200, time.Second // too slow: a timeout
			}
			return 200, 0
		})
		hook := e.Call("POST", "/webhook", map[string]any{"target_url": rc.URL, "event": "create_item", "retry_base_seconds": 1}, 200).Map(t)
		e.Call("POST", "/item", map[string]any{"item": "Retry"}, 200)
		wait(t, "the delivery after retries", 20*time.Second, func() bool {
			var log map[string]any
			e.Do(apitest.Request{Method: "GET", Path: "/webhook/" + hook["id"].(string) + "/deliveries", Key: e.Key}).JSON(t, &log)
			data, _ := log["data"].([]any)
			return len(data) > 0 && data[0].(map[string]any)["status"] == "delivered"
		})
		var log map[string]any
		e.Do(apitest.Request{Method: "GET", Path: "/webhook/" + hook["id"].(string) + "/deliveries", Key: e.Key}).JSON(t, &log)
		d := log["data"].([]any)[0].(map[string]any)
		if d["attempts"] != 4.0 || rc.calls.Load() != 4 {
			t.Fatalf("delivery = %v after %d calls", d, rc.calls.Load())
		}
	})
}

// TestWebhookPrivateTargets: outside sandbox mode a webhook may not target
// loopback or private addresses (unless allow-listed).
func TestWebhookPrivateTargets(t *testing.T) {
	e := apitest.Start(t, "sqlite", apitest.Options{})
	e.Server.Service.WebhookAllowPrivate = webhook.AllowList(false, []string{"hooks.internal"})
	for _, u := range []string{"http://127.0.0.1:9/x", "http://localhost/x", "http://10.1.2.3/x", "http://[::1]/x", "http://169.254.169.254/latest", "ftp://example.com/x", "http://user:pw@example.com/"} {
		if r := e.Do(apitest.Request{Method: "POST", Path: "/webhook", Key: e.Key, Body: map[string]any{"target_url": u, "event": "*"}}); r.Status != 422 {
			t.Errorf("%s: %d %s", u, r.Status, r.Body)
		}
	}
	for _, u := range []string{"https://hooks.internal/x", "https://93.184.215.14/hook"} {
		if r := e.Do(apitest.Request{Method: "POST", Path: "/webhook", Key: e.Key, Body: map[string]any{"target_url": u, "event": "*"}}); r.Status != 200 {
			t.Errorf("%s: %d %s", u, r.Status, r.Body)
		}
	}
	if r := e.Do(apitest.Request{Method: "POST", Path: "/webhook", Key: e.Key, Body: map[string]any{"target_url": "https://93.184.215.14/", "event": "nope"}}); r.Status != 422 {
		t.Errorf("unknown event: %d", r.Status)
	}
}

func TestPartnerWebhook(t *testing.T) {
	apitest.EachStore(t, func(t *testing.T, store string) {
		e := apitest.Start(t, store, apitest.Options{})
		_, pk, err := e.Server.Service.CreatePartner(t.Context(), "ISV")
		if err != nil {
			t.Fatal(err)
		}
		rc := newReceiver(t)
		r := e.Do(apitest.Request{Method: "POST", Path: "/webhook", Key: pk.Key, Body: map[string]any{"target_url": rc.URL, "event": "create_customer"}})
		if r.Status != 200 || r.Map(t)["partner_id"] == "" {
			t.Fatalf("partner webhook: %d %s", r.Status, r.Body)
		}
		var keys []string
		for _, name := range []string{"One", "Two"} {
			m := e.Do(apitest.Request{Method: "POST", Path: "/merchant", Key: pk.Key, Body: map[string]any{"company_name": name}}).Map(t)
			keys = append(keys, m["api_key"].(map[string]any)["api_key"].(string))
		}
		for _, k := range keys {
			e.Do(apitest.Request{Method: "POST", Path: "/customer", Key: k, Body: map[string]any{"firstname": "P"}})
		}
		e.Call("POST", "/customer", map[string]any{"firstname": "Not the partner's"}, 200) // the sandbox merchant
		// A third customer of a partner's merchant, after the sandbox
		// merchant's: once it arrives, the sandbox's has been relayed.
		e.Do(apitest.Request{Method: "POST", Path: "/customer", Key: keys[0], Body: map[string]any{"firstname": "Marker"}})
		wait(t, "three partner deliveries", 10*time.Second, func() bool { return len(rc.received()) == 3 })
		for _, r := range rc.received() {
			if bytes.Contains(r.body, []byte("Not the partner's")) {
				t.Fatalf("the partner got the sandbox merchant's event: %s", r.body)
			}
		}
		if n := len(rc.received()); n != 3 {
			t.Fatalf("%d deliveries, want 3 (the partner's merchants only)", n)
		}
	})
}

// TestWebhookOrderAfterFailure: when the first delivery of an object fails,
// the object's later events wait for its retry, then arrive in order; other
// objects' deliveries are not held up.
func TestWebhookOrderAfterFailure(t *testing.T) {
	apitest.EachStore(t, func(t *testing.T, store string) {
		e := apitest.Start(t, store, apitest.Options{})
		rc := newReceiver(t)
		var failedOnce atomic.Bool
		e.Call("POST", "/webhook", map[string]any{"target_url": rc.URL, "event": "update_customer", "retry_base_seconds": 1}, 200)
		a := e.Call("POST", "/customer", map[string]any{"firstname": "A"}, 200).Map(t)["id"].(string)
		b := e.Call("POST", "/customer", map[string]any{"firstname": "B"}, 200).Map(t)["id"].(string)
		// The receiver refuses A's first update once.
		rc.refuse.Store(func(body []byte) bool {
			var obj map[string]any
			_ = json.Unmarshal(body, &obj)
			return obj["id"] == a && obj["notes"] == "1" && failedOnce.CompareAndSwap(false, true)
		})
		for _, n := range []string{"1", "2", "3"} {
			e.Call("PUT", "/customer/"+a, map[string]any{"notes": n}, 200)
			e.Call("PUT", "/customer/"+b, map[string]any{"notes": n}, 200)
		}
		wait(t, "all six updates", 20*time.Second, func() bool { return len(rc.received()) == 6 })
		var order = map[string][]string{}
		var bDoneAt, aFirstAt time.Time
		for _, r := range rc.received() {
			var obj map[string]any
			_ = json.Unmarshal(r.body, &obj)
			id := obj["id"].(string)
			order[id] = append(order[id], obj["notes"].(string))
			if id == b && obj["notes"] == "3" {
				bDoneAt = r.at
			}
			if id == a && obj["notes"] == "1" {
				aFirstAt = r.at
			}
		}
		if !failedOnce.Load() {
			t.Fatal("the receiver never refused")
		}
		for _, id := range []string{a, b} {
			if got := order[id]; len(got) != 3 || got[0] != "1" || got[1] != "2" || got[2] != "3" {
				t.Errorf("updates of %s arrived as %v", id, got)
			}
		}
		if !bDoneAt.Before(aFirstAt) {
			t.Errorf("B's updates waited for A's retry (B done %v, A's retry %v)", bDoneAt, aFirstAt)
		}
	})
}

// TestWebhookSlowReceiver: the relay waits for a slow receiver at most a
// window (half the attempt timeout), then records its delivery as pending
// and moves on; the attempt finishes on its own and records its outcome, so
// the delivery is made once and logged delivered, and a fast receiver's
// deliveries do not wait for it.
func TestWebhookSlowReceiver(t *testing.T) {
	apitest.EachStore(t, func(t *testing.T, store string) {
		e := apitest.Start(t, store, apitest.Options{WebhookTimeout: 2 * time.Second})
		slow, fast := newReceiver(t), newReceiver(t)
		slow.reply.Store(func(int) (int, time.Duration) { return 200, 1800 * time.Millisecond })
		hook := e.Call("POST", "/webhook", map[string]any{"target_url": slow.URL, "event": "create_item"}, 200).Map(t)
		e.Call("POST", "/webhook", map[string]any{"target_url": fast.URL, "event": "create_item"}, 200)
		start := time.Now()
		e.Call("POST", "/item", map[string]any{"item": "Slow"}, 200)
		log := func() []any {
			var page map[string]any
			e.Do(apitest.Request{Method: "GET", Path: "/webhook/" + hook["id"].(string) + "/deliveries", Key: e.Key}).JSON(t, &page)
			data, _ := page["data"].([]any)
			return data
		}
		wait(t, "the fast receiver", 5*time.Second, func() bool { return len(fast.received()) == 1 })
		// Handed off: logged pending while its attempt runs.
		wait(t, "the slow delivery logged pending", 5*time.Second, func() bool {
			d := log()
			return len(d) == 1 && d[0].(map[string]any)["status"] == "pending"
		})
		if len(slow.received()) != 0 {
			t.Fatal("the slow receiver answered before its delivery was handed off")
		}
		wait(t, "the slow delivery", 10*time.Second, func() bool {
			d := log()
			return len(d) == 1 && d[0].(map[string]any)["status"] == "delivered"
		})
		d := log()[0].(map[string]any)
		if d["attempts"] != 1.0 || d["last_status_code"] != 200.0 || len(slow.received()) != 1 || slow.calls.Load() != 1 {
			t.Fatalf("slow delivery = %v after %d calls", d, slow.calls.Load())
		}
		if took := time.Since(start); took > 8*time.Second {
			t.Fatalf("took %v", took)
		}
	})
}
