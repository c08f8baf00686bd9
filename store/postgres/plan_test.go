package postgres_test

import (
	"context"
	"database/sql"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/tenderpay/tender"
	"github.com/tenderpay/tender/store/internal/sqldb"
	"github.com/tenderpay/tender/store/postgres"
	"github.com/tenderpay/tender/store/postgres/pgtest"
)

// TestFinalizeReadsByPrimaryKey: a payment's finalize reaches its row by
// the primary key, in the generic plan that a prepared statement settles
// on, whatever else could serve its conditions: the partial index
// transactions_pending ("still PENDING") and transactions_merchant_status
// (merchant, state) both hold the dead entries of every charge finished
// since the last vacuum, so a scan of either grows with the load. The data
// is shaped as under load: a merchant's charges gone PENDING to SUCCESS
// without a vacuum or an analyze (a table younger than autovacuum's first
// visit, as a new deployment's is), a few still PENDING.
func TestFinalizeReadsByPrimaryKey(t *testing.T) {
	ctx := context.Background()
	st, conn := migratedConn(t)
	for _, q := range []string{
		`ALTER TABLE transactions SET (autovacuum_enabled = off)`,
		`INSERT INTO merchants (id, company_name, status, sandbox, webpayments_token, created_at, updated_at)
		 VALUES ('00000000-0000-7000-8000-000000000001', 'M', 'ACTIVE', true, 'plan-test', now(), now())`,
		`INSERT INTO transactions (id, merchant_id, type, status, total, created_at, updated_at)
		 SELECT gen_random_uuid(), '00000000-0000-7000-8000-000000000001', 'charge', 'PENDING', 100,
		        now() + i * interval '1 ms', now()
		 FROM generate_series(1, 5000) i`,
		`UPDATE transactions SET status = 'SUCCESS' WHERE created_at < now() + interval '4990 ms'`,
		`SET plan_cache_mode = force_generic_plan`,
	} {
		if _, err := conn.ExecContext(ctx, q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	for _, name := range []string{"TransactionUpdatePending", "TransactionFinalize"} {
		raw := genericPlan(t, st, conn, name)
		var plan []map[string]any
		if err := json.Unmarshal(raw, &plan); err != nil {
			t.Fatal(err)
		}
		scans := relationScans(plan[0]["Plan"].(map[string]any), "transactions")
		if len(scans) != 1 || scans[0] != "transactions_pkey" {
			t.Errorf("%s reads transactions by %v, want only transactions_pkey:\n%s", name, scans, raw)
		}
	}
}

// relationScans lists how each node of plan under it reads the table
// relation: the index's name, or the node type for other scans.
func relationScans(node map[string]any, relation string) []string {
	var out []string
	if node["Relation Name"] == relation && node["Node Type"] != "ModifyTable" {
		if idx, ok := node["Index Name"].(string); ok {
			out = append(out, idx)
		} else {
			out = append(out, node["Node Type"].(string))
		}
	}
	if subs, ok := node["Plans"].([]any); ok {
		for _, sub := range subs {
			out = append(out, relationScans(sub.(map[string]any), relation)...)
		}
	}
	return out
}

// migratedConn opens a migrated store on a schema of its own and takes one
// connection of its pool, both closed when the test ends.
func migratedConn(t *testing.T) (*sqldb.DB, *sql.Conn) {
	t.Helper()
	ctx := context.Background()
	st, err := postgres.Open(ctx, pgtest.URL(t), postgres.Options{MaxConns: 2})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	if err := st.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	conn, err := st.SQLDB().Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	return st, conn
}

// newMerchant creates a merchant in st.
func newMerchant(t *testing.T, st *sqldb.DB) *tender.Merchant {
	t.Helper()
	now := tender.Time{Time: time.Now().UTC().Truncate(time.Microsecond)}
	m := &tender.Merchant{ID: uuid.NewString(), CompanyName: "M", Status: "ACTIVE", Sandbox: true,
		WebPaymentsToken: "tok-" + uuid.NewString(), AllowedOrigins: []string{}, CreatedAt: now, UpdatedAt: now}
	if err := st.MerchantCreate(context.Background(), m); err != nil {
		t.Fatal(err)
	}
	return m
}

// prepare prepares st's query name on conn and returns the prepared
// statement's name and the query's parameter count.
func prepare(t *testing.T, st *sqldb.DB, conn *sql.Conn, name string) (stmt string, params int) {
	t.Helper()
	q := strings.TrimSuffix(strings.TrimSpace(st.QueryText(name)), ";")
	if q == "" {
		t.Fatalf("no query %s", name)
	}
	stmt = "plan_" + strings.ToLower(name)
	if _, err := conn.ExecContext(context.Background(), "PREPARE "+stmt+" AS "+q); err != nil {
		t.Fatalf("prepare %s: %v", name, err)
	}
	return stmt, sqldb.MaxParam(q)
}

// genericPlan prepares st's query name on conn and returns the plan
// EXPLAIN (FORMAT JSON) gives it. Under plan_cache_mode
// force_generic_plan it is the generic plan, which does not depend on the
// values: each is NULL.
func genericPlan(t *testing.T, st *sqldb.DB, conn *sql.Conn, name string) []byte {
	t.Helper()
	stmt, params := prepare(t, st, conn, name)
	args := strings.TrimSuffix(strings.Repeat("NULL,", params), ",")
	var raw []byte
	if err := conn.QueryRowContext(context.Background(), "EXPLAIN (FORMAT JSON) EXECUTE "+stmt+"("+args+")").Scan(&raw); err != nil {
		t.Fatalf("explain %s: %v", name, err)
	}
	return raw
}

// analyzedPlan runs the prepared statement stmt with args (SQL literals)
// under EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) and returns the plan's
// root node: its counts are the run's. EXPLAIN ANALYZE executes, so a
// statement that writes is run in a transaction the caller rolls back.
func analyzedPlan(t *testing.T, conn *sql.Conn, stmt, args string) map[string]any {
	t.Helper()
	var raw []byte
	if err := conn.QueryRowContext(context.Background(), "EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) EXECUTE "+stmt+"("+args+")").Scan(&raw); err != nil {
		t.Fatalf("explain analyze %s: %v", stmt, err)
	}
	var plan []map[string]any
	if err := json.Unmarshal(raw, &plan); err != nil {
		t.Fatal(err)
	}
	return plan[0]["Plan"].(map[string]any)
}

// relationSum sums, over the nodes under node that scan relation (or its
// indexes), what count says of each.
func relationSum(node map[string]any, relation string, count func(node map[string]any) float64) float64 {
	n := 0.0
	if node["Relation Name"] == relation && node["Node Type"] != "ModifyTable" {
		n += count(node)
	}
	if subs, ok := node["Plans"].([]any); ok {
		for _, sub := range subs {
			n += relationSum(sub.(map[string]any), relation, count)
		}
	}
	return n
}

// relationBlocks is the shared buffers (hits and reads) the scans of
// relation under node took; relationRows the rows they returned.
func relationBlocks(node map[string]any, relation string) int {
	return int(relationSum(node, relation, func(n map[string]any) float64 {
		hit, _ := n["Shared Hit Blocks"].(float64)
		read, _ := n["Shared Read Blocks"].(float64)
		return hit + read
	}))
}

func relationRows(node map[string]any, relation string) int {
	return int(relationSum(node, relation, func(n map[string]any) float64 {
		rows, _ := n["Actual Rows"].(float64)
		loops, _ := n["Actual Loops"].(float64)
		return rows * loops
	}))
}

// TestLookupsOfPartialIndexes: transactions_parent and
// idempotency_keys_transaction hold only children and keys in flight
// (migration 035: a charge writes neither), and the generic plans of the
// lookups they serve still read them, whatever the table holds.
func TestLookupsOfPartialIndexes(t *testing.T) {
	ctx := context.Background()
	st, conn := migratedConn(t)
	for index, where := range map[string]string{
		"transactions_parent":          "WHERE (parent_id IS NOT NULL)",
		"idempotency_keys_transaction": "WHERE (state = 'in_flight'::text)",
	} {
		var def string
		if err := conn.QueryRowContext(ctx, `SELECT pg_get_indexdef($1::regclass)`, index).Scan(&def); err != nil {
			t.Fatal(err)
		}
		if !strings.HasSuffix(def, where) {
			t.Errorf("%s: %s; want it partial, %s", index, def, where)
		}
	}
	if _, err := conn.ExecContext(ctx, `SET plan_cache_mode = force_generic_plan`); err != nil {
		t.Fatal(err)
	}
	// Only the indexes, not a sequential scan of an empty table, are
	// worth comparing.
	if _, err := conn.ExecContext(ctx, `SET enable_seqscan = off`); err != nil {
		t.Fatal(err)
	}
	for name, index := range map[string]string{
		"TransactionChildren":              "transactions_parent",
		"IdempotencyCompleteByTransaction": "idempotency_keys_transaction",
		// Not partial: the whole list's page by its positions, dim '' of
		// the filtered lists'.
		"TransactionPage": "transaction_filter_positions_pkey",
	} {
		raw := genericPlan(t, st, conn, name)
		if !strings.Contains(string(raw), `"Index Name": "`+index+`"`) {
			t.Errorf("%s does not read %s:\n%s", name, index, raw)
		}
	}
}
