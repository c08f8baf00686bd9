// Package postgres is the production store on PostgreSQL through pgx (used
// via its database/sql adapter so that the query code is shared with the
// sqlite store). Several Tender processes may share one database: migrations
// take an advisory lock, and money paths lock rows.
package postgres

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/stdlib"
	"github.com/tenderpay/tender"
	"github.com/tenderpay/tender/store/internal/sqldb"
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

// Options tune the connection pool.
type Options struct {
	MaxConns int // default 20
	// Lazy opens without connecting (a read replica that is down at
	// startup must not stop the server).
	Lazy bool
}

// Open connects to the database at url (postgres://...). It does not
// migrate; call Migrate.
func Open(ctx context.Context, url string, opt Options) (*sqldb.DB, error) {
	queries, err := sqldb.ParseQueries(queriesSQL + "\n" + reportQueriesSQL + "\n" + disputeQueriesSQL + "\n" + salesQueriesSQL)
	if err != nil {
		return nil, err
	}
	sub, err := fs.Sub(migrations, "migrations")
	if err != nil {
		return nil, err
	}
	d := &sqldb.Dialect{
		Name:       "postgres",
		Queries:    queries,
		Migrations: sub,
		// Per schema: migrators of one schema wait for each other, those of
		// other schemas (tests, a schema per tenant) do not.
		MigrationLock: "SELECT pg_advisory_xact_lock(hashtextextended('tender_migrations:' || current_schema(), 0))",
		Interpret:     interpret,
		Unreachable:   unreachable,
		TimeArg:       func(t time.Time) any { return t },
		// One statement each for a payment's two writes (queries.sql
		// TransactionCreateClaimed, TransactionFinalize), and advisory
		// locks for the numberers, which may run in several processes.
		CreateClaimedInOne: true,
		CreateDecidedInOne: true,
		FinalizeInOne:      true,
		NumbererLocks:      true,
		// The numberer blocks no charge here; each batch is a commit and
		// a few statements of its own, so fewer, larger ones.
		PositionBatch: 100,
	}
	db, err := sql.Open("pgx", url)
	if err != nil {
		return nil, err
	}
	if opt.MaxConns <= 0 {
		opt.MaxConns = 20
	}
	db.SetMaxOpenConns(opt.MaxConns)
	db.SetMaxIdleConns(opt.MaxConns)
	db.SetConnMaxIdleTime(5 * time.Minute)
	if !opt.Lazy {
		pctx, cancel := context.WithTimeout(ctx, 10*time.Second)
		defer cancel()
		if err := db.PingContext(pctx); err != nil {
			db.Close()
			return nil, fmt.Errorf("connect to postgres: %w", err)
		}
	}
	return sqldb.New(d, db, db)
}

var _ = stdlib.GetDefaultDriver // registers the "pgx" database/sql driver

func interpret(err error) error {
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		switch pe.Code {
		case "23505": // unique_violation
			return &tender.Error{Code: tender.ECONFLICT, Message: "Duplicate value for " + pe.ConstraintName + "."}
		case "23514", "23503": // check_violation, foreign_key_violation
			return &tender.Error{Code: tender.ECONFLICT, Message: "A constraint was violated."}
		case "40001", "40P01": // serialization_failure, deadlock_detected
			return &tender.Error{Code: tender.EUNAVAILABLE, Message: "A concurrent update conflicted; retry. A retry with the same idempotency_id is safe: the request is applied at most once."}
		case "22P02": // invalid_text_representation (e.g. a bad uuid)
			return tender.Errorf(tender.ENOTFOUND, "not found")
		}
	}
	return fmt.Errorf("postgres: %w", err)
}
