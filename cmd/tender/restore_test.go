package main_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

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
	_, cust := call(t, "POST", p.url+"/customer", key, map[string]any{"firstname": "Backed"})
	st, pm := call(t, "POST", p.url+"/payment-method", key, map[string]any{"customer_id": cust["id"],
		"person_name": "Backed Up", "card_number": "4111111111111111", "card_cvv": "123", "card_exp": "1230"})
	if st != 200 {
		t.Fatalf("POST /payment-method: %d %v", st, pm)
	}
	before := map[string]any{"payment_method_id": pm["id"], "total": 7.25, "idempotency_id": "before-dump"}
	if st, tx := call(t, "POST", p.url+"/charge", key, before); st != 200 {
		t.Fatalf("charge before the dump: %d %v", st, tx)
	}
	_, first := call(t, "POST", p.url+"/charge", key, before)

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
	st, tx := call(t, "POST", r.url+"/charge", key, map[string]any{"payment_method_id": pm["id"], "total": 9.5, "idempotency_id": "after-restore"})
	if st != 200 || tx["success"] != true {
		t.Fatalf("charge of the stored card on the restored database: %d %v", st, tx)
	}
	if st, again := call(t, "POST", r.url+"/charge", key, before); st != 200 || again["id"] != first["id"] {
		t.Fatalf("idempotency id from before the dump: %d %v, want transaction %v", st, again["id"], first["id"])
	}
	_ = r.stop(t)
}
