package bench

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"net/url"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/tenderpay/tender/internal/apitest"
)

// BenchmarkTransactionListFiltered reads filtered transaction lists on a
// merchant with 1,000,000 transactions (TENDER_BENCH_LIST_ROWS overrides),
// a second apart from 2026-01-01, spread over 100 customers: a one-day
// created range (86,400 rows) and one customer (1% of the rows), the first
// and the middle page of each. Both read by position (migration 015), so
// their figures should be like the unfiltered list's (BenchmarkTransactionList).
//
//	CI=true go test -run '^$' -bench TransactionListFiltered -benchtime 2000x ./bench
func BenchmarkTransactionListFiltered(b *testing.B) {
	benchFiltered(b, "/transaction", false, seedSpreadTransactions)
}

// benchFiltered runs readFilteredPages on list, on each store, after seed
// wrote filteredRows() rows.
func benchFiltered(b *testing.B, list string, asc bool, seed func(b *testing.B, e *apitest.Env, store string, rows int)) {
	rows := filteredRows()
	for _, store := range apitest.Stores {
		b.Run(store, func(b *testing.B) {
			e := apitest.Start(b, store, apitest.Options{NoLogScan: true, WebhookPollInterval: time.Second})
			seed(b, e, store, rows)
			readFilteredPages(b, e, list, rows, asc)
		})
	}
}

// filteredRows is how many rows the filtered-list benchmarks seed:
// 1,000,000, or TENDER_BENCH_LIST_ROWS.
func filteredRows() int {
	if v, err := strconv.Atoi(os.Getenv("TENDER_BENCH_LIST_ROWS")); err == nil && v > 0 {
		return v
	}
	return 1_000_000
}

// readFilteredPages reads the first and the middle page of list (rows
// seeded a second apart from 2026-01-01, row i for benchCustomer(i % 100))
// under a one-day created range (86,400 rows; with fewer rows, half of
// them) and one customer's filter, checking each page's total and size;
// with asc, each oldest first too (order=asc).
func readFilteredPages(b *testing.B, e *apitest.Env, list string, rows int, asc bool) {
	span, from := 86_400, 86_400
	if rows < 3*86_400 {
		span, from = rows/2, rows/4
	}
	at := func(i int) string {
		return url.QueryEscape(time.Date(2026, 1, 1, 0, 0, i, 0, time.UTC).Format("2006-01-02 15:04:05"))
	}
	type filter struct {
		name, query string
		total       int
	}
	filters := []filter{
		{"range=one-day", "start_date=" + at(from) + "&end_date=" + at(from+span-1), span},
		{"customer=one", "customer_id=" + benchCustomer(7), rows / 100},
	}
	if asc {
		for _, f := range filters[:2] {
			filters = append(filters, filter{f.name + "/order=asc", f.query + "&order=asc", f.total})
		}
		both := 0 // one customer's rows in the range: 864 at 1M
		for i := from; i < from+span; i++ {
			if i%100 == 7 {
				both++
			}
		}
		filters = append(filters, filter{"customer=one/range=one-day", filters[0].query + "&" + filters[1].query, both})
	}
	for _, f := range filters {
		last := (f.total + 24) / 25
		want := func(page int) int { return min(25, f.total-(page-1)*25) }
		for _, pg := range []struct {
			name string
			page int
		}{{"first", 1}, {"middle", (last + 1) / 2}} {
			b.Run(f.name+"/page="+pg.name, func(b *testing.B) {
				url := fmt.Sprintf("%s%s?%s&page=%d&per_page=25", e.URL, list, f.query, pg.page)
				run(b, func(int) {
					var p struct {
						Total int               `json:"total"`
						Data  []json.RawMessage `json:"data"`
					}
					if err := json.Unmarshal(do(b, "GET", url, e.Key, nil), &p); err != nil || p.Total != f.total || len(p.Data) != want(pg.page) {
						b.Errorf("%s: total %d (want %d), %d items, %v", url, p.Total, f.total, len(p.Data), err)
					}
				})
			})
		}
	}
}

// benchCustomer is the id of the seed's customer n (of 100).
func benchCustomer(n int) string { return fmt.Sprintf("c0000000-0000-4000-8000-%012d", n) }

// seedSpreadTransactions writes rows successful charges for e's merchant,
// a second apart from 2026-01-01 00:00:01, transaction i on customer i %
// 100, and numbers them in the merchant's list and its filtered lists as
// the server's numberer does (in one statement each rather than a thousand
// rows at a time).
func seedSpreadTransactions(b *testing.B, e *apitest.Env, store string, rows int) {
	b.Helper()
	db, ok := e.Server.Store.(interface{ SQLDB() *sql.DB })
	if !ok {
		b.Fatalf("store %T has no SQLDB", e.Server.Store)
	}
	ctx := context.Background()
	start := time.Now()
	var insert, lock string
	switch store {
	case "sqlite":
		insert = `WITH RECURSIVE g(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM g WHERE i < $2)
INSERT INTO transactions (id, merchant_id, customer_id, payment_method_id, type, method, success, status,
    total, captured, last_four, meta, batched_at, settled_at, created_at, updated_at)
SELECT tender_uuid7(), $1, 'c0000000-0000-4000-8000-' || printf('%012d', i % 100), '', 'charge', 'card', 1, 'SUCCESS',
    1050, 1050, '1111', '{}', t, t, t, t
FROM (SELECT i, strftime('%Y-%m-%d %H:%M:%f', '2026-01-01', '+' || i || ' seconds') || '000' AS t FROM g)`
	case "postgres":
		insert = `INSERT INTO transactions (id, merchant_id, customer_id, payment_method_id, type, method, success, status,
    total, captured, last_four, meta, batched_at, settled_at, created_at, updated_at)
SELECT gen_random_uuid(), $1, 'c0000000-0000-4000-8000-' || lpad((i % 100)::text, 12, '0'), '', 'charge', 'card', true,
    'SUCCESS', 1050, 1050, '1111', '{}', t, t, t, t
FROM (SELECT i, timestamptz '2026-01-01 00:00:00+00' + i * interval '1 second' AS t FROM generate_series(1, $2::int) AS i) AS g`
		lock = `SELECT pg_advisory_xact_lock(hashtext('tender_transaction_positions:' || current_schema()))`
	}
	seedInOne(b, db.SQLDB(), e.MerchantID, rows, lock, insert, lock, insert,
		`INSERT INTO transaction_filter_positions (merchant_id, dim, val, pos, transaction_id, created_at)
SELECT merchant_id, dim, val, row_number() OVER (PARTITION BY dim, val ORDER BY created_at, id), id, created_at
FROM (SELECT id, merchant_id, '' AS dim, '' AS val, created_at FROM transactions WHERE merchant_id = $1
      UNION ALL
      SELECT id, merchant_id, 'customer', customer_id, created_at FROM transactions WHERE merchant_id = $1) AS x`,
		`DELETE FROM transaction_position_queue WHERE merchant_id = $1`)
	if store == "postgres" {
		// What autovacuum does after such a bulk write (see seedTransactions).
		if _, err := db.SQLDB().ExecContext(ctx, `VACUUM ANALYZE transaction_position_queue, transaction_filter_positions, transactions`); err != nil {
			b.Fatal(err)
		}
	}
	b.Logf("%s: wrote and numbered %d transactions in %v", store, rows, time.Since(start).Round(time.Millisecond))
}

// seedInOne runs a bulk seed's statements, in order, in one transaction on
// db: lock (the numberer's, none on SQLite: skipped when empty) without
// arguments, insert with merchantID and rows, every other one with
// merchantID alone.
func seedInOne(b *testing.B, db *sql.DB, merchantID string, rows int, lock, insert string, stmts ...string) {
	b.Helper()
	ctx := context.Background()
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		b.Fatal(err)
	}
	defer tx.Rollback()
	for _, q := range stmts {
		if q == "" {
			continue
		}
		var args []any
		switch q {
		case lock:
		case insert:
			args = []any{merchantID, rows}
		default:
			args = []any{merchantID}
		}
		if _, err := tx.ExecContext(ctx, q, args...); err != nil {
			b.Fatal(err)
		}
	}
	if err := tx.Commit(); err != nil {
		b.Fatal(err)
	}
}
