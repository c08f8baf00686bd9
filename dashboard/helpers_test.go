package dashboard_test

import (
	"net/url"
	"strings"
	"testing"

	"github.com/tenderpay/tender"
	"github.com/tenderpay/tender/internal/apitest"
)

// signInOwner signs the sandbox owner in with the start banner's
// one-time link.
func signInOwner(t *testing.T, e *apitest.Env) *browser {
	t.Helper()
	link := strings.TrimPrefix(e.Server.SignInLink, e.Server.Service.PublicURL)
	b := newBrowser(t, e.URL)
	_, page := b.do("GET", link, nil)
	token := link[strings.LastIndex(link, "/")+1:]
	if code, page := b.do("POST", "/dashboard/link", url.Values{"csrf": {csrf(t, page)}, "token": {token}}); code != 200 {
		t.Fatalf("sign in with the link: %d %s", code, page)
	}
	return b
}

// signInStaff adds a staff user and signs them in with their password.
func signInStaff(t *testing.T, e *apitest.Env) *browser {
	t.Helper()
	if _, err := e.Server.Service.CreateTeamUser(t.Context(), e.MerchantID, &tender.TeamUserInput{
		Email: "staff@example.com", Role: tender.RoleStaff, Password: "correct horse battery"}); err != nil {
		t.Fatal(err)
	}
	b := newBrowser(t, e.URL)
	_, sp := b.do("GET", "/dashboard/signin", nil)
	if code, page := b.do("POST", "/dashboard/signin", url.Values{"csrf": {csrf(t, sp)}, "email": {"staff@example.com"},
		"password": {"correct horse battery"}}); code != 200 {
		t.Fatalf("staff sign-in: %d %s", code, page)
	}
	return b
}

// post sends a form from page (its CSRF token added) and wants status.
func (b *browser) post(path string, page string, form url.Values, want int) string {
	b.t.Helper()
	if form == nil {
		form = url.Values{}
	}
	form.Set("csrf", csrf(b.t, page))
	code, out := b.do("POST", path, form)
	if code != want {
		b.t.Fatalf("POST %s: %d, want %d: %s", path, code, want, out)
	}
	return out
}

// get fetches path and wants status.
func (b *browser) get(path string, want int) string {
	b.t.Helper()
	code, out := b.do("GET", path, nil)
	if code != want {
		b.t.Fatalf("GET %s: %d, want %d: %s", path, code, want, out)
	}
	return out
}
