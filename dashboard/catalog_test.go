package dashboard_test

import (
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/tenderpay/tender"
	"github.com/tenderpay/tender/internal/apitest"
)

// TestDashboardCatalog adds an item from the catalog page (a bad price is
// a 422 that keeps the form), lists it, and refuses a POST without the
// CSRF token.
func TestDashboardCatalog(t *testing.T) {
	apitest.EachStore(t, func(t *testing.T, store string) {
		e := apitest.Start(t, store, apitest.Options{})
		owner := signInOwner(t, e)
		page := owner.get("/dashboard/catalog", 200)
		if code, _ := owner.do("POST", "/dashboard/catalog", url.Values{"item": {"Widget"}, "price": {"3"}}); code != 403 {
			t.Fatalf("no CSRF: %d, want 403", code)
		}
		bad := owner.post("/dashboard/catalog", page, url.Values{"item": {"Widget"}, "price": {"3.999"}}, 422)
		if !strings.Contains(bad, `value="Widget"`) || !strings.Contains(bad, `class="error"`) {
			t.Fatalf("422 page lost the form or its error: %s", bad)
		}
		out := owner.post("/dashboard/catalog", page, url.Values{"item": {"Widget"}, "price": {"12.50"}, "code": {"W-1"}, "in_stock": {"4"}}, 200)
		if !strings.Contains(out, "Item added.") || !strings.Contains(out, "Widget") || !strings.Contains(out, "$12.50") {
			t.Fatalf("catalog after add: %s", out)
		}
		items := e.Call("GET", "/item", nil, 200).Map(t)["data"].([]any)
		if len(items) != 1 || items[0].(map[string]any)["price"] != 12.5 {
			t.Fatalf("items over the API: %v", items)
		}
	})
}

var editItemRE = regexp.MustCompile(`/dashboard/catalog/([0-9a-f-]{36})"`)

// TestDashboardCatalogEdit edits an item from its catalog page (a bad
// price is a 422 that keeps what was typed), takes it off new invoices,
// and deletes it; another merchant's item is 404 to read, save or delete.
func TestDashboardCatalogEdit(t *testing.T) {
	apitest.EachStore(t, func(t *testing.T, store string) {
		e := apitest.Start(t, store, apitest.Options{})
		id := e.Call("POST", "/item", map[string]any{"item": "Widget", "price": 2.5, "in_stock": 3}, 200).Map(t)["id"].(string)
		owner := signInOwner(t, e)
		page := owner.get("/dashboard/catalog", 200)
		if m := editItemRE.FindStringSubmatch(page); m == nil || m[1] != id {
			t.Fatalf("no edit link for the item: %s", page)
		}
		form := owner.get("/dashboard/catalog/"+id, 200)
		if !strings.Contains(form, `value="2.50"`) || !strings.Contains(form, `value="3"`) {
			t.Fatalf("the edit form does not show the item: %s", form)
		}
		bad := owner.post("/dashboard/catalog/"+id, form, url.Values{"item": {"Widget XL"}, "price": {"abc"}, "is_active": {"1"}}, 422)
		if !strings.Contains(bad, `value="Widget XL"`) || !strings.Contains(bad, `class="error"`) {
			t.Fatalf("the 422 lost the form or its error: %s", bad)
		}
		out := owner.post("/dashboard/catalog/"+id, form, url.Values{"item": {"Widget XL"}, "price": {"4.75"}, "code": {"W-2"},
			"in_stock": {"9"}}, 200)
		if !strings.Contains(out, "Item saved.") || !strings.Contains(out, "Widget XL") || !strings.Contains(out, "$4.75") {
			t.Fatalf("catalog after the edit: %s", out)
		}
		it := e.Call("GET", "/item/"+id, nil, 200).Map(t)
		if it["item"] != "Widget XL" || it["price"] != 4.75 || it["code"] != "W-2" || it["in_stock"] != 9.0 || it["is_active"] != false {
			t.Fatalf("the item over the API: %v", it)
		}
		if inv := owner.get("/dashboard/invoices/new", 200); strings.Contains(inv, "qty_"+id) {
			t.Fatal("an inactive item is offered on a new invoice")
		}

		name := "B"
		b, err := e.Server.Service.CreateMerchant(t.Context(), "", true, &tender.MerchantInput{CompanyName: &name})
		if err != nil {
			t.Fatal(err)
		}
		bItem := e.Do(apitest.Request{Method: "POST", Path: "/item", Key: b.APIKey.Key, Body: map[string]any{"item": "B", "price": 1}}).Map(t)["id"].(string)
		owner.get("/dashboard/catalog/"+bItem, 404)
		owner.post("/dashboard/catalog/"+bItem, form, url.Values{"item": {"Mine"}, "price": {"1"}}, 404)
		owner.post("/dashboard/catalog/"+bItem+"/delete", form, nil, 404)
		if got := e.Do(apitest.Request{Method: "GET", Path: "/item/" + bItem, Key: b.APIKey.Key}).Map(t)["item"]; got != "B" {
			t.Fatalf("the other merchant's item: %v", got)
		}
		if code, _ := owner.do("POST", "/dashboard/catalog/"+id+"/delete", url.Values{}); code != 403 {
			t.Fatalf("delete without the CSRF token: %d, want 403", code)
		}

		out = owner.post("/dashboard/catalog/"+id+"/delete", form, nil, 200)
		if !strings.Contains(out, "Item deleted.") || strings.Contains(out, "/dashboard/catalog/"+id) {
			t.Fatalf("catalog after the delete: %s", out)
		}
		if e.Call("GET", "/item/"+id, nil, 200).Map(t)["deleted_at"] == nil {
			t.Fatal("the item is not deleted")
		}
		owner.get("/dashboard/catalog/"+id, 404)
	})
}
