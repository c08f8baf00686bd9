package sqldb

import (
	"context"
	"database/sql"
	"errors"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/tenderpay/tender/store"
	_ "modernc.org/sqlite"
)

// groupDB opens a SQLite database with the SQLite store's queries and group
// commit, and a table t(v) to write to.
func groupDB(t *testing.T) *DB {
	t.Helper()
	path := filepath.Join(t.TempDir(), "g.db")
	write, err := sql.Open("sqlite", "file:"+path+"?_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)&_txlock=immediate")
	if err != nil {
		t.Fatal(err)
	}
	write.SetMaxOpenConns(1)
	read, err := sql.Open("sqlite", "file:"+path+"?_pragma=busy_timeout(10000)")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := write.Exec("CREATE TABLE t (v TEXT PRIMARY KEY)"); err != nil {
		t.Fatal(err)
	}
	d := &Dialect{Name: "sqlite", Queries: storeQueries(t, "../../sqlite"), Interpret: func(err error) error { return err },
		TimeArg: SQLiteTime, PrepareOnce: true, FTSSearch: true, GroupCommit: true, SearchIndexedByNumberer: true,
		ResponseInEvent: true}
	db, err := New(d, read, write)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func insert(tx store.Executor, v string) error {
	_, err := tx.(*exec).w.ExecContext(context.Background(), "INSERT INTO t (v) VALUES (?)", v)
	return err
}

func rows(t *testing.T, db *DB) []string {
	t.Helper()
	r, err := db.read.Query("SELECT v FROM t ORDER BY v")
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	var out []string
	for r.Next() {
		var v string
		if err := r.Scan(&v); err != nil {
			t.Fatal(err)
		}
		out = append(out, v)
	}
	return out
}

// holdUnit starts a unit that writes v and then waits for release to be
// closed; it returns once the unit runs. The unit's result goes to errs.
func holdUnit(t *testing.T, db *DB, v string, errs chan error) (release chan struct{}) {
	t.Helper()
	release = make(chan struct{})
	running := make(chan struct{})
	go func() {
		errs <- db.InTx(context.Background(), func(tx store.Executor) error {
			if err := insert(tx, v); err != nil {
				return err
			}
			close(running)
			<-release
			return nil
		})
	}()
	select {
	case <-running:
	case err := <-errs:
		t.Fatalf("unit %s: %v", v, err)
	}
	return release
}

// waitingUnits waits until n units wait to join the open batch.
func waitingUnits(t *testing.T, g *groupCommit, n int32) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for g.waiting.Load() != n {
		if time.Now().After(deadline) {
			t.Fatalf("%d units waiting, want %d", g.waiting.Load(), n)
		}
		time.Sleep(time.Millisecond)
	}
}

// TestGroupCommitUnits: units that queue behind a running one share its
// commit; a unit that fails or panics leaves none of its writes and takes
// none of the others' with it; each returns once its writes are committed.
func TestGroupCommitUnits(t *testing.T) {
	db := groupDB(t)
	errs := make(chan error, 4)
	// a runs: the next three queue behind it, in any order.
	release := holdUnit(t, db, "a", errs)
	failed := errors.New("b fails")
	go func() {
		errs <- db.InTx(context.Background(), func(tx store.Executor) error {
			_ = insert(tx, "b")
			return failed
		})
	}()
	go func() {
		defer func() {
			if p := recover(); p != "c panics" {
				errs <- errors.New("c's panic did not reach its caller")
				return
			}
			errs <- nil
		}()
		_ = db.InTx(context.Background(), func(tx store.Executor) error {
			_ = insert(tx, "c")
			panic("c panics")
		})
	}()
	go func() {
		errs <- db.InTx(context.Background(), func(tx store.Executor) error { return insert(tx, "d") })
	}()
	waitingUnits(t, db.gc, 3)
	close(release)
	var got []error
	for range 4 {
		got = append(got, <-errs)
	}
	var nFailed int
	for _, err := range got {
		if errors.Is(err, failed) {
			nFailed++
		} else if err != nil {
			t.Errorf("unit: %v", err)
		}
	}
	if nFailed != 1 {
		t.Errorf("b's error returned %d times, want once: %v", nFailed, got)
	}
	if v := rows(t, db); !slices.Equal(v, []string{"a", "d"}) {
		t.Errorf("rows = %v, want a and d (b failed, c panicked)", v)
	}
	if c, u := db.GroupCommitStats(); c != 1 || u != 4 {
		t.Errorf("%d commits for %d units, want 1 for 4", c, u)
	}
	// Alone, a unit commits at once.
	if err := db.InTx(context.Background(), func(tx store.Executor) error { return insert(tx, "e") }); err != nil {
		t.Fatal(err)
	}
	if v := rows(t, db); !slices.Contains(v, "e") {
		t.Errorf("rows = %v after a lone unit returned", v)
	}
	// A single write outside InTx is a unit too.
	if _, err := db.w.ExecContext(context.Background(), "INSERT INTO t (v) VALUES ('f')"); err != nil {
		t.Fatal(err)
	}
	if c, u := db.GroupCommitStats(); c != 3 || u != 6 {
		t.Errorf("%d commits for %d units, want 3 for 6", c, u)
	}
}

// TestGroupCommitBrokenTransaction: when a unit ends the shared transaction
// (here by a bare ROLLBACK, as SQLite does itself after some errors), every
// unit in it fails, none of their writes remain, and the next unit starts a
// new transaction.
func TestGroupCommitBrokenTransaction(t *testing.T) {
	db := groupDB(t)
	errs := make(chan error, 2)
	release := holdUnit(t, db, "a", errs)
	go func() {
		errs <- db.InTx(context.Background(), func(tx store.Executor) error {
			if err := insert(tx, "b"); err != nil {
				return err
			}
			_, err := tx.(*exec).w.ExecContext(context.Background(), "ROLLBACK")
			return err
		})
	}()
	waitingUnits(t, db.gc, 1)
	close(release)
	for range 2 {
		if err := <-errs; err == nil {
			t.Error("a unit of the broken transaction succeeded")
		}
	}
	if v := rows(t, db); len(v) != 0 {
		t.Errorf("rows = %v, want none", v)
	}
	if err := db.InTx(context.Background(), func(tx store.Executor) error { return insert(tx, "c") }); err != nil {
		t.Fatal(err)
	}
	if v := rows(t, db); !slices.Equal(v, []string{"c"}) {
		t.Errorf("rows = %v, want c", v)
	}
}

// TestGroupCommitCanceledBeforeItsTurn: a unit whose context ended while it
// waited does not run.
func TestGroupCommitCanceledBeforeItsTurn(t *testing.T) {
	db := groupDB(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	ran := false
	err := db.InTx(ctx, func(tx store.Executor) error { ran = true; return insert(tx, "a") })
	if !errors.Is(err, context.Canceled) || ran {
		t.Fatalf("err = %v, ran = %v", err, ran)
	}
	if v := rows(t, db); len(v) != 0 {
		t.Errorf("rows = %v", v)
	}
}
