package sqldb

import (
	"context"
	"io/fs"
	"sort"
	"strings"

	"github.com/tenderpay/tender/store"
)

func init() {
	requiredQueries = append(requiredQueries, "MigrationsTableExists")
}

// MigrationStatus lists the known migrations, applied or pending, then the
// applied ones this build does not know. It only reads: on a database never
// migrated (no tender_migrations table) every migration is pending.
func (db *DB) MigrationStatus(ctx context.Context) ([]store.MigrationState, error) {
	names, err := fs.Glob(db.d.Migrations, "*.sql")
	if err != nil {
		return nil, err
	}
	sort.Strings(names)
	applied := map[string]timeCol{}
	var versions []string
	var exists int
	if err := db.write.QueryRowContext(ctx, db.q("MigrationsTableExists")).Scan(&exists); err != nil {
		return nil, db.d.wrap(err)
	}
	if exists > 0 {
		rows, err := db.write.QueryContext(ctx, `SELECT version, applied_at FROM tender_migrations ORDER BY version`)
		if err != nil {
			return nil, db.d.wrap(err)
		}
		defer rows.Close()
		for rows.Next() {
			var v string
			var at timeCol
			if err := rows.Scan(&v, &at); err != nil {
				return nil, db.d.wrap(err)
			}
			applied[v] = at
			versions = append(versions, v)
		}
		if err := rows.Err(); err != nil {
			return nil, db.d.wrap(err)
		}
	}
	known := map[string]bool{}
	out := make([]store.MigrationState, 0, len(names))
	for _, n := range names {
		known[n] = true
		st := store.MigrationState{Version: n, Known: true}
		if at, ok := applied[n]; ok {
			st.Applied, st.AppliedAt = true, at.t
		}
		out = append(out, st)
	}
	for _, v := range versions {
		if !known[v] && !strings.HasPrefix(v, onceVersion) {
			out = append(out, store.MigrationState{Version: v, Applied: true, AppliedAt: applied[v].t})
		}
	}
	return out, nil
}
