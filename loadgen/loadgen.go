// Package loadgen drives a running Tender's HTTP API with concurrent
// clients over named scenarios and reports throughput and latency
// percentiles per scenario, and the server's memory when its pid is known.
// "tender bench" is its command line.
package loadgen

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Scenarios in the order "all" runs them.
var Scenarios = []string{"customer", "tokenize", "charge", "preauth-capture", "invoice-pay", "list", "list-deep"}

// Config says what to run.
type Config struct {
	URL, Key string
	Clients  int
	Duration time.Duration // per scenario, when Requests is 0
	Requests int           // per scenario
	// Rate, when > 0, sends at this fixed rate (open loop) instead of as
	// fast as the clients can; latency is then measured from each request's
	// scheduled time, so a stalled server cannot hide its queueing.
	Rate int
	// Warmup, with Duration, runs each scenario this much longer and does
	// not count the requests that began in its first Warmup: a just-started
	// server (and this client) pays for new connections, statements being
	// prepared and caches filling, which is not its steady state (wrk2
	// leaves out a calibration period the same way).
	Warmup    time.Duration
	Scenarios []string
	// ServerPID, when > 0, is sampled for resident memory (Linux /proc).
	ServerPID int
	Progress  io.Writer // nil: no progress bar
}

// Result is one scenario's figures. Latencies are in milliseconds.
type Result struct {
	Scenario  string  `json:"scenario"`
	Requests  int     `json:"requests"`
	Errors    int     `json:"errors"`
	Seconds   float64 `json:"seconds"`
	PerSecond float64 `json:"requests_per_second"`
	P50       float64 `json:"p50_ms"`
	P95       float64 `json:"p95_ms"`
	P99       float64 `json:"p99_ms"`
	Max       float64 `json:"max_ms"`
	PeakRSSMB float64 `json:"server_peak_rss_mb,omitempty"`
	// CPU (user+system) per counted request over the measured time: the
	// server's (when ServerPID is known; /proc, 10 ms ticks) and this load
	// tool's own (getrusage), reported apart.
	ServerCPUMS float64 `json:"server_cpu_ms_per_request,omitempty"`
	LoadCPUMS   float64 `json:"load_cpu_ms_per_request,omitempty"`
	FirstErr    string  `json:"first_error,omitempty"`
}

type runner struct {
	cfg    Config
	client *http.Client
	// fixtures
	customerID, cardID string
}

// Run runs the scenarios one after the other.
func Run(ctx context.Context, cfg Config) ([]Result, error) {
	if cfg.Clients <= 0 {
		cfg.Clients = 8
	}
	if cfg.Duration <= 0 && cfg.Requests <= 0 {
		cfg.Duration = 10 * time.Second
	}
	cfg.Warmup = max(cfg.Warmup, 0)
	if len(cfg.Scenarios) == 0 || slices.Contains(cfg.Scenarios, "all") {
		cfg.Scenarios = Scenarios
	}
	for _, s := range cfg.Scenarios {
		if !slices.Contains(Scenarios, s) {
			return nil, fmt.Errorf("unknown scenario %q (have %s)", s, strings.Join(Scenarios, ", "))
		}
	}
	r := &runner{cfg: cfg, client: &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{
		MaxIdleConnsPerHost: cfg.Clients * 2, MaxConnsPerHost: cfg.Clients * 2,
	}}}
	if err := r.setup(ctx); err != nil {
		return nil, fmt.Errorf("setup: %w", err)
	}
	var out []Result
	for _, s := range cfg.Scenarios {
		res, err := r.scenario(ctx, s)
		if err != nil {
			return out, err
		}
		out = append(out, res)
	}
	return out, nil
}

// call makes one API request and decodes its JSON answer.
func (r *runner) call(ctx context.Context, method, path string, body any) (map[string]any, error) {
	var m map[string]any
	err := r.request(ctx, method, path, body, func(raw []byte) { _ = json.Unmarshal(raw, &m) })
	return m, err
}

// send makes one API request whose answer is not needed beyond its status:
// the load tool shares the machine with the server, so it does not spend
// CPU decoding what it throws away.
func (r *runner) send(ctx context.Context, method, path string, body any) error {
	return r.request(ctx, method, path, body, nil)
}

func (r *runner) request(ctx context.Context, method, path string, body any, decode func([]byte)) error {
	var rd io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, r.cfg.URL+path, rd)
	if err != nil {
		return err
	}
	req.Header.Set("Authorization", "Bearer "+r.cfg.Key)
	req.Header.Set("Accept", "application/json")
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := r.client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode == http.StatusOK && decode == nil {
		_, err = io.Copy(io.Discard, resp.Body)
		return err
	}
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		return err
	}
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("%s %s: HTTP %d: %.200s", method, path, resp.StatusCode, raw)
	}
	decode(raw)
	return nil
}

func (r *runner) setup(ctx context.Context) error {
	c, err := r.call(ctx, "POST", "/customer", map[string]any{"firstname": "Load", "lastname": "Test", "email": "load@example.com"})
	if err != nil {
		return err
	}
	r.customerID, _ = c["id"].(string)
	pm, err := r.call(ctx, "POST", "/payment-method", r.card())
	if err != nil {
		return err
	}
	r.cardID, _ = pm["id"].(string)
	return nil
}

func (r *runner) card() map[string]any {
	return map[string]any{"method": "card", "customer_id": r.customerID, "person_name": "Load Test",
		"card_number": "4111111111111111", "card_cvv": "123", "card_exp": "1230"}
}

var runID = strconv.FormatInt(time.Now().UnixNano(), 36)

// op returns the work of one iteration of scenario s.
func (r *runner) op(ctx context.Context, s string) (func(i int64) error, error) {
	switch s {
	case "customer":
		return func(i int64) error {
			return r.send(ctx, "POST", "/customer", map[string]any{"firstname": "Load", "lastname": fmt.Sprint("User ", i), "email": fmt.Sprintf("u%d@example.com", i)})
		}, nil
	case "tokenize":
		return func(int64) error { return r.send(ctx, "POST", "/payment-method", r.card()) }, nil
	case "charge":
		return func(i int64) error {
			return r.send(ctx, "POST", "/charge", map[string]any{"payment_method_id": r.cardID, "total": 10.5,
				"meta": map[string]any{"reference": "load", "tax": 0.5}, "idempotency_id": fmt.Sprintf("load-%s-%d", runID, i)})
		}, nil
	case "preauth-capture":
		return func(int64) error {
			t, err := r.call(ctx, "POST", "/charge", map[string]any{"payment_method_id": r.cardID, "total": 20, "pre_auth": true})
			if err != nil {
				return err
			}
			return r.send(ctx, "POST", "/transaction/"+fmt.Sprint(t["id"])+"/capture", map[string]any{"total": 15})
		}, nil
	case "invoice-pay":
		// An invoice with a catalog line, then its payment (two requests).
		item, err := r.call(ctx, "POST", "/item", map[string]any{"item": "Load item", "price": 12, "in_stock": 1_000_000_000})
		if err != nil {
			return nil, err
		}
		return func(i int64) error {
			inv, err := r.call(ctx, "POST", "/invoice", map[string]any{"customer_id": r.customerID, "total": 12,
				"meta": map[string]any{"lineItems": []any{map[string]any{"id": item["id"], "item": "Load item", "quantity": 1, "price": 12}}}})
			if err != nil {
				return err
			}
			return r.send(ctx, "POST", "/invoice/"+fmt.Sprint(inv["id"])+"/pay", map[string]any{"payment_method_id": r.cardID,
				"idempotency_id": fmt.Sprintf("load-inv-%s-%d", runID, i)})
		}, nil
	case "list":
		return func(int64) error { return r.send(ctx, "GET", "/transaction?page=1&per_page=25", nil) }, nil
	case "list-deep":
		first, err := r.call(ctx, "GET", "/transaction?page=1&per_page=25", nil)
		if err != nil {
			return nil, err
		}
		last := 1
		if v, ok := first["last_page"].(float64); ok {
			last = int(v)
		}
		path := fmt.Sprintf("/transaction?page=%d&per_page=25", last)
		return func(int64) error { return r.send(ctx, "GET", path, nil) }, nil
	}
	return nil, fmt.Errorf("unknown scenario %q", s)
}

func (r *runner) scenario(ctx context.Context, s string) (Result, error) {
	op, err := r.op(ctx, s)
	if err != nil {
		return Result{}, err
	}
	res := Result{Scenario: s}
	var (
		mu      sync.Mutex
		lat     = make([]time.Duration, 0, 1<<16)
		n, errs atomic.Int64
		first   atomic.Value
		peakRSS atomic.Int64
	)
	runCtx, cancel := context.WithCancel(ctx)
	warmup := time.Duration(0)
	if r.cfg.Requests == 0 {
		warmup = r.cfg.Warmup
		runCtx, cancel = context.WithTimeout(ctx, warmup+r.cfg.Duration)
	}
	defer cancel()

	// Work items carry their scheduled start (open loop) or zero.
	work := make(chan time.Time, r.cfg.Clients)
	go func() {
		defer close(work)
		// Open loop: request i is due at begin + i/Rate. A ticker would
		// drop the ticks it could not deliver on a busy machine and so
		// offer less than Rate; behind schedule, requests go at once, and
		// their latency counts from when they were due.
		var interval time.Duration
		if r.cfg.Rate > 0 {
			interval = time.Second / time.Duration(r.cfg.Rate)
		}
		begin := time.Now()
		wait := time.NewTimer(0)
		defer wait.Stop()
		for sent := 0; r.cfg.Requests == 0 || sent < r.cfg.Requests; sent++ {
			at := time.Time{}
			if interval > 0 {
				at = begin.Add(time.Duration(sent) * interval)
				if d := time.Until(at); d > 0 {
					wait.Reset(d)
					select {
					case <-wait.C:
					case <-runCtx.Done():
						return
					}
				}
			}
			select {
			case work <- at:
			case <-runCtx.Done():
				return
			}
		}
	}()

	start := time.Now()
	measured := start.Add(warmup)
	// CPU is sampled when the measured time begins: at once, or when the
	// warm-up ends.
	cpu0 := make(chan cpuSample, 1)
	if warmup == 0 {
		cpu0 <- sampleCPU(r.cfg.ServerPID)
	} else {
		t := time.AfterFunc(warmup, func() { cpu0 <- sampleCPU(r.cfg.ServerPID) })
		defer t.Stop()
	}
	var wg sync.WaitGroup
	for range r.cfg.Clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for at := range work {
				t0 := time.Now()
				if !at.IsZero() {
					t0 = at
				}
				i := n.Add(1)
				err := op(i)
				if t0.Before(measured) {
					continue // warm-up
				}
				if err != nil {
					if errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled) {
						continue
					}
					if errs.Add(1) == 1 {
						first.Store(err.Error())
					}
				}
				d := time.Since(t0)
				mu.Lock()
				lat = append(lat, d)
				mu.Unlock()
			}
		}()
	}
	done := make(chan struct{})
	go func() {
		t := time.NewTicker(250 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-t.C:
				if rss := rssKB(r.cfg.ServerPID); rss > peakRSS.Load() {
					peakRSS.Store(rss)
				}
				r.progress(s, start, n.Load(), errs.Load())
			}
		}
	}()
	wg.Wait()
	close(done)
	elapsed := time.Since(measured)
	cpu1 := sampleCPU(r.cfg.ServerPID)
	select {
	case c := <-cpu0:
		res.ServerCPUMS = perRequestMS(c.server, cpu1.server, len(lat))
		res.LoadCPUMS = perRequestMS(c.self, cpu1.self, len(lat))
	default: // stopped before the warm-up ended
	}
	if rss := rssKB(r.cfg.ServerPID); rss > peakRSS.Load() {
		peakRSS.Store(rss)
	}
	if r.cfg.Progress != nil {
		fmt.Fprint(r.cfg.Progress, "\r\033[K")
	}
	slices.Sort(lat)
	res.Requests, res.Errors, res.Seconds = len(lat), int(errs.Load()), elapsed.Seconds()
	res.PerSecond = float64(len(lat)) / elapsed.Seconds()
	if len(lat) > 0 {
		ms := func(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
		pct := func(p float64) float64 { return ms(lat[int(float64(len(lat)-1)*p)]) }
		res.P50, res.P95, res.P99, res.Max = pct(.50), pct(.95), pct(.99), ms(lat[len(lat)-1])
	}
	res.PeakRSSMB = float64(peakRSS.Load()) / 1024
	if v, ok := first.Load().(string); ok {
		res.FirstErr = v
	}
	return res, nil
}

func (r *runner) progress(s string, start time.Time, n, errs int64) {
	if r.cfg.Progress == nil {
		return
	}
	elapsed := time.Since(start)
	frac := 0.0
	if r.cfg.Requests > 0 {
		frac = float64(n) / float64(r.cfg.Requests)
	} else {
		frac = elapsed.Seconds() / (r.cfg.Warmup + r.cfg.Duration).Seconds()
	}
	frac = min(max(frac, 0), 1)
	const width = 30
	bar := strings.Repeat("█", int(frac*width)) + strings.Repeat("░", width-int(frac*width))
	fmt.Fprintf(r.cfg.Progress, "\r\033[K%-16s %s %3.0f%%  %7d req  %7.0f/s  errors %d",
		s, bar, frac*100, n, float64(n)/elapsed.Seconds(), errs)
}

// rssKB reads VmRSS of pid from /proc (0 when unknown).
func rssKB(pid int) int64 {
	if pid <= 0 {
		return 0
	}
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			f := strings.Fields(v)
			if len(f) > 0 {
				kb, _ := strconv.ParseInt(f[0], 10, 64)
				return kb
			}
		}
	}
	return 0
}

// Table renders results for a terminal.
func Table(w io.Writer, results []Result) {
	fmt.Fprintf(w, "%-16s %9s %7s %10s %9s %9s %9s %9s %9s\n", "scenario", "requests", "errors", "req/s", "p50 ms", "p95 ms", "p99 ms", "max ms", "RSS MB")
	for _, r := range results {
		rss := "-"
		if r.PeakRSSMB > 0 {
			rss = fmt.Sprintf("%.0f", r.PeakRSSMB)
		}
		fmt.Fprintf(w, "%-16s %9d %7d %10.0f %9.2f %9.2f %9.2f %9.2f %9s\n", r.Scenario, r.Requests, r.Errors, r.PerSecond, r.P50, r.P95, r.P99, r.Max, rss)
		if r.LoadCPUMS > 0 {
			srv := "-" // not known: a server this tool did not spawn
			if r.ServerCPUMS > 0 {
				srv = fmt.Sprintf("%.3f ms", r.ServerCPUMS)
			}
			fmt.Fprintf(w, "    CPU per request: server %s, load tool %.3f ms\n", srv, r.LoadCPUMS)
		}
		if r.FirstErr != "" {
			fmt.Fprintf(w, "    first error: %s\n", r.FirstErr)
		}
	}
}
