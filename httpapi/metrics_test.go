package httpapi_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
	"github.com/tenderpay/tender/internal/apitest"
	"github.com/tenderpay/tender/store/postgres/pgtest"
)

// scrape reads GET /metrics with the bearer token and parses it with
// Prometheus' own text parser.
func scrape(t *testing.T, e *apitest.Env, token string) map[string]*dto.MetricFamily {
	t.Helper()
	req, _ := http.NewRequest("GET", e.URL+"/metrics", nil)
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := e.Client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("GET /metrics: %d", resp.StatusCode)
	}
	p := expfmt.NewTextParser(model.UTF8Validation)
	fams, err := p.TextToMetricFamilies(resp.Body)
	if err != nil {
		t.Fatalf("parse /metrics: %v", err)
	}
	return fams
}

// metricValue is the value of family name's series with the labels given
// as name=value pairs; ok false when there is no such series.
func metricValue(fams map[string]*dto.MetricFamily, name string, labels ...string) (float64, bool) {
	f := fams[name]
	if f == nil {
		return 0, false
	}
next:
	for _, m := range f.GetMetric() {
		for i := 0; i+1 < len(labels); i += 2 {
			found := false
			for _, l := range m.GetLabel() {
				if l.GetName() == labels[i] && l.GetValue() == labels[i+1] {
					found = true
				}
			}
			if !found {
				continue next
			}
		}
		switch {
		case m.GetCounter() != nil:
			return m.GetCounter().GetValue(), true
		case m.GetGauge() != nil:
			return m.GetGauge().GetValue(), true
		}
	}
	return 0, false
}

// TestBusinessMetrics: over real HTTP on both stores, an approved charge
// and two declines are counted by outcome and by decline code; a webhook
// whose endpoint fails leaves a pending delivery the backlog gauges report
// with its age; the job queue, the outbox and the relay are reported; and
// the page stays behind its bearer token.
func TestBusinessMetrics(t *testing.T) {
	apitest.EachStore(t, func(t *testing.T, store string) {
		const token = "metrics-secret"
		e := apitest.Start(t, store, apitest.Options{MetricsToken: token})
		var hits atomic.Int32
		failing := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			hits.Add(1)
			w.WriteHeader(http.StatusInternalServerError)
		}))
		t.Cleanup(failing.Close)
		e.Call("POST", "/webhook", map[string]any{"target_url": failing.URL, "event": "create_transaction"}, 200)

		before := scrape(t, e, token)
		if v, ok := metricValue(before, "tender_payments_total", "type", "charge", "outcome", "approved"); !ok || v != 0 {
			t.Fatalf("approved charges before any: %v %v", v, ok)
		}
		if v, ok := metricValue(before, "tender_database_up"); !ok || v != 1 {
			t.Fatalf("tender_database_up = %v %v", v, ok)
		}

		e.Call("POST", "/charge", map[string]any{"payment_method_id": newCard(t, e, "4111111111111111"), "total": 10.5}, 200)
		for _, card := range []string{"4000000000009995", "4000000000009995"} {
			e.Call("POST", "/charge", map[string]any{"payment_method_id": newCard(t, e, card), "total": 5}, 400)
		}
		// The three charges' events reach the failing endpoint: their
		// deliveries stay pending, a retry to come.
		wait(t, "the failing webhook's attempts", 20*time.Second, func() bool {
			v, _ := metricValue(scrape(t, e, token), "tender_webhook_deliveries_pending")
			return v == 3 && hits.Load() >= 3
		})

		fams := scrape(t, e, token)
		for _, c := range []struct {
			name   string
			labels []string
			want   float64
		}{
			{"tender_payments_total", []string{"type", "charge", "outcome", "approved"}, 1},
			{"tender_payments_total", []string{"type", "charge", "outcome", "declined"}, 2},
			{"tender_payment_declines_total", []string{"code", "insufficient_funds"}, 2},
			{"tender_transactions_pending", nil, 0},
			{"tender_transactions_pending_oldest_age_seconds", nil, 0},
			{"tender_webhook_deliveries_pending", nil, 3},
			{"tender_database_up", nil, 1},
		} {
			if v, ok := metricValue(fams, c.name, c.labels...); !ok || v != c.want {
				t.Errorf("%s%v = %v (present %v), want %v", c.name, c.labels, v, ok, c.want)
			}
		}
		if v, ok := metricValue(fams, "tender_webhook_deliveries_pending_oldest_age_seconds"); !ok || v < 0 || v > 600 {
			t.Errorf("oldest pending delivery's age = %v (present %v)", v, ok)
		}
		for _, name := range []string{"tender_messages_outbox", "tender_messages_outbox_oldest_age_seconds",
			"tender_webhook_relay_events", "tender_webhook_relay_events_oldest_age_seconds"} {
			if v, ok := metricValue(fams, name); !ok || v < 0 {
				t.Errorf("%s = %v (present %v)", name, v, ok)
			}
		}
		// The failed deliveries' retries are jobs the queue holds.
		for _, state := range []string{"available", "running", "scheduled", "retryable"} {
			if _, ok := metricValue(fams, "tender_jobs", "state", state); !ok {
				t.Errorf("tender_jobs{state=%q} missing", state)
			}
		}
		// The business figures are as private as the rest of the page.
		resp, err := http.Get(e.URL + "/metrics")
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 401 || strings.Contains(string(body), "tender_payments_total") {
			t.Errorf("/metrics without the token: %d %.100s", resp.StatusCode, body)
		}
	})
}

// TestBusinessMetricsDatabaseDown: with PostgreSQL unreachable a scrape
// still answers 200 promptly, with tender_database_up 0, the counters, and
// no backlog figures; once the database is back it reports them again.
func TestBusinessMetricsDatabaseDown(t *testing.T) {
	t.Parallel()
	u, err := url.Parse(pgtest.URL(t))
	if err != nil {
		t.Fatal(err)
	}
	proxy := startPGProxy(t, u.Host)
	u.Host = proxy.ln.Addr().String()
	const token = "metrics-secret"
	e := apitest.Start(t, "postgres", apitest.Options{DatabaseURL: u.String(), DBMaxConns: 4, MetricsToken: token})
	e.Call("POST", "/charge", map[string]any{"payment_method_id": newCard(t, e, "4111111111111111"), "total": 3}, 200)

	proxy.Cut()
	start := time.Now()
	fams := scrape(t, e, token)
	if d := time.Since(start); d > 10*time.Second {
		t.Errorf("a scrape with the database down took %v", d)
	}
	if v, ok := metricValue(fams, "tender_database_up"); !ok || v != 0 {
		t.Errorf("tender_database_up during the outage = %v (present %v), want 0", v, ok)
	}
	if v, ok := metricValue(fams, "tender_payments_total", "type", "charge", "outcome", "approved"); !ok || v != 1 {
		t.Errorf("approved charges during the outage = %v (present %v), want 1", v, ok)
	}
	if _, ok := metricValue(fams, "tender_transactions_pending"); ok {
		t.Errorf("a backlog figure reported while the database is unreachable")
	}

	proxy.Restore()
	wait(t, "tender_database_up after the outage", 15*time.Second, func() bool {
		v, _ := metricValue(scrape(t, e, token), "tender_database_up")
		return v == 1
	})
}
