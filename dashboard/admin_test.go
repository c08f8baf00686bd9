package dashboard_test

import (
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/tenderpay/tender/internal/apitest"
)

var newKeyRE = regexp.MustCompile(`<code id="new-key" class="secret">([^<]+)</code>`)
var revokeRE = regexp.MustCompile(`/dashboard/keys/([0-9a-f-]{36})/revoke`)

// TestDashboardKeysAndSettings: the owner creates an API key (its secret
// shown once, and it works), revokes it (it stops working) and changes the
// merchant's details; staff are refused both pages and their POSTs (403)
// and see neither in the navigation.
func TestDashboardKeysAndSettings(t *testing.T) {
	apitest.EachStore(t, func(t *testing.T, store string) {
		e := apitest.Start(t, store, apitest.Options{})
		owner := signInOwner(t, e)
		staff := signInStaff(t, e)

		page := owner.get("/dashboard/keys", 200)
		page = owner.post("/dashboard/keys", page, url.Values{"name": {"CI"}}, 200)
		m := newKeyRE.FindStringSubmatch(page)
		if m == nil {
			t.Fatalf("no new key shown: %s", page)
		}
		key := m[1]
		if r := e.Do(apitest.Request{Method: "GET", Path: "/self", Key: key}); r.Status != 200 {
			t.Fatalf("the new key: %d", r.Status)
		}
		if again := owner.get("/dashboard/keys", 200); strings.Contains(again, key) {
			t.Fatal("the key's secret is shown twice")
		}
		owner.post("/dashboard/keys", page, url.Values{"expires_at": {"yesterday"}}, 422)

		var id string
		for _, mm := range revokeRE.FindAllStringSubmatch(page, -1) {
			if strings.Contains(page[strings.Index(page, mm[0])-400:strings.Index(page, mm[0])], "<td>CI</td>") {
				id = mm[1]
			}
		}
		if id == "" {
			t.Fatal("no revoke form for the new key")
		}
		sp := staff.get("/", 200)
		if strings.Contains(sp, "/dashboard/keys") || strings.Contains(sp, "/dashboard/settings") {
			t.Fatal("staff navigation offers keys or settings")
		}
		staff.get("/dashboard/keys", 403)
		staff.get("/dashboard/settings", 403)
		staff.post("/dashboard/keys", sp, url.Values{"name": {"x"}}, 403)
		staff.post("/dashboard/keys/"+id+"/revoke", sp, nil, 403)
		staff.post("/dashboard/settings", sp, url.Values{"company_name": {"Staff Co"}}, 403)
		if r := e.Do(apitest.Request{Method: "GET", Path: "/self", Key: key}); r.Status != 200 {
			t.Fatalf("the key after staff's revoke: %d", r.Status)
		}

		page = owner.post("/dashboard/keys/"+id+"/revoke", page, nil, 200)
		if !strings.Contains(page, "Key revoked.") {
			t.Fatalf("after revoke: %s", page)
		}
		if r := e.Do(apitest.Request{Method: "GET", Path: "/self", Key: key}); r.Status != 401 {
			t.Fatalf("the revoked key: %d, want 401", r.Status)
		}

		page = owner.get("/dashboard/settings", 200)
		owner.post("/dashboard/settings", page, url.Values{"company_name": {""}}, 422)
		owner.post("/dashboard/settings", page, url.Values{"company_name": {"Acme"}, "contact_email": {"nope"}}, 422)
		page = owner.post("/dashboard/settings", page, url.Values{"company_name": {"Acme Widgets"}, "contact_email": {"billing@acme.example"},
			"allowed_origins": {"https://shop.acme.example"}}, 200)
		if !strings.Contains(page, "Settings saved.") || !strings.Contains(page, "Acme Widgets") {
			t.Fatalf("after save: %s", page)
		}
		self := e.Call("GET", "/self", nil, 200).Map(t)
		if got := self["merchant"].(map[string]any); got["company_name"] != "Acme Widgets" || got["contact_email"] != "billing@acme.example" {
			t.Fatalf("merchant over the API: %v", got)
		}
	})
}
