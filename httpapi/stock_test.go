package httpapi_test

import (
	"sync"
	"testing"

	"github.com/tenderpay/tender/internal/apitest"
)

// TestItemStock: PUT /item/{id}/increment and /decrement change the stock
// atomically; 20 racing decrements of a stock of 10 give 10 successes and
// 10 422s, and the stock ends at 0.
func TestItemStock(t *testing.T) {
	apitest.EachStore(t, func(t *testing.T, store string) {
		e := apitest.Start(t, store, apitest.Options{})
		id := e.Call("POST", "/item", map[string]any{"item": "Widget", "price": 5, "in_stock": 10}, 200).Map(t)["id"].(string)
		var wg sync.WaitGroup
		var mu sync.Mutex
		codes := map[int]int{}
		for range 20 {
			wg.Go(func() {
				r := e.Do(apitest.Request{Method: "PUT", Path: "/item/" + id + "/decrement", Key: e.Key, Body: map[string]any{"quantity": 1}})
				mu.Lock()
				codes[r.Status]++
				mu.Unlock()
			})
		}
		wg.Wait()
		if codes[200] != 10 || codes[422] != 10 {
			t.Fatalf("%s: statuses %v", store, codes)
		}
		if got := e.Call("GET", "/item/"+id, nil, 200).Map(t)["in_stock"]; got != 0.0 {
			t.Fatalf("%s: stock %v", store, got)
		}
		if got := e.Call("PUT", "/item/"+id+"/increment", map[string]any{"quantity": 7}, 200).Map(t)["in_stock"]; got != 7.0 {
			t.Fatalf("%s: incremented stock %v", store, got)
		}
		if got := e.Call("PUT", "/item/"+id+"/decrement", map[string]any{"quantity": 8}, 422).Map(t); got["quantity"] == nil {
			t.Fatalf("%s: over-take = %v", store, got)
		}
		for _, body := range []map[string]any{{}, {"quantity": 0}, {"quantity": -2}} {
			e.Call("PUT", "/item/"+id+"/increment", body, 422)
		}
		e.Call("PUT", "/item/00000000-0000-4000-8000-000000000000/decrement", map[string]any{"quantity": 1}, 404)
		e.Call("DELETE", "/item/"+id, nil, 200)
		e.Call("PUT", "/item/"+id+"/increment", map[string]any{"quantity": 1}, 404)
	})
}

// TestItemByCode: GET /item/code?code=... finds the item (no longer taken
// for GET /item/{id} with the id "code").
func TestItemByCode(t *testing.T) {
	apitest.EachStore(t, func(t *testing.T, store string) {
		e := apitest.Start(t, store, apitest.Options{})
		e.Call("POST", "/item", map[string]any{"item": "Old", "code": "SKU-1", "price": 1}, 200)
		id := e.Call("POST", "/item", map[string]any{"item": "Widget", "code": "SKU-1", "price": 5}, 200).Map(t)["id"]
		if got := e.Call("GET", "/item/code?code=SKU-1", nil, 200).Map(t); got["id"] != id {
			t.Fatalf("%s: by code = %v", store, got)
		}
		e.Call("GET", "/item/code?code=NOPE", nil, 404)
		e.Call("GET", "/item/code", nil, 422)
		e.Call("GET", "/item/code?sku=SKU-1", nil, 422)
	})
}
