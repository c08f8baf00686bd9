package main_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/tenderpay/tender/client"
	"github.com/tenderpay/tender/store/postgres/pgtest"
)

// previousRelease builds tender from the commit before the one that added
// the newest PostgreSQL migration (or from HEAD when that migration is not
// committed yet): the release a rolling upgrade starts from.
func previousRelease(t *testing.T) (bin, rev string) {
	t.Helper()
	out, err := exec.Command("git", "rev-parse", "--show-toplevel").Output()
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("the rolling upgrade test needs the git history: %v", err)
		}
		t.Skipf("not in a git checkout: %v", err)
	}
	root := strings.TrimSpace(string(out))
	names, err := filepath.Glob(filepath.Join(root, "store", "postgres", "migrations", "*.sql"))
	if err != nil || len(names) == 0 {
		t.Fatalf("no migrations: %v", err)
	}
	sort.Strings(names)
	newest, _ := filepath.Rel(root, names[len(names)-1])
	git := func(args ...string) string {
		t.Helper()
		cmd := exec.Command("git", args...)
		cmd.Dir = root
		out, err := cmd.Output()
		if err != nil {
			var ee *exec.ExitError
			if errors.As(err, &ee) {
				t.Fatalf("git %s: %v\n%s", strings.Join(args, " "), err, ee.Stderr)
			}
			t.Fatalf("git %s: %v", strings.Join(args, " "), err)
		}
		return strings.TrimSpace(string(out))
	}
	rev = "HEAD"
	if added := git("log", "-1", "--format=%H", "--diff-filter=A", "--", newest); added != "" {
		rev = added + "^"
	}
	rev = git("rev-parse", "--short", rev)
	dir := t.TempDir()
	src := filepath.Join(dir, "src")
	if err := os.Mkdir(src, 0o755); err != nil {
		t.Fatal(err)
	}
	extract := exec.Command("sh", "-c", `git archive --format=tar "$1" | tar -x -C "$2"`, "sh", rev, src)
	extract.Dir = root
	if out, err := extract.CombinedOutput(); err != nil {
		t.Fatalf("git archive %s: %v\n%s", rev, err, out)
	}
	bin = filepath.Join(dir, "tender-"+rev)
	// -trimpath, as TestMain builds this release: the packages the two
	// commits share then hit the build cache although their directories differ.
	build := exec.Command("go", "build", "-trimpath", "-o", bin, "./cmd/tender")
	build.Dir = src
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("build tender at %s: %v\n%s", rev, err, out)
	}
	return bin, rev
}

// TestRollingUpgrade: this build migrates the schema, and the previous
// release (built from the commit before the newest migration) runs beside
// it on that schema. Each charges a card the other stored, an idempotency
// id answered by one is the same transaction on the other, and each reads
// the other's transactions. This is what expand-then-contract migrations
// promise (docs/postgres-operations.md); a migration that dropped or
// renamed what the previous release uses fails it.
func TestRollingUpgrade(t *testing.T) {
	dbURL := pgtest.URL(t)
	prev, rev := previousRelease(t)
	dir := t.TempDir()
	env := []string{"TENDER_ADDR=127.0.0.1:0", "DATABASE_URL=" + dbURL, "TENDER_RATE_LIMIT=-1"}
	migrate := exec.Command(binary, "migrate")
	migrate.Dir, migrate.Env = dir, append(os.Environ(), env...)
	if out, err := migrate.CombinedOutput(); err != nil {
		t.Fatalf("tender migrate: %v\n%s", err, out)
	}
	cur := startProc(t, dir, env, "serve")
	old := startBinary(t, prev, dir, env, "serve")
	key := sandboxKey(t, dir)
	// Each release's charge event reaches a webhook, whichever release
	// holds the relay's lease: outbox rows of both shapes are relayed
	// (migration 037 added the event's header to a row).
	sink := newHookSink(t)
	if _, err := api(cur.url, key).CreateWebhook(ctx, &client.WebhookInput{TargetURL: sink.URL, Event: "create_transaction"}); err != nil {
		t.Fatal(err)
	}
	for i, pair := range [][2]*proc{{cur, old}, {old, cur}} {
		stores, charges := pair[0], pair[1]
		cs, cc := api(stores.url, key), api(charges.url, key)
		_, pm := customerWithCard(t, cs, fmt.Sprint("Rolling", i), "Roll Ing", "4111111111111111")
		in := &client.ChargeInput{PaymentMethodID: pm.ID, Total: client.Dollars(10+int64(i), 50), IdempotencyID: fmt.Sprint("rolling-", i)}
		tx, err := cc.Charge(ctx, in)
		if err != nil || !tx.Success || tx.Total != in.Total {
			t.Fatalf("charge of a card the other release stored (pair %d, previous release %s): %v %+v", i, rev, err, tx)
		}
		again, err := cs.Charge(ctx, in)
		if err != nil || again.ID != tx.ID {
			t.Fatalf("the same idempotency id on the other release: %v %+v, want transaction %s", err, again, tx.ID)
		}
		if got, err := cs.Transaction(ctx, tx.ID); err != nil || got.Total != tx.Total {
			t.Fatalf("GET the other release's transaction: %v %+v", err, got)
		}
	}
	waitFor(t, "both releases' charge events delivered", 30*time.Second, func() bool {
		events, _, _ := sink.counts()
		return events == 2
	})
	_ = old.stop(t)
	_ = cur.stop(t)
}

// TestMigrateRefusesNewerSchema: "tender migrate" on a schema that a newer
// release migrated fails and names the migrations it does not know;
// "tender serve" runs on it (the rolling upgrade's old half).
func TestMigrateRefusesNewerSchema(t *testing.T) {
	dbURL := pgtest.URL(t)
	dir := t.TempDir()
	env := append(os.Environ(), "DATABASE_URL="+dbURL)
	run := func() (string, error) {
		cmd := exec.Command(binary, "migrate")
		cmd.Dir, cmd.Env = dir, env
		out, err := cmd.CombinedOutput()
		return string(out), err
	}
	if out, err := run(); err != nil {
		t.Fatalf("first migrate: %v\n%s", err, out)
	}
	db, err := sql.Open("pgx", dbURL)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.ExecContext(context.Background(),
		`INSERT INTO tender_migrations (version, applied_at) VALUES ('999_from_a_newer_release.sql', '2030-01-01T00:00:00Z')`); err != nil {
		t.Fatal(err)
	}
	out, err := run()
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.ExitCode() != 1 {
		t.Fatalf("migrate on a newer schema: %v, want exit status 1\n%s", err, out)
	}
	if !strings.Contains(out, "999_from_a_newer_release.sql") || !strings.Contains(out, "newer than this tender") {
		t.Fatalf("migrate's error does not say the schema is newer:\n%s", out)
	}
	p := startProc(t, dir, []string{"TENDER_ADDR=127.0.0.1:0", "DATABASE_URL=" + dbURL, "TENDER_RATE_LIMIT=-1"}, "serve")
	if _, err := api(p.url, sandboxKey(t, dir)).CreateCustomer(ctx, &client.CustomerInput{Firstname: "Ahead"}); err != nil {
		t.Fatalf("serve on a newer schema: POST /customer: %v", err)
	}
	_ = p.stop(t)
}
