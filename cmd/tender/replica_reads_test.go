package main_test

import (
	"database/sql"
	"io"
	"net/http"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// TestReplicaReads: with TENDER_DATABASE_REPLICA_URL, lists are read from
// the streaming replica, except a merchant's own reads after its write
// (the read-your-writes fence), and fall back to the primary when the
// replica stops. Replay is paused on the replica so a stale answer proves
// where a read went: instance b (no replica) writes customer X; instance
// a, which has seen no write by the merchant, lists without X (the
// replica); a then writes Y and lists X and Y at once (the primary).
func TestReplicaReads(t *testing.T) {
	if testing.Short() {
		t.Skip("replica test: not in -short")
	}
	primary, replica := startSyncPair(t)
	pdb := primaryDB(t, primary)
	// A read replica is usually asynchronous; and the primary must not
	// wait for a replica this test stops.
	if _, err := pdb.Exec(`ALTER SYSTEM SET synchronous_standby_names = ''`); err != nil {
		t.Fatal(err)
	}
	if _, err := pdb.Exec(`SELECT pg_reload_conf()`); err != nil {
		t.Fatal(err)
	}
	rdb, err := sql.Open("pgx", replica.url("postgres"))
	if err != nil {
		t.Fatal(err)
	}
	rdb.SetMaxOpenConns(1)
	t.Cleanup(func() { rdb.Close() })

	dir := t.TempDir()
	env := []string{"TENDER_ADDR=127.0.0.1:0", "DATABASE_URL=" + primary.url("postgres"), "TENDER_RATE_LIMIT=-1"}
	a := startProc(t, dir, append(env, "TENDER_DATABASE_REPLICA_URL="+replica.url("postgres")), "serve")
	b := startProc(t, dir, env, "serve")
	key := sandboxKey(t, dir)

	waitReplica := func(want string) {
		t.Helper()
		waitFor(t, "/readyz to report the replica "+want, 30*time.Second, func() bool {
			st, got := call(t, "GET", a.url+"/readyz", "", nil)
			if st != 200 {
				t.Fatalf("/readyz: %d %v (the replica must not fail readiness)", st, got)
			}
			return got["replica"] == want
		})
	}
	waitReplica("streaming")
	// b's readiness has no replica to report.
	if _, r := call(t, "GET", b.url+"/readyz", "", nil); r["replica"] != nil {
		t.Errorf("b /readyz reports a replica: %v", r)
	}

	customers := func(p *proc) []string {
		t.Helper()
		st, page := call(t, "GET", p.url+"/customer?per_page=50", key, nil)
		if st != http.StatusOK {
			t.Fatalf("GET /customer: %d %v", st, page)
		}
		var names []string
		for _, c := range page["data"].([]any) {
			names = append(names, c.(map[string]any)["firstname"].(string))
		}
		return names
	}

	if _, err := rdb.Exec(`SELECT pg_wal_replay_pause()`); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the replica's WAL replay to pause", 30*time.Second, func() bool {
		var state string
		if err := rdb.QueryRow(`SELECT pg_get_wal_replay_pause_state()`).Scan(&state); err != nil {
			t.Fatal(err)
		}
		return state == "paused"
	})
	if st, c := call(t, "POST", b.url+"/customer", key, map[string]any{"firstname": "ViaB"}); st != 200 {
		t.Fatalf("customer via b: %d %v", st, c)
	}
	if got := customers(b); !slices.Contains(got, "ViaB") {
		t.Fatalf("b lists %v without its customer", got)
	}
	// a has seen no write: its list is the paused replica's.
	if got := customers(a); slices.Contains(got, "ViaB") {
		t.Fatalf("a lists %v: read from the primary, not the (paused) replica", got)
	}
	if st, c := call(t, "POST", a.url+"/customer", key, map[string]any{"firstname": "ViaA"}); st != 200 {
		t.Fatalf("customer via a: %d %v", st, c)
	}
	// The fence: a's own write, then its list at once, from the primary.
	if got := customers(a); !slices.Contains(got, "ViaA") || !slices.Contains(got, "ViaB") {
		t.Fatalf("a lists %v right after its write: want ViaA and ViaB (read-your-writes)", got)
	}
	// Reports go the same way; the report answers.
	if st, r := call(t, "GET", a.url+"/query/statement/v3/daily-sales?start_date=2026-01-01&end_date=2026-12-31", key, nil); st != 200 {
		t.Errorf("GET daily-sales: %d %v", st, r)
	}

	// Replay resumed, the fence lifts once the replica has caught up: a's
	// list comes from the replica again, now with both.
	if _, err := rdb.Exec(`SELECT pg_wal_replay_resume()`); err != nil {
		t.Fatal(err)
	}
	var sessions int
	if err := rdb.QueryRow(`SELECT count(*) FROM pg_stat_activity WHERE application_name = 'tender-replica-reads'`).Scan(&sessions); err != nil {
		t.Fatal(err)
	}
	if sessions == 0 {
		t.Error("no tender-replica-reads session on the replica")
	}

	// The replica stops: lists still answer, from the primary, at once
	// (a read the replica fails is retried there) and after the sampler
	// has seen it down.
	replica.stopImmediate(t)
	for range 3 {
		if got := customers(a); !slices.Contains(got, "ViaA") || !slices.Contains(got, "ViaB") {
			t.Fatalf("a lists %v with the replica down", got)
		}
	}
	waitReplica("down")
	if got := customers(a); !slices.Contains(got, "ViaA") || !slices.Contains(got, "ViaB") {
		t.Fatalf("a lists %v with the replica down", got)
	}
	if st, r := call(t, "GET", a.url+"/query/statement/v3/daily-sales?start_date=2026-01-01&end_date=2026-12-31", key, nil); st != 200 {
		t.Errorf("GET daily-sales with the replica down: %d %v", st, r)
	}
}

// TestReplicaReadLatency measures (TENDER_REPLICA_BENCH=1; see
// docs/benchmarks.md) the latency of a transaction list and a daily-sales
// report read from the replica (instance a) and from the primary
// (instance p), while four clients charge through p, and the replica's lag
// as a's /metrics reports it.
func TestReplicaReadLatency(t *testing.T) {
	if os.Getenv("TENDER_REPLICA_BENCH") != "1" {
		t.Skip("a measurement: TENDER_REPLICA_BENCH=1")
	}
	primary, replica := startSyncPair(t)
	pdb := primaryDB(t, primary)
	for _, q := range []string{`ALTER SYSTEM SET synchronous_standby_names = ''`, `SELECT pg_reload_conf()`} {
		if _, err := pdb.Exec(q); err != nil {
			t.Fatal(err)
		}
	}
	dir := t.TempDir()
	env := []string{"TENDER_ADDR=127.0.0.1:0", "DATABASE_URL=" + primary.url("postgres"), "TENDER_RATE_LIMIT=-1"}
	a := startProc(t, dir, append(env, "TENDER_DATABASE_REPLICA_URL="+replica.url("postgres")), "serve")
	p := startProc(t, dir, env, "serve")
	key := sandboxKey(t, dir)
	var pms []string
	for _, card := range []string{"4111111111111111", "5555555555554444"} {
		_, c := call(t, "POST", p.url+"/customer", key, map[string]any{"firstname": "Bench"})
		st, pm := call(t, "POST", p.url+"/payment-method", key, map[string]any{"customer_id": c["id"],
			"person_name": "B N", "card_number": card, "card_cvv": "123", "card_exp": "1230"})
		if st != 200 {
			t.Fatalf("payment method: %d %v", st, pm)
		}
		pms = append(pms, pm["id"].(string))
	}
	charge := func(i int) {
		if st, tx := call(t, "POST", p.url+"/charge", key, map[string]any{"payment_method_id": pms[i%2],
			"total": 10 + float64(i%90)}); st != 200 {
			t.Errorf("charge: %d %v", st, tx)
		}
	}
	for i := range 300 { // rows for the list and the report
		charge(i)
	}
	var charges atomic.Int64
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for w := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := w; ; i += 4 {
				select {
				case <-stop:
					return
				default:
				}
				charge(i)
				charges.Add(1)
			}
		}()
	}
	start := time.Now()
	const n = 150
	paths := map[string]string{"list": "/transaction?per_page=50",
		"report": "/query/statement/v3/daily-sales?start_date=2026-01-01&end_date=2026-12-31"}
	lat := map[string][]time.Duration{}
	var maxLag float64
	var fellBack int
	for i := range n {
		for _, what := range []string{"list", "report"} {
			for _, inst := range []*proc{a, p} {
				t0 := time.Now()
				if st, body := call(t, "GET", inst.url+paths[what], key, nil); st != 200 {
					t.Fatalf("%s: %d %v", what, st, body)
				}
				name := what + map[bool]string{true: " replica", false: " primary"}[inst == a]
				lat[name] = append(lat[name], time.Since(t0))
			}
		}
		if i%10 == 0 {
			lag, up := replicaGauges(t, a.url)
			maxLag = max(maxLag, lag)
			if up == 0 {
				fellBack++
			}
		}
	}
	close(stop)
	wg.Wait()
	elapsed := time.Since(start)
	t.Logf("charges during the reads: %d in %v (%.0f/s); replica lag max %.3f s; samples with reads on the primary: %d/%d",
		charges.Load(), elapsed.Round(time.Millisecond), float64(charges.Load())/elapsed.Seconds(), maxLag, fellBack, (n+9)/10)
	for _, name := range []string{"list replica", "list primary", "report replica", "report primary"} {
		d := lat[name]
		slices.Sort(d)
		t.Logf("%-15s p50 %6.1f ms  p99 %6.1f ms", name, ms(d[len(d)/2]), ms(d[len(d)*99/100]))
	}
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

// replicaGauges reads tender_replica_lag_seconds and tender_replica_up
// from GET /metrics.
func replicaGauges(t *testing.T, base string) (lag, up float64) {
	t.Helper()
	resp, err := http.Get(base + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	up = -1
	for _, line := range strings.Split(string(raw), "\n") {
		if v, ok := strings.CutPrefix(line, "tender_replica_lag_seconds "); ok {
			lag, _ = strconv.ParseFloat(v, 64)
		}
		if v, ok := strings.CutPrefix(line, "tender_replica_up "); ok {
			up, _ = strconv.ParseFloat(v, 64)
		}
	}
	if up < 0 {
		t.Fatalf("no tender_replica_up in /metrics")
	}
	return lag, up
}
