package sqldb

import (
	"context"
	"testing"

	"github.com/tenderpay/tender/store"
)

// TestStatementsPreparedOnFirstUse checks that nothing is prepared ahead,
// that a query a transaction runs unprepared is prepared once its batch
// has committed, and that later transactions then run the prepared
// statement.
func TestStatementsPreparedOnFirstUse(t *testing.T) {
	db := groupDB(t)
	ctx := context.Background()
	const q = "INSERT INTO t (v) VALUES ($1)"
	if n := len(db.stmtW.stmts); n != 0 {
		t.Fatalf("%d statements prepared before any was used", n)
	}
	write := func(v string) {
		t.Helper()
		if err := db.InTx(ctx, func(tx store.Executor) error {
			_, err := tx.(*exec).w.ExecContext(ctx, q, v)
			return err
		}); err != nil {
			t.Fatal(err)
		}
	}
	write("a")
	first := db.stmtW.cached(q)
	if first == nil {
		t.Fatal("the query a transaction ran is not prepared after its commit")
	}
	if len(db.stmtW.missed) != 0 {
		t.Fatalf("still noted as missed: %v", db.stmtW.missed)
	}
	write("b")
	if db.stmtW.cached(q) != first || len(db.stmtW.missed) != 0 {
		t.Fatal("a prepared query was missed or prepared again")
	}
	var n int
	if err := db.write.QueryRow("SELECT count(*) FROM t").Scan(&n); err != nil || n != 2 {
		t.Fatalf("%d rows, %v", n, err)
	}
}
