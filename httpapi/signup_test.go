package httpapi_test

import (
	"net/http"
	"testing"
	"time"

	"github.com/tenderpay/tender/internal/apitest"
)

// TestSignUp: on a sandbox server sign-up is open: POST /self creates a
// merchant, its owner and the owner's key (it answers GET /self with the
// user), emails a verification link (real SMTP), and GET /self/exists
// tells taken emails; a taken email is a 422; POST /team with a partner
// key creates a merchant. Outside sandbox mode sign-up is closed: 403.
func TestSignUp(t *testing.T) {
	apitest.EachStore(t, func(t *testing.T, store string) {
		smtp := apitest.StartSMTP(t)
		e := apitest.Start(t, store, apitest.Options{SMTPURL: smtp.URL})
		body := map[string]any{"company_name": "Main Street Barbers", "name": "Ada", "email": "Ada@Example.com",
			"password": "correct horse battery"}
		r := e.Do(apitest.Request{Method: "POST", Path: "/self", Body: body})
		if r.Status != http.StatusCreated {
			t.Fatalf("POST /self: %d %s", r.Status, r.Body)
		}
		out := r.Map(t)
		key, _ := out["api_key"].(map[string]any)["api_key"].(string)
		m := out["merchant"].(map[string]any)
		if key == "" || m["company_name"] != "Main Street Barbers" || m["is_sandbox"] != true {
			t.Fatalf("sign-up: %s", r.Body)
		}
		self := e.Do(apitest.Request{Method: "GET", Path: "/self", Key: key}).Map(t)
		if u, _ := self["user"].(map[string]any); u == nil || u["email"] != "ada@example.com" || u["team_role"] != "owner" ||
			u["email_verified"] != false {
			t.Fatalf("GET /self with the sign-up key: %v", self)
		}
		smtp.WaitForN(t, 60*time.Second, 1, "ada@example.com", "/self/verify/")
		exists := func(email string) any {
			t.Helper()
			r := e.Do(apitest.Request{Method: "GET", Path: "/self/exists?email=" + email})
			if r.Status != 200 {
				t.Fatalf("GET /self/exists: %d %s", r.Status, r.Body)
			}
			return r.Map(t)["exists"]
		}
		if exists("ada@example.com") != true || exists("nobody@example.com") != false {
			t.Fatal("GET /self/exists")
		}
		r = e.Do(apitest.Request{Method: "POST", Path: "/self", Body: body})
		if _, ok := r.Map(t)["email"]; r.Status != 422 || !ok {
			t.Fatalf("a taken email: %d %s", r.Status, r.Body)
		}
		_, pk, err := e.Server.Service.CreatePartner(t.Context(), "ISV")
		if err != nil {
			t.Fatal(err)
		}
		r = e.Do(apitest.Request{Method: "POST", Path: "/team", Key: pk.Key, Body: map[string]any{"company_name": "Second Shop"}})
		if r.Status != http.StatusCreated || r.Map(t)["merchant"].(map[string]any)["partner_id"] != pk.ID && r.Map(t)["merchant"] == nil {
			t.Fatalf("POST /team: %d %s", r.Status, r.Body)
		}

		live := apitest.Start(t, store, apitest.Options{Live: true})
		for _, req := range []apitest.Request{{Method: "POST", Path: "/self", Body: body},
			{Method: "GET", Path: "/self/exists?email=ada@example.com"}} {
			if r := live.Do(req); r.Status != http.StatusForbidden {
				t.Fatalf("%s %s with sign-up closed: %d %s", req.Method, req.Path, r.Status, r.Body)
			}
		}
	})
}
