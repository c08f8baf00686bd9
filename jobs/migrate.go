package jobs

import (
	"context"
	"database/sql"
	"fmt"
	"log/slog"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river/riverdriver"
	"github.com/riverqueue/river/riverdriver/riverdatabasesql"
	"github.com/riverqueue/river/riverdriver/riversqlite"
	"github.com/riverqueue/river/rivermigrate"
	"github.com/tenderpay/tender/store"
)

// riverDriver picks River's driver for the store's database: riversqlite on
// SQLite, riverdatabasesql on PostgreSQL (the store's pool is database/sql
// over pgx, and jobs are inserted in the store's *sql.Tx), which LISTENs
// through listen's pgx pool when there is one (jobs are then fetched when
// notified, the poll being the fallback) and polls only otherwise.
func riverDriver(st store.Store, listen *pgxpool.Pool) (riverdriver.Driver[*sql.Tx], error) {
	switch st.Dialect() {
	case "sqlite":
		return riversqlite.New(st.SQLDB()), nil
	case "postgres":
		if listen != nil {
			return riverdatabasesql.NewWithPgxListener(st.SQLDB(), listen), nil
		}
		return riverdatabasesql.New(st.SQLDB()), nil
	}
	return nil, fmt.Errorf("jobs: unknown dialect %q", st.Dialect())
}

func migrate(ctx context.Context, st store.Store, driver riverdriver.Driver[*sql.Tx], logger *slog.Logger) error {
	if st.Dialect() == "postgres" {
		// River's migrator does not serialise concurrent runs: several
		// instances starting at once on an empty database collide creating
		// its types. Hold an advisory lock around it, transaction-scoped in
		// a transaction kept open meanwhile: through a PgBouncer in
		// transaction pooling mode a session lock and its unlock may run on
		// different server connections, leaving the lock held for ever on
		// one of them (and the next instance waiting on it); an open
		// transaction keeps its server connection, and its end releases
		// the lock wherever it is. The lock is per schema (River's tables
		// and types live in the search_path's schema), so instances on
		// different schemas (tenants, tests) do not wait for each other.
		lock, err := st.SQLDB().BeginTx(ctx, nil)
		if err != nil {
			return err
		}
		defer func() { _ = lock.Rollback() }()
		if _, err := lock.ExecContext(ctx, `SELECT pg_advisory_xact_lock(hashtextextended('tender_river_migrate:' || current_schema(), 0))`); err != nil {
			return fmt.Errorf("river migrations lock: %w", err)
		}
	}
	migrator, err := rivermigrate.New(driver, &rivermigrate.Config{Logger: logger})
	if err != nil {
		return err
	}
	if _, err := migrator.Migrate(ctx, rivermigrate.DirectionUp, nil); err != nil {
		return fmt.Errorf("river migrations: %w", err)
	}
	return nil
}

// Migrate applies River's own migrations (its job tables) to the store's
// database.
func Migrate(ctx context.Context, st store.Store) error {
	driver, err := riverDriver(st, nil)
	if err != nil {
		return err
	}
	return migrate(ctx, st, driver, slog.New(slog.DiscardHandler))
}
