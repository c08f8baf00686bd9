package httpapi_test

import (
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pb33f/libopenapi"
	validator "github.com/pb33f/libopenapi-validator"
	"github.com/tenderpay/tender/internal/apitest"
)

func TestStaxConventions(t *testing.T) {
	apitest.EachStore(t, func(t *testing.T, store string) {
		e := apitest.Start(t, store, apitest.Options{})
		id := e.Call("POST", "/customer", map[string]any{"firstname": "Slash"}, 200).Map(t)["id"].(string)

		// Doubled and trailing slashes reach the same route.
		for _, p := range []string{"//customer/" + id, "/customer/" + id + "/", "//customer//" + id + "/"} {
			if r := e.Do(apitest.Request{Method: "GET", Path: p, Key: e.Key}); r.Status != 200 {
				t.Errorf("GET %s: %d", p, r.Status)
			}
		}
		// Unknown routes and methods answer JSON.
		r := e.Do(apitest.Request{Method: "GET", Path: "/nope", Key: e.Key})
		if r.Status != 404 || r.Header.Get("Content-Type") != "application/json" || r.Map(t)["error"] == nil {
			t.Errorf("unknown route: %d %s %s", r.Status, r.Header.Get("Content-Type"), r.Body)
		}
		r = e.Do(apitest.Request{Method: "PATCH", Path: "/customer/" + id, Key: e.Key})
		if r.Status != 405 || !strings.Contains(r.Header.Get("Allow"), "PUT") {
			t.Errorf("PATCH: %d allow=%q", r.Status, r.Header.Get("Allow"))
		}
		// Malformed ids are simply not found (never a 500 from the uuid parser).
		for _, bad := range []string{"not-a-uuid", "00000000-0000-0000-0000-000000000000", "%27%3B--"} {
			if r := e.Do(apitest.Request{Method: "GET", Path: "/customer/" + bad, Key: e.Key}); r.Status != 404 {
				t.Errorf("GET /customer/%s: %d", bad, r.Status)
			}
		}
		// JSON only.
		r = e.Do(apitest.Request{Method: "POST", Path: "/customer", Key: e.Key, Body: `firstname=x`, ContentType: "application/x-www-form-urlencoded"})
		if r.Status != http.StatusUnsupportedMediaType {
			t.Errorf("form body: %d %s", r.Status, r.Body)
		}
		r = e.Do(apitest.Request{Method: "POST", Path: "/customer", Key: e.Key, Body: `{"firstname":"x"}`, ContentType: "-"})
		if r.Status != http.StatusUnsupportedMediaType {
			t.Errorf("no content type: %d %s", r.Status, r.Body)
		}
		// 1 MiB body limit.
		big := `{"firstname":"` + strings.Repeat("a", 1<<20) + `"}`
		if r := e.Do(apitest.Request{Method: "POST", Path: "/customer", Key: e.Key, Body: big}); r.Status != http.StatusRequestEntityTooLarge {
			t.Errorf("big body: %d %s", r.Status, r.Body)
		}
		// The request id is echoed when sane, generated otherwise.
		r = e.Do(apitest.Request{Method: "GET", Path: "/customer", Key: e.Key, Header: http.Header{"X-Request-Id": {"abc-123"}}})
		if r.Header.Get("X-Request-Id") != "abc-123" {
			t.Errorf("request id = %q", r.Header.Get("X-Request-Id"))
		}
		r = e.Do(apitest.Request{Method: "GET", Path: "/customer", Key: e.Key, Header: http.Header{"X-Request-Id": {"<script>"}}})
		if id := r.Header.Get("X-Request-Id"); !strings.HasPrefix(id, "req_") {
			t.Errorf("unsafe request id echoed: %q", id)
		}
	})
}

func TestOperationalEndpoints(t *testing.T) {
	e := apitest.Start(t, "sqlite", apitest.Options{})
	for _, p := range []string{"/healthz", "/readyz"} {
		if r := e.Do(apitest.Request{Method: "GET", Path: p}); r.Status != 200 {
			t.Errorf("%s: %d", p, r.Status)
		}
	}
	e.Call("GET", "/customer", nil, 200)
	resp, err := http.Get(e.URL + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if !strings.Contains(string(body), `tender_http_requests_total{code="200",method="GET",route="GET /customer"}`) ||
		!strings.Contains(string(body), "tender_http_request_duration_seconds_bucket") {
		t.Errorf("metrics lack request counters:\n%s", body)
	}
}

// TestOpenAPIDocument: the served document is valid OpenAPI 3.1 and lists
// every route of the server's table.
func TestOpenAPIDocument(t *testing.T) {
	e := apitest.Start(t, "sqlite", apitest.Options{})
	r := e.Do(apitest.Request{Method: "GET", Path: "/openapi.json"})
	if r.Status != 200 {
		t.Fatalf("status %d", r.Status)
	}
	doc, err := libopenapi.NewDocument(r.Body)
	if err != nil {
		t.Fatal(err)
	}
	v, errs := validator.NewValidator(doc)
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	if ok, verrs := v.ValidateDocument(); !ok {
		for _, ve := range verrs {
			t.Errorf("%s: %s", ve.Message, ve.Reason)
		}
	}
	var parsed struct {
		OpenAPI string                               `json:"openapi"`
		Paths   map[string]map[string]map[string]any `json:"paths"`
	}
	if err := json.Unmarshal(r.Body, &parsed); err != nil {
		t.Fatal(err)
	}
	if parsed.OpenAPI != "3.1.0" {
		t.Fatalf("openapi = %s", parsed.OpenAPI)
	}
	for _, want := range []string{"POST /customer", "GET /customer/{id}", "DELETE /item/{id}", "POST /merchant/{id}/apikey", "GET /ephemeral"} {
		method, path, _ := strings.Cut(want, " ")
		if parsed.Paths[path][strings.ToLower(method)] == nil {
			t.Errorf("document lacks %s", want)
		}
	}
}

// TestMetricsToken: with a metrics token set (here from a file, as
// TENDER_METRICS_TOKEN_FILE), GET /metrics answers 401 without it or with
// another, and the metrics with it; the API keys are no substitute.
func TestMetricsToken(t *testing.T) {
	apitest.EachStore(t, func(t *testing.T, store string) {
		file := filepath.Join(t.TempDir(), "metrics-token")
		if err := os.WriteFile(file, []byte("m3tr1cs-s3cret\n"), 0o600); err != nil {
			t.Fatal(err)
		}
		e := apitest.Start(t, store, apitest.Options{MetricsTokenFile: file})
		get := func(authz string) (int, string) {
			req, _ := http.NewRequest("GET", e.URL+"/metrics", nil)
			if authz != "" {
				req.Header.Set("Authorization", authz)
			}
			resp, err := e.Client.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			body, _ := io.ReadAll(resp.Body)
			return resp.StatusCode, string(body)
		}
		for _, authz := range []string{"", "Bearer wrong", "Bearer " + e.Key, "Basic m3tr1cs-s3cret", "Bearer m3tr1cs-s3cre"} {
			if code, body := get(authz); code != http.StatusUnauthorized || strings.Contains(body, "tender_http") {
				t.Errorf("metrics with %q: %d %.100s", authz, code, body)
			}
		}
		if code, body := get("Bearer m3tr1cs-s3cret"); code != 200 || !strings.Contains(body, "tender_http_requests_total") {
			t.Errorf("metrics with the token: %d %.200s", code, body)
		}
	})
}
