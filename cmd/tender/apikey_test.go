package main_test

import (
	"os/exec"
	"strings"
	"testing"
	"time"
)

// TestAPIKeyCLI: "tender apikey list" shows the sandbox merchant's keys by
// id, name and prefix, never a secret; "tender apikey revoke --id" revokes
// one, and the running server refuses it.
func TestAPIKeyCLI(t *testing.T) {
	dir := t.TempDir()
	p := startProc(t, dir, []string{"TENDER_ADDR=127.0.0.1:0", "TENDER_RATE_LIMIT=-1"}, "serve")
	key := sandboxKey(t, dir)
	st, made := call(t, "POST", p.url+"/team/apikey", key, map[string]any{"name": "reporting"})
	if st != 201 {
		t.Fatalf("create key: %d %v", st, made)
	}
	secret, id := made["api_key"].(string), made["id"].(string)
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
	if st, _ := call(t, "GET", p.url+"/customer", secret, nil); st != 200 {
		t.Fatalf("the key before revoking: %d", st)
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
		st, _ := call(t, "GET", p.url+"/customer", secret, nil)
		return st == 401
	})
	_ = p.stop(t)
}
