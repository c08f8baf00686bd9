package loadgen_test

import (
	"context"
	"os"
	"testing"
	"time"

	"github.com/tenderpay/tender/internal/apitest"
	"github.com/tenderpay/tender/loadgen"
	"github.com/tenderpay/tender/store/postgres/pgtest"
)

func TestRunAllScenarios(t *testing.T) {
	apitest.EachStore(t, func(t *testing.T, store string) {
		e := apitest.Start(t, store, apitest.Options{NoLogScan: true})
		results, err := loadgen.Run(context.Background(), loadgen.Config{URL: e.URL, Key: e.Key, Clients: 4, Requests: 40, ServerPID: os.Getpid()})
		if err != nil {
			t.Fatal(err)
		}
		if len(results) != len(loadgen.Scenarios) {
			t.Fatalf("%d results", len(results))
		}
		for _, r := range results {
			if r.Requests != 40 || r.Errors != 0 || r.PerSecond <= 0 || r.P50 <= 0 || r.Max < r.P99 || r.PeakRSSMB <= 0 || r.LoadCPUMS <= 0 || r.ServerCPUMS < 0 {
				t.Errorf("%+v", r)
			}
		}
		// Open loop at a fixed rate: never more than the schedule allows
		// (a slow server — this runs under -race beside other packages —
		// may get fewer done, and then shows the queueing in its latency).
		res, err := loadgen.Run(context.Background(), loadgen.Config{URL: e.URL, Key: e.Key, Clients: 4, Duration: time.Second, Rate: 20, Scenarios: []string{"customer"}})
		if err != nil || res[0].Requests < 1 || res[0].Requests > 21 || res[0].Errors != 0 {
			t.Fatalf("rate 20/s for 1s: %+v %v", res, err)
		}
		// A warm-up runs first and is not counted: 20/s for 1 s after 1 s.
		res, err = loadgen.Run(context.Background(), loadgen.Config{URL: e.URL, Key: e.Key, Clients: 4, Duration: time.Second, Warmup: time.Second, Rate: 20, Scenarios: []string{"customer"}})
		if err != nil || res[0].Requests < 1 || res[0].Requests > 21 || res[0].Errors != 0 || res[0].Seconds < 0.9 || res[0].Seconds > 1.5 {
			t.Fatalf("rate 20/s for 1s after a 1s warm-up: %+v %v", res, err)
		}
	})
}

func TestPGBench(t *testing.T) {
	url := pgtest.URL(t)
	tps, err := loadgen.PGBench(context.Background(), url, 2, time.Second)
	if err != nil {
		t.Fatal(err)
	}
	if tps <= 0 {
		t.Fatalf("tps = %v", tps)
	}
}
