package store

import (
	"fmt"
	"strings"
	"time"
)

// SchemaAheadError is what Migrate returns, after applying every migration
// it knows, when the database also holds migrations it does not: a newer
// release migrated it. Migrations are expand-then-contract (see
// docs/postgres-operations.md), so this release still runs on that schema
// beside the newer one during a rolling upgrade, and "tender serve" goes
// on; "tender migrate" refuses, since it cannot bring the schema to what
// it knows (there are no down migrations).
type SchemaAheadError struct {
	Unknown []string // applied migrations this build does not have
	Newest  string   // the newest migration this build has
}

func (e *SchemaAheadError) Error() string {
	return fmt.Sprintf("the database schema is newer than this tender: it has migration(s) %s, and this build knows up to %s; "+
		"it was migrated by a newer release, so run that release (this one runs beside it only during a rolling upgrade)",
		strings.Join(e.Unknown, ", "), e.Newest)
}

// MigrationState is one migration's state in a database (MigrationStatus).
type MigrationState struct {
	// Version is the migration's file name (001_foundation.sql).
	Version string
	// Known says whether this build carries the migration: an applied one
	// it does not know was applied by a newer release.
	Known   bool
	Applied bool
	// AppliedAt is when it was applied (zero when pending).
	AppliedAt time.Time
}
