package httpapi_test

import (
	"net/http"
	"testing"

	"github.com/tenderpay/tender/internal/apitest"
	"github.com/tenderpay/tender/server"
)

// TestSelfUserKeys: an owner mints an API key for a team user (user_id);
// with it GET /self shows the user, the user's role bounds the key (staff
// may read but not refund, nor manage keys or webhooks), PUT /self changes
// the user's own name, email and password (current_password required; a
// new password ends their dashboard sessions), a merchant's own key gets a
// 403 from PUT /self, and disabling the user stops the key.
func TestSelfUserKeys(t *testing.T) {
	apitest.EachStore(t, func(t *testing.T, store string) {
		e := apitest.Start(t, store, apitest.Options{})
		ctx := t.Context()
		svc := e.Server.Service
		const password = "correct horse battery"
		staff := e.Call("POST", "/team/user", map[string]any{"name": "Sam Staff", "email": "sam@example.com",
			"team_role": "staff", "password": password}, http.StatusCreated).Map(t)
		staffID := staff["id"].(string)
		if staff["email_verified"] != false || staff["email_verified_at"] != nil {
			t.Fatalf("a new user's email is not verified: %v", staff)
		}

		r := e.Call("POST", "/team/apikey", map[string]any{"name": "sam", "user_id": "00000000-0000-4000-8000-000000000000"}, http.StatusUnprocessableEntity)
		if _, ok := r.Map(t)["user_id"]; !ok {
			t.Fatalf("unknown user_id: %s", r.Body)
		}
		k := e.Call("POST", "/team/apikey", map[string]any{"name": "sam", "user_id": staffID}, http.StatusCreated).Map(t)
		key, _ := k["api_key"].(string)
		if k["user_id"] != staffID || key == "" {
			t.Fatalf("user key: %v", k)
		}
		var keys []map[string]any
		e.Call("GET", "/team/apikey", nil, 200).JSON(t, &keys)
		found := false
		for _, x := range keys {
			found = found || x["id"] == k["id"] && x["user_id"] == staffID
		}
		if !found {
			t.Fatalf("the user's key is not listed with its user_id: %v", keys)
		}

		call := func(key, method, path string, body any, want int) map[string]any {
			t.Helper()
			r := e.Do(apitest.Request{Method: method, Path: path, Key: key, Body: body})
			if r.Status != want {
				t.Fatalf("%s %s: %d, want %d: %s", method, path, r.Status, want, r.Body)
			}
			return r.Map(t)
		}
		self := call(key, "GET", "/self", nil, 200)
		if u, _ := self["user"].(map[string]any); u == nil || u["id"] != staffID || u["team_role"] != "staff" {
			t.Fatalf("GET /self with a user's key: %v", self)
		}
		if m, _ := self["merchant"].(map[string]any); m["id"] != e.MerchantID {
			t.Fatalf("GET /self merchant: %v", self)
		}
		if _, ok := call(e.Key, "GET", "/self", nil, 200)["user"]; ok {
			t.Fatal("GET /self with the merchant's key shows a user")
		}

		// Staff may look, not give money back nor administer.
		call(key, "GET", "/customer", nil, 200)
		for _, c := range []struct{ method, path string }{
			{"POST", "/team/apikey"}, {"GET", "/team/user"}, {"POST", "/transaction/00000000-0000-4000-8000-000000000000/refund"},
			{"POST", "/webhook"}, {"PUT", "/team"},
		} {
			if msg, _ := call(key, c.method, c.path, map[string]any{}, http.StatusForbidden)["error"].(string); msg == "" {
				t.Fatalf("%s %s by staff: no error message", c.method, c.path)
			}
		}

		// PUT /self: a merchant's own key has no user.
		if msg, _ := call(e.Key, "PUT", "/self", map[string]any{"name": "x"}, http.StatusForbidden)["error"].(string); msg == "" {
			t.Fatal("PUT /self with a merchant key: no error message")
		}
		if got := call(key, "PUT", "/self", map[string]any{"name": " Samantha "}, 200); got["name"] != "Samantha" {
			t.Fatalf("rename: %v", got)
		}
		for _, c := range []struct {
			body  map[string]any
			field string
		}{
			{map[string]any{"password": "a brand new passphrase"}, "current_password"},
			{map[string]any{"password": "a brand new passphrase", "current_password": "wrong wrong wrong"}, "current_password"},
			{map[string]any{"password": "short", "current_password": password}, "password"},
			{map[string]any{"email": "not an email", "current_password": password}, "email"},
			{map[string]any{"email": server.SandboxOwnerEmail, "current_password": password}, "email"},
			{map[string]any{"email": "sam2@example.com"}, "current_password"},
			{map[string]any{}, "name"},
		} {
			if _, ok := call(key, "PUT", "/self", c.body, http.StatusUnprocessableEntity)[c.field]; !ok {
				t.Fatalf("PUT /self %v: want an error on %s", c.body, c.field)
			}
		}
		sess, err := svc.SignIn(ctx, "sam@example.com", password)
		if err != nil {
			t.Fatal(err)
		}
		call(key, "PUT", "/self", map[string]any{"password": "a brand new passphrase", "current_password": password}, 200)
		if _, err := svc.Session(ctx, sess.Token); err == nil {
			t.Fatal("a new password left the dashboard session open")
		}
		if _, err := svc.SignIn(ctx, "sam@example.com", password); err == nil {
			t.Fatal("the old password still signs in")
		}
		if _, err := svc.SignIn(ctx, "sam@example.com", "a brand new passphrase"); err != nil {
			t.Fatalf("the new password: %v", err)
		}
		got := call(key, "PUT", "/self", map[string]any{"email": "Sam2@Example.com", "current_password": "a brand new passphrase"}, 200)
		if got["email"] != "sam2@example.com" || got["email_verified"] != false {
			t.Fatalf("new email: %v", got)
		}

		// Disabling the user stops the key.
		e.Call("PUT", "/team/user/"+staffID, map[string]any{"team_enabled": false}, 200)
		call(key, "GET", "/self", nil, http.StatusUnauthorized)
	})
}
