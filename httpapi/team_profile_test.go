package httpapi_test

import (
	"bytes"
	"io"
	"mime/multipart"
	"net/http"
	"strings"
	"testing"

	"github.com/tenderpay/tender/internal/apitest"
)

// multipartBody is a form with one file part named field.
func multipartBody(t *testing.T, field, filename string, data []byte) ([]byte, string) {
	t.Helper()
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	part, err := w.CreateFormFile(field, filename)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := part.Write(data); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes(), w.FormDataContentType()
}

// TestTeamProfile: PUT /team changes the merchant's own details and GET
// /self shows them; PUT /team/options merges and removes options; the brand
// colours and an uploaded logo reach the hosted invoice page; the logo is
// served publicly with the type read from its bytes; bad input is a 422
// naming the field, identical on both stores, and changes nothing.
func TestTeamProfile(t *testing.T) {
	apitest.EachStore(t, func(t *testing.T, store string) {
		e := apitest.Start(t, store, apitest.Options{})

		for _, c := range []struct {
			body  map[string]any
			field string
		}{
			{map[string]any{"company_name": "  "}, "company_name"},
			{map[string]any{"contact_email": "nope"}, "contact_email"},
			{map[string]any{"address_country": "us"}, "address_country"},
			{map[string]any{"address_zip": strings.Repeat("9", 17)}, "address_zip"},
		} {
			r := e.Call("PUT", "/team", c.body, http.StatusUnprocessableEntity)
			if _, ok := r.Map(t)[c.field]; !ok {
				t.Fatalf("PUT /team %v: %s, want an error on %s", c.body, r.Body, c.field)
			}
		}
		m := e.Call("PUT", "/team", map[string]any{"company_name": " Ada's Bakery ", "contact_name": "Ada Lovelace",
			"contact_phone": "8005551234", "address_1": "1 Main St", "address_city": "Orlando", "address_state": "FL",
			"address_zip": "32801", "address_country": "USA"}, http.StatusOK).Map(t)
		if m["company_name"] != "Ada's Bakery" || m["contact_name"] != "Ada Lovelace" || m["address_country"] != "USA" {
			t.Fatalf("PUT /team answered %v", m)
		}
		self := e.Call("GET", "/self", nil, http.StatusOK).Map(t)["merchant"].(map[string]any)
		if self["contact_phone"] != "8005551234" || self["address_city"] != "Orlando" || self["company_name"] != "Ada's Bakery" {
			t.Fatalf("GET /self after PUT /team: %v", self)
		}

		opts := e.Call("PUT", "/team/options", map[string]any{"receipt_footer": "Thanks!", "tip_prompt": true, "max_tip": 25},
			http.StatusOK).Map(t)["options"].(map[string]any)
		if opts["receipt_footer"] != "Thanks!" || opts["tip_prompt"] != true || opts["max_tip"] != 25.0 {
			t.Fatalf("options = %v", opts)
		}
		opts = e.Call("PUT", "/team/options", map[string]any{"tip_prompt": nil}, http.StatusOK).Map(t)["options"].(map[string]any)
		if _, ok := opts["tip_prompt"]; ok || opts["receipt_footer"] != "Thanks!" || len(opts) != 2 {
			t.Fatalf("after removing tip_prompt: %v", opts)
		}
		for _, c := range []struct {
			body  any
			field string
		}{
			{map[string]any{"bad name!": 1}, "bad name!"},
			{map[string]any{"nested": map[string]any{"a": 1}}, "nested"},
			{map[string]any{"long": strings.Repeat("x", 1001)}, "long"},
			{map[string]any{}, "options"},
		} {
			r := e.Call("PUT", "/team/options", c.body, http.StatusUnprocessableEntity)
			if _, ok := r.Map(t)[c.field]; !ok {
				t.Fatalf("PUT /team/options %v: %s, want an error on %s", c.body, r.Body, c.field)
			}
		}
		if got := e.Call("GET", "/self", nil, http.StatusOK).Map(t)["merchant"].(map[string]any)["options"].(map[string]any); len(got) != 2 {
			t.Fatalf("a refused PUT /team/options changed the options: %v", got)
		}

		r := e.Call("PUT", "/team/option/advanced_customizations", map[string]any{"primary_color": "red"}, http.StatusUnprocessableEntity)
		if _, ok := r.Map(t)["primary_color"]; !ok {
			t.Fatalf("a colour named red: %s", r.Body)
		}
		br := e.Call("PUT", "/team/option/advanced_customizations", map[string]any{"primary_color": "#0A66C2", "accent_color": "#5b2a86"},
			http.StatusOK).Map(t)["branding"].(map[string]any)
		if br["primary_color"] != "#0a66c2" || br["accent_color"] != "#5b2a86" {
			t.Fatalf("branding = %v", br)
		}

		// The logo: its type is read from its bytes, never from the name.
		upload := func(data []byte, name string, want int) *apitest.Response {
			t.Helper()
			body, ctype := multipartBody(t, "branding", name, data)
			r := e.Do(apitest.Request{Method: "POST", Path: "/team/option/branding", Key: e.Key, Body: body, ContentType: ctype})
			if r.Status != want {
				t.Fatalf("upload %s: %d %s, want %d", name, r.Status, r.Body, want)
			}
			return r
		}
		for _, bad := range [][]byte{
			[]byte(`<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>`),
			[]byte("<!doctype html><script>alert(1)</script>"),
			append(append([]byte{}, apitest.PNG(t)[:16]...), make([]byte, 600<<10)...),
		} {
			if _, ok := upload(bad, "logo.png", http.StatusUnprocessableEntity).Map(t)["branding"]; !ok {
				t.Fatal("a refused logo names no branding field")
			}
		}
		if r := e.Do(apitest.Request{Method: "POST", Path: "/team/option/branding", Key: e.Key, Body: map[string]any{"branding": "x"}}); r.Status != http.StatusUnsupportedMediaType {
			t.Fatalf("a JSON logo upload: %d %s, want 415", r.Status, r.Body)
		}
		logo := apitest.PNG(t)
		br = upload(logo, "whatever.gif", http.StatusOK).Map(t)["branding"].(map[string]any)
		logoURL, _ := br["logo_url"].(string)
		if !strings.HasPrefix(logoURL, "/branding/"+e.MerchantID+"/logo?v=") || br["primary_color"] != "#0a66c2" {
			t.Fatalf("branding after upload = %v", br)
		}
		resp, err := http.Get(e.URL + logoURL)
		if err != nil {
			t.Fatal(err)
		}
		got, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 || !bytes.Equal(got, logo) || resp.Header.Get("Content-Type") != "image/png" ||
			resp.Header.Get("X-Content-Type-Options") != "nosniff" {
			t.Fatalf("GET %s: %d %s, %d bytes", logoURL, resp.StatusCode, resp.Header, len(got))
		}

		// The hosted invoice page shows the logo and the colours.
		cust := e.Call("POST", "/customer", map[string]any{"firstname": "Pat", "email": "pat@example.com"}, 200).Map(t)
		inv := e.Call("POST", "/invoice", map[string]any{"customer_id": cust["id"], "total": 12.5}, 200).Map(t)
		resp, err = http.Get(e.URL + "/pay/invoice/" + inv["id"].(string))
		if err != nil {
			t.Fatal(err)
		}
		page, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		for _, want := range []string{`<img src="` + strings.ReplaceAll(logoURL, "?", "?") + `"`, "--primary: #0a66c2;", "--accent: #5b2a86;", "Ada&#39;s Bakery"} {
			if !strings.Contains(string(page), want) {
				t.Fatalf("the hosted page lacks %q:\n%s", want, page)
			}
		}

		// Removing the logo: the page and the route forget it.
		if br := e.Call("DELETE", "/team/option/branding", nil, http.StatusOK).Map(t)["branding"].(map[string]any); br["logo_url"] != "" {
			t.Fatalf("after DELETE: %v", br)
		}
		if resp, err := http.Get(e.URL + logoURL); err != nil || resp.StatusCode != http.StatusNotFound {
			t.Fatalf("the removed logo: %v %v", resp.StatusCode, err)
		}
	})
}
