package httpapi_test

import (
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/tenderpay/tender/internal/apitest"
)

var verifyLink = regexp.MustCompile(`http://[^\s"<>]+/self/verify/([A-Za-z0-9_-]{43})`)

// TestEmailVerification: with a user's key, POST /verify and PUT
// /self/verify/resend email (real SMTP) a link whose GET verifies the
// user's email once; a newer link supersedes an older one; a used or
// expired link is a 422; a new email through PUT /self is unverified and
// gets its own link; a merchant's own key is a 403.
func TestEmailVerification(t *testing.T) {
	apitest.EachStore(t, func(t *testing.T, store string) {
		smtp := apitest.StartSMTP(t)
		e := apitest.Start(t, store, apitest.Options{SMTPURL: smtp.URL})
		const password = "correct horse battery"
		u := e.Call("POST", "/team/user", map[string]any{"name": "Vera", "email": "vera@example.com", "team_role": "staff",
			"password": password}, http.StatusCreated).Map(t)
		key := e.Call("POST", "/team/apikey", map[string]any{"name": "vera", "user_id": u["id"]}, http.StatusCreated).Map(t)["api_key"].(string)
		call := func(key, method, path string, want int) map[string]any {
			t.Helper()
			r := e.Do(apitest.Request{Method: method, Path: path, Key: key})
			if r.Status != want {
				t.Fatalf("%s %s: %d, want %d: %s", method, path, r.Status, want, r.Body)
			}
			return r.Map(t)
		}
		call(e.Key, "POST", "/verify", http.StatusForbidden)
		links := func(addr string, n int) []string {
			t.Helper()
			var out []string
			for _, m := range smtp.WaitForN(t, 60*time.Second, n, addr, "/self/verify/") {
				sub := verifyLink.FindStringSubmatch(m.Decoded)
				if sub == nil || !strings.HasPrefix(sub[0], e.URL+"/self/verify/") || !strings.Contains(m.Decoded, "Verify your email") {
					t.Fatalf("verification email: %s", m.Decoded)
				}
				out = append(out, sub[1])
			}
			return out
		}
		call(key, "POST", "/verify", 200)
		first := links("vera@example.com", 1)[0]
		call(key, "PUT", "/self/verify/resend", 200)
		second := links("vera@example.com", 2)[1]
		if first == second {
			t.Fatal("the same link twice")
		}
		if _, ok := call("", "GET", "/self/verify/"+first, 422)["token"]; !ok {
			t.Fatal("a superseded link is not a 422 on token")
		}
		call("", "GET", "/self/verify/"+second, 200)
		self := call(key, "GET", "/self", 200)["user"].(map[string]any)
		if self["email_verified"] != true || self["email_verified_at"] == nil {
			t.Fatalf("after verifying: %v", self)
		}
		call("", "GET", "/self/verify/"+second, 422)
		if _, ok := call(key, "PUT", "/self/verify/resend", 422)["email"]; !ok {
			t.Fatal("resending for a verified email is not a 422 on email")
		}

		// A new email is unverified and gets its own link; an expired one
		// is refused.
		r := e.Do(apitest.Request{Method: "PUT", Path: "/self", Key: key, Body: map[string]any{"email": "vera2@example.com",
			"current_password": password}})
		if r.Status != 200 || r.Map(t)["email_verified"] != false {
			t.Fatalf("new email: %d %s", r.Status, r.Body)
		}
		third := links("vera2@example.com", 1)[0]
		e.Call("POST", "/sandbox/clock", map[string]any{"advance": "25h"}, 200)
		call("", "GET", "/self/verify/"+third, 422)
		call(key, "PUT", "/self/verify/resend", 200)
		fourth := links("vera2@example.com", 2)[1]
		call("", "GET", "/self/verify/"+fourth, 200)
		if self := call(key, "GET", "/self", 200)["user"].(map[string]any); self["email_verified"] != true || self["email"] != "vera2@example.com" {
			t.Fatalf("after verifying the new email: %v", self)
		}
	})
}
