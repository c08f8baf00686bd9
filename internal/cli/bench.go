package cli

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"time"

	"github.com/tenderpay/tender/loadgen"
)

type benchReport struct {
	Store       string           `json:"store,omitempty"`
	Clients     int              `json:"clients"`
	Results     []loadgen.Result `json:"results"`
	PGBenchTPS  float64          `json:"pgbench_tps,omitempty"`
	ChargeRatio float64          `json:"charges_per_pgbench_tx,omitempty"`
}

// benchCmd is "tender bench": load against a running server, or one it
// spawns (--spawn) so that its memory can be measured.
func benchCmd(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("bench", flag.ContinueOnError)
	fs.SetOutput(stderr)
	url := fs.String("url", env("TENDER_URL", "http://127.0.0.1:8080"), "server to load (TENDER_URL)")
	key := fs.String("key", env("TENDER_API_KEY", ""), "merchant API key (TENDER_API_KEY; default: the sandbox key in --data)")
	data := fs.String("data", env("TENDER_DATA_DIR", "tender-data"), "data directory holding sandbox-keys.json")
	spawn := fs.Bool("spawn", false, "start a fresh tender server for the run (on DATABASE_URL, or a temporary SQLite file) and measure its memory")
	dbURL := fs.String("database-url", env("DATABASE_URL", ""), "with --spawn or --pgbench: the database")
	clients := fs.Int("clients", 8, "concurrent clients")
	duration := fs.Duration("duration", 10*time.Second, "time per scenario")
	requests := fs.Int("requests", 0, "requests per scenario instead of a duration")
	rate := fs.Int("rate", 0, "fixed request rate per second (open loop); 0 = as fast as possible")
	warmup := fs.Duration("warmup", time.Second, "with --duration: run this much longer first, not counted (new connections, prepared statements, caches)")
	scenarios := fs.String("scenario", "all", "comma-separated: "+strings.Join(loadgen.Scenarios, ", ")+", or all")
	asJSON := fs.Bool("json", false, "print JSON instead of a table")
	pgb := fs.Bool("pgbench", false, "also run pgbench with the statements a charge runs on --database-url, and print charges/s ÷ its tx/s")
	pgbSchema := fs.String("pgbench-schema", "", "only make this existing schema of --database-url what pgbench's charge script writes to (Tender's migrations and its merchant), then exit (bench/pinned.sh)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *pgbSchema != "" {
		return loadgen.PGBenchSchema(ctx, *dbURL, *pgbSchema)
	}
	cfg := loadgen.Config{URL: *url, Key: *key, Clients: *clients, Duration: *duration, Requests: *requests,
		Rate: *rate, Warmup: *warmup, Scenarios: strings.Split(*scenarios, ",")}
	if !*asJSON {
		cfg.Progress = stderr
	}
	report := benchReport{Clients: *clients}
	if *spawn {
		srv, err := spawnServer(ctx, *dbURL)
		if err != nil {
			return err
		}
		defer srv.stop()
		cfg.URL, cfg.Key, cfg.ServerPID, report.Store = srv.url, srv.key, srv.cmd.Process.Pid, srv.store
	} else if cfg.Key == "" {
		k, err := sandboxKey(*data)
		if err != nil {
			return fmt.Errorf("no --key and no sandbox key: %w", err)
		}
		cfg.Key = k
	}
	results, err := loadgen.Run(ctx, cfg)
	report.Results = results
	if err != nil {
		return err
	}
	if *pgb {
		if !strings.HasPrefix(*dbURL, "postgres") {
			return errors.New("--pgbench needs --database-url postgres://")
		}
		tps, err := loadgen.PGBench(ctx, *dbURL, *clients, *duration)
		if err != nil {
			return err
		}
		report.PGBenchTPS = tps
		for _, r := range results {
			if r.Scenario == "charge" && tps > 0 {
				report.ChargeRatio = r.PerSecond / tps
			}
		}
	}
	if *asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(report)
	}
	if report.Store != "" {
		fmt.Fprintf(stdout, "store: %s, clients: %d\n", report.Store, *clients)
	}
	loadgen.Table(stdout, results)
	if report.PGBenchTPS > 0 {
		fmt.Fprintf(stdout, "pgbench (a charge's statements): %.0f tx/s; charges/s ÷ pgbench tx/s = %.2f\n", report.PGBenchTPS, report.ChargeRatio)
	}
	return nil
}

func sandboxKey(dataDir string) (string, error) {
	k, err := sandboxKeys(dataDir)
	return k.APIKey, err
}

type spawned struct {
	cmd             *exec.Cmd
	url, key, store string
	dir             string
}

var listeningRe = regexp.MustCompile(`listening on (http://\S+) \(store: (\w+)\)`)

// spawnServer runs "tender serve" (this binary) on a fresh data directory.
func spawnServer(ctx context.Context, dbURL string) (*spawned, error) {
	self, err := os.Executable()
	if err != nil {
		return nil, err
	}
	dir, err := os.MkdirTemp("", "tender-bench")
	if err != nil {
		return nil, err
	}
	cmd := exec.CommandContext(ctx, self, "serve")
	cmd.Env = append(os.Environ(), "TENDER_ADDR=127.0.0.1:0", "TENDER_DATA_DIR="+filepath.Join(dir, "data"),
		"TENDER_RATE_LIMIT=-1", "TENDER_LOG_LEVEL=warn", "TENDER_SANDBOX=true", "DATABASE_URL="+dbURL)
	out, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	cmd.Stderr = io.Discard
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	s := &spawned{cmd: cmd, dir: dir}
	sc := bufio.NewScanner(out)
	deadline := time.AfterFunc(30*time.Second, func() { _ = cmd.Process.Kill() })
	for sc.Scan() {
		if m := listeningRe.FindStringSubmatch(sc.Text()); m != nil {
			s.url, s.store = m[1], m[2]
			break
		}
	}
	deadline.Stop()
	go func() { _, _ = io.Copy(io.Discard, out) }()
	if s.url == "" {
		s.stop()
		return nil, errors.New("the spawned server did not start (an empty database is needed for its sandbox key)")
	}
	if s.key, err = sandboxKey(filepath.Join(dir, "data")); err != nil {
		s.stop()
		return nil, fmt.Errorf("spawned server's key (the database must be empty so that it creates the sandbox merchant): %w", err)
	}
	return s, nil
}

func (s *spawned) stop() {
	_ = s.cmd.Process.Signal(os.Interrupt)
	done := make(chan struct{})
	go func() { _ = s.cmd.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		_ = s.cmd.Process.Kill()
	}
	os.RemoveAll(s.dir)
}
