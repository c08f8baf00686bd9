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

	"github.com/tenderpay/tender"
	"github.com/tenderpay/tender/store/internal/sqldb"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

//go:embed queries.sql
var queriesSQL string

//go:embed migrations/*.sql
var migrations embed.FS

func init() {
	// Ids made in SQL (the benchmarks' bulk seeds) are the service's (see
	// tender.NewID); PostgreSQL's migration 011 defines the same function.
	sqlite.MustRegisterScalarFunction("tender_uuid7", 0, func(*sqlite.FunctionContext, []driver.Value) (driver.Value, error) {
		return tender.NewID(), nil
	})
}

// Open opens (creating if needed) the database file at path and returns the
// store. It does not migrate; call Migrate.
func Open(ctx context.Context, path string) (*sqldb.DB, error) {
	queries, err := sqldb.ParseQueries(queriesSQL)
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
	}
	// busy_timeout first so that the other pragmas wait rather than fail.
	params := url.Values{}
	params.Add("_pragma", "busy_timeout(10000)")
	params.Add("_pragma", "journal_mode(WAL)")
	params.Add("_pragma", "foreign_keys(ON)")
	params.Add("_pragma", "synchronous(NORMAL)")
	base := "file:" + path + "?" + params.Encode()

	write, err := sql.Open("sqlite", base+"&_txlock=immediate")
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
	return sqldb.New(d, read, write)
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
			return &tender.Error{Code: tender.EUNAVAILABLE, Message: "The database is busy; retry."}
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
