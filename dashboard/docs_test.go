package dashboard_test

import (
	"strings"
	"testing"

	"github.com/tenderpay/tender/internal/apitest"
)

// TestDashboardDocs: /docs renders the API reference from the OpenAPI
// document, without signing in, under the strict CSP: operations grouped
// by tag with their method, path, parameters and request and response
// fields.
func TestDashboardDocs(t *testing.T) {
	e := apitest.Start(t, "sqlite", apitest.Options{})
	page := newBrowser(t, e.URL).get("/docs", 200)
	for _, want := range []string{
		`<code>/charge</code>`, `v-POST`, `<code>/transaction/{id}</code>`, `<code>payment_method_id</code>`,
		`<code>id</code> <span class="muted">path, string</span>`, `paginator of`, `href="#tag-`, `<code>422</code> Validation failed`,
	} {
		if !strings.Contains(page, want) {
			t.Errorf("/docs lacks %q", want)
		}
	}
	if strings.Contains(page, "<script src=\"http") || strings.Contains(page, "cdn") {
		t.Error("/docs loads something from elsewhere")
	}
}
