package sqldb

import (
	"context"
	"database/sql"
	"runtime"
	"sync"
	"sync/atomic"

	"github.com/tenderpay/tender/store"
)

// groupCommit runs the write transactions of a single-writer database
// (SQLite) in shared database transactions: each InTx is a unit inside a
// savepoint of the open transaction, and the transaction commits when no
// other unit is waiting to join it (or maxGroupUnits have joined). Under
// concurrent writes, one commit (one WAL append of the pages the units
// touched, shared pages written once) then serves several units; a lone
// writer commits at once, as before. Profiling a charge on SQLite put 31%
// of its CPU in commits, mostly pwrite of WAL frames (docs/benchmarks.md).
//
// Each unit is still all or nothing: its own failure rolls back to its
// savepoint, leaving the others' writes, and no unit returns before the
// transaction that holds its writes has committed, so what a caller is told
// is durable, as with a commit per unit. If the shared transaction fails
// (its commit, or an error that makes SQLite drop it), every unit in it
// gets the error and none of its writes remain: no unit is left half
// applied. The units run one at a time in the order they take the lock, as
// InTx's write lock ordered them before, so a unit sees the writes of the
// units before it and reads-then-writes stay serialised.
//
// A unit's statements ignore its context's cancellation once it has begun:
// SQLite rolls back the whole transaction when a write in it is
// interrupted, which would fail the other units too. A unit whose context
// is done before its turn does not run.
type groupCommit struct {
	db *DB
	// mu is held by the unit running on the open transaction.
	mu sync.Mutex
	// waiting counts the units waiting for mu: the last unit of a batch
	// commits when it is zero.
	waiting atomic.Int32
	// open is the transaction being filled (nil between batches); guarded
	// by mu.
	open *batch
	// commits and units count, for tests and metrics, the transactions
	// committed and the units they held.
	commits, units atomic.Int64
	// committed, when set (OnGroupCommitted), is called after each commit.
	committed func()
}

// batch is one shared transaction and what its units wait for.
type batch struct {
	tx    *sql.Tx
	n     int
	wrote bool
	// err is the transaction's outcome, set before done is closed.
	err  error
	done chan struct{}
}

// maxGroupUnits bounds a batch, so that a unit waits for at most this many
// others' work before its commit.
const maxGroupUnits = 16

func newGroupCommit(db *DB) *groupCommit { return &groupCommit{db: db} }

// run runs fn as one unit of the open batch, beginning one if none is
// open, and returns once the batch has committed (or failed).
func (g *groupCommit) run(ctx context.Context, fn func(tx store.Executor) error) (err error) {
	g.waiting.Add(1)
	g.mu.Lock()
	g.waiting.Add(-1)
	if g.open == nil {
		tx, berr := g.db.write.BeginTx(context.Background(), nil)
		if berr != nil {
			g.mu.Unlock()
			return g.db.d.wrap(berr)
		}
		g.open = &batch{tx: tx, done: make(chan struct{})}
	}
	b := g.open
	b.n++
	var unitErr error
	var panicked any
	if cerr := ctx.Err(); cerr != nil {
		unitErr = cerr
	} else {
		panicked, unitErr = g.unit(b, fn)
	}
	if b.err == nil && g.waiting.Load() == 0 && b.n < maxGroupUnits {
		// Let the requests that are runnable reach their write first: on a
		// busy server one may be about to join (about 2.5 units a commit
		// without this, 5 with it, and 10% less server CPU a charge).
		runtime.Gosched()
	}
	// A unit that broke the transaction ends the batch at once, so that
	// the units waiting join a new one.
	if b.err != nil || g.waiting.Load() == 0 || b.n >= maxGroupUnits {
		g.finish(b)
	}
	g.mu.Unlock()
	<-b.done
	if panicked != nil {
		panic(panicked)
	}
	if unitErr != nil {
		return unitErr
	}
	if b.err != nil {
		return g.db.d.wrap(b.err)
	}
	return nil
}

// detached runs a unit's statements without its context's cancellation
// (see groupCommit).
type detached struct{ q querier }

func (d detached) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	return d.q.ExecContext(context.WithoutCancel(ctx), query, args...)
}

func (d detached) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	return d.q.QueryContext(context.WithoutCancel(ctx), query, args...)
}

func (d detached) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	return d.q.QueryRowContext(context.WithoutCancel(ctx), query, args...)
}

// unit runs fn inside a savepoint of b's transaction: released when fn
// succeeds, rolled back to when it fails or panics. A savepoint that is no
// longer there means SQLite dropped the whole transaction: b.err is set.
func (g *groupCommit) unit(b *batch, fn func(tx store.Executor) error) (panicked any, err error) {
	ctx := context.Background()
	if _, serr := b.tx.ExecContext(ctx, "SAVEPOINT unit"); serr != nil {
		b.err = serr
		return nil, g.db.d.wrap(serr)
	}
	q := detached{g.db.txQuerier(b.tx)}
	ex := &exec{d: g.db.d, r: q, w: q, wroteEvent: func() { b.wrote = true }}
	func() {
		defer func() { panicked = recover() }()
		err = runLater(ex, fn)
	}()
	if err == nil && panicked == nil {
		if _, rerr := b.tx.ExecContext(ctx, "RELEASE unit"); rerr != nil {
			b.err = rerr
			return nil, g.db.d.wrap(rerr)
		}
		return nil, nil
	}
	if _, rerr := b.tx.ExecContext(ctx, "ROLLBACK TO unit"); rerr != nil {
		b.err = rerr
	} else if _, rerr := b.tx.ExecContext(ctx, "RELEASE unit"); rerr != nil {
		b.err = rerr
	}
	return panicked, err
}

// finish commits b (or, when a unit broke it, rolls it back) and wakes its
// units. Called with mu held.
func (g *groupCommit) finish(b *batch) {
	g.open = nil
	if b.err != nil {
		_ = b.tx.Rollback()
	} else if err := b.tx.Commit(); err != nil {
		b.err = err
	}
	g.commits.Add(1)
	g.units.Add(int64(b.n))
	close(b.done)
	if b.err == nil && b.wrote {
		g.db.eventsCommitted()
	}
	if b.err == nil && g.committed != nil {
		g.committed()
	}
	// The writer is free until mu is released: prepare what the batch's
	// units ran unprepared (stmtDB).
	if g.db.stmtW != nil {
		g.db.stmtW.prepareMissed(context.Background())
	}
}

// OnGroupCommitted has f called after each group commit, with the writer
// still held (f must not block): SQLite's checkpointer is kicked by it.
// Call it before the store is used; a dialect without group commit never
// calls f.
func (db *DB) OnGroupCommitted(f func()) {
	if db.gc != nil {
		db.gc.committed = f
	}
}

// GroupCommitStats reports the write transactions committed by group
// commit and the units (InTx calls and single writes) they held; zeros on
// a dialect without it.
func (db *DB) GroupCommitStats() (commits, units int64) {
	if db.gc == nil {
		return 0, 0
	}
	return db.gc.commits.Load(), db.gc.units.Load()
}

// batchedWriter is the write querier outside InTx when writes are grouped:
// a single write statement (ExecContext) becomes a unit of the open batch.
// Queries that return rows go to the pool as they are: their rows must be
// read before a unit could end.
type batchedWriter struct {
	querier
	gc *groupCommit
}

func (w *batchedWriter) ExecContext(ctx context.Context, query string, args ...any) (res sql.Result, err error) {
	err = w.gc.run(ctx, func(tx store.Executor) error {
		res, err = tx.(*exec).w.ExecContext(ctx, query, args...)
		return err
	})
	return res, err
}
