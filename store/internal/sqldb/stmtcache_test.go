package sqldb

import (
	"context"
	"runtime"
	"testing"
	"time"

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

// TestPrepareWaitsOutsideTheLock checks that a query preparing on the
// writer while a transaction holds it waits for the connection without
// holding the statement cache's lock, which the transaction needs to run
// its own statements: they deadlocked when it did.
func TestPrepareWaitsOutsideTheLock(t *testing.T) {
	db := groupDB(t)
	ctx := context.Background()
	in, release := make(chan struct{}), make(chan struct{})
	unit := make(chan error, 1)
	go func() {
		unit <- db.InTx(ctx, func(tx store.Executor) error {
			close(in)
			<-release
			_, err := tx.(*exec).w.ExecContext(ctx, "INSERT INTO t (v) VALUES ($1)", "a")
			return err
		})
	}()
	<-in
	read := make(chan error, 1)
	go func() {
		var n int
		read <- db.exec.w.QueryRowContext(ctx, "SELECT count(*) FROM t WHERE v <> $1", "z").Scan(&n)
	}()
	// The read is waiting for the writer's connection, which the unit holds.
	for db.write.Stats().WaitCount == 0 {
		runtime.Gosched()
	}
	close(release)
	for _, c := range []chan error{unit, read} {
		select {
		case err := <-c:
			if err != nil {
				t.Fatal(err)
			}
		case <-time.After(10 * time.Second):
			t.Fatal("the unit and the preparing read wait on each other")
		}
	}
}
