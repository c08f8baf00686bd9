package httpapi_test

import (
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/tenderpay/tender"
	"github.com/tenderpay/tender/internal/apitest"
)

var zeroTime time.Time

func TestAuthentication(t *testing.T) {
	apitest.EachStore(t, func(t *testing.T, store string) {
		e := apitest.Start(t, store, apitest.Options{})
		for name, key := range map[string]string{"none": "", "unknown": "tnd_sk_nope", "huge": strings.Repeat("k", 500)} {
			r := e.Do(apitest.Request{Method: "GET", Path: "/customer", Key: key})
			if r.Status != http.StatusUnauthorized || r.Map(t)["error"] != "Unauthorized" {
				t.Errorf("%s key: %d %s", name, r.Status, r.Body)
			}
		}
		r := e.Do(apitest.Request{Method: "GET", Path: "/customer", Header: http.Header{"Authorization": {"Basic " + e.Key}}})
		if r.Status != http.StatusUnauthorized {
			t.Errorf("basic auth: %d", r.Status)
		}
		self := e.Call("GET", "/self", nil, http.StatusOK).Map(t)
		if self["merchant"].(map[string]any)["id"] != e.MerchantID {
			t.Fatalf("self = %v", self)
		}

		// A second key works; keys are stored hashed.
		k := e.Call("POST", "/team/apikey", map[string]any{"name": "ci"}, http.StatusCreated).Map(t)
		second := k["api_key"].(string)
		if e.Do(apitest.Request{Method: "GET", Path: "/customer", Key: second}).Status != 200 {
			t.Fatal("second key rejected")
		}
		if _, err := e.Server.Store.APIKeyGetByHash(t.Context(), second, time.Now()); tender.ErrorCode(err) != tender.ENOTFOUND {
			t.Fatal("a key's plaintext is findable in the store")
		}
	})
}

func TestEphemeralToken(t *testing.T) {
	apitest.EachStore(t, func(t *testing.T, store string) {
		now := time.Now()
		var offset atomic.Int64
		clock := func() time.Time { return now.Add(time.Duration(offset.Load())) }
		e := apitest.Start(t, store, apitest.Options{Now: clock})
		tok := e.Call("GET", "/ephemeral", nil, http.StatusOK).Map(t)["token"].(string)
		if r := e.Do(apitest.Request{Method: "POST", Path: "/customer", Key: tok, Body: map[string]any{"firstname": "E"}}); r.Status != 200 {
			t.Fatalf("ephemeral create: %d %s", r.Status, r.Body)
		}
		// An ephemeral token cannot mint long-lived keys.
		if r := e.Do(apitest.Request{Method: "POST", Path: "/team/apikey", Key: tok, Body: map[string]any{}}); r.Status != http.StatusForbidden {
			t.Fatalf("ephemeral → team/apikey: %d", r.Status)
		}
		// Nor fresh ephemeral tokens (a stolen one would never expire):
		// only merchant API keys mint them, as Stax.
		r := e.Do(apitest.Request{Method: "GET", Path: "/ephemeral", Key: tok})
		if r.Status != http.StatusForbidden || r.Map(t)["error"] == nil || strings.Contains(string(r.Body), "tnd_eph_") {
			t.Fatalf("ephemeral → ephemeral: %d %s", r.Status, r.Body)
		}
		_, pk, err := e.Server.Service.CreatePartner(t.Context(), "ISV")
		if err != nil {
			t.Fatal(err)
		}
		if r := e.Do(apitest.Request{Method: "GET", Path: "/ephemeral", Key: pk.Key}); r.Status != http.StatusForbidden {
			t.Fatalf("partner key → ephemeral: %d %s", r.Status, r.Body)
		}
		offset.Store(int64(24*time.Hour + time.Second))
		if r := e.Do(apitest.Request{Method: "GET", Path: "/customer", Key: tok}); r.Status != http.StatusUnauthorized {
			t.Fatalf("expired ephemeral: %d", r.Status)
		}
		if r := e.Do(apitest.Request{Method: "GET", Path: "/customer", Key: e.Key}); r.Status != 200 {
			t.Fatalf("api key after 24h: %d", r.Status)
		}
	})
}

// TestTenantIsolation: another merchant's key sees 404 for every object
// route, and changes nothing.
func TestTenantIsolation(t *testing.T) {
	apitest.EachStore(t, func(t *testing.T, store string) {
		e := apitest.Start(t, store, apitest.Options{})
		name := "Other LLC"
		other, err := e.Server.Service.CreateMerchant(t.Context(), "", true, &tender.MerchantInput{CompanyName: &name})
		if err != nil {
			t.Fatal(err)
		}
		otherKey := other.APIKey.Key
		cust := e.Call("POST", "/customer", map[string]any{"firstname": "Mine"}, 200).Map(t)["id"].(string)
		item := e.Call("POST", "/item", map[string]any{"item": "Mine"}, 200).Map(t)["id"].(string)

		for _, tc := range []struct{ method, path string }{
			{"GET", "/customer/" + cust}, {"PUT", "/customer/" + cust}, {"DELETE", "/customer/" + cust},
			{"GET", "/item/" + item}, {"PUT", "/item/" + item}, {"DELETE", "/item/" + item},
		} {
			r := e.Do(apitest.Request{Method: tc.method, Path: tc.path, Key: otherKey, Body: map[string]any{"firstname": "Theirs", "item": "Theirs"}})
			if r.Status != http.StatusNotFound {
				t.Errorf("%s %s with another merchant's key: %d %s", tc.method, tc.path, r.Status, r.Body)
			}
		}
		for _, p := range []string{"/customer", "/item"} {
			if got := e.Do(apitest.Request{Method: "GET", Path: p, Key: otherKey}).Map(t)["total"]; got != 0.0 {
				t.Errorf("GET %s as other merchant: total %v", p, got)
			}
		}
		if c := e.Call("GET", "/customer/"+cust, nil, 200).Map(t); c["firstname"] != "Mine" || c["deleted_at"] != nil {
			t.Fatalf("customer changed by another merchant: %v", c)
		}
		if it := e.Call("GET", "/item/"+item, nil, 200).Map(t); it["item"] != "Mine" || it["deleted_at"] != nil {
			t.Fatalf("item changed by another merchant: %v", it)
		}
	})
}

func TestPartnerManagesMerchants(t *testing.T) {
	apitest.EachStore(t, func(t *testing.T, store string) {
		e := apitest.Start(t, store, apitest.Options{})
		_, pk, err := e.Server.Service.CreatePartner(t.Context(), "ISV One")
		if err != nil {
			t.Fatal(err)
		}
		_, pk2, err := e.Server.Service.CreatePartner(t.Context(), "ISV Two")
		if err != nil {
			t.Fatal(err)
		}
		p := func(method, path, key string, body any, want int) map[string]any {
			t.Helper()
			r := e.Do(apitest.Request{Method: method, Path: path, Key: key, Body: body})
			if r.Status != want {
				t.Fatalf("%s %s: %d %s", method, path, r.Status, r.Body)
			}
			return r.Map(t)
		}
		created := p("POST", "/merchant", pk.Key, map[string]any{"company_name": "Shop", "contact_email": "owner@shop.test"}, 201)
		m := created["merchant"].(map[string]any)
		mid := m["id"].(string)
		mkey := created["api_key"].(map[string]any)["api_key"].(string)
		if m["hosted_payments_token"] == "" || m["is_sandbox"] != false {
			t.Fatalf("merchant = %v", m)
		}
		// The new merchant's key works on merchant routes; the partner key does not.
		if r := e.Do(apitest.Request{Method: "POST", Path: "/customer", Key: mkey, Body: map[string]any{"firstname": "A"}}); r.Status != 200 {
			t.Fatalf("new merchant key: %d %s", r.Status, r.Body)
		}
		p("GET", "/customer", pk.Key, nil, http.StatusForbidden)
		// A merchant key cannot use partner routes.
		p("POST", "/merchant", e.Key, map[string]any{"company_name": "X"}, http.StatusForbidden)

		upd := p("PUT", "/merchant/"+mid, pk.Key, map[string]any{"features": map[string]any{"split_funding": true, "cp_tokenization": true}}, 200)
		if f := upd["features"].(map[string]any); f["split_funding"] != true || f["cp_surcharging"] != false {
			t.Fatalf("features = %v", f)
		}
		if list := p("GET", "/merchant", pk.Key, nil, 200); list["total"] != 1.0 {
			t.Fatalf("partner list = %v", list)
		}
		k := p("POST", "/merchant/"+mid+"/apikey", pk.Key, map[string]any{"name": "pos"}, 201)
		if e.Do(apitest.Request{Method: "GET", Path: "/self", Key: k["api_key"].(string)}).Status != 200 {
			t.Fatal("partner-issued key rejected")
		}
		// Another partner sees nothing of it.
		p("GET", "/merchant/"+mid, pk2.Key, nil, 404)
		p("PUT", "/merchant/"+mid, pk2.Key, map[string]any{"company_name": "Stolen"}, 404)
		p("POST", "/merchant/"+mid+"/apikey", pk2.Key, map[string]any{}, 404)
		if list := p("GET", "/merchant", pk2.Key, nil, 200); list["total"] != 0.0 {
			t.Fatalf("other partner list = %v", list)
		}
		p("POST", "/merchant", pk.Key, map[string]any{"contact_email": "x@y.test"}, 422)
	})
}

func nil2(name *string) *tender.MerchantInput { return &tender.MerchantInput{CompanyName: name} }
