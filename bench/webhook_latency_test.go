package bench

import (
	"fmt"
	"net"
	"net/http"
	"slices"
	"testing"
	"time"

	"github.com/tenderpay/tender/internal/apitest"
)

// BenchmarkWebhookLatency measures how long an event takes from the API's
// answer to its webhook's arrival, one request at a time, with the server's
// default poll interval (250 ms). On PostgreSQL two instances share the
// database and the requests alternate between them, so half the events
// are committed by the instance that does not hold the webhook relay's
// lease: "listen" is the default (the relay is woken by a NOTIFY sent
// after the commit, and River LISTENs for its jobs), "poll" is
// TENDER_DATABASE_LISTEN_URL=off (the other instance's events wait for the
// relay's next poll). Each instance's p50 and p99 are reported apart
// (a-, b-); the slower instance is the one without the lease. On SQLite
// there is one process and the relay is woken in it.
//
//	go test -run '^$' -bench WebhookLatency -benchtime 200x ./bench
func BenchmarkWebhookLatency(b *testing.B) {
	for _, store := range apitest.Stores {
		modes := []string{"listen"}
		if store == "postgres" {
			modes = append(modes, "poll")
		}
		for _, mode := range modes {
			b.Run(store+"/"+mode, func(b *testing.B) {
				listen := ""
				if mode == "poll" {
					listen = "off"
				}
				opt := apitest.Options{NoLogScan: true, WebhookPollInterval: poll, DatabaseListenURL: listen}
				a := apitest.Start(b, store, opt)
				envs := []*apitest.Env{a}
				if store == "postgres" {
					opt.DatabaseURL = a.DatabaseURL
					envs = append(envs, apitest.Start(b, store, opt))
				}
				arrived := make(chan string, 16)
				url := hookReceiver(b, arrived)
				do(b, "POST", a.URL+"/webhook", a.Key, fmt.Appendf(nil, `{"target_url":%q,"event":"create_customer"}`, url))
				var all recorder
				recs := make([]recorder, len(envs))
				b.ResetTimer()
				start := time.Now()
				for i := range b.N {
					e := envs[i%len(envs)]
					t0 := time.Now()
					do(b, "POST", e.URL+"/customer", a.Key, fmt.Appendf(nil, `{"firstname":"L%d"}`, i))
					select {
					case <-arrived:
					case <-time.After(30 * time.Second):
						b.Fatalf("delivery %d did not arrive", i)
					}
					recs[i%len(envs)].add(time.Since(t0))
					all.add(time.Since(t0))
				}
				elapsed := time.Since(start)
				b.StopTimer()
				for k := range recs {
					if r := &recs[k]; len(envs) > 1 && len(r.lat) > 0 {
						slices.Sort(r.lat)
						name := string(rune('a' + k))
						pctMetric(b, r, 0.50, name+"-p50-ms")
						pctMetric(b, r, 0.99, name+"-p99-ms")
					}
				}
				all.report(b, elapsed)
			})
		}
	}
}

func pctMetric(b *testing.B, r *recorder, p float64, unit string) {
	b.ReportMetric(float64(r.lat[int(float64(len(r.lat)-1)*p)].Microseconds())/1000, unit)
}

// hookReceiver serves webhook deliveries on a loopback port and reports
// each on arrived.
func hookReceiver(b *testing.B, arrived chan<- string) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		arrived <- r.Header.Get("stax-event-name")
	}), ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = srv.Serve(ln) }()
	b.Cleanup(func() { _ = srv.Close() })
	return "http://" + ln.Addr().String() + "/hook"
}
