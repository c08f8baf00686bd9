package main_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tenderpay/tender/client"
)

// TestVaultRotate: "tender vault rotate --generate" adds a master key and
// re-wraps stored card numbers under it; a restarted server still charges
// the card.
func TestVaultRotate(t *testing.T) {
	dir := t.TempDir()
	env := []string{"TENDER_ADDR=127.0.0.1:0", "TENDER_RATE_LIMIT=-1"}
	p := startProc(t, dir, env, "serve")
	keys := struct{ APIKey string }{sandboxKey(t, dir)}
	_, pm := customerWithCard(t, api(p.url, keys.APIKey), "Rot", "R O", "4242424242424242")
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
	tx, err := api(p2.url, keys.APIKey).Charge(ctx, &client.ChargeInput{PaymentMethodID: pm.ID, Total: client.Dollars(3, 0)})
	if err != nil || !tx.Success || tx.Total != client.Dollars(3, 0) {
		t.Fatalf("charge after rotation: %v %+v", err, tx)
	}
	_ = p2.stop(t)
}
