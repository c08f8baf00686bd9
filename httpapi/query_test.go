package httpapi_test

import (
	"net/url"
	"testing"
	"time"

	"github.com/tenderpay/tender/internal/apitest"
)

// TestQueryReporting: a batch becomes a deposit with the sandbox's fees,
// its detail lists its transactions, the statement reports and the team
// summary count what happened, bad filters are 422s naming the field, and
// every answer matches the OpenAPI document, on both stores.
func TestQueryReporting(t *testing.T) {
	apitest.EachStore(t, func(t *testing.T, store string) {
		e := apitest.Start(t, store, apitest.Options{})
		visa, mc := newCard(t, e, "4111111111111111"), newCard(t, e, "5555555555554444")
		sale := e.Call("POST", "/charge", map[string]any{"payment_method_id": visa, "total": 10}, 200).Map(t)
		e.Call("POST", "/charge", map[string]any{"payment_method_id": mc, "total": 20.5}, 200)
		e.Call("POST", "/sandbox/batch", nil, 200)
		e.Call("POST", "/transaction/"+sale["id"].(string)+"/refund", map[string]any{"total": 4}, 200)

		list := e.Call("GET", "/query/deposit", nil, 200).Map(t)
		if list["total"] != 1.0 {
			t.Fatalf("%s: deposits: %v", store, list)
		}
		d := list["data"].([]any)[0].(map[string]any)
		// Sandbox fees: 2.9% + 30¢ a card sale: 0.59 on 10, 0.89 on 20.50.
		if d["transactionCount"] != 2.0 || d["sales"] != 30.5 || d["fees"] != 1.48 || d["amount"] != 29.02 || d["credits"] != 0.0 {
			t.Fatalf("%s: deposit %v", store, d)
		}
		detail := e.Call("GET", "/query/depositDetail?id="+d["id"].(string)+"&per_page=1&order=asc", nil, 200).Map(t)
		lines := detail["data"].([]any)
		if detail["total"] != 2.0 || detail["last_page"] != 2.0 || len(lines) != 1 {
			t.Fatalf("%s: deposit detail %v", store, detail)
		}
		if l := lines[0].(map[string]any); l["transactionId"] != sale["id"] || l["fee"] != 0.59 || l["net"] != 9.41 ||
			l["cardType"] != "visa" || l["kind"] != "sale" {
			t.Fatalf("%s: first line %v", store, l)
		}
		tx := e.Call("GET", "/transaction/"+sale["id"].(string), nil, 200).Map(t)
		if tx["batch_id"] != d["id"] {
			t.Fatalf("%s: the deposit's id %v is not the transaction's batch_id %v", store, d["id"], tx["batch_id"])
		}

		today := time.Now().UTC().Format("2006-01-02")
		rng := "?start_date=" + today + "&end_date=" + today
		rows := func(path string) []any {
			t.Helper()
			return e.Call("GET", path+rng, nil, 200).Map(t)["data"].([]any)
		}
		daily := rows("/query/statement/v3/daily-sales")
		if len(daily) != 1 || daily[0].(map[string]any)["amount"] != 30.5 || daily[0].(map[string]any)["refunds"] != 4.0 ||
			daily[0].(map[string]any)["net"] != 26.5 || daily[0].(map[string]any)["date"] != today {
			t.Fatalf("%s: daily sales %v", store, daily)
		}
		if m := rows("/query/statement/v3/volumes/card-processing"); len(m) != 1 || m[0].(map[string]any)["method"] != "card" {
			t.Fatalf("%s: by method %v", store, m)
		}
		if b := rows("/query/statement/v3/volumes/card-type"); len(b) != 2 || b[0].(map[string]any)["cardType"] != "mastercard" ||
			b[1].(map[string]any)["amount"] != 10.0 {
			t.Fatalf("%s: by card type %v", store, b)
		}
		if a := rows("/query/statement/v3/adjustments"); len(a) != 1 || a[0].(map[string]any)["type"] != "refund" {
			t.Fatalf("%s: adjustments %v", store, a)
		}
		for _, p := range []string{"/query/statement/v3/surcharges", "/query/statement/v3/ach-rejects", "/query/statement/v3/disputes"} {
			if r := rows(p); len(r) != 0 {
				t.Fatalf("%s: %s: %v", store, p, r)
			}
		}
		// Another day has nothing; startDate/endDate are Stax's spelling.
		if r := e.Call("GET", "/query/statement/v3/daily-sales?startDate=2000-01-01&endDate=2000-01-02", nil, 200).Map(t)["data"].([]any); len(r) != 0 {
			t.Fatalf("%s: daily sales in 2000: %v", store, r)
		}
		if n := e.Call("GET", "/query/deposit?start_date=2000-01-01&end_date=2000-12-31", nil, 200).Map(t)["total"]; n != 0.0 {
			t.Fatalf("%s: deposits in 2000: %v", store, n)
		}

		sum := e.Call("GET", "/query/statistics/teamSummary", nil, 200).Map(t)
		if sum["customerCount"] != 2.0 || sum["hasAch"] != false || sum["invoiceCount"] != 0.0 {
			t.Fatalf("%s: team summary %v", store, sum)
		}

		for path, field := range map[string]string{
			"/query/deposit?start_date=yesterday":                                             "start_date",
			"/query/deposit?start_date=2020-02-02&end_date=2020-02-01":                        "end_date",
			"/query/deposit?sort=total":                                                       "sort",
			"/query/deposit?customer_id=x":                                                    "customer_id",
			"/query/depositDetail":                                                            "id",
			"/query/depositDetail?id=x&per_page=500":                                          "per_page",
			"/query/statement/v3/daily-sales":                                                 "start_date",
			"/query/statement/v3/daily-sales?start_date=2020-01-01":                           "end_date",
			"/query/statement/v3/volumes/card-type?start_date=2020-01-01&end_date=2022-01-01": "end_date",
			"/query/statement/v3/disputes?endDate=" + url.QueryEscape("not a date"):           "endDate",
			"/query/statistics/teamSummary?x=1":                                               "x",
		} {
			r := e.Call("GET", path, nil, 422)
			if _, ok := r.Map(t)[field]; !ok {
				t.Errorf("%s: %s: 422 without %s: %s", store, path, field, r.Body)
			}
		}
		e.Call("GET", "/query/depositDetail?id=01a242a3-e8ec-7de8-bbc3-7a2be0e25498", nil, 404)
	})
}
