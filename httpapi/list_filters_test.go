package httpapi_test

import (
	"testing"
	"time"

	"github.com/tenderpay/tender/internal/apitest"
)

// TestListDateFilters: GET /customer, /payment-method, /item, /invoice and
// /invoice/schedule take the created_at and updated_at ranges GET
// /transaction does (invoices also total and due_at), over real HTTP on
// both stores: a filter narrows, a bad date or an unknown parameter is a
// 422 naming it, never a 500, and the answers match the OpenAPI document.
func TestListDateFilters(t *testing.T) {
	apitest.EachStore(t, func(t *testing.T, store string) {
		e := apitest.Start(t, store, apitest.Options{})
		cust := e.Call("POST", "/customer", map[string]any{"firstname": "Ann", "lastname": "Lee"}, 200).Map(t)["id"].(string)
		e.Call("POST", "/customer", map[string]any{"firstname": "Bo", "lastname": "Ray"}, 200)
		e.Call("POST", "/payment-method", map[string]any{"method": "card", "customer_id": cust, "person_name": "Ann Lee",
			"card_number": "4111111111111111", "card_cvv": "123", "card_exp": "1230"}, 200)
		e.Call("POST", "/item", map[string]any{"item": "Widget", "price": 3}, 200)
		e.Call("POST", "/item", map[string]any{"item": "Gadget", "price": 4}, 200)
		e.Call("POST", "/invoice", map[string]any{"customer_id": cust, "total": 5, "due_at": "2030-01-10"}, 200)
		e.Call("POST", "/invoice", map[string]any{"customer_id": cust, "total": 12.5, "due_at": "2030-03-01"}, 200)
		e.Call("POST", "/invoice/schedule", map[string]any{"rule": "DTSTART:20990115T090000Z\nRRULE:FREQ=MONTHLY;COUNT=6",
			"total": 25, "customer_id": cust}, 200)
		today := time.Now().UTC().Format("2006-01-02")
		tomorrow := time.Now().UTC().AddDate(0, 0, 1).Format("2006-01-02")
		lists := map[string]float64{"/customer": 2, "/payment-method": 1, "/item": 2, "/invoice": 2, "/invoice/schedule": 1}
		total := func(path string) float64 {
			t.Helper()
			return e.Call("GET", path, nil, 200).Map(t)["total"].(float64)
		}
		for list, n := range lists {
			for query, want := range map[string]float64{
				"":                    n,
				"start_date=" + today: n,
				"start_date=" + today + "&end_date=" + today:              n,
				"startDate=" + today + "&page=2":                          n,
				"start_date=2000-01-01&end_date=2000-01-02":               0,
				"end_date=2000-01-02&order=asc":                           0,
				"start_date=" + tomorrow:                                  0,
				"updated_start_date=" + today:                             n,
				"updated_end_date=2000-01-01":                             0,
				"start_date=" + today + "&updated_start_date=" + tomorrow: 0,
			} {
				if got := total(list + "?" + query); got != want {
					t.Errorf("%s: %s?%s: total %v, want %v", store, list, query, got, want)
				}
			}
			for query, field := range map[string]string{
				"start_date=yesterday":                      "start_date",
				"endDate=2020-13-01":                        "endDate",
				"start_date=2020-02-02&end_date=2020-02-01": "end_date",
				"updated_start_date=soon":                   "updated_start_date",
				"updated_end_date=2020-01-01T25:00:00":      "updated_end_date",
				"created_after=2020-01-01":                  "created_after",
			} {
				r := e.Call("GET", list+"?"+query, nil, 422)
				if _, ok := r.Map(t)[field]; !ok {
					t.Errorf("%s: %s?%s: 422 without %s: %s", store, list, query, field, r.Body)
				}
			}
		}
		// A created range narrows: the page holds what was created in it.
		data := e.Call("GET", "/item?start_date="+today+"&per_page=1", nil, 200).Map(t)
		if items := data["data"].([]any); len(items) != 1 || items[0].(map[string]any)["item"] != "Gadget" || data["last_page"] != 2.0 {
			t.Errorf("%s: /item newest first in the range: %v", store, data)
		}
		// Invoices: total and due_at ranges, keywords.
		for query, want := range map[string]float64{
			"total_min=5":                                  2,
			"total_min=5.01":                               1,
			"total_min=1&total_max=12.50":                  2,
			"total_max=12.49":                              1,
			"due_start_date=2030-01-10":                    2,
			"due_end_date=2030-01-10":                      1,
			"due_start_date=2030-02-01&total_max=100":      1,
			"due_end_date=2029-12-31":                      0,
			"customer_id=" + cust + "&start_date=" + today: 2,
			"customer_id=" + cust + "&per_page=1&page=2":   2,
			"customer_id=not-a-uuid":                       0,
		} {
			if got := total("/invoice?" + query); got != want {
				t.Errorf("%s: /invoice?%s: total %v, want %v", store, query, got, want)
			}
		}
		for query, field := range map[string]string{
			"total_min=abc":           "total_min",
			"total_min=5&total_max=4": "total_max",
			"total_max=-1":            "total_max",
			"due_start_date=nope":     "due_start_date",
			"due_start_date=2030-02-01&due_end_date=2030-01-01": "due_end_date",
			"status=LOST":        "status",
			"dueDate=2030-01-01": "dueDate",
		} {
			r := e.Call("GET", "/invoice?"+query, nil, 422)
			if _, ok := r.Map(t)[field]; !ok {
				t.Errorf("%s: /invoice?%s: 422 without %s: %s", store, query, field, r.Body)
			}
		}
		for path, field := range map[string]string{"/payment-method?method=cash": "method", "/invoice/schedule?status=LATE": "status"} {
			if _, ok := e.Call("GET", path, nil, 422).Map(t)[field]; !ok {
				t.Errorf("%s: %s: 422 without %s", store, path, field)
			}
		}
	})
}
