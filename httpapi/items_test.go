package httpapi_test

import (
	"net/http"
	"testing"

	"github.com/tenderpay/tender/internal/apitest"
)

func TestItemLifecycle(t *testing.T) {
	apitest.EachStore(t, func(t *testing.T, store string) {
		e := apitest.Start(t, store, apitest.Options{})
		it := e.Call("POST", "/item", map[string]any{
			"item": "Haircut", "code": "HC1", "category": "services", "details": "30 min",
			"price": 25.5, "in_stock": 10, "is_service": true, "meta": map[string]any{"color": "n/a"},
		}, http.StatusOK).Map(t)
		id := it["id"].(string)
		if it["price"] != 25.5 || it["in_stock"] != 10.0 || it["is_active"] != true {
			t.Fatalf("item = %v", it)
		}
		// Amounts are exact: strings and numbers with trailing zeros both parse.
		upd := e.Call("PUT", "/item/"+id, map[string]any{"price": "19.90", "is_active": false}, http.StatusOK).Map(t)
		if upd["price"] != 19.9 || upd["is_active"] != false || upd["item"] != "Haircut" {
			t.Fatalf("updated = %v", upd)
		}
		e.Call("POST", "/item", map[string]any{"item": "Shampoo", "category": "retail", "price": 8}, http.StatusOK)

		for q, want := range map[string]float64{
			"": 2, "?category=retail": 1, "?is_active=false": 1, "?is_active=true": 1,
			"?keywords[]=hair": 1, "?code=HC1": 1, "?sort=price&order=desc": 2,
		} {
			if got := e.Call("GET", "/item"+q, nil, http.StatusOK).Map(t)["total"]; got != want {
				t.Errorf("GET /item%s total = %v, want %v", q, got, want)
			}
		}

		for name, body := range map[string]any{
			"no name":         map[string]any{"price": 1},
			"3 decimals":      map[string]any{"item": "x", "price": 1.005},
			"negative price":  map[string]any{"item": "x", "price": -1},
			"negative stock":  map[string]any{"item": "x", "in_stock": -1},
			"price as object": map[string]any{"item": "x", "price": map[string]any{}},
			"meta not object": map[string]any{"item": "x", "meta": []int{1}},
			"exponent":        `{"item":"x","price":1e3}`,
		} {
			if r := e.Do(apitest.Request{Method: "POST", Path: "/item", Key: e.Key, Body: body}); r.Status != 422 {
				t.Errorf("%s: status %d %s", name, r.Status, r.Body)
			}
		}

		e.Call("DELETE", "/item/"+id, nil, http.StatusOK)
		if got := e.Call("GET", "/item", nil, http.StatusOK).Map(t)["total"]; got != 1.0 {
			t.Fatalf("total after delete = %v", got)
		}
	})
}
