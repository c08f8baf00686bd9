package httpapi_test

import (
	"net/url"
	"testing"
	"time"

	"github.com/tenderpay/tender/internal/apitest"
)

// TestTransactionFilters: the list filters filter (the Stax spellings and
// ours), bad values and unknown parameters are 422s naming them, and the
// answers match the OpenAPI document.
func TestTransactionFilters(t *testing.T) {
	apitest.EachStore(t, func(t *testing.T, store string) {
		e := apitest.Start(t, store, apitest.Options{})
		pmA, pmB := newCard(t, e, "4111111111111111"), newCard(t, e, "5555555555554444")
		custA := e.Call("GET", "/payment-method/"+pmA, nil, 200).Map(t)["customer_id"].(string)
		for _, c := range []struct {
			pm    string
			total float64
		}{{pmA, 10}, {pmA, 20.5}, {pmB, 30}, {pmA, 40}} {
			e.Call("POST", "/charge", map[string]any{"payment_method_id": c.pm, "total": c.total, "meta": map[string]any{"reference": "order-77"}}, 200)
		}
		today := time.Now().UTC().Format("2006-01-02")
		total := func(query string) float64 {
			t.Helper()
			return e.Call("GET", "/transaction?"+query, nil, 200).Map(t)["total"].(float64)
		}
		for query, want := range map[string]float64{
			"start_date=2000-01-01&end_date=2000-01-02":                      0,
			"startDate=2000-01-01&endDate=2000-01-02":                        0,
			"start_date=" + today + "&end_date=" + today:                     4,
			"start_date=" + url.QueryEscape(today+" 00:00:00"):               4,
			"customer_id=" + custA:                                           3,
			"customer_id=" + custA + "&start_date=" + today + "&order=asc":   3,
			"customer_id=" + custA + "&end_date=2000-01-01":                  0,
			"payment_method_id=" + pmB:                                       1,
			"total_min=20.50":                                                3,
			"total_min=20.5&total_max=30":                                    2,
			"total_max=9.99":                                                 0,
			"keywords[]=order-77&method=card":                                4,
			"keywords=1111&type=charge&status=SUCCESS&success=true":          3,
			"updated_start_date=" + today:                                    4,
			"updated_end_date=2000-01-01":                                    0,
			"customer_id=" + custA + "&payment_method_id=" + pmA + "&page=1": 3,
			"sort=total&order=desc&per_page=2&total_min=1":                   4,
		} {
			if got := total(query); got != want {
				t.Errorf("%s: %s: total %v, want %v", store, query, got, want)
			}
		}
		// Newest first by default, oldest first with order=asc, on a filtered list.
		desc := e.Call("GET", "/transaction?customer_id="+custA, nil, 200).Map(t)["data"].([]any)
		asc := e.Call("GET", "/transaction?customer_id="+custA+"&order=asc&per_page=1&page=3", nil, 200).Map(t)["data"].([]any)
		if desc[0].(map[string]any)["total"] != 40.0 || len(asc) != 1 || asc[0].(map[string]any)["total"] != 40.0 {
			t.Fatalf("orders: desc %v, asc page 3 %v", desc, asc)
		}
		for query, field := range map[string]string{
			"start_date=yesterday":                      "start_date",
			"endDate=2020-13-01":                        "endDate",
			"start_date=2020-02-02&end_date=2020-02-01": "end_date",
			"total_min=abc":                             "total_min",
			"total_min=5&total_max=4":                   "total_max",
			"type=sale":                                 "type",
			"status=done":                               "status",
			"success=maybe":                             "success",
			"created_after=2020-01-01":                  "created_after",
			"customerId=x":                              "customerId",
		} {
			r := e.Call("GET", "/transaction?"+query, nil, 422)
			if _, ok := r.Map(t)[field]; !ok {
				t.Errorf("%s: %s: 422 without %s: %s", store, query, field, r.Body)
			}
		}
		// Every list refuses what it does not know, and keeps what it did.
		e.Call("GET", "/customer?start_date=2000-01-01&keywords[]=jane&per_page=5", nil, 200)
		e.Call("GET", "/invoice?start_date=2000-01-01&status=PAID", nil, 200)
		for _, path := range []string{"/customer?foo=1", "/invoice?totalMin=1", "/item?customer_id=x", "/payment-method?keywords[]=x",
			"/invoice/schedule?keywords[]=x", "/merchant?x=1"} {
			r := e.Do(apitest.Request{Method: "GET", Path: path, Key: e.Key})
			if r.Status != 422 && !(path == "/merchant?x=1" && r.Status == 403) {
				t.Errorf("%s: %s: %d %s", store, path, r.Status, r.Body)
			}
		}
	})
}
