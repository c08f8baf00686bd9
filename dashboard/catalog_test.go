package dashboard_test

import (
	"net/url"
	"strings"
	"testing"

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
