// Package sqlite is the embedded store: a single SQLite file through the pure
// Go driver modernc.org/sqlite. One connection writes (its transactions begin
// IMMEDIATE, so they serialise instead of failing with SQLITE_BUSY); a pool
// of connections reads, which WAL allows alongside the writer.
package sqlite

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"runtime"
	"strings"
	"time"

	"github.com/tenderpay/tender"
	"github.com/tenderpay/tender/store/internal/sqldb"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

//go:embed queries.sql
var queriesSQL string

// The deposits' and reports' statements (/query/*).
//
//go:embed queries_report.sql
var reportQueriesSQL string

// The disputes' statements.
//
//go:embed queries_disputes.sql
var disputeQueriesSQL string

// The dashboard's sales rollup statements (migration 029).
//
//go:embed queries_sales.sql
var salesQueriesSQL string

//go:embed migrations/*.sql
var migrations embed.FS

func init() {
	// Ids made in SQL (the benchmarks' bulk seeds) are the service's (see
	// tender.NewID); PostgreSQL's migration 011 defines the same function.
	sqlite.MustRegisterScalarFunction("tender_uuid7", 0, func(*sqlite.FunctionContext, []driver.Value) (driver.Value, error) {
		return tender.NewID(), nil
	})
	// The keyword filters' lower-casing (queries.sql, "LIKE k.value"):
	// Unicode's, as the keywords' (sqldb.likeKeywords) and PostgreSQL's
	// lower(), where SQLite's built-in lower() folds only ASCII, so that
	// both stores find the same rows for "é" in "Éclair".
	sqlite.MustRegisterDeterministicScalarFunction("tender_lower", 1, func(_ *sqlite.FunctionContext, args []driver.Value) (driver.Value, error) {
		switch v := args[0].(type) {
		case string:
			return strings.ToLower(v), nil
		case []byte:
			return strings.ToLower(string(v)), nil
		case nil:
			return nil, nil
		default:
			return strings.ToLower(fmt.Sprint(v)), nil
		}
	})
}

// Open opens (creating if needed) the database file at path and returns the
// store. It does not migrate; call Migrate.
func Open(ctx context.Context, path string) (*sqldb.DB, error) {
	queries, err := sqldb.ParseQueries(queriesSQL + "\n" + reportQueriesSQL + "\n" + disputeQueriesSQL + "\n" + salesQueriesSQL)
	if err != nil {
		return nil, err
	}
	sub, err := fs.Sub(migrations, "migrations")
	if err != nil {
		return nil, err
	}
	d := &sqldb.Dialect{
		Name:       "sqlite",
		Queries:    queries,
		Migrations: sub,
		Interpret:  interpret,
		TimeArg:    sqldb.SQLiteTime,
		// modernc's driver re-parses each statement it is given.
		PrepareOnce: true,
		// Keyword searches by the FTS5 trigram tables (migration 033).
		FTSSearch: true,
		// One writer: concurrent writes share commits (group_commit.go).
		GroupCommit: true,
		// No one-statement payment writes (an InTx on the single writer
		// costs no round trip) and no numberer locks (InTx holds the one
		// write lock).
		CreateClaimedInOne: false,
		CreateDecidedInOne: false,
		FinalizeInOne:      false,
		NumbererLocks:      false,
		// A batch holds the one writer, and the charges behind it: at
		// 1,000 charges/s, p99 was 15-16 ms with batches of 1,000, 11-12
		// with 100; then, on another machine, 10.8-13.2 with 100 against
		// 6.0-10.4 with 25 (docs/benchmarks.md, seventh session).
		PositionBatch: 25,
		// Migration 035.
		SearchIndexedByNumberer: true,
		// Migration 036.
		ResponseInEvent: true,
		// A charge's event, about 2.2 KB of JSON, took a 4 KiB page of its
		// own; S2-compressed, three fit.
		CompressEvents: true,
	}
	// busy_timeout first so that the other pragmas wait rather than fail.
	params := url.Values{}
	params.Add("_pragma", "busy_timeout(10000)")
	// Pages stay SQLite's 4 KiB: 8 KiB measured no faster and 16 KiB slower
	// with 10 MB more RSS (docs/benchmarks.md, 2026-12-07). The driver runs
	// this list sorted by name, so a page_size here would come after
	// journal_mode, too late for a new database.
	params.Add("_pragma", "journal_mode(WAL)")
	params.Add("_pragma", "foreign_keys(ON)")
	params.Add("_pragma", "synchronous(NORMAL)")
	// Savepoint and statement journals in memory, not temporary files: group
	// commit opens a savepoint per unit, and with files every page a unit
	// changed was also written (pwrite) to a sub-journal.
	params.Add("_pragma", "temp_store(MEMORY)")
	base := "file:" + path + "?" + params.Encode()

	// The writer checkpoints the WAL itself only past checkpointFallback
	// pages: the checkpointer below does it in the background, so that a
	// request's commit does not copy pages and wait for fsync.
	write, err := sql.Open("sqlite", base+"&_txlock=immediate&"+url.Values{"_pragma": {
		fmt.Sprintf("wal_autocheckpoint(%d)", checkpointFallback), fmt.Sprintf("journal_size_limit(%d)", 64<<20)}}.Encode())
	if err != nil {
		return nil, err
	}
	write.SetMaxOpenConns(1)
	write.SetMaxIdleConns(1)
	write.SetConnMaxLifetime(0)
	write.SetConnMaxIdleTime(0)
	if err := write.PingContext(ctx); err != nil {
		write.Close()
		return nil, fmt.Errorf("open sqlite %s: %w", path, err)
	}
	read, err := sql.Open("sqlite", base)
	if err != nil {
		write.Close()
		return nil, err
	}
	n := max(4, runtime.GOMAXPROCS(0)*2)
	read.SetMaxOpenConns(n)
	read.SetMaxIdleConns(n)
	db, err := sqldb.New(d, read, write)
	if err != nil {
		write.Close()
		read.Close()
		return nil, err
	}
	ckpt, err := sql.Open("sqlite", base)
	if err != nil {
		db.Close()
		return nil, err
	}
	ckpt.SetMaxOpenConns(1)
	kick := make(chan struct{}, 1)
	db.OnGroupCommitted(func() {
		select {
		case kick <- struct{}{}:
		default:
		}
	})
	db.OnClose(checkpointer(ckpt, kick, checkpointEvery))
	return db, nil
}

// The background checkpointer's shortest period, and the WAL size (pages)
// past which the writer checkpoints on its own (SQLite's default is
// 1,000). A checkpoint's copying and fsync hold up the commits that
// meet it, in proportion to the frames it copies: at 1,000 charges/s,
// p99 was 8.7 ms checkpointing every 10 ms, 12-13 ms every 50 ms, 47 ms
// every 2 s (docs/benchmarks.md).
const (
	checkpointEvery    = 5 * time.Millisecond
	checkpointFallback = 10000
)

// checkpointDB is the connection a checkpointer runs on (*sql.DB).
type checkpointDB interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	Close() error
}

// checkpointer copies the WAL into the database on its own connection
// (PASSIVE: it waits for no reader or writer) after commits, as kick
// signals them, at most once every period, and returns a func that stops
// it and closes db. Commits then only append to the WAL; the copying and
// its fsyncs happen here, off the requests' path. Idle, it does nothing.
func checkpointer(db checkpointDB, kick <-chan struct{}, every time.Duration) (stop func()) {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		t := time.NewTimer(every)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-kick:
			}
			// A failure (the database busy or closing) waits for the next
			// commit; the writer's own checkpoints are the fallback.
			_, _ = db.ExecContext(ctx, "PRAGMA wal_checkpoint(PASSIVE)")
			t.Reset(every)
			select {
			case <-ctx.Done():
				return
			case <-t.C:
			}
		}
	}()
	return func() {
		cancel()
		<-done
		db.Close()
	}
}

func interpret(err error) error {
	var se *sqlite.Error
	if errors.As(err, &se) {
		switch se.Code() {
		case sqlite3.SQLITE_CONSTRAINT_UNIQUE, sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY:
			return &tender.Error{Code: tender.ECONFLICT, Message: conflictMessage(se.Error())}
		case sqlite3.SQLITE_CONSTRAINT_CHECK:
			return &tender.Error{Code: tender.ECONFLICT, Message: "A constraint was violated."}
		case sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED:
			return &tender.Error{Code: tender.EUNAVAILABLE, Message: "The database is busy; retry later. A retry with the same idempotency_id is safe: the request is applied at most once."}
		}
	}
	return fmt.Errorf("sqlite: %w", err)
}

func conflictMessage(s string) string {
	// "UNIQUE constraint failed: table.column" → name the column only.
	if i := strings.LastIndex(s, "failed: "); i >= 0 {
		return "Duplicate value for " + strings.TrimSpace(s[i+len("failed: "):]) + "."
	}
	return "Duplicate value."
}
