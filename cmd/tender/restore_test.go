package main_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tenderpay/tender/client"
	"github.com/tenderpay/tender/store/postgres/pgtest"
)

// TestRestoreFromDump is the README's backup procedure: pg_dump of a live
// database, pg_restore into an empty one, and a server started on the
// restore (with the same master keyring, here the sandbox's key file)
// charges a card stored before the dump; a charge's idempotency id from
// before the dump still answers its transaction.
func TestRestoreFromDump(t *testing.T) {
	for _, tool := range []string{"pg_dump", "pg_restore"} {
		if _, err := exec.LookPath(tool); err != nil {
			if os.Getenv("CI") == "true" {
				t.Fatalf("%s not found (Debian: postgresql-client)", tool)
			}
			t.Skipf("%s not found", tool)
		}
	}
	src := pgtest.Database(t)
	dir := t.TempDir()
	env := []string{"TENDER_ADDR=127.0.0.1:0", "TENDER_RATE_LIMIT=-1"}
	p := startProc(t, dir, append(env, "DATABASE_URL="+src), "serve")
	key := sandboxKey(t, dir)
	c := api(p.url, key)
	_, pm := customerWithCard(t, c, "Backed", "Backed Up", "4111111111111111")
	before := &client.ChargeInput{PaymentMethodID: pm.ID, Total: client.Dollars(7, 25), IdempotencyID: "before-dump"}
	if tx, err := c.Charge(ctx, before); err != nil {
		t.Fatalf("charge before the dump: %v %+v", err, tx)
	}
	first, err := c.Charge(ctx, before)
	if err != nil {
		t.Fatalf("charge before the dump, again: %v", err)
	}

	// Online: the server keeps running while pg_dump takes its snapshot.
	dump := filepath.Join(t.TempDir(), "tender.dump")
	if out, err := exec.Command("pg_dump", "--format=custom", "--file", dump, "--dbname", src).CombinedOutput(); err != nil {
		t.Fatalf("pg_dump: %v\n%s", err, out)
	}
	_ = p.stop(t)
	dst := pgtest.Database(t)
	if out, err := exec.Command("pg_restore", "--no-owner", "--exit-on-error", "--dbname", dst, dump).CombinedOutput(); err != nil {
		t.Fatalf("pg_restore: %v\n%s", err, out)
	}

	r := startProc(t, dir, append(env, "DATABASE_URL="+dst), "serve")
	if out := strings.Join(r.stdout, "\n"); strings.Contains(out, "API key:") {
		t.Fatalf("the restored database looked empty (a new sandbox merchant):\n%s", out)
	}
	rc := api(r.url, key)
	tx, err := rc.Charge(ctx, &client.ChargeInput{PaymentMethodID: pm.ID, Total: client.Dollars(9, 50), IdempotencyID: "after-restore"})
	if err != nil || !tx.Success {
		t.Fatalf("charge of the stored card on the restored database: %v %+v", err, tx)
	}
	if again, err := rc.Charge(ctx, before); err != nil || again.ID != first.ID {
		t.Fatalf("idempotency id from before the dump: %v %+v, want transaction %s", err, again, first.ID)
	}
	_ = r.stop(t)
}
