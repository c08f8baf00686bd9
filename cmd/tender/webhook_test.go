package main_test

import (
	"database/sql"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/tenderpay/tender/client"
	"github.com/tenderpay/tender/internal/apitest"
	"github.com/tenderpay/tender/store/postgres/pgtest"
)

type hookSink struct {
	*httptest.Server
	fail       atomic.Bool
	calls      atomic.Int64
	mu         sync.Mutex
	events     map[string]int // event id → deliveries received
	deliveries map[string]int
}

func newHookSink(t *testing.T) *hookSink {
	s := &hookSink{events: map[string]int{}, deliveries: map[string]int{}}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.calls.Add(1)
		if s.fail.Load() {
			w.WriteHeader(500)
			return
		}
		s.mu.Lock()
		s.events[r.Header.Get("Stax-Event-Id")]++
		s.deliveries[r.Header.Get("Stax-Delivery-Id")]++
		s.mu.Unlock()
	}))
	t.Cleanup(s.Close)
	return s
}

func (s *hookSink) counts() (events, deliveries, dupEvents int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, n := range s.events {
		if n > 1 {
			dupEvents++
		}
	}
	return len(s.events), len(s.deliveries), dupEvents
}

func sandboxKey(t *testing.T, dir string) string {
	var keys struct {
		APIKey string `json:"api_key"`
	}
	raw, _ := os.ReadFile(filepath.Join(dir, "tender-data", "sandbox-keys.json"))
	if err := json.Unmarshal(raw, &keys); err != nil {
		t.Fatal(err)
	}
	return keys.APIKey
}

func waitFor(t *testing.T, what string, d time.Duration, cond func() bool) {
	t.Helper()
	apitest.Eventually(t, what, d, cond)
}

// deliveriesSettled reports whether the database at dbURL has no webhook
// delivery left to send: none pending (a worker marks its delivery after
// the send), no delivery job waiting to run. (A job River still shows as
// running after its delivery was marked, as a killed instance leaves one
// until it is rescued, sends nothing more.)
// Once it holds, what a receiver got is final (a count taken then cannot
// grow), which is what "none delivered twice" needs to be checked.
func deliveriesSettled(t *testing.T, dbURL string) func() bool {
	db, err := sql.Open("pgx", dbURL)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = db.Close() })
	return func() bool {
		var n int
		err := db.QueryRow(`SELECT (SELECT count(*) FROM webhook_deliveries WHERE status = 'pending') +
			(SELECT count(*) FROM river_job WHERE kind IN ('webhook_delivery', 'webhook_batch')
				AND state IN ('available', 'pending', 'retryable', 'scheduled'))`).Scan(&n)
		if err != nil {
			t.Fatalf("deliveries left: %v", err)
		}
		return n == 0
	}
}

// TestWebhookSurvivesRestart: a delivery failing when the server restarts
// is delivered by the next server process (the job is durable). (After a
// kill -9 mid-delivery, the job is rescued RescueStuckJobsAfter later.)
func TestWebhookSurvivesRestart(t *testing.T) {
	dbURL := pgtest.URL(t)
	dir := t.TempDir()
	env := []string{"TENDER_ADDR=127.0.0.1:0", "DATABASE_URL=" + dbURL, "TENDER_RATE_LIMIT=-1", "TENDER_WEBHOOK_POLL=50ms"}
	sink := newHookSink(t)
	sink.fail.Store(true)
	a := startProc(t, dir, env, "serve")
	key := sandboxKey(t, dir)
	ca := api(a.url, key)
	if _, err := ca.CreateWebhook(ctx, &client.WebhookInput{TargetURL: sink.URL, Event: "create_item", RetryBaseSeconds: 1}); err != nil {
		t.Fatalf("POST /webhook: %v", err)
	}
	if _, err := ca.CreateItem(ctx, &client.ItemInput{Item: "Durable"}); err != nil {
		t.Fatalf("POST /item: %v", err)
	}
	waitFor(t, "a failed first attempt", 10*time.Second, func() bool { return sink.calls.Load() >= 1 })
	if err := a.stop(t); err != nil {
		t.Fatal(err)
	}
	sink.fail.Store(false)
	startProc(t, dir, env, "serve")
	waitFor(t, "the delivery by the new process", 20*time.Second, func() bool { e, _, _ := sink.counts(); return e == 1 })
}

// TestWebhooksAcrossInstances: two server processes on one database share
// the delivery queue: every committed event is delivered, none twice.
func TestWebhooksAcrossInstances(t *testing.T) {
	sink := newHookSink(t)
	dbURL := pgtest.URL(t)
	a, b, key := twoInstances(t, dbURL, "TENDER_WEBHOOK_POLL=50ms")
	if _, err := api(a.url, key).CreateWebhook(ctx, &client.WebhookInput{TargetURL: sink.URL, Event: "*"}); err != nil {
		t.Fatalf("POST /webhook: %v", err)
	}
	var wg sync.WaitGroup
	var committed atomic.Int64
	for i := range 100 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			url := a.url
			if i%2 == 1 {
				url = b.url
			}
			if _, err := api(url, key).CreateCustomer(ctx, &client.CustomerInput{Firstname: fmt.Sprint("C", i)}); status(t, err) == 200 {
				committed.Add(1)
			}
		}()
	}
	wg.Wait()
	want := int(committed.Load())
	waitFor(t, fmt.Sprintf("%d deliveries", want), 30*time.Second, func() bool { e, _, _ := sink.counts(); return e >= want })
	waitFor(t, "the delivery queue to drain", 30*time.Second, deliveriesSettled(t, dbURL))
	events, deliveries, dup := sink.counts()
	if events != want || deliveries != want || dup != 0 {
		t.Fatalf("%d committed events: %d delivered, %d deliveries, %d delivered twice", want, events, deliveries, dup)
	}
}

// TestWebhookRelayFailover: the relay runs in one instance at a time (a
// lease); when that instance is killed, the other takes the relay over once
// the lease expires, and the events committed meanwhile are delivered, none
// twice.
func TestWebhookRelayFailover(t *testing.T) {
	sink := newHookSink(t)
	dbURL := pgtest.URL(t)
	a, b, key := twoInstances(t, dbURL, "TENDER_WEBHOOK_POLL=50ms")
	ca, cb := api(a.url, key), api(b.url, key)
	hook, err := ca.CreateWebhook(ctx, &client.WebhookInput{TargetURL: sink.URL, Event: "create_customer"})
	if err != nil {
		t.Fatalf("POST /webhook: %v", err)
	}
	for i := range 5 {
		if _, err := ca.CreateCustomer(ctx, &client.CustomerInput{Firstname: fmt.Sprint("Before", i)}); err != nil {
			t.Fatalf("POST /customer: %v", err)
		}
	}
	waitFor(t, "the first deliveries", 10*time.Second, func() bool { e, _, _ := sink.counts(); return e == 5 })
	// The relay records a batch's deliveries just after sending them; a
	// kill in between is a crash mid-batch, whose sends the next relay
	// makes again (at least once). This test is about the lease passing
	// on, so it kills a once the first batch is recorded.
	waitFor(t, "the first deliveries recorded", 10*time.Second, func() bool {
		page, err := ca.WebhookDeliveries(ctx, hook.ID, nil)
		if err != nil {
			t.Fatalf("GET /webhook/{id}/deliveries: %v", err)
		}
		for _, d := range page.Data {
			if d.Status != "delivered" {
				return false
			}
		}
		return len(page.Data) == 5
	})
	// a started first and relays; kill it without letting it hand back
	// the lease.
	_ = a.cmd.Process.Kill()
	<-a.done
	for i := range 5 {
		if _, err := cb.CreateCustomer(ctx, &client.CustomerInput{Firstname: fmt.Sprint("After", i)}); err != nil {
			t.Fatalf("create on the surviving instance: %v", err)
		}
	}
	waitFor(t, "the deliveries by the surviving instance", 20*time.Second, func() bool { e, _, _ := sink.counts(); return e == 10 })
	waitFor(t, "the delivery queue to drain", 20*time.Second, deliveriesSettled(t, dbURL))
	if events, deliveries, dup := sink.counts(); events != 10 || deliveries != 10 || dup != 0 {
		t.Fatalf("10 events: %d delivered, %d deliveries, %d twice", events, deliveries, dup)
	}
}
