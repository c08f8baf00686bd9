// Package bench measures Tender over real HTTP against a real server on each
// store. Run: make bench (go test -run '^$' -bench . -benchtime 5s ./bench/).
// Each benchmark reports requests per second and p50/p99 latency (ms) with
// 8 concurrent clients (SetParallelism(4) on this 2-core machine).
package bench

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/tenderpay/tender/internal/apitest"
	"github.com/valyala/fasthttp"
)

type recorder struct {
	mu  sync.Mutex
	lat []time.Duration
}

func (r *recorder) add(d time.Duration) {
	r.mu.Lock()
	r.lat = append(r.lat, d)
	r.mu.Unlock()
}

func (r *recorder) report(b *testing.B, elapsed time.Duration) {
	if len(r.lat) == 0 {
		return
	}
	slices.Sort(r.lat)
	pct := func(p float64) float64 {
		return float64(r.lat[int(float64(len(r.lat)-1)*p)].Microseconds()) / 1000
	}
	b.ReportMetric(float64(len(r.lat))/elapsed.Seconds(), "req/s")
	b.ReportMetric(pct(0.50), "p50-ms")
	b.ReportMetric(pct(0.99), "p99-ms")
	b.ReportMetric(0, "ns/op")
}

var client = &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 64, MaxConnsPerHost: 64}}

func do(b *testing.B, method, url, key string, body []byte) []byte {
	req, _ := http.NewRequest(method, url, bytes.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+key)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := client.Do(req)
	if err != nil {
		b.Error(err)
		return nil
	}
	out, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 {
		b.Errorf("%s %s: %d %s", method, url, resp.StatusCode, out)
	}
	return out
}

// run measures f under 8 concurrent clients.
func run(b *testing.B, f func(i int)) { runDrained(b, f, nil, 0) }

// runDrained is run, followed by drain (if any), which waits for the work
// f leaves behind. That work counts in the time, except for latency by
// design: up to latency of the wait is left out (a webhook goes out at the
// relay's next poll, so the last charges' deliveries wait up to a poll
// interval however fast the relay is), and anything beyond it counts, so a
// relay that falls behind still shows. The wait is reported as drain-ms.
func runDrained(b *testing.B, f func(i int), drain func(), latency time.Duration) {
	var rec recorder
	var n sync.Mutex
	i := 0
	b.SetParallelism(4)
	b.ResetTimer()
	start := time.Now()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			n.Lock()
			i++
			k := i
			n.Unlock()
			t0 := time.Now()
			f(k)
			rec.add(time.Since(t0))
		}
	})
	elapsed := time.Since(start)
	if drain != nil {
		charged := time.Now()
		drain()
		waited := time.Since(charged)
		elapsed += max(0, waited-latency)
		b.ReportMetric(float64(waited.Microseconds())/1000, "drain-ms")
	}
	rec.report(b, elapsed)
}

// poll is the server's default webhook poll interval (relay and retry
// workers), in every benchmark, so that BenchmarkCharge and
// BenchmarkChargeWebhooks differ by the webhooks alone.
const poll = 250 * time.Millisecond

func eachStore(b *testing.B, f func(b *testing.B, e *apitest.Env)) {
	for _, store := range apitest.Stores {
		b.Run(store, func(b *testing.B) {
			f(b, apitest.Start(b, store, apitest.Options{NoLogScan: true, WebhookPollInterval: poll}))
		})
	}
}

func BenchmarkCustomerCreate(b *testing.B) {
	eachStore(b, func(b *testing.B, e *apitest.Env) {
		run(b, func(i int) {
			body := fmt.Appendf(nil, `{"firstname":"Bench","lastname":"User %d","email":"u%d@example.com"}`, i, i)
			do(b, "POST", e.URL+"/customer", e.Key, body)
		})
	})
}

func BenchmarkCustomerGet(b *testing.B) {
	eachStore(b, func(b *testing.B, e *apitest.Env) {
		var c struct{ ID string }
		_ = json.Unmarshal(do(b, "POST", e.URL+"/customer", e.Key, []byte(`{"firstname":"Get"}`)), &c)
		run(b, func(int) { do(b, "GET", e.URL+"/customer/"+c.ID, e.Key, nil) })
	})
}

func BenchmarkCharge(b *testing.B) {
	eachStore(b, func(b *testing.B, e *apitest.Env) {
		pm := cardToCharge(b, e)
		run(b, func(i int) {
			body := fmt.Appendf(nil, `{"payment_method_id":%q,"total":10.5,"idempotency_id":"bench-%d-%d"}`, pm, b.N, i)
			do(b, "POST", e.URL+"/charge", e.Key, body)
		})
	})
}

// BenchmarkPreauthCapture is the load tool's preauth-capture scenario: a
// pre-authorization of 20.00 without an idempotency id, then a capture of
// 15.00 of it (two requests an iteration).
func BenchmarkPreauthCapture(b *testing.B) {
	eachStore(b, func(b *testing.B, e *apitest.Env) {
		pm := cardToCharge(b, e)
		run(b, func(int) {
			var t struct{ ID string }
			_ = json.Unmarshal(do(b, "POST", e.URL+"/charge", e.Key, fmt.Appendf(nil, `{"payment_method_id":%q,"total":20,"pre_auth":true}`, pm)), &t)
			do(b, "POST", e.URL+"/transaction/"+t.ID+"/capture", e.Key, []byte(`{"total":15}`))
		})
	})
}

// BenchmarkInvoicePay is the load tool's invoice-pay scenario: an invoice
// with one catalog line, then its payment (two requests an iteration).
func BenchmarkInvoicePay(b *testing.B) {
	eachStore(b, func(b *testing.B, e *apitest.Env) {
		var c, card, item struct{ ID string }
		_ = json.Unmarshal(do(b, "POST", e.URL+"/customer", e.Key, []byte(`{"firstname":"Invoice"}`)), &c)
		_ = json.Unmarshal(do(b, "POST", e.URL+"/payment-method", e.Key, fmt.Appendf(nil,
			`{"customer_id":%q,"person_name":"B C","card_number":"4111111111111111","card_cvv":"123","card_exp":"1230"}`, c.ID)), &card)
		pm := card.ID
		_ = json.Unmarshal(do(b, "POST", e.URL+"/item", e.Key, []byte(`{"item":"Bench item","price":12,"in_stock":1000000000}`)), &item)
		run(b, func(i int) {
			var inv struct{ ID string }
			_ = json.Unmarshal(do(b, "POST", e.URL+"/invoice", e.Key, fmt.Appendf(nil,
				`{"customer_id":%q,"total":12,"meta":{"lineItems":[{"id":%q,"item":"Bench item","quantity":1,"price":12}]}}`, c.ID, item.ID)), &inv)
			do(b, "POST", e.URL+"/invoice/"+inv.ID+"/pay", e.Key, fmt.Appendf(nil,
				`{"payment_method_id":%q,"idempotency_id":"bench-inv-%d-%d"}`, pm, b.N, i))
		})
	})
}

// BenchmarkChargeWebhooks is BenchmarkCharge with three webhooks subscribed
// to every event (receivers answer 200 at once), so the cost of recording
// and delivering events shows against BenchmarkCharge. The clock stops when
// every charge's deliveries have arrived, so that what is measured is the
// steady state, not charges whose deliveries are still waiting; of that
// wait, one poll interval (the delivery latency the relay's polling gives
// by design, whatever its speed) is left out, and the rest counts (see
// runDrained). Before, all of it counted: 110-280 ms (drain-ms) against
// runs of 5-10 s, 2-6% of a run, more the shorter the run.
//
// The receivers stand for the merchants' servers, which run elsewhere; here
// they share the two cores with Tender, so they are a lean HTTP server
// (fasthttp's) that still reads every request whole. With net/http's, the
// receivers alone took about 60 µs of CPU a charge (three requests), a
// twentieth of a charge on SQLite, which showed as Tender's cost.
func BenchmarkChargeWebhooks(b *testing.B) {
	for _, store := range apitest.Stores {
		b.Run(store, func(b *testing.B) {
			e := apitest.Start(b, store, apitest.Options{NoLogScan: true, WebhookPollInterval: poll})
			sinkURL, received := receiver(b)
			subscribe(b, e, sinkURL)
			pm := cardToCharge(b, e)
			var charges atomic.Int64
			runDrained(b, func(i int) {
				body := fmt.Appendf(nil, `{"payment_method_id":%q,"total":10.5,"idempotency_id":"benchw-%d-%d"}`, pm, b.N, i)
				do(b, "POST", e.URL+"/charge", e.Key, body)
				charges.Add(1)
			}, func() {
				deadline := time.Now().Add(time.Minute)
				for received.Load() < 3*charges.Load() {
					if time.Now().After(deadline) {
						b.Fatalf("%d of %d deliveries arrived", received.Load(), 3*charges.Load())
					}
					time.Sleep(5 * time.Millisecond) // a tight poll inside the timed drain: Eventually's backoff (to 100 ms) would be measured
				}
			}, poll)
		})
	}
}

// cardToCharge creates a customer with a card and returns the card's id.
func cardToCharge(b *testing.B, e *apitest.Env) string {
	var c, pm struct{ ID string }
	_ = json.Unmarshal(do(b, "POST", e.URL+"/customer", e.Key, []byte(`{"firstname":"Charge"}`)), &c)
	_ = json.Unmarshal(do(b, "POST", e.URL+"/payment-method", e.Key, fmt.Appendf(nil,
		`{"customer_id":%q,"person_name":"B C","card_number":"4111111111111111","card_cvv":"123","card_exp":"1230"}`, c.ID)), &pm)
	return pm.ID
}

// receiver serves webhook deliveries on a loopback port until the
// benchmark ends; it returns its base URL and the count of
// create_transaction deliveries received.
func receiver(b *testing.B) (string, *atomic.Int64) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	received := new(atomic.Int64)
	h := func(ctx *fasthttp.RequestCtx) {
		if string(ctx.Request.Header.Peek("stax-event-name")) == "create_transaction" && len(ctx.PostBody()) > 0 {
			received.Add(1)
		}
	}
	srv := &fasthttp.Server{Handler: h, NoDefaultServerHeader: true, NoDefaultDate: true, ReadTimeout: 30 * time.Second}
	go func() { _ = srv.Serve(ln) }()
	b.Cleanup(func() { _ = srv.Shutdown() })
	return "http://" + ln.Addr().String(), received
}

// subscribe subscribes three webhooks to every event, at url/0, url/1 and
// url/2, and returns their ids.
func subscribe(b *testing.B, e *apitest.Env, url string) []string {
	var ids []string
	for i := range 3 {
		var h struct{ ID string }
		_ = json.Unmarshal(do(b, "POST", e.URL+"/webhook", e.Key, fmt.Appendf(nil, `{"target_url":"%s/%d","event":"*"}`, url, i)), &h)
		ids = append(ids, h.ID)
	}
	return ids
}

// BenchmarkChargeWebhooksAlternated measures the same as BenchmarkCharge
// against BenchmarkChargeWebhooks, but on one server, in blocks of
// alternateBlock charges with and without three webhooks subscribed (and
// the receivers as there), so that the machine's drift in speed, which
// here swings whole runs by a third within minutes, falls on both sides
// alike. Every block ends when the relay has taken all of its events (and,
// with webhooks, its deliveries have arrived), less one poll interval (see
// runDrained); the webhooks are deleted and subscribed again between
// blocks, off the clock. Pairs alternate which kind goes first. b.N is
// rounded up to whole pairs of blocks; a first pair warms up and is not
// counted. It reports charges/s with and without webhooks and the change
// in percent.
func BenchmarkChargeWebhooksAlternated(b *testing.B) {
	for _, store := range apitest.Stores {
		b.Run(store, func(b *testing.B) {
			e := apitest.Start(b, store, apitest.Options{NoLogScan: true, WebhookPollInterval: poll})
			sinkURL, received := receiver(b)
			pm := cardToCharge(b, e)
			var next atomic.Int64
			var delivered int64
			// block makes a block of charges, then waits for the relay to
			// have delivered (with webhooks) and recorded them all, so that
			// no block's work spills into the next one.
			block := func(hooks bool) time.Duration {
				start := time.Now()
				var wg sync.WaitGroup
				for range alternateClients {
					wg.Go(func() {
						for range alternateBlock / alternateClients {
							body := fmt.Appendf(nil, `{"payment_method_id":%q,"total":10.5,"idempotency_id":"bencha-%d-%d"}`, pm, b.N, next.Add(1))
							do(b, "POST", e.URL+"/charge", e.Key, body)
						}
					})
				}
				wg.Wait()
				charged := time.Now()
				if hooks {
					delivered += 3 * alternateBlock
				}
				for {
					left, err := e.Server.Store.EventsToRelay(b.Context(), 1, false)
					if err != nil {
						b.Fatal(err)
					}
					if received.Load() >= delivered && len(left) == 0 {
						break
					}
					if time.Since(charged) > time.Minute {
						b.Fatalf("%d of %d deliveries arrived, %d events to relay", received.Load(), delivered, len(left))
					}
					time.Sleep(2 * time.Millisecond) // a tight poll inside the timed drain: Eventually's backoff (to 100 ms) would be measured
				}
				return charged.Sub(start) + max(0, time.Since(charged)-poll)
			}
			var with, without time.Duration
			pairs := (b.N + 2*alternateBlock - 1) / (2 * alternateBlock)
			b.ResetTimer()
			withHooks := func() time.Duration {
				b.StopTimer()
				hooks := subscribe(b, e, sinkURL)
				b.StartTimer()
				d := block(true)
				b.StopTimer()
				for _, id := range hooks {
					do(b, "DELETE", e.URL+"/webhook/"+id, e.Key, nil)
				}
				b.StartTimer()
				return d
			}
			for p := range pairs + 1 {
				// ABBA order: what a block leaves to the database's
				// background work (checkpoints, vacuum) falls on the next
				// block, which is of either kind equally often.
				var d, d0 time.Duration
				if p%2 == 0 {
					d = withHooks()
					d0 = block(false)
				} else {
					d0 = block(false)
					d = withHooks()
				}
				if p > 0 {
					with += d
					without += d0
				}
			}
			n := float64(pairs * alternateBlock)
			b.ReportMetric(n/without.Seconds(), "req/s")
			b.ReportMetric(n/with.Seconds(), "webhooks-req/s")
			b.ReportMetric((without.Seconds()/with.Seconds()-1)*100, "change-%")
			b.ReportMetric(0, "ns/op")
		})
	}
}

// A block of BenchmarkChargeWebhooksAlternated is alternateBlock charges
// (a second or so here) by alternateClients concurrent clients, as many
// each.
const (
	alternateClients = 8
	alternateBlock   = 100 * alternateClients
)
