package main_test

import (
	"context"
	"database/sql"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/tenderpay/tender/store/postgres/pgtest"
)

// TestMigrateStatus: "tender migrate --status" lists every migration
// pending on a new database and changes nothing, then applied with its
// time after "tender migrate", and says when the schema is newer than this
// binary (exit 0 each time), on SQLite and PostgreSQL.
func TestMigrateStatus(t *testing.T) {
	for _, store := range []string{"sqlite", "postgres"} {
		t.Run(store, func(t *testing.T) {
			dir := t.TempDir()
			var dbURL, driver, dsn string
			if store == "sqlite" {
				path := filepath.Join(dir, "tender.db")
				dbURL, driver, dsn = "sqlite:"+path, "sqlite", path
			} else {
				dbURL = pgtest.URL(t)
				driver, dsn = "pgx", dbURL
			}
			run := func(args ...string) string {
				t.Helper()
				cmd := exec.Command(binary, args...)
				cmd.Dir, cmd.Env = dir, append(os.Environ(), "DATABASE_URL="+dbURL)
				out, err := cmd.CombinedOutput()
				if err != nil {
					t.Fatalf("tender %s: %v\n%s", strings.Join(args, " "), err, out)
				}
				return string(out)
			}
			out := run("migrate", "--status")
			if !regexp.MustCompile(`(?m)^001_foundation\.sql\s+pending$`).MatchString(out) ||
				!strings.Contains(out, store+": 0 applied,") || strings.Contains(out, "applied  ") {
				t.Fatalf("status of a new database:\n%s", out)
			}
			if again := run("migrate", "--status"); again != out {
				t.Fatalf("--status changed the database:\n%s\nthen\n%s", out, again)
			}
			run("migrate")
			out = run("migrate", "--status")
			applied := regexp.MustCompile(`(?m)^\d{3}_\w+\.sql\s+applied\s+\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$`)
			if n := len(applied.FindAllString(out, -1)); n < 20 || regexp.MustCompile(`\.sql\s+pending`).MatchString(out) || !strings.Contains(out, " 0 pending") {
				t.Fatalf("status after migrate (%d applied lines):\n%s", n, out)
			}
			db, err := sql.Open(driver, dsn)
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			if _, err := db.ExecContext(context.Background(),
				`INSERT INTO tender_migrations (version, applied_at) VALUES ('999_from_a_newer_release.sql', '2030-01-01T00:00:00Z')`); err != nil {
				t.Fatal(err)
			}
			out = run("migrate", "--status")
			if !regexp.MustCompile(`(?m)^999_from_a_newer_release\.sql\s+applied\s+2030-01-01T00:00:00Z\s+\(not known to this tender\)$`).MatchString(out) ||
				!strings.Contains(out, "schema is newer than this tender") {
				t.Fatalf("status of a newer schema:\n%s", out)
			}
		})
	}
}
