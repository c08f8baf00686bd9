package jsonenc

import (
	"bytes"
	"encoding/json"
	"testing"

	"github.com/tenderpay/tender/internal/jsonenc/jsonenctest"
)

// FuzzString holds String to encoding/json (HTML escaping off) for any
// string, valid UTF-8 or not.
func FuzzString(f *testing.F) {
	for _, s := range jsonenctest.Strings {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		want, err := Reflect(s)
		if err != nil {
			t.Fatal(err)
		}
		if got := String(nil, s); !bytes.Equal(got, want) {
			t.Fatalf("String(%q) = %s, want %s", s, got, want)
		}
	})
}

func TestRaw(t *testing.T) {
	t.Parallel()
	for _, raw := range jsonenctest.RawMessages {
		got, err := Raw([]byte("x"), raw)
		want, werr := Reflect(raw)
		want = append([]byte("x"), want...)
		if err != nil || werr != nil || !bytes.Equal(got, want) {
			t.Errorf("Raw(%q) = %s (%v), want %s (%v)", raw, got, err, want, werr)
		}
	}
	for _, bad := range []json.RawMessage{{}, json.RawMessage(`{"a":`), json.RawMessage(`nul`)} {
		if _, err := Raw(nil, bad); err == nil {
			t.Errorf("Raw(%q): no error", bad)
		}
	}
}
