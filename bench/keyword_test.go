package bench

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/tenderpay/tender/internal/apitest"
)

// BenchmarkCustomerKeywordSearch reads the first page of a keyword search
// of customers (GET /customer?keywords=..., the dashboard's customer
// search too) on a merchant with 1,000,000 customers
// (TENDER_BENCH_LIST_ROWS overrides), a tenth of them deleted (as
// BenchmarkCustomerList's seed). Customer i is "First<i> L<i, 7 digits>"
// of company "Co<i % 10000, 4 digits>", email u<i>@example.test: a
// keyword of one customer (its last name), one of 100 (a company), one
// of every customer (the email domain: what a keyword of many matches
// costs), and a 2-character keyword, which no trigram index can find (the
// rows are read: issue 22 keeps that).
//
//	CI=true go test -run '^$' -bench CustomerKeywordSearch -benchtime 100x -timeout 60m ./bench
func BenchmarkCustomerKeywordSearch(b *testing.B) {
	rows := filteredRows()
	inserts := map[string]string{
		"sqlite": `WITH RECURSIVE g(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM g WHERE i < $2)
INSERT INTO customers (id, merchant_id, firstname, lastname, company, email, created_at, updated_at)
SELECT tender_uuid7(), $1, 'First' || i, 'L' || printf('%07d', i), 'Co' || printf('%04d', i % 10000), 'u' || i || '@example.test', t, t
FROM (SELECT i, strftime('%Y-%m-%d %H:%M:%f', '2026-01-01', '+' || i || ' seconds') || '000' AS t FROM g)`,
		"postgres": `INSERT INTO customers (id, merchant_id, firstname, lastname, company, email, created_at, updated_at)
SELECT tender_uuid7(), $1, 'First' || i, 'L' || lpad(i::text, 7, '0'), 'Co' || lpad((i % 10000)::text, 4, '0'), 'u' || i || '@example.test', t, t
FROM (SELECT i, timestamptz '2026-01-01 00:00:00+00' + i * interval '1 second' AS t FROM generate_series(1, $2::int) AS i) AS g`,
	}
	one := rows/2 + 1 // not a tenth: live
	company := 0      // customers i % 10000 == 42: none deleted (i % 10 == 2)
	for i := 42; i <= rows; i += 10_000 {
		company++
	}
	searches := []struct {
		name, keywords string
		total          int
	}{
		{"one", fmt.Sprintf("L%07d", one), 1},
		{"company", "co0042", company},
		{"two-words", fmt.Sprintf("first%d l%07d", one, one), 1},
		{"every", "@example.test", rows - rows/10},
		{"short-none", "zq", 0},
	}
	for _, store := range apitest.Stores {
		b.Run(store, func(b *testing.B) {
			e := apitest.Start(b, store, apitest.Options{NoLogScan: true, WebhookPollInterval: time.Second})
			seedCustomersAs(b, e, store, rows, inserts)
			if store == "postgres" && os.Getenv("TENDER_BENCH_EXPLAIN") != "" {
				explainSearches(b, e, searches[0].keywords, searches[3].keywords)
			}
			for _, s := range searches {
				b.Run("keywords="+s.name, func(b *testing.B) {
					u := fmt.Sprintf("%s/customer?keywords=%s&page=1&per_page=25", e.URL, url.QueryEscape(s.keywords))
					run(b, func(int) {
						var p struct {
							Total int               `json:"total"`
							Data  []json.RawMessage `json:"data"`
						}
						if err := json.Unmarshal(do(b, "GET", u, e.Key, nil), &p); err != nil || p.Total != s.total || len(p.Data) != min(25, s.total) {
							b.Errorf("%s: total %d (want %d), %d items, %v", u, p.Total, s.total, len(p.Data), err)
						}
					})
				})
			}
		})
	}
}

// explainSearches logs PostgreSQL's EXPLAIN (ANALYZE, BUFFERS) of a
// customer search's count and first page (the " by keywords" variants,
// as the store runs them) for each keyword, with the plan PostgreSQL
// would choose for the statement's first runs (custom) and the one it may
// cache after (generic).
func explainSearches(b *testing.B, e *apitest.Env, keywords ...string) {
	b.Helper()
	q, ok := e.Server.Store.(interface{ QueryText(string) string })
	if !ok {
		b.Fatal("the store has no QueryText")
	}
	ctx := context.Background()
	conn, err := e.Server.Store.SQLDB().Conn(ctx)
	if err != nil {
		b.Fatal(err)
	}
	defer conn.Close()
	for _, kw := range keywords {
		k := strings.ToLower(kw)
		r := strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)
		pattern := "%" + r.Replace(k) + "%"
		like, _ := json.Marshal([]string{pattern})
		args := []any{e.MerchantID, "", "", "", "", "", "", string(like), nil, nil, nil, nil}
		for _, mode := range []string{"force_custom_plan", "force_generic_plan"} {
			if _, err := conn.ExecContext(ctx, "SET plan_cache_mode = "+mode); err != nil {
				b.Fatal(err)
			}
			for _, c := range []struct {
				name string
				args []any
			}{
				{"CustomerCount by keywords", append(append([]any{}, args...), pattern)},
				{"CustomerList by keywords created_at desc", append(append([]any{}, args...), 25, 0, pattern)},
			} {
				rows, err := conn.QueryContext(ctx, "EXPLAIN (ANALYZE, BUFFERS) "+q.QueryText(c.name), c.args...)
				if err != nil {
					b.Fatal(err)
				}
				var plan []string
				for rows.Next() {
					var line string
					if err := rows.Scan(&line); err != nil {
						b.Fatal(err)
					}
					plan = append(plan, line)
				}
				rows.Close()
				b.Logf("%s, keywords=%q, %s:\n%s", c.name, kw, mode, strings.Join(plan, "\n"))
			}
		}
	}
	if _, err := conn.ExecContext(ctx, "RESET plan_cache_mode"); err != nil {
		b.Fatal(err)
	}
}
