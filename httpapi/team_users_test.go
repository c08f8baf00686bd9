package httpapi_test

import (
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/tenderpay/tender"
	"github.com/tenderpay/tender/internal/apitest"
	"github.com/tenderpay/tender/server"
)

// TestTeamUsersAPI: POST /team/user adds a person who can then sign in to
// the dashboard with that password; GET lists and reads them without any
// password or hash; PUT renames, changes the role, and a new password or
// disabling ends the user's sessions; the last enabled owner cannot be
// demoted or disabled; bad input is a 422 naming the field, identical on
// both stores; another merchant's user is 404, and an ephemeral token may
// not manage the team.
func TestTeamUsersAPI(t *testing.T) {
	apitest.EachStore(t, func(t *testing.T, store string) {
		e := apitest.Start(t, store, apitest.Options{})
		ctx := t.Context()
		svc := e.Server.Service
		const password = "correct horse battery"

		for _, c := range []struct {
			body  map[string]any
			field string
		}{
			{map[string]any{"team_role": "staff", "password": password}, "email"},
			{map[string]any{"email": "not-an-address", "team_role": "staff", "password": password}, "email"},
			{map[string]any{"email": "a@example.com", "password": password}, "team_role"},
			{map[string]any{"email": "a@example.com", "team_role": "root", "password": password}, "team_role"},
			{map[string]any{"email": "a@example.com", "team_role": "staff"}, "password"},
			{map[string]any{"email": "a@example.com", "team_role": "staff", "password": "short"}, "password"},
			{map[string]any{"email": "a@example.com", "team_role": "staff", "password": password, "name": "a\u0007b"}, "name"},
			{map[string]any{"email": server.SandboxOwnerEmail, "team_role": "staff", "password": password}, "email"},
		} {
			r := e.Call("POST", "/team/user", c.body, http.StatusUnprocessableEntity)
			if _, ok := r.Map(t)[c.field]; !ok {
				t.Fatalf("POST /team/user %v: %s, want an error on %s", c.body, r.Body, c.field)
			}
		}

		r := e.Call("POST", "/team/user", map[string]any{"name": " Grace Hopper ", "email": "Grace@Example.com",
			"team_role": "staff", "password": password}, http.StatusCreated)
		u := r.Map(t)
		id, _ := u["id"].(string)
		if u["email"] != "grace@example.com" || u["name"] != "Grace Hopper" || u["team_role"] != "staff" ||
			u["team_admin"] != false || u["team_enabled"] != true || id == "" {
			t.Fatalf("created: %s", r.Body)
		}
		assertNoPassword(t, r.Body, password)
		sess, err := svc.SignIn(ctx, "grace@example.com", password)
		if err != nil {
			t.Fatalf("the new user cannot sign in: %v", err)
		}

		var users []map[string]any
		r = e.Call("GET", "/team/user", nil, 200)
		r.JSON(t, &users)
		if len(users) != 2 || users[0]["email"] != server.SandboxOwnerEmail || users[1]["id"] != id {
			t.Fatalf("list: %s", r.Body)
		}
		assertNoPassword(t, r.Body, password)
		if got := e.Call("GET", "/team/user/"+id, nil, 200).Map(t); got["email"] != "grace@example.com" {
			t.Fatalf("get: %v", got)
		}

		// Rename and promote: the session stays.
		got := e.Call("PUT", "/team/user/"+id, map[string]any{"name": "Rear Admiral Hopper", "team_role": "admin"}, 200).Map(t)
		if got["name"] != "Rear Admiral Hopper" || got["team_role"] != "admin" || got["team_admin"] != true {
			t.Fatalf("update: %v", got)
		}
		if s, err := svc.Session(ctx, sess.Token); err != nil || s.User.Role != tender.RoleAdmin {
			t.Fatalf("session after a rename: %+v, %v", s, err)
		}
		// A new password ends the session and the old password.
		const newPassword = "another long passphrase"
		e.Call("PUT", "/team/user/"+id, map[string]any{"password": newPassword}, 200)
		if _, err := svc.Session(ctx, sess.Token); err == nil {
			t.Fatal("the session outlived a password change")
		}
		if _, err := svc.SignIn(ctx, "grace@example.com", password); err == nil {
			t.Fatal("the old password still signs in")
		}
		sess, err = svc.SignIn(ctx, "grace@example.com", newPassword)
		if err != nil {
			t.Fatalf("the new password: %v", err)
		}
		// Disabling ends the session and refuses sign-in.
		if got := e.Call("PUT", "/team/user/"+id, map[string]any{"team_enabled": false}, 200).Map(t); got["team_enabled"] != false {
			t.Fatalf("disable: %v", got)
		}
		if _, err := svc.Session(ctx, sess.Token); err == nil {
			t.Fatal("a disabled user's session still works")
		}
		if _, err := svc.SignIn(ctx, "grace@example.com", newPassword); err == nil {
			t.Fatal("a disabled user signs in")
		}

		// The sandbox owner is the last enabled owner.
		owner := users[0]["id"].(string)
		if r := e.Call("PUT", "/team/user/"+owner, map[string]any{"team_role": "admin"}, 422); !strings.Contains(string(r.Body), "team_role") {
			t.Fatalf("demote the last owner: %s", r.Body)
		}
		if r := e.Call("PUT", "/team/user/"+owner, map[string]any{"team_enabled": false}, 422); !strings.Contains(string(r.Body), "team_enabled") {
			t.Fatalf("disable the last owner: %s", r.Body)
		}
		for _, c := range []map[string]any{{}, {"team_role": "king"}, {"password": "short"}} {
			e.Call("PUT", "/team/user/"+id, c, 422)
		}
		e.Call("PUT", "/team/user/"+id, map[string]any{"team_enabled": "yes"}, 422)
		e.Call("GET", "/team/user/not-a-uuid", nil, 404)

		// Another merchant sees none of it; an ephemeral token manages nothing.
		_, pk, err := svc.CreatePartner(ctx, "Partner")
		if err != nil {
			t.Fatal(err)
		}
		created := e.Do(apitest.Request{Method: "POST", Path: "/merchant", Key: pk.Key, Body: map[string]any{"company_name": "Other"}}).Map(t)
		other := created["merchant"].(map[string]any)["id"].(string)
		otherKey := created["api_key"].(map[string]any)["api_key"].(string)
		for _, req := range []apitest.Request{
			{Method: "GET", Path: "/team/user/" + id},
			{Method: "PUT", Path: "/team/user/" + id, Body: map[string]any{"team_role": "owner"}},
		} {
			req.Key = otherKey
			if r := e.Do(req); r.Status != 404 {
				t.Fatalf("%s %s by another merchant: %d %s", req.Method, req.Path, r.Status, r.Body)
			}
		}
		var theirs []map[string]any
		e.Do(apitest.Request{Method: "GET", Path: "/team/user", Key: otherKey}).JSON(t, &theirs)
		if len(theirs) != 0 {
			t.Fatalf("another merchant's team: %v", theirs)
		}
		eph := e.Call("GET", "/ephemeral", nil, 200).Map(t)["token"].(string)
		if r := e.Do(apitest.Request{Method: "GET", Path: "/team/user", Key: eph}); r.Status != http.StatusUnauthorized && r.Status != http.StatusForbidden {
			t.Fatalf("an ephemeral token lists the team: %d", r.Status)
		}

		// The partner lists its merchant's keys, without secrets; not this one's.
		r = e.Do(apitest.Request{Method: "GET", Path: "/merchant/" + other + "/apikey", Key: pk.Key})
		var keys []map[string]any
		r.JSON(t, &keys)
		if r.Status != 200 || len(keys) != 1 || keys[0]["api_key"] != nil || strings.Contains(string(r.Body), otherKey) {
			t.Fatalf("partner's merchant keys: %d %s", r.Status, r.Body)
		}
		if r := e.Do(apitest.Request{Method: "GET", Path: "/merchant/" + e.MerchantID + "/apikey", Key: pk.Key}); r.Status != 404 {
			t.Fatalf("another partner's merchant keys: %d", r.Status)
		}
	})
}

// TestTeamLastOwnerRace: two owners demote each other at once, over and
// over; the owners are locked while the change is decided, so one of each
// pair succeeds and the merchant always keeps an enabled owner.
func TestTeamLastOwnerRace(t *testing.T) {
	apitest.EachStore(t, func(t *testing.T, store string) {
		e := apitest.Start(t, store, apitest.Options{})
		var users []map[string]any
		e.Call("GET", "/team/user", nil, 200).JSON(t, &users)
		a := users[0]["id"].(string)
		b := e.Call("POST", "/team/user", map[string]any{"email": "second@example.com", "team_role": "owner",
			"password": "a long enough password"}, http.StatusCreated).Map(t)["id"].(string)
		for round := range 4 {
			var wg sync.WaitGroup
			codes := make([]int, 2)
			for i, id := range []string{a, b} {
				wg.Go(func() {
					codes[i] = e.Do(apitest.Request{Method: "PUT", Path: "/team/user/" + id, Key: e.Key,
						Body: map[string]any{"team_role": "staff"}}).Status
				})
			}
			wg.Wait()
			if codes[0]+codes[1] != 200+422 {
				t.Fatalf("round %d: demotions answered %v, want one 200 and one 422", round, codes)
			}
			owners := 0
			users = nil
			e.Call("GET", "/team/user", nil, 200).JSON(t, &users)
			for _, u := range users {
				if u["team_role"] == "owner" && u["team_enabled"] == true {
					owners++
				}
			}
			if owners != 1 {
				t.Fatalf("round %d: %d enabled owners, want 1", round, owners)
			}
			// Restore both owners for the next round.
			for _, id := range []string{a, b} {
				e.Call("PUT", "/team/user/"+id, map[string]any{"team_role": "owner"}, 200)
			}
		}
	})
}

func assertNoPassword(t *testing.T, body []byte, password string) {
	t.Helper()
	for _, s := range []string{password, "$2a$", "password"} {
		if strings.Contains(string(body), s) {
			t.Fatalf("the answer holds %q: %s", s, body)
		}
	}
}
