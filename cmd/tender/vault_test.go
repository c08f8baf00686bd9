package main_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestVaultRotate: "tender vault rotate --generate" adds a master key and
// re-wraps stored card numbers under it; a restarted server still charges
// the card.
func TestVaultRotate(t *testing.T) {
	dir := t.TempDir()
	env := []string{"TENDER_ADDR=127.0.0.1:0", "TENDER_RATE_LIMIT=-1"}
	p := startProc(t, dir, env, "serve")
	keys := struct{ APIKey string }{sandboxKey(t, dir)}
	_, cust := call(t, "POST", p.url+"/customer", keys.APIKey, map[string]any{"firstname": "Rot"})
	_, pm := call(t, "POST", p.url+"/payment-method", keys.APIKey, map[string]any{"customer_id": cust["id"],
		"person_name": "R O", "card_number": "4242424242424242", "card_cvv": "123", "card_exp": "1230"})
	if err := p.stop(t); err != nil {
		t.Fatal(err)
	}

	cmd := exec.Command(binary, "vault", "rotate", "--generate")
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	if err != nil || !strings.Contains(string(out), "re-wrapped 1 of 1") {
		t.Fatalf("rotate: %v\n%s", err, out)
	}
	keyring, _ := os.ReadFile(filepath.Join(dir, "tender-data", "master.key"))
	if strings.Count(string(keyring), ":") != 2 {
		t.Fatalf("keyring has not two keys: %d entries", strings.Count(string(keyring), ":"))
	}
	if strings.Contains(string(out), strings.Split(strings.Split(string(keyring), ",")[0], ":")[1]) {
		t.Fatal("rotate printed key material")
	}

	p2 := startProc(t, dir, env, "serve")
	st, tx := call(t, "POST", p2.url+"/charge", keys.APIKey, map[string]any{"payment_method_id": pm["id"], "total": 3})
	if st != 200 || tx["success"] != true {
		t.Fatalf("charge after rotation: %d %v", st, tx)
	}
	_ = p2.stop(t)
}
