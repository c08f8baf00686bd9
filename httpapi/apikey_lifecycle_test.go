package httpapi_test

import (
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/tenderpay/tender/internal/apitest"
)

// TestAPIKeyListAndRevoke: GET /team/apikey lists the merchant's keys
// without secrets or hashes; DELETE /team/apikey/{id} revokes one, which
// this server refuses at once and another server sharing the database
// refuses once its authentication cache entry (5 s) has passed; another
// merchant's key is 404; an ephemeral token can do neither.
func TestAPIKeyListAndRevoke(t *testing.T) {
	apitest.EachStore(t, func(t *testing.T, store string) {
		now := time.Now().UTC().Truncate(time.Second)
		var offset atomic.Int64
		clock := func() time.Time { return now.Add(time.Duration(offset.Load())) }
		opt := apitest.Options{DatabaseURL: apitest.DatabaseURL(t, store), DataDir: t.TempDir(), Now: clock}
		a := apitest.Start(t, store, opt)
		b := apitest.Start(t, store, opt)

		made := a.Call("POST", "/team/apikey", map[string]any{"name": "reporting"}, http.StatusCreated).Map(t)
		secret, id := made["api_key"].(string), made["id"].(string)
		r := a.Call("GET", "/team/apikey", nil, 200)
		var keys []map[string]any
		r.JSON(t, &keys)
		if len(keys) != 2 || keys[1]["id"] != id || keys[1]["name"] != "reporting" || !strings.HasPrefix(secret, keys[1]["prefix"].(string)) {
			t.Fatalf("list: %s", r.Body)
		}
		for _, k := range []string{secret, a.Key, secret[len(keys[1]["prefix"].(string)):]} {
			if strings.Contains(string(r.Body), k) {
				t.Fatalf("the list holds a secret: %s", r.Body)
			}
		}
		for _, k := range keys {
			if _, ok := k["api_key"]; ok {
				t.Fatalf("the list holds api_key: %s", r.Body)
			}
		}

		// Server b resolves the key now and caches it.
		if r := b.Do(apitest.Request{Method: "GET", Path: "/customer", Key: secret}); r.Status != 200 {
			t.Fatalf("key on b: %d %s", r.Status, r.Body)
		}
		rev := a.Call("DELETE", "/team/apikey/"+id, nil, 200).Map(t)
		if rev["id"] != id || rev["api_key"] != nil {
			t.Fatalf("revoke: %v", rev)
		}
		if r := a.Do(apitest.Request{Method: "GET", Path: "/customer", Key: secret}); r.Status != http.StatusUnauthorized {
			t.Fatalf("revoked key on a: %d", r.Status)
		}
		if r := b.Do(apitest.Request{Method: "GET", Path: "/customer", Key: secret}); r.Status != 200 {
			t.Fatalf("revoked key on b inside the cache bound: %d (the bound is what README states; a test of it)", r.Status)
		}
		offset.Store(int64(5 * time.Second))
		if r := b.Do(apitest.Request{Method: "GET", Path: "/customer", Key: secret}); r.Status != http.StatusUnauthorized {
			t.Fatalf("revoked key on b after 5 s: %d", r.Status)
		}
		a.Call("DELETE", "/team/apikey/"+id, nil, 404)
		keys = nil
		a.Call("GET", "/team/apikey", nil, 200).JSON(t, &keys)
		if len(keys) != 1 || keys[0]["id"] == id {
			t.Fatalf("after revoke: %v", keys)
		}

		// Another merchant cannot see or revoke this merchant's keys.
		_, pk, err := a.Server.Service.CreatePartner(t.Context(), "Partner")
		if err != nil {
			t.Fatal(err)
		}
		created := a.Do(apitest.Request{Method: "POST", Path: "/merchant", Key: pk.Key, Body: map[string]any{"company_name": "Other"}}).Map(t)
		otherKey := created["api_key"].(map[string]any)["api_key"].(string)
		if r := a.Do(apitest.Request{Method: "DELETE", Path: "/team/apikey/" + keys[0]["id"].(string), Key: otherKey}); r.Status != 404 {
			t.Fatalf("another merchant's key: %d %s", r.Status, r.Body)
		}
		var theirs []map[string]any
		a.Do(apitest.Request{Method: "GET", Path: "/team/apikey", Key: otherKey}).JSON(t, &theirs)
		if len(theirs) != 1 || theirs[0]["id"] == keys[0]["id"] {
			t.Fatalf("the other merchant's list: %v", theirs)
		}
		// An ephemeral token neither lists nor revokes.
		eph := a.Call("GET", "/ephemeral", nil, 200).Map(t)["token"].(string)
		for _, req := range []apitest.Request{{Method: "GET", Path: "/team/apikey"}, {Method: "DELETE", Path: "/team/apikey/" + keys[0]["id"].(string)}} {
			req.Key = eph
			if r := a.Do(req); r.Status != http.StatusForbidden {
				t.Fatalf("ephemeral %s %s: %d", req.Method, req.Path, r.Status)
			}
		}
	})
}
