package dashboard_test

import (
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/tenderpay/tender"
	"github.com/tenderpay/tender/internal/apitest"
)

// browser is an HTTP client with its own cookies, as one browser.
type browser struct {
	t    *testing.T
	base string
	c    *http.Client
}

func newBrowser(t *testing.T, base string) *browser {
	jar, _ := cookiejar.New(nil)
	return &browser{t: t, base: base, c: &http.Client{Jar: jar}}
}

func (b *browser) do(method, path string, form url.Values) (int, string) {
	b.t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequest(method, b.base+path, body)
	if err != nil {
		b.t.Fatal(err)
	}
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	resp, err := b.c.Do(req)
	if err != nil {
		b.t.Fatal(err)
	}
	defer resp.Body.Close()
	out, _ := io.ReadAll(resp.Body)
	if csp := resp.Header.Get("Content-Security-Policy"); strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") &&
		!strings.Contains(csp, "script-src 'self'") {
		b.t.Fatalf("%s %s: no strict CSP (%q)", method, path, csp)
	}
	return resp.StatusCode, string(out)
}

var csrfRE = regexp.MustCompile(`name="csrf" value="([0-9a-f]+)"`)

func csrf(t *testing.T, page string) string {
	t.Helper()
	m := csrfRE.FindStringSubmatch(page)
	if m == nil {
		t.Fatalf("no CSRF token in %s", page)
	}
	return m[1]
}

// TestDashboardSignInRefundAndRefusals drives the dashboard over real HTTP:
// the sandbox banner's one-time link signs the owner in (once), the owner
// refunds a payment from its page, and the dashboard refuses a POST
// without the CSRF token (403), a staff user's refund (403), another
// merchant's transaction (404) and a wrong password (401).
func TestDashboardSignInRefundAndRefusals(t *testing.T) {
	apitest.EachStore(t, func(t *testing.T, store string) {
		e := apitest.Start(t, store, apitest.Options{})
		if e.Server.SignInLink == "" {
			t.Fatal("the sandbox start printed no sign-in link")
		}
		link := strings.TrimPrefix(e.Server.SignInLink, e.Server.Service.PublicURL)

		owner := newBrowser(t, e.URL)
		if code, _ := owner.do("GET", "/dashboard/transactions", nil); code != 200 {
			t.Fatalf("signed out: %d, want the sign-in page", code)
		}
		code, page := owner.do("GET", link, nil)
		if code != 200 {
			t.Fatalf("link page: %d", code)
		}
		token := link[strings.LastIndex(link, "/")+1:]
		form := url.Values{"csrf": {csrf(t, page)}, "token": {token}}
		if code, page = owner.do("POST", "/dashboard/link", form); code != 200 || !strings.Contains(page, "Sales today") {
			t.Fatalf("sign in with the link: %d %s", code, page)
		}
		other := newBrowser(t, e.URL)
		_, lp := other.do("GET", link, nil)
		if code, _ := other.do("POST", "/dashboard/link", url.Values{"csrf": {csrf(t, lp)}, "token": {token}}); code != 401 {
			t.Fatalf("second use of the link: %d, want 401", code)
		}

		pm := newCard(t, e)
		sale := e.Call("POST", "/charge", map[string]any{"payment_method_id": pm, "total": 12.5}, 200).Map(t)["id"].(string)
		e.Call("POST", "/sandbox/batch", nil, 200)
		code, page = owner.do("GET", "/dashboard/transactions/"+sale+"/refund", nil)
		if code != 200 || !strings.Contains(page, `value="12.50"`) {
			t.Fatalf("refund page: %d %s", code, page)
		}
		refund := url.Values{"amount": {"5.00"}, "idempotency_id": {tender.NewID()}}
		if code, _ := owner.do("POST", "/dashboard/transactions/"+sale+"/refund", refund); code != 403 {
			t.Fatalf("refund without the CSRF token: %d, want 403", code)
		}
		refund.Set("csrf", csrf(t, page))
		if code, page = owner.do("POST", "/dashboard/transactions/"+sale+"/refund", refund); code != 200 || !strings.Contains(page, "Refund sent.") {
			t.Fatalf("refund: %d %s", code, page)
		}
		if got := e.Call("GET", "/transaction/"+sale, nil, 200).Map(t)["total_refunded"]; got != 5.0 {
			t.Fatalf("total_refunded = %v, want 5", got)
		}

		if _, err := e.Server.Service.CreateTeamUser(t.Context(), e.MerchantID, &tender.TeamUserInput{
			Email: "staff@example.com", Role: tender.RoleStaff, Password: "correct horse battery"}); err != nil {
			t.Fatal(err)
		}
		staff := newBrowser(t, e.URL)
		_, sp := staff.do("GET", "/dashboard/signin", nil)
		if code, _ := staff.do("POST", "/dashboard/signin", url.Values{"csrf": {csrf(t, sp)}, "email": {"staff@example.com"},
			"password": {"wrong password!!"}}); code != 401 {
			t.Fatalf("wrong password: %d, want 401", code)
		}
		code, page = staff.do("POST", "/dashboard/signin", url.Values{"csrf": {csrf(t, sp)}, "email": {"Staff@Example.com"},
			"password": {"correct horse battery"}, "next": {"/dashboard/transactions/" + sale}})
		if code != 200 || strings.Contains(page, "/refund\"") {
			t.Fatalf("staff sign-in: %d (a staff page must offer no refund) %s", code, page)
		}
		refund.Set("csrf", csrf(t, page))
		refund.Set("idempotency_id", tender.NewID())
		if code, _ := staff.do("POST", "/dashboard/transactions/"+sale+"/refund", refund); code != 403 {
			t.Fatalf("staff refund: %d, want 403", code)
		}
		if got := e.Call("GET", "/transaction/"+sale, nil, 200).Map(t)["total_refunded"]; got != 5.0 {
			t.Fatalf("after the staff refund total_refunded = %v, want 5", got)
		}

		name := "B"
		b, err := e.Server.Service.CreateMerchant(t.Context(), "", true, &tender.MerchantInput{CompanyName: &name})
		if err != nil {
			t.Fatal(err)
		}
		bCust := e.Do(apitest.Request{Method: "POST", Path: "/customer", Key: b.APIKey.Key, Body: map[string]any{"firstname": "B"}}).Map(t)["id"].(string)
		for _, p := range []string{"/dashboard/customers/" + bCust, "/dashboard/transactions/" + tender.NewID()} {
			if code, _ := owner.do("GET", p, nil); code != 404 {
				t.Fatalf("%s (another merchant's or none): %d, want 404", p, code)
			}
		}
		for _, p := range []string{"/", "/dashboard/transactions?status=SUCCESS", "/dashboard/customers", "/dashboard/events?object_id=" + sale} {
			if code, page := owner.do("GET", p, nil); code != 200 || !strings.Contains(page, "<main") {
				t.Fatalf("%s: %d", p, code)
			}
		}
		_, home := owner.do("GET", "/", nil)
		if code, _ := owner.do("POST", "/dashboard/signout", url.Values{"csrf": {csrf(t, home)}}); code != 200 {
			t.Fatalf("sign out: %d", code)
		}
		if code, page := owner.do("GET", "/dashboard/customers", nil); code != 200 || !strings.Contains(page, "Sign in to Tender") {
			t.Fatalf("after sign-out: %d", code)
		}
	})
}

func newCard(t *testing.T, e *apitest.Env) string {
	t.Helper()
	cust := e.Call("POST", "/customer", map[string]any{"firstname": "Jane", "lastname": "Doe"}, 200).Map(t)
	return e.Call("POST", "/payment-method", map[string]any{
		"method": "card", "customer_id": cust["id"], "person_name": "Jane Doe",
		"card_number": "4111111111111111", "card_cvv": "123", "card_exp": "1230", "address_zip": "32801",
	}, 200).Map(t)["id"].(string)
}
