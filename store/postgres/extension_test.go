package postgres_test

import (
	"context"
	"database/sql"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/tenderpay/tender/store/postgres"
	"github.com/tenderpay/tender/store/postgres/pgtest"
)

// TestTrigramExtensionPerDatabase migrates three schemas of a database
// without pg_trgm at once (migration 033 creates the extension: once,
// under its database-wide lock, in public), then drops one schema with
// CASCADE, as a test or a removed tenant is: the extension and the other
// schemas' trigram indexes stay.
func TestTrigramExtensionPerDatabase(t *testing.T) {
	ctx := context.Background()
	base := pgtest.Database(t)
	db, err := sql.Open("pgx", base)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	schemas := []string{"tenant_a", "tenant_b", "tenant_c"}
	for _, s := range schemas {
		if _, err := db.ExecContext(ctx, "CREATE SCHEMA "+s); err != nil {
			t.Fatal(err)
		}
	}
	var wg sync.WaitGroup
	errs := make([]error, len(schemas))
	for i, s := range schemas {
		u, err := url.Parse(base)
		if err != nil {
			t.Fatal(err)
		}
		q := u.Query()
		q.Set("search_path", s)
		u.RawQuery = q.Encode()
		wg.Add(1)
		go func() {
			defer wg.Done()
			st, err := postgres.Open(ctx, u.String(), postgres.Options{MaxConns: 2})
			if err != nil {
				errs[i] = err
				return
			}
			defer st.Close()
			errs[i] = st.Migrate(ctx)
		}()
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Fatalf("migrate %s: %v", schemas[i], err)
		}
	}
	count := func(query string) int {
		t.Helper()
		var n int
		if err := db.QueryRowContext(ctx, query).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	const indexes = `SELECT count(*) FROM pg_indexes WHERE indexname IN
		('customers_search', 'items_search', 'transactions_search', 'invoices_search') AND schemaname LIKE 'tenant_%'`
	if n := count(`SELECT count(*) FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace
		WHERE e.extname = 'pg_trgm' AND n.nspname = 'public'`); n != 1 {
		t.Fatalf("pg_trgm in public: %d", n)
	}
	if n := count(indexes); n != 4*len(schemas) {
		t.Fatalf("%d trigram indexes, want %d", n, 4*len(schemas))
	}
	if _, err := db.ExecContext(ctx, "DROP SCHEMA tenant_a CASCADE"); err != nil {
		t.Fatal(err)
	}
	if n := count(`SELECT count(*) FROM pg_extension WHERE extname = 'pg_trgm'`); n != 1 {
		t.Fatal("dropping a schema dropped pg_trgm")
	}
	if n := count(indexes); n != 4*(len(schemas)-1) {
		t.Fatalf("after the drop: %d trigram indexes, want %d", n, 4*(len(schemas)-1))
	}
	// The remaining schemas still search by their index.
	conn, err := db.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, "SET enable_seqscan = off"); err != nil {
		t.Fatal(err)
	}
	rows, err := conn.QueryContext(ctx, `EXPLAIN SELECT id FROM tenant_b.customers WHERE search_text LIKE '%abc%'`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var plan string
	for rows.Next() {
		var line string
		if err := rows.Scan(&line); err != nil {
			t.Fatal(err)
		}
		plan += line + "\n"
	}
	if !strings.Contains(plan, "customers_search") {
		t.Errorf("tenant_b's search does not use its trigram index:\n%s", plan)
	}
}
