package bench

import (
	"context"
	"testing"
	"time"

	"github.com/tenderpay/tender/internal/apitest"
	"github.com/tenderpay/tender/jobs"
	"github.com/tenderpay/tender/server"
)

// BenchmarkFreshStore is what every API test pays before its first
// request: a new database (a SQLite file, a PostgreSQL schema) opened and
// migrated, Tender's migrations then River's, and the store's statements
// prepared. The test suite runs it a few hundred times under -race, so
// compare it with and without the race detector, and with SQLite's
// translated C left uninstrumented (as make test does):
//
//	go test -run '^$' -bench FreshStore -benchtime 5x ./bench
//	go test -race -run '^$' -bench FreshStore -benchtime 5x ./bench
//	go test -race -gcflags='modernc.org/...=-race=false' -run '^$' -bench FreshStore -benchtime 5x ./bench
//
// It reports each step's mean, ms.
func BenchmarkFreshStore(b *testing.B) {
	for _, store := range apitest.Stores {
		b.Run(store, func(b *testing.B) {
			ctx := context.Background()
			var open, migrate, river time.Duration
			for range b.N {
				url := apitest.DatabaseURL(b, store)
				t0 := time.Now()
				st, err := server.OpenStore(ctx, server.Config{DatabaseURL: url, DataDir: b.TempDir()})
				if err != nil {
					b.Fatal(err)
				}
				t1 := time.Now()
				if err := st.Migrate(ctx); err != nil {
					b.Fatal(err)
				}
				t2 := time.Now()
				if err := jobs.Migrate(ctx, st); err != nil {
					b.Fatal(err)
				}
				t3 := time.Now()
				st.Close()
				open, migrate, river = open+t1.Sub(t0), migrate+t2.Sub(t1), river+t3.Sub(t2)
			}
			ms := func(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) / float64(b.N) }
			b.ReportMetric(ms(open), "open-ms")
			b.ReportMetric(ms(migrate), "migrate+prepare-ms")
			b.ReportMetric(ms(river), "river-ms")
		})
	}
}
