package httpapi_test

import (
	"encoding/json"
	"os"
	"strings"
	"testing"

	"github.com/tenderpay/tender/httpapi"
)

// TestOpenAPIDocumented: every operation of the document has a summary, a
// description, an example of its request body (when it has one) and of its
// success response, and says how it is authenticated (security: [] on the
// public ones). A new route fails here until openapi_docs.go describes it.
// With TENDER_OPENAPI_OUT set it writes the document there (for .ci/run's
// linter).
func TestOpenAPIDocumented(t *testing.T) {
	doc := httpapi.New(httpapi.Config{}).OpenAPI()
	b, err := json.MarshalIndent(doc, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	if out := os.Getenv("TENDER_OPENAPI_OUT"); out != "" {
		if err := os.WriteFile(out, b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	var d struct {
		Servers []map[string]any
		Paths   map[string]map[string]struct {
			OperationID string `json:"operationId"`
			Summary     string
			Description string
			Security    *[]map[string]any
			RequestBody *struct {
				Content map[string]struct{ Example any }
			} `json:"requestBody"`
			Responses map[string]struct {
				Content map[string]struct{ Example any }
			}
		}
	}
	if err := json.Unmarshal(b, &d); err != nil {
		t.Fatal(err)
	}
	if len(d.Servers) == 0 {
		t.Error("no servers")
	}
	n := 0
	for path, item := range d.Paths {
		for method, op := range item {
			n++
			name := strings.ToUpper(method) + " " + path + " (" + op.OperationID + ")"
			if op.Summary == "" || op.Description == "" {
				t.Errorf("%s: no summary or description (add it to httpapi/openapi_docs.go)", name)
			}
			if op.Security == nil {
				t.Errorf("%s: no security (security: [] if public)", name)
			}
			if op.RequestBody != nil {
				for typ, c := range op.RequestBody.Content {
					if c.Example == nil {
						t.Errorf("%s: no example of its %s request body (add it to httpapi/openapi_docs.go)", name, typ)
					}
				}
			}
			examples := 0
			for code, r := range op.Responses {
				if code[0] != '2' {
					continue
				}
				for _, c := range r.Content {
					if c.Example != nil {
						examples++
					}
				}
			}
			_, upgrade := op.Responses["101"] // a WebSocket: no body to show
			if examples == 0 && !upgrade {
				t.Errorf("%s: no example of its success response", name)
			}
		}
	}
	if n < 79 {
		t.Fatalf("only %d operations", n)
	}
}
