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
	two := 500_042 // of company Co0042 too
	searches := []struct {
		name     string
		keywords []string
		total    int
	}{
		{"one", []string{fmt.Sprintf("L%07d", one)}, 1},
		{"company", []string{"co0042"}, company},
		{"full-name", []string{fmt.Sprintf("first%d l%07d", one, one)}, 1},
		{"two-keywords", []string{"co0042", fmt.Sprintf("l%07d", two)}, 1},
		{"every", []string{"@example.test"}, rows - rows/10},
		{"short-none", []string{"zq"}, 0},
	}
	if two > rows {
		searches[3].total = 0
	}
	for _, store := range apitest.Stores {
		b.Run(store, func(b *testing.B) {
			e := apitest.Start(b, store, apitest.Options{NoLogScan: true, WebhookPollInterval: time.Second})
			seedCustomersAs(b, e, store, rows, inserts)
			if store == "postgres" && os.Getenv("TENDER_BENCH_EXPLAIN") != "" {
				explainSearches(b, e, searches[0].keywords, searches[2].keywords, searches[3].keywords, searches[4].keywords)
			}
			for _, s := range searches {
				b.Run("keywords="+s.name, func(b *testing.B) {
					q := url.Values{"keywords[]": s.keywords}
					u := fmt.Sprintf("%s/customer?%s&page=1&per_page=25", e.URL, q.Encode())
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
// as the store runs them) for each keyword: with the plan made for the
// arguments (what a statement's first runs get) and with the generic plan
// (what PostgreSQL may cache for a prepared statement after five runs).
func explainSearches(b *testing.B, e *apitest.Env, searches ...[]string) {
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
	explain := func(title, query string, args ...any) {
		rows, err := conn.QueryContext(ctx, "EXPLAIN (ANALYZE, BUFFERS) "+query, args...)
		if err != nil {
			b.Fatal(err)
		}
		defer rows.Close()
		var plan []string
		for rows.Next() {
			var line string
			if err := rows.Scan(&line); err != nil {
				b.Fatal(err)
			}
			plan = append(plan, line)
		}
		b.Logf("%s:\n%s", title, strings.Join(plan, "\n"))
	}
	lit := func(v string) string { return "'" + strings.ReplaceAll(v, "'", "''") + "'" }
	for i, name := range []string{"CustomerCount by keywords", "CustomerList by keywords created_at desc"} {
		if _, err := conn.ExecContext(ctx, fmt.Sprintf("PREPARE search%d AS %s", i, q.QueryText(name))); err != nil {
			b.Fatal(err)
		}
	}
	if _, err := conn.ExecContext(ctx, "SET plan_cache_mode = force_generic_plan"); err != nil {
		b.Fatal(err)
	}
	for _, kw := range searches {
		// As the store makes them (sqldb likeKeywords, and trigramLike:
		// the longest keyword is the indexed one).
		r := strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)
		var patterns []string
		pattern := ""
		for _, k := range kw {
			p := "%" + r.Replace(strings.ToLower(k)) + "%"
			patterns = append(patterns, p)
			if len(p) > len(pattern) {
				pattern = p
			}
		}
		like, _ := json.Marshal(patterns)
		args := []any{e.MerchantID, "", "", "", "", "", "", string(like), nil, nil, nil, nil}
		lits := lit(e.MerchantID) + ", '', '', '', '', '', '', " + lit(string(like)) + ", NULL, NULL, NULL, NULL"
		explain(fmt.Sprintf("count, keywords=%q, planned for the arguments", kw), q.QueryText("CustomerCount by keywords"), append(args, pattern)...)
		explain(fmt.Sprintf("count, keywords=%q, generic plan", kw), "EXECUTE search0("+lits+", "+lit(pattern)+")")
		explain(fmt.Sprintf("page, keywords=%q, planned for the arguments", kw), q.QueryText("CustomerList by keywords created_at desc"), append(args, 25, 0, pattern)...)
		explain(fmt.Sprintf("page, keywords=%q, generic plan", kw), "EXECUTE search1("+lits+", 25, 0, "+lit(pattern)+")")
	}
	for _, stmt := range []string{"RESET plan_cache_mode", "DEALLOCATE search0", "DEALLOCATE search1"} {
		if _, err := conn.ExecContext(ctx, stmt); err != nil {
			b.Fatal(err)
		}
	}
}
