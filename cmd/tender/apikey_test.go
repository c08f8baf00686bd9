package main_test

import (
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/tenderpay/tender/client"
)

// TestAPIKeyCLI: "tender apikey list" shows the sandbox merchant's keys by
// id, name and prefix, never a secret; "tender apikey revoke --id" revokes
// one, and the running server refuses it.
func TestAPIKeyCLI(t *testing.T) {
	dir := t.TempDir()
	p := startProc(t, dir, []string{"TENDER_ADDR=127.0.0.1:0", "TENDER_RATE_LIMIT=-1"}, "serve")
	key := sandboxKey(t, dir)
	made, err := api(p.url, key).CreateAPIKey(ctx, &client.APIKeyInput{Name: "reporting"})
	if err != nil || made.Name != "reporting" || !strings.HasPrefix(made.APIKey, "tnd_sk_") {
		t.Fatalf("create key: %v %+v", err, made)
	}
	secret, id := made.APIKey, made.ID
	withSecret := api(p.url, secret)
	run := func(args ...string) string {
		t.Helper()
		cmd := exec.Command(binary, append([]string{"apikey"}, args...)...)
		cmd.Dir = dir
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("tender apikey %v: %v\n%s", args, err, out)
		}
		return string(out)
	}
	out := run("list")
	if !strings.Contains(out, id) || !strings.Contains(out, "reporting") || !strings.Contains(out, secret[:11]) ||
		strings.Contains(out, secret) || strings.Contains(out, key) {
		t.Fatalf("list:\n%s", out)
	}
	if _, err := withSecret.Customers(ctx, nil); err != nil {
		t.Fatalf("the key before revoking: %v", err)
	}
	if out := run("revoke", "--id", id); !strings.Contains(out, "revoked "+id) || strings.Contains(out, secret) {
		t.Fatalf("revoke:\n%s", out)
	}
	if out := run("list"); strings.Contains(out, id) {
		t.Fatalf("listed after revoking:\n%s", out)
	}
	// The server cached the key when it last checked it, for at most 5 s
	// (the bound README states); a second of slack for a loaded machine.
	waitFor(t, "the server to refuse the revoked key", 6*time.Second, func() bool {
		_, err := withSecret.Customers(ctx, nil)
		return status(t, err) == 401
	})
	_ = p.stop(t)
}
