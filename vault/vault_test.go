package vault

import (
	"encoding/base64"
	"encoding/hex"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

const pan = "4111111111111111"

func newVault(t *testing.T) (*Vault, *Keyring) {
	t.Helper()
	k, err := GenerateKey("k1")
	if err != nil {
		t.Fatal(err)
	}
	return New(k), k
}

func TestSealOpen(t *testing.T) {
	t.Parallel()
	v, k := newVault(t)
	s1, err := v.Seal([]byte(pan), []byte("number:pm1"))
	if err != nil {
		t.Fatal(err)
	}
	s2, _ := v.Seal([]byte(pan), []byte("number:pm1"))
	if s1 == s2 {
		t.Fatal("two seals of one value are equal")
	}
	for _, leak := range []string{pan, base64.StdEncoding.EncodeToString([]byte(pan)), b64.EncodeToString([]byte(pan))} {
		if strings.Contains(s1, leak) {
			t.Fatalf("sealed value contains %q", leak)
		}
	}
	got, err := v.Open(s1, []byte("number:pm1"))
	if err != nil || string(got) != pan {
		t.Fatalf("open = %q, %v", got, err)
	}
	if _, err := v.Open(s1, []byte("number:pm2")); err == nil {
		t.Fatal("opened with another aad")
	}
	// Tampering with any segment fails.
	parts := strings.Split(s1, ".")
	for i := 2; i < 4; i++ {
		b, _ := b64.DecodeString(parts[i])
		b[len(b)/2] ^= 1
		bad := append([]string(nil), parts...)
		bad[i] = b64.EncodeToString(b)
		if _, err := v.Open(strings.Join(bad, "."), []byte("number:pm1")); err == nil {
			t.Fatalf("tampered segment %d opened", i)
		}
	}
	unknown := strings.Replace(s1, ".k1.", ".k9.", 1)
	if _, err := v.Open(unknown, []byte("number:pm1")); err == nil {
		t.Fatal("unknown key id opened")
	}
	if strings.Contains(k.String(), base64.StdEncoding.EncodeToString(k.keys[0].key)) {
		t.Fatal("String() leaks the key")
	}
	for _, err := range []error{mustErr(v.Open("", nil)), mustErr(v.Open("v1.k1.x.y", nil))} {
		if err == nil || strings.Contains(err.Error(), pan) {
			t.Fatalf("err = %v", err)
		}
	}
}

func mustErr(_ []byte, err error) error { return err }

func TestRotation(t *testing.T) {
	t.Parallel()
	old, k1 := newVault(t)
	sealed, _ := old.Seal([]byte(pan), nil)
	k2, err := k1.WithNewCurrent("k2")
	if err != nil {
		t.Fatal(err)
	}
	v2 := New(k2)
	if got, err := v2.Open(sealed, nil); err != nil || string(got) != pan {
		t.Fatal("new keyring cannot open old values")
	}
	re, err := v2.Rewrap(sealed)
	if err != nil {
		t.Fatal(err)
	}
	if kid, _ := v2.KeyID(re); kid != "k2" {
		t.Fatalf("kid after rewrap = %s", kid)
	}
	if strings.Split(re, ".")[3] != strings.Split(sealed, ".")[3] {
		t.Fatal("rewrap changed the ciphertext")
	}
	if got, err := v2.Open(re, nil); err != nil || string(got) != pan {
		t.Fatal("rewrapped value does not open")
	}
	if _, err := old.Open(re, nil); err == nil {
		t.Fatal("old-key-only vault opened a value re-wrapped under k2")
	}
	if again, _ := v2.Rewrap(re); again != re {
		t.Fatal("rewrap of a current value changed it")
	}
	// Fingerprints survive rotation.
	f1 := NewFingerprinter(FingerprintSecret(k1)).Fingerprint("card", pan)
	f2 := NewFingerprinter(FingerprintSecret(k2)).Fingerprint("card", pan)
	if f1 != f2 || f1 == NewFingerprinter(FingerprintSecret(k2)).Fingerprint("bank", pan) {
		t.Fatal("fingerprints unstable or not kind-separated")
	}
}

func TestParseKeyring(t *testing.T) {
	t.Parallel()
	key := base64.StdEncoding.EncodeToString(make([]byte, 32))
	for _, tc := range []struct {
		in string
		ok bool
	}{
		{key, true},
		{"a:" + key + ",b:" + key, true},
		{" a:" + key + "\n", true},
		{"a:" + base64.StdEncoding.EncodeToString(make([]byte, 16)), false},
		{"a:!!!", false},
		{"a:" + key + ",a:" + key, false},
		{"bad.id:" + key, false},
		{"", false},
		{key + "," + key, false},
	} {
		k, err := ParseKeyring(tc.in)
		if (err == nil) != tc.ok {
			t.Errorf("ParseKeyring(%q) err = %v", tc.in, err)
		}
		if err != nil && strings.Contains(err.Error(), key) {
			t.Errorf("error leaks key: %v", err)
		}
		if k != nil {
			if back, err := ParseKeyring(k.Encode()); err != nil || back.String() != k.String() {
				t.Errorf("encode round trip: %v", err)
			}
		}
	}
}

func TestLoadOrCreate(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "data", "master.key")
	k1, created, err := LoadOrCreate(path)
	if err != nil || !created {
		t.Fatal(err, created)
	}
	st, _ := os.Stat(path)
	if st.Mode().Perm() != 0o600 {
		t.Fatalf("mode %v", st.Mode())
	}
	k2, created, err := LoadOrCreate(path)
	if err != nil || created || k2.Encode() != k1.Encode() {
		t.Fatal("reload differs")
	}
}

func FuzzOpen(f *testing.F) {
	v, _ := GenerateKey("k1")
	vault := New(v)
	s, _ := vault.Seal([]byte(pan), nil)
	f.Add(s)
	f.Add("v1.k1..")
	f.Add("v1.k1\x00.AAAA.AAAA")   // NUL
	f.Add("v1.\xff\xfe.AAAA.AAAA") // invalid UTF-8
	f.Add("")
	f.Fuzz(func(t *testing.T, in string) {
		out, err := vault.Open(in, nil)
		if err == nil && in != s && string(out) == pan && !strings.HasPrefix(in, "v1.k1.") {
			t.Fatal("opened a foreign value")
		}
	})
}

func BenchmarkSeal(b *testing.B) {
	k, _ := GenerateKey("k1")
	v := New(k)
	for b.Loop() {
		_, _ = v.Seal([]byte(pan), []byte("number:x"))
	}
}

func BenchmarkOpen(b *testing.B) {
	k, _ := GenerateKey("k1")
	v := New(k)
	s, _ := v.Seal([]byte(pan), []byte("number:x"))
	for b.Loop() {
		_, _ = v.Open(s, []byte("number:x"))
	}
}

// TestKeyFingerprint: a key's fingerprint names it (stable, different for
// another key or id) without holding it; CanOpen tells a keyring that
// cannot unwrap a sealed value, naming the key id.
func TestKeyFingerprint(t *testing.T) {
	a, _ := GenerateKey("k1")
	b, _ := GenerateKey("k1")
	fa, fb := a.Fingerprints()[0], b.Fingerprints()[0]
	if fa[0] != "k1" || fa[1] == fb[1] || fa[1] != a.Fingerprints()[0][1] || len(fa[1]) != 64 {
		t.Fatalf("fingerprints %v %v", fa, fb)
	}
	if KeyFingerprint("k2", a.keys[0].key) == fa[1] {
		t.Fatal("the id is not part of the fingerprint")
	}
	if strings.Contains(fa[1], hex.EncodeToString(a.keys[0].key)) || strings.Contains(a.Encode(), fa[1]) {
		t.Fatal("the fingerprint holds the key")
	}
	sealed, _ := New(a).Seal([]byte(pan), []byte("row"))
	if err := New(a).CanOpen(sealed); err != nil {
		t.Fatal(err)
	}
	if err := New(b).CanOpen(sealed); err == nil || !strings.Contains(err.Error(), `"k1"`) {
		t.Fatalf("another key under k1: %v", err)
	}
	c, _ := GenerateKey("k9")
	if err := New(c).CanOpen(sealed); err == nil || !strings.Contains(err.Error(), `no master key "k1"`) {
		t.Fatalf("a keyring without k1: %v", err)
	}
	rotated, _ := a.WithNewCurrent("k2")
	if err := New(rotated).CanOpen(sealed); err != nil {
		t.Fatalf("rotated keyring: %v", err)
	}
}

// TestLoadOrCreateRace: processes starting together on one data directory
// all get the one key the first created; none sees a half-written file.
func TestLoadOrCreateRace(t *testing.T) {
	for round := range 20 {
		path := filepath.Join(t.TempDir(), "master.key")
		keys := make([]string, 8)
		errs := make([]error, 8)
		var wg sync.WaitGroup
		for i := range keys {
			wg.Go(func() {
				k, _, err := LoadOrCreate(path)
				if err == nil {
					keys[i] = k.Encode()
				}
				errs[i] = err
			})
		}
		wg.Wait()
		for i := range keys {
			if errs[i] != nil || keys[i] != keys[0] {
				t.Fatalf("round %d, creator %d: %v (key the same as the first's: %v)", round, i, errs[i], keys[i] == keys[0])
			}
		}
		if left, _ := filepath.Glob(filepath.Join(filepath.Dir(path), ".master.key-*")); len(left) != 0 {
			t.Fatalf("temporary files left: %v", left)
		}
	}
}
