package postgres_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/tenderpay/tender/store/postgres"
	"github.com/tenderpay/tender/store/postgres/pgtest"
)

// TestFinalizeReadsByPrimaryKey: a payment's finalize reaches its row by
// the primary key, even in the generic plan that a prepared statement
// settles on, and even when the partial index transactions_pending (which
// the statement's "still PENDING" condition would match) is the smaller
// index: under load that index holds the dead entries of every charge
// finished since the last vacuum.
func TestFinalizeReadsByPrimaryKey(t *testing.T) {
	ctx := context.Background()
	st, err := postgres.Open(ctx, pgtest.URL(t), postgres.Options{MaxConns: 2})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	if err := st.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	db := st.SQLDB()
	conn, err := db.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	for _, q := range []string{
		`INSERT INTO merchants (id, company_name, status, sandbox, webpayments_token, created_at, updated_at)
		 VALUES ('00000000-0000-7000-8000-000000000001', 'M', 'ACTIVE', true, 'plan-test', now(), now())`,
		`INSERT INTO transactions (id, merchant_id, type, status, total, created_at, updated_at)
		 SELECT gen_random_uuid(), '00000000-0000-7000-8000-000000000001', 'charge', 'SUCCESS', 100,
		        now() - i * interval '1 second', now() FROM generate_series(1, 5000) i`,
		`ANALYZE transactions`,
		`SET plan_cache_mode = force_generic_plan`,
	} {
		if _, err := conn.ExecContext(ctx, q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	for _, name := range []string{"TransactionUpdatePending", "TransactionFinalize"} {
		q := strings.TrimSuffix(strings.TrimSpace(st.QueryText(name)), ";")
		if q == "" {
			t.Fatalf("no query %s", name)
		}
		if _, err := conn.ExecContext(ctx, "PREPARE plan_"+strings.ToLower(name)+" AS "+q); err != nil {
			t.Fatalf("prepare %s: %v", name, err)
		}
		var plan json.RawMessage
		// EXPLAIN of a prepared statement with generic parameters: each
		// parameter is given as NULL, which does not change a generic plan.
		args := strings.TrimSuffix(strings.Repeat("NULL,", maxParam(q)), ",")
		if err := conn.QueryRowContext(ctx, "EXPLAIN (FORMAT JSON) EXECUTE plan_"+strings.ToLower(name)+"("+args+")").Scan(&plan); err != nil {
			t.Fatalf("explain %s: %v", name, err)
		}
		if s := string(plan); strings.Contains(s, "transactions_pending") || !strings.Contains(s, "transactions_pkey") {
			t.Errorf("%s does not reach the row by the primary key:\n%s", name, s)
		}
	}
}

// maxParam is the highest $N in q.
func maxParam(q string) int {
	most := 0
	for i := 0; i < len(q); i++ {
		if q[i] != '$' {
			continue
		}
		n := 0
		for j := i + 1; j < len(q) && q[j] >= '0' && q[j] <= '9'; j++ {
			n = n*10 + int(q[j]-'0')
		}
		if n > most {
			most = n
		}
	}
	return most
}
