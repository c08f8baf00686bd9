package bench

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/tenderpay/tender/internal/apitest"
)

// BenchmarkReports reads the reporting routes (/query/*) of a merchant with
// 1,000,000 transactions (TENDER_BENCH_LIST_ROWS overrides), a second apart
// from 2026-01-01 (about 11.6 days of sales): a statement over one day
// (86,400 sales) and over the whole history (every sale), and the team
// summary. A statement reads every row of its range, by design (its range
// is bounded at 366 days; docs/reporting.md), so the one-day figure is the
// one a dashboard pays and the whole-range one is the worst case.
//
//	CI=true go test -run '^$' -bench Reports -benchtime 20x -timeout 30m ./bench
func BenchmarkReports(b *testing.B) {
	rows := filteredRows()
	for _, store := range apitest.Stores {
		b.Run(store, func(b *testing.B) {
			e := apitest.Start(b, store, apitest.Options{NoLogScan: true, WebhookPollInterval: time.Second})
			seedSpreadTransactions(b, e, store, rows)
			last := time.Date(2026, 1, 1, 0, 0, rows, 0, time.UTC).Format("2006-01-02")
			oneDay := "start_date=2026-01-02&end_date=2026-01-02"
			if rows < 2*86_400 {
				oneDay = "start_date=2026-01-01&end_date=2026-01-01"
			}
			for _, r := range []struct{ name, path string }{
				{"daily-sales/range=one-day", "/query/statement/v3/daily-sales?" + oneDay},
				{"daily-sales/range=all", "/query/statement/v3/daily-sales?start_date=2026-01-01&end_date=" + last},
				{"card-type/range=one-day", "/query/statement/v3/volumes/card-type?" + oneDay},
				{"team-summary", "/query/statistics/teamSummary"},
			} {
				b.Run(r.name, func(b *testing.B) {
					url := e.URL + r.path
					run(b, func(int) {
						var v map[string]any
						if err := json.Unmarshal(do(b, "GET", url, e.Key, nil), &v); err != nil || len(v) == 0 {
							b.Errorf("%s: %v %v", url, v, err)
						}
					})
				})
			}
			// The one-day statement holds that day's sales, every one.
			var day struct {
				Data []struct {
					Count int `json:"count"`
				} `json:"data"`
			}
			if err := json.Unmarshal(do(b, "GET", e.URL+"/query/statement/v3/daily-sales?"+oneDay, e.Key, nil), &day); err != nil || len(day.Data) != 1 {
				b.Fatalf("one day: %+v %v", day, err)
			}
			want := 86_400 // 2026-01-02: seconds 86,400 to 172,799
			if rows < 2*86_400 {
				want = min(rows, 86_399) // 2026-01-01: seconds 1 to 86,399
			}
			if day.Data[0].Count != want {
				b.Errorf("one day counted %d sales", day.Data[0].Count)
			}
		})
	}
}
