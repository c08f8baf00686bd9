// Package pgtest gives tests an isolated PostgreSQL database: a fresh schema
// per call, dropped when the test ends. The server is
// TENDER_TEST_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/test).
// When it is unreachable the test is skipped, except with CI=true, where it
// fails: CI must never pass by skipping PostgreSQL.
package pgtest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"fmt"
	"net/url"
	"os"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // the "pgx" database/sql driver
)

// BaseURL is the server the tests use.
func BaseURL() string {
	if u := os.Getenv("TENDER_TEST_DATABASE_URL"); u != "" {
		return u
	}
	return "postgres://postgres@127.0.0.1:5432/test?sslmode=disable"
}

// URL creates an empty schema and returns a URL whose connections use it.
func URL(t testing.TB) string {
	t.Helper()
	schema := create(t, 5*time.Second, "t_", "CREATE SCHEMA %s", "DROP SCHEMA %s CASCADE")
	u := parsedBase(t)
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}

// Database creates an empty database on the test server and returns its
// URL (without search_path, for what cannot take one: a PgBouncer refuses
// unknown startup parameters, pg_dump works on databases). It is dropped,
// with any connections left to it, when the test ends.
func Database(t testing.TB) string {
	t.Helper()
	name := create(t, 10*time.Second, "tender_t_", "CREATE DATABASE %s", "DROP DATABASE IF EXISTS %s WITH (FORCE)")
	u := parsedBase(t)
	u.Path = "/" + name
	return u.String()
}

// create makes a randomly named object (prefix + 12 hex digits) on the
// test server with createSQL, dropped with dropSQL when the test ends, and
// returns its name. An unreachable server fails the test under CI=true and
// skips it otherwise.
func create(t testing.TB, timeout time.Duration, prefix, createSQL, dropSQL string) string {
	t.Helper()
	base := BaseURL()
	db, err := sql.Open("pgx", base)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	if err := db.PingContext(ctx); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("PostgreSQL unreachable at %s: %v", base, err)
		}
		t.Skipf("PostgreSQL unreachable at %s: %v", base, err)
	}
	var b [6]byte
	_, _ = rand.Read(b[:])
	name := prefix + hex.EncodeToString(b[:])
	if _, err := db.ExecContext(ctx, fmt.Sprintf(createSQL, name)); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		db, err := sql.Open("pgx", base)
		if err != nil {
			return
		}
		defer db.Close()
		_, _ = db.Exec(fmt.Sprintf(dropSQL, name))
	})
	return name
}

func parsedBase(t testing.TB) *url.URL {
	u, err := url.Parse(BaseURL())
	if err != nil {
		t.Fatal(err)
	}
	return u
}
