package httpapi_test

import (
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/tenderpay/tender/internal/apitest"
)

// TestPaymentLinkLifecycle: the seven /query/payment-links operations on
// both stores: create, list (filters, sorts, the paginator), get, update
// (nullable limits, max_uses never below uses), is-active (inactive,
// expired by the sandbox clock, deleted), update-stats, delete, 422s that
// change nothing, and the events.
func TestPaymentLinkLifecycle(t *testing.T) {
	apitest.EachStore(t, func(t *testing.T, store string) {
		e := apitest.Start(t, store, apitest.Options{})
		expires := time.Now().UTC().Add(48 * time.Hour).Truncate(time.Second).Format("2006-01-02 15:04:05")
		l := e.Call("POST", "/query/payment-links", map[string]any{
			"name": "Yoga class pass", "description": "Ten classes", "total": "120.50", "max_uses": 50,
			"expires_at": expires, "meta": map[string]any{"sku": "YOGA10"},
		}, http.StatusOK).Map(t)
		id := l["id"].(string)
		if l["total"] != 120.5 || l["is_active"] != true || l["max_uses"] != 50.0 || l["uses"] != 0.0 || l["views"] != 0.0 ||
			l["expires_at"] != expires || l["merchant_id"] != e.MerchantID || l["deleted_at"] != nil {
			t.Fatalf("link = %v", l)
		}
		other := e.Call("POST", "/query/payment-links", map[string]any{"name": "Donation", "total": 5}, http.StatusOK).Map(t)
		if other["max_uses"] != nil || other["expires_at"] != nil {
			t.Fatalf("unlimited link = %v", other)
		}
		if got := e.Call("GET", "/query/payment-links/"+id, nil, http.StatusOK).Map(t); got["name"] != "Yoga class pass" || got["total"] != 120.5 {
			t.Fatalf("get = %v", got)
		}

		for name, body := range map[string]any{
			"no name":           map[string]any{"total": 1},
			"no total":          map[string]any{"name": "x"},
			"zero total":        map[string]any{"name": "x", "total": 0},
			"3 decimals":        map[string]any{"name": "x", "total": 1.005},
			"max_uses 0":        map[string]any{"name": "x", "total": 1, "max_uses": 0},
			"max_uses fraction": map[string]any{"name": "x", "total": 1, "max_uses": 1.5},
			"max_uses text":     map[string]any{"name": "x", "total": 1, "max_uses": "many"},
			"expired":           map[string]any{"name": "x", "total": 1, "expires_at": "2001-01-01 00:00:00"},
			"not a date":        map[string]any{"name": "x", "total": 1, "expires_at": "soon"},
			"meta not object":   map[string]any{"name": "x", "total": 1, "meta": []int{1}},
			"long name":         map[string]any{"name": string(make([]byte, 256)), "total": 1},
		} {
			if r := e.Do(apitest.Request{Method: "POST", Path: "/query/payment-links", Key: e.Key, Body: body}); r.Status != 422 {
				t.Errorf("%s: status %d %s", name, r.Status, r.Body)
			}
		}

		for q, want := range map[string]float64{
			"": 2, "?is_active=true": 2, "?is_active=false": 0, "?keywords[]=yoga": 1, "?keywords[]=classes": 1,
			"?sort=total&order=asc": 2, "?sort=views": 2, "?per_page=1&page=2": 2,
		} {
			if got := e.Call("GET", "/query/payment-links"+q, nil, http.StatusOK).Map(t)["total"]; got != want {
				t.Errorf("GET /query/payment-links%s total = %v, want %v", q, got, want)
			}
		}
		page := e.Call("GET", "/query/payment-links?sort=total&order=asc&per_page=1", nil, http.StatusOK).Map(t)
		if data := page["data"].([]any); len(data) != 1 || data[0].(map[string]any)["id"] != other["id"] || page["last_page"] != 2.0 {
			t.Fatalf("page = %v", page)
		}
		for _, q := range []string{"?sort=secret", "?is_active=maybe", "?per_page=500"} {
			e.Call("GET", "/query/payment-links"+q, nil, 422)
		}

		// Views: concurrent ones all count; they change nothing else.
		const views = 8
		var wg sync.WaitGroup
		for range views {
			wg.Go(func() { e.Call("PUT", "/query/payment-links/"+id+"/update-stats", nil, http.StatusOK) })
		}
		wg.Wait()
		got := e.Call("GET", "/query/payment-links/"+id, nil, http.StatusOK).Map(t)
		if got["views"] != float64(views) || got["updated_at"] != l["updated_at"] {
			t.Fatalf("after %d views: %v", views, got)
		}

		active := func(wantActive bool, wantReason any) {
			t.Helper()
			st := e.Call("GET", "/query/payment-links/"+id+"/is-active", nil, http.StatusOK).Map(t)
			if st["id"] != id || st["is_active"] != wantActive || st["reason"] != wantReason {
				t.Fatalf("is-active = %v, want %v %v", st, wantActive, wantReason)
			}
		}
		active(true, nil)
		upd := e.Call("PUT", "/query/payment-links/"+id, map[string]any{"is_active": false, "total": 99, "max_uses": nil}, http.StatusOK).Map(t)
		if upd["is_active"] != false || upd["total"] != 99.0 || upd["max_uses"] != nil || upd["views"] != float64(views) ||
			upd["name"] != "Yoga class pass" || upd["expires_at"] != expires {
			t.Fatalf("updated = %v", upd)
		}
		active(false, "inactive")
		e.Call("PUT", "/query/payment-links/"+id, map[string]any{"is_active": true}, http.StatusOK)
		active(true, nil)
		for _, body := range []map[string]any{{"total": -1}, {"name": ""}, {"max_uses": -2}, {"expires_at": "yesterday"}} {
			e.Call("PUT", "/query/payment-links/"+id, body, 422)
		}
		if after := e.Call("GET", "/query/payment-links/"+id, nil, http.StatusOK).Map(t); after["total"] != 99.0 || after["name"] != "Yoga class pass" {
			t.Fatalf("a refused update changed the link: %v", after)
		}

		// Past expires_at (the sandbox clock moves three days on) it cannot be paid.
		e.Call("POST", "/sandbox/clock", map[string]any{"advance": "72h"}, http.StatusOK)
		active(false, "expired")
		e.Call("PUT", "/query/payment-links/"+id, map[string]any{"expires_at": nil}, http.StatusOK)
		active(true, nil)

		del := e.Call("DELETE", "/query/payment-links/"+id, nil, http.StatusOK).Map(t)
		if del["deleted_at"] == nil {
			t.Fatalf("deleted = %v", del)
		}
		active(false, "deleted")
		e.Call("GET", "/query/payment-links/"+id, nil, http.StatusOK) // still readable by id
		e.Call("DELETE", "/query/payment-links/"+id, nil, 404)
		e.Call("PUT", "/query/payment-links/"+id, map[string]any{"name": "again"}, 404)
		e.Call("PUT", "/query/payment-links/"+id+"/update-stats", nil, 404)
		if got := e.Call("GET", "/query/payment-links", nil, http.StatusOK).Map(t)["total"]; got != 1.0 {
			t.Fatalf("total after delete = %v", got)
		}
		for _, p := range []string{"/query/payment-links/not-an-id", "/query/payment-links/00000000-0000-4000-8000-000000000000/is-active"} {
			e.Call("GET", p, nil, 404)
		}

		// One event per change (create x2, update x3, delete); views emit none.
		for name, want := range map[string]float64{"create_payment_link": 2, "update_payment_link": 3, "delete_payment_link": 1} {
			if got := e.Call("GET", "/event?name="+name, nil, http.StatusOK).Map(t)["total"]; got != want {
				t.Errorf("%s events = %v, want %v", name, got, want)
			}
		}
	})
}
