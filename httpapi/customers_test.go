package httpapi_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/tenderpay/tender/internal/apitest"
)

func TestCustomerLifecycle(t *testing.T) {
	apitest.EachStore(t, func(t *testing.T, store string) {
		e := apitest.Start(t, store, apitest.Options{})

		created := e.Call("POST", "/customer", map[string]any{
			"firstname": "Jane", "lastname": "Doe", "email": "jane@example.com", "company": "Acme",
			"phone": "4075551234", "address_1": "123 North Way", "address_city": "Orlando",
			"address_state": "FL", "address_zip": "32801", "address_country": "USA",
			"cc_emails": []string{"billing@example.com"}, "reference": "ref-1", "notes": "vip",
		}, http.StatusOK).Map(t)
		id := created["id"].(string)
		if created["firstname"] != "Jane" || created["deleted_at"] != nil || created["merchant_id"] != e.MerchantID {
			t.Fatalf("created = %v", created)
		}

		got := e.Call("GET", "/customer/"+id, nil, http.StatusOK).Map(t)
		if got["email"] != "jane@example.com" || got["created_at"] != created["created_at"] {
			t.Fatalf("get = %v", got)
		}

		// PUT changes only the fields it names.
		upd := e.Call("PUT", "/customer/"+id, map[string]any{"lastname": "Smith", "notes": ""}, http.StatusOK).Map(t)
		if upd["lastname"] != "Smith" || upd["firstname"] != "Jane" || upd["notes"] != "" {
			t.Fatalf("update = %v", upd)
		}

		e.Call("POST", "/customer", map[string]any{"company": "Globex", "email": "ops@globex.test"}, http.StatusOK)
		e.Call("POST", "/customer", map[string]any{"firstname": "Bob", "lastname": "Jones"}, http.StatusOK)

		for _, tc := range []struct {
			query string
			want  int
		}{
			{"", 3},
			{"?email=JANE@example.com", 1},
			{"?keywords[]=smith", 1},
			{"?keywords[]=jane&keywords[]=acme", 1},
			{"?keywords[]=jane&keywords[]=globex", 0},
			{"?keywords[]=%25", 0}, // a literal %, not a wildcard
			{"?company=globex", 1},
			{"?firstname=bob&lastname=jones", 1},
			{"?startDate=2000-01-01&endDate=2999-12-31", 3},
			{"?endDate=2001-01-01", 0},
		} {
			page := e.Call("GET", "/customer"+tc.query, nil, http.StatusOK).Map(t)
			if int(page["total"].(float64)) != tc.want {
				t.Errorf("GET /customer%s: total %v, want %d", tc.query, page["total"], tc.want)
			}
		}

		// Pagination follows Laravel's paginator.
		page := e.Call("GET", "/customer?per_page=2&sort=firstname&order=asc", nil, http.StatusOK).Map(t)
		if page["last_page"].(float64) != 2 || page["next_page_url"] == nil || page["prev_page_url"] != nil ||
			page["from"].(float64) != 1 || page["to"].(float64) != 2 || len(page["data"].([]any)) != 2 {
			t.Fatalf("page 1 = %v", page)
		}
		if !strings.Contains(page["next_page_url"].(string), "page=2") || !strings.Contains(page["next_page_url"].(string), "sort=firstname") {
			t.Fatalf("next_page_url = %v", page["next_page_url"])
		}
		page2 := e.Call("GET", "/customer?per_page=2&page=2&sort=firstname&order=asc", nil, http.StatusOK).Map(t)
		if len(page2["data"].([]any)) != 1 || page2["next_page_url"] != nil {
			t.Fatalf("page 2 = %v", page2)
		}
		empty := e.Call("GET", "/customer?page=9", nil, http.StatusOK).Map(t)
		if empty["from"] != nil || len(empty["data"].([]any)) != 0 {
			t.Fatalf("page 9 = %v", empty)
		}

		// Soft delete: still readable by id, gone from lists, not deletable twice.
		del := e.Call("DELETE", "/customer/"+id, nil, http.StatusOK).Map(t)
		if del["deleted_at"] == nil {
			t.Fatalf("deleted = %v", del)
		}
		if e.Call("GET", "/customer/"+id, nil, http.StatusOK).Map(t)["deleted_at"] == nil {
			t.Fatal("deleted customer lost deleted_at")
		}
		e.Call("DELETE", "/customer/"+id, nil, http.StatusNotFound)
		e.Call("PUT", "/customer/"+id, map[string]any{"firstname": "X"}, http.StatusNotFound)
		if got := e.Call("GET", "/customer", nil, http.StatusOK).Map(t)["total"]; got != 2.0 {
			t.Fatalf("total after delete = %v", got)
		}

		// Every change left its event, in order.
		events, err := e.Server.Store.EventListSince(t.Context(), e.MerchantID, zeroTime, 100)
		if err != nil {
			t.Fatal(err)
		}
		var names []string
		for _, ev := range events {
			if ev.ObjectID == id {
				names = append(names, ev.Name)
			}
		}
		if strings.Join(names, ",") != "create_customer,update_customer,delete_customer" {
			t.Fatalf("events = %v", names)
		}
	})
}

func TestCustomerValidation(t *testing.T) {
	apitest.EachStore(t, func(t *testing.T, store string) {
		e := apitest.Start(t, store, apitest.Options{})
		long := strings.Repeat("x", 300)
		for _, tc := range []struct {
			name      string
			body      any
			wantField string
		}{
			{"no names", map[string]any{"phone": "123"}, "firstname"},
			{"bad email", map[string]any{"firstname": "A", "email": "not-an-email"}, "email"},
			{"display-name email", map[string]any{"firstname": "A", "email": "Bob <bob@example.com>"}, "email"},
			{"state too long", map[string]any{"firstname": "A", "address_state": "FLA"}, "address_state"},
			{"zip too long", map[string]any{"firstname": "A", "address_zip": strings.Repeat("9", 17)}, "address_zip"},
			{"country too long", map[string]any{"firstname": "A", "address_country": "USAA"}, "address_country"},
			{"long address", map[string]any{"firstname": "A", "address_1": long}, "address_1"},
			{"wrong type", map[string]any{"firstname": 42}, "firstname"},
			{"cc email", map[string]any{"firstname": "A", "cc_emails": []string{"ok@example.com", "nope"}}, "cc_emails.1"},
			{"not json", "{firstname:", "body"},
			{"array body", "[1,2]", "body"},
		} {
			t.Run(tc.name, func(t *testing.T) {
				r := e.Do(apitest.Request{Method: "POST", Path: "/customer", Key: e.Key, Body: tc.body})
				if r.Status != http.StatusUnprocessableEntity {
					t.Fatalf("status %d, body %s", r.Status, r.Body)
				}
				fields := map[string][]string{}
				r.JSON(t, &fields)
				if len(fields[tc.wantField]) == 0 {
					t.Fatalf("want field %s in %s", tc.wantField, r.Body)
				}
			})
		}
		// Nothing was half-written.
		if got := e.Call("GET", "/customer", nil, http.StatusOK).Map(t)["total"]; got != 0.0 {
			t.Fatalf("total = %v after only invalid requests", got)
		}
		// List parameters are validated too.
		for _, q := range []string{"?per_page=500", "?per_page=0", "?page=-1", "?sort=password", "?order=sideways", "?startDate=yesterday"} {
			if r := e.Do(apitest.Request{Method: "GET", Path: "/customer" + q, Key: e.Key}); r.Status != 422 {
				t.Errorf("GET /customer%s: %d %s", q, r.Status, r.Body)
			}
		}
	})
}

// TestDeletedCustomersMethodsAreNotChargeable: as at Stax, once a customer
// is (soft-)deleted its payment methods cannot be charged, credited or used
// to pay an invoice: 422 on payment_method_id, and no transaction.
func TestDeletedCustomersMethodsAreNotChargeable(t *testing.T) {
	apitest.EachStore(t, func(t *testing.T, store string) {
		e := apitest.Start(t, store, apitest.Options{})
		cust := e.Call("POST", "/customer", map[string]any{"firstname": "Gone"}, 200).Map(t)["id"].(string)
		pm := e.Call("POST", "/payment-method", map[string]any{"method": "card", "customer_id": cust, "person_name": "Gone",
			"card_number": "4111111111111111", "card_cvv": "123", "card_exp": "1230"}, 200).Map(t)["id"].(string)
		inv := e.Call("POST", "/invoice", map[string]any{"customer_id": cust, "total": 5}, 200).Map(t)["id"].(string)
		e.Call("DELETE", "/customer/"+cust, nil, 200)
		for _, c := range []struct {
			path string
			body map[string]any
		}{
			{"/charge", map[string]any{"payment_method_id": pm, "total": 1}},
			{"/charge", map[string]any{"payment_method_id": pm, "total": 1, "pre_auth": true, "idempotency_id": "gone-1"}},
			{"/credit", map[string]any{"payment_method_id": pm, "total": 1}},
			{"/invoice/" + inv + "/pay", map[string]any{"payment_method_id": pm}},
		} {
			r := e.Do(apitest.Request{Method: "POST", Path: c.path, Key: e.Key, Body: c.body})
			fields := map[string][]string{}
			if r.Status == http.StatusUnprocessableEntity {
				r.JSON(t, &fields)
			}
			if r.Status != http.StatusUnprocessableEntity || len(fields["payment_method_id"]) == 0 {
				t.Errorf("POST %s: %d %s, want 422 on payment_method_id", c.path, r.Status, r.Body)
			}
		}
		if got := e.Call("GET", "/transaction", nil, 200).Map(t)["total"]; got != 0.0 {
			t.Errorf("transactions = %v, want none", got)
		}
		if got := e.Call("GET", "/invoice/"+inv, nil, 200).Map(t); got["total_paid"] != 0.0 {
			t.Errorf("invoice = %v", got)
		}
	})
}
