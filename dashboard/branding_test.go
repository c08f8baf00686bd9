package dashboard_test

import (
	"bytes"
	"io"
	"mime/multipart"
	"net/http"
	"strings"
	"testing"

	"github.com/tenderpay/tender/internal/apitest"
)

// postMultipart sends the branding form as a browser does
// (multipart/form-data), with file as its logo when not nil.
func (b *browser) postMultipart(path string, fields map[string]string, file []byte) (int, string) {
	b.t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	for k, v := range fields {
		_ = mw.WriteField(k, v)
	}
	if file != nil {
		fw, _ := mw.CreateFormFile("logo", "logo.png")
		_, _ = fw.Write(file)
	}
	_ = mw.Close()
	req, err := http.NewRequest("POST", b.base+path, &body)
	if err != nil {
		b.t.Fatal(err)
	}
	req.Header.Set("Content-Type", mw.FormDataContentType())
	resp, err := b.c.Do(req)
	if err != nil {
		b.t.Fatal(err)
	}
	defer resp.Body.Close()
	out, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(out)
}

// TestDashboardBranding: the owner uploads a logo and sets the colours on
// the settings page; the API's merchant and the hosted invoice page show
// them. A bad logo or colour is a 422 on the page and changes nothing;
// staff, and a form without the session's CSRF token, are refused (403);
// "Use Tender's own colours" clears them and "Remove the logo" removes it.
func TestDashboardBranding(t *testing.T) {
	apitest.EachStore(t, func(t *testing.T, store string) {
		e := apitest.Start(t, store, apitest.Options{})
		owner := signInOwner(t, e)
		staff := signInStaff(t, e)
		branding := func() map[string]any {
			return e.Call("GET", "/self", nil, 200).Map(t)["merchant"].(map[string]any)["branding"].(map[string]any)
		}

		page := owner.get("/dashboard/settings", 200)
		for _, want := range []string{`action="/dashboard/settings/branding"`, `enctype="multipart/form-data"`, `id="primary_color"`,
			`type="color" value="#1a56db"`} {
			if !strings.Contains(page, want) {
				t.Fatalf("the settings page lacks %q", want)
			}
		}
		token := csrf(t, page)

		// Without the CSRF token, and as staff: refused, nothing changes.
		if code, _ := owner.postMultipart("/dashboard/settings/branding", map[string]string{"primary_color": "#112233"}, nil); code != 403 {
			t.Fatalf("no CSRF token: %d, want 403", code)
		}
		sp := staff.get("/", 200)
		if code, _ := staff.postMultipart("/dashboard/settings/branding", map[string]string{"csrf": csrf(t, sp), "primary_color": "#112233"}, nil); code != 403 {
			t.Fatalf("staff: %d, want 403", code)
		}
		// Bad input: 422 with the field's message.
		if code, out := owner.postMultipart("/dashboard/settings/branding", map[string]string{"csrf": token, "primary_color": "red"}, nil); code != 422 ||
			!strings.Contains(out, "#rrggbb") {
			t.Fatalf("bad colour: %d %s", code, out)
		}
		if code, out := owner.postMultipart("/dashboard/settings/branding", map[string]string{"csrf": token, "primary_color": "#112233"},
			[]byte("<svg xmlns='http://www.w3.org/2000/svg'></svg>")); code != 422 || !strings.Contains(out, "PNG, JPEG, GIF or WebP") {
			t.Fatalf("an SVG logo: %d %s", code, out)
		}
		if br := branding(); br["logo_url"] != "" {
			t.Fatalf("after the refusals: %v", br)
		}

		code, out := owner.postMultipart("/dashboard/settings/branding", map[string]string{"csrf": token, "primary_color": "#0A66C2",
			"accent_color": "#5b2a86"}, apitest.PNG(t))
		if code != 200 || !strings.Contains(out, "Branding saved") || !strings.Contains(out, `id="current-logo"`) ||
			!strings.Contains(out, `type="color" value="#0a66c2"`) {
			t.Fatalf("save: %d %s", code, out)
		}
		br := branding()
		logo, _ := br["logo_url"].(string)
		if br["primary_color"] != "#0a66c2" || br["accent_color"] != "#5b2a86" || !strings.HasPrefix(logo, "/branding/") {
			t.Fatalf("branding over the API: %v", br)
		}
		cust := e.Call("POST", "/customer", map[string]any{"firstname": "Pat", "email": "pat@example.com"}, 200).Map(t)["id"].(string)
		inv := e.Call("POST", "/invoice", map[string]any{"customer_id": cust, "total": 5}, 200).Map(t)["id"].(string)
		resp, err := http.Get(e.URL + "/pay/invoice/" + inv)
		if err != nil {
			t.Fatal(err)
		}
		hosted, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		for _, want := range []string{"--primary: #0a66c2;", "--accent: #5b2a86;", `<img src="` + logo + `"`} {
			if !strings.Contains(string(hosted), want) {
				t.Fatalf("the hosted invoice page lacks %q", want)
			}
		}

		page = owner.get("/dashboard/settings", 200)
		if code, _ := owner.postMultipart("/dashboard/settings/branding", map[string]string{"csrf": csrf(t, page), "reset_colors": "1",
			"remove_logo": "1", "primary_color": "#0a66c2"}, nil); code != 200 {
			t.Fatalf("reset: %d", code)
		}
		if br := branding(); br["primary_color"] != "" || br["accent_color"] != "" || br["logo_url"] != "" {
			t.Fatalf("after reset: %v", br)
		}
	})
}
