package server_test

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tenderpay/tender/internal/apitest"
	"github.com/tenderpay/tender/server"
	"github.com/tenderpay/tender/vault"
)

func newKey(t *testing.T) (string, []byte) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return base64.StdEncoding.EncodeToString(b), b
}

// TestVaultKeyMismatchRefused: a server whose keyring cannot open the
// database's sealed card numbers refuses to start, saying which key (id and
// fingerprint, never key material) it lacks: another key under the sealing
// key's id, a keyring without that id, a sandbox instance from another
// directory (no key is generated), and a database sealed before fingerprints
// were recorded. A rotated keyring (new current key, the old one kept)
// starts and charges the card.
func TestVaultKeyMismatchRefused(t *testing.T) {
	apitest.EachStore(t, func(t *testing.T, store string) {
		db, dir := apitest.DatabaseURL(t, store), t.TempDir()
		encA, rawA := newKey(t)
		encB, _ := newKey(t)
		a := apitest.Start(t, store, apitest.Options{DatabaseURL: db, DataDir: dir, MasterKey: "k1:" + encA})
		cust := a.Call("POST", "/customer", map[string]any{"firstname": "Vera"}, 200).Map(t)["id"].(string)
		pm := a.Call("POST", "/payment-method", map[string]any{"method": "card", "customer_id": cust, "person_name": "Vera V",
			"card_number": "4242424242424242", "card_cvv": "123", "card_exp": "1240"}, 200).Map(t)["id"].(string)
		key, mid := a.Key, a.MerchantID
		if err := a.Server.Close(); err != nil {
			t.Fatal(err)
		}
		fpA := vault.KeyFingerprint("k1", rawA)[:16]

		start := func(dataDir, masterKey string) error {
			srv, err := server.New(context.Background(), server.Config{Addr: "127.0.0.1:0", DataDir: dataDir, DatabaseURL: db,
				Sandbox: true, MasterKey: masterKey, RateLimit: -1, Out: io.Discard, Logger: slog.New(slog.DiscardHandler)})
			if err == nil {
				srv.Close()
			}
			return err
		}
		noSecrets := func(err error) {
			t.Helper()
			for _, k := range []string{encA, encB} {
				if strings.Contains(err.Error(), k) {
					t.Fatalf("the error holds key material: %v", err)
				}
			}
		}
		err := start(t.TempDir(), "k1:"+encB)
		if err == nil || !strings.Contains(err.Error(), `master key "k1"`) || !strings.Contains(err.Error(), fpA) {
			t.Fatalf("another key under k1: %v", err)
		}
		noSecrets(err)
		err = start(t.TempDir(), "k2:"+encB)
		if err == nil || !strings.Contains(err.Error(), `"k1"`) || !strings.Contains(err.Error(), "lacks") || !strings.Contains(err.Error(), fpA) {
			t.Fatalf("a keyring without k1: %v", err)
		}
		noSecrets(err)
		other := t.TempDir()
		err = start(other, "")
		if err == nil || !strings.Contains(err.Error(), "no new key is generated") || !strings.Contains(err.Error(), fpA) {
			t.Fatalf("a sandbox instance from another directory: %v", err)
		}
		if _, statErr := os.Stat(filepath.Join(other, "master.key")); !os.IsNotExist(statErr) {
			t.Fatalf("a master.key was generated: %v", statErr)
		}

		// A database sealed before fingerprints were recorded: the stored
		// value itself tells the key does not open it.
		st, err := server.OpenStore(context.Background(), server.Config{DataDir: dir, DatabaseURL: db})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := st.SQLDB().Exec("DELETE FROM vault_keys"); err != nil {
			t.Fatal(err)
		}
		st.Close()
		err = start(t.TempDir(), "k1:"+encB)
		if err == nil || !strings.Contains(err.Error(), `"k1"`) || !strings.Contains(err.Error(), "cannot open") {
			t.Fatalf("an unrecorded database, another key: %v", err)
		}
		noSecrets(err)

		// Rotation: a new current key in front, the old one kept.
		r := apitest.Start(t, store, apitest.Options{DatabaseURL: db, DataDir: t.TempDir(), MasterKey: "k2:" + encB + ",k1:" + encA})
		r.Key, r.MerchantID = key, mid
		tx := r.Call("POST", "/charge", map[string]any{"payment_method_id": pm, "total": 3}, 200).Map(t)
		if tx["success"] != true {
			t.Fatalf("charge after rotation: %v", tx)
		}
		if _, _, err := r.Server.Service.RewrapAll(t.Context()); err != nil {
			t.Fatal(err)
		}
		if err := start(t.TempDir(), "k2:"+encB+",k1:"+encA); err != nil {
			t.Fatalf("the rotated keyring after re-wrapping: %v", err)
		}
	})
}
