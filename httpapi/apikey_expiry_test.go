package httpapi_test

import (
	"net/http"
	"sync/atomic"
	"testing"
	"time"

	"github.com/tenderpay/tender/internal/apitest"
)

// TestAPIKeyExpiry: expires_at on POST /team/apikey is honoured (the key
// answers 401 once it has passed, cached or not), and a past or malformed
// expires_at is a 422 that creates no key.
func TestAPIKeyExpiry(t *testing.T) {
	apitest.EachStore(t, func(t *testing.T, store string) {
		now := time.Now().UTC().Truncate(time.Second)
		var offset atomic.Int64
		clock := func() time.Time { return now.Add(time.Duration(offset.Load())) }
		e := apitest.Start(t, store, apitest.Options{Now: clock})
		exp := now.Add(time.Hour).Format(time.RFC3339)
		k := e.Call("POST", "/team/apikey", map[string]any{"name": "ci", "expires_at": exp}, http.StatusCreated).Map(t)
		if got, _ := time.Parse("2006-01-02 15:04:05", k["expires_at"].(string)); !got.Equal(now.Add(time.Hour)) {
			t.Fatalf("expires_at = %v, want %s", k["expires_at"], exp)
		}
		key := k["api_key"].(string)
		if r := e.Do(apitest.Request{Method: "GET", Path: "/customer", Key: key}); r.Status != 200 {
			t.Fatalf("fresh key: %d %s", r.Status, r.Body)
		}
		offset.Store(int64(time.Hour + time.Second))
		if r := e.Do(apitest.Request{Method: "GET", Path: "/customer", Key: key}); r.Status != http.StatusUnauthorized {
			t.Fatalf("expired key: %d %s", r.Status, r.Body)
		}
		if r := e.Do(apitest.Request{Method: "GET", Path: "/customer", Key: e.Key}); r.Status != 200 {
			t.Fatalf("key without expiry: %d", r.Status)
		}
		for _, bad := range []string{now.Format(time.RFC3339), "2001-01-01", "tomorrow"} {
			r := e.Do(apitest.Request{Method: "POST", Path: "/team/apikey", Key: e.Key, Body: map[string]any{"name": "x", "expires_at": bad}})
			if r.Status != 422 || r.Map(t)["expires_at"] == nil {
				t.Fatalf("expires_at %q: %d %s", bad, r.Status, r.Body)
			}
		}
	})
}
