package dashboard_test

import (
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/tenderpay/tender"
	"github.com/tenderpay/tender/internal/apitest"
)

var scheduleRE = regexp.MustCompile(`/dashboard/invoices/scheduled/([0-9a-f-]{36})"`)

// TestDashboardSchedules creates a scheduled invoice from the dashboard
// (a monthly rule from a frequency, a first date and a count; a date in
// the past is a 422), then edits it: a new amount and a pause leave the
// rule alone, a new frequency replaces it. Another merchant's schedule is
// 404.
func TestDashboardSchedules(t *testing.T) {
	apitest.EachStore(t, func(t *testing.T, store string) {
		e := apitest.Start(t, store, apitest.Options{})
		cust := e.Call("POST", "/customer", map[string]any{"firstname": "Ann", "lastname": "Lee", "email": "ann@example.com"}, 200).Map(t)["id"].(string)
		owner := signInOwner(t, e)
		if list := owner.get("/dashboard/invoices/scheduled", 200); !strings.Contains(list, `href="/dashboard/invoices/scheduled/new"`) {
			t.Fatal("the schedules page offers no new schedule")
		}
		form := owner.get("/dashboard/invoices/scheduled/new", 200)
		if !strings.Contains(form, "Ann Lee") {
			t.Fatalf("the form offers no customer: %s", form)
		}
		start := e.Server.Service.Now().UTC().Add(48 * time.Hour).Format(time.DateOnly)
		owner.post("/dashboard/invoices/scheduled/new", form, url.Values{"customer_id": {cust}, "total": {"25"}, "freq": {"MONTHLY"},
			"start": {"2001-01-01"}}, 422)
		owner.post("/dashboard/invoices/scheduled/new", form, url.Values{"customer_id": {cust}, "total": {"25"}, "freq": {"HOURLY"},
			"start": {start}}, 422)
		bad := owner.post("/dashboard/invoices/scheduled/new", form, url.Values{"customer_id": {cust}, "total": {"0"}, "freq": {"MONTHLY"},
			"start": {start}, "count": {"12"}}, 422)
		if !strings.Contains(bad, `value="12"`) || !strings.Contains(bad, `class="error"`) {
			t.Fatalf("the 422 lost the form or its error: %s", bad)
		}
		list := owner.post("/dashboard/invoices/scheduled/new", form, url.Values{"customer_id": {cust}, "total": {"25.50"}, "freq": {"MONTHLY"},
			"start": {start}, "count": {"12"}, "email_notification": {"1"}}, 200)
		m := scheduleRE.FindStringSubmatch(list)
		if !strings.Contains(list, "Schedule created.") || m == nil {
			t.Fatalf("after creating: %s", list)
		}
		id := m[1]
		rule := "DTSTART:" + strings.ReplaceAll(start, "-", "") + "T090000Z\nRRULE:FREQ=MONTHLY;COUNT=12"
		sc := e.Call("GET", "/invoice/schedule/"+id, nil, 200).Map(t)
		if sc["rule"] != rule || sc["total"] != 25.5 || sc["customer_id"] != cust || sc["email_notification"] != true {
			t.Fatalf("the schedule over the API: %v", sc)
		}

		edit := owner.get("/dashboard/invoices/scheduled/"+id, 200)
		if !strings.Contains(edit, `value="25.50"`) || !strings.Contains(edit, `value="`+start+`"`) || !strings.Contains(edit, `<option value="MONTHLY" selected>`) {
			t.Fatalf("the edit form does not show the schedule: %s", edit)
		}
		owner.post("/dashboard/invoices/scheduled/"+id+"/save", edit, url.Values{"total": {"-1"}, "freq": {"MONTHLY"}, "start": {start}, "count": {"12"},
			"active": {"1"}}, 422)
		list = owner.post("/dashboard/invoices/scheduled/"+id+"/save", edit, url.Values{"total": {"30"}, "freq": {"MONTHLY"}, "start": {start},
			"count": {"12"}}, 200)
		if !strings.Contains(list, "Schedule saved.") {
			t.Fatalf("after saving: %s", list)
		}
		sc = e.Call("GET", "/invoice/schedule/"+id, nil, 200).Map(t)
		if sc["rule"] != rule || sc["total"] != 30.0 || sc["active"] != false || sc["status"] != tender.SchedulePaused || sc["email_notification"] != false {
			t.Fatalf("the schedule after the edit: %v", sc)
		}
		owner.post("/dashboard/invoices/scheduled/"+id+"/save", edit, url.Values{"total": {"30"}, "freq": {"WEEKLY"}, "start": {start},
			"active": {"1"}, "email_notification": {"1"}}, 200)
		sc = e.Call("GET", "/invoice/schedule/"+id, nil, 200).Map(t)
		if want := "DTSTART:" + strings.ReplaceAll(start, "-", "") + "T090000Z\nRRULE:FREQ=WEEKLY"; sc["rule"] != want || sc["active"] != true {
			t.Fatalf("the schedule after a new frequency: %v", sc)
		}

		name := "B"
		b, err := e.Server.Service.CreateMerchant(t.Context(), "", true, &tender.MerchantInput{CompanyName: &name})
		if err != nil {
			t.Fatal(err)
		}
		bCust := e.Do(apitest.Request{Method: "POST", Path: "/customer", Key: b.APIKey.Key, Body: map[string]any{"firstname": "B"}}).Map(t)["id"].(string)
		bSc := e.Do(apitest.Request{Method: "POST", Path: "/invoice/schedule", Key: b.APIKey.Key, Body: map[string]any{"customer_id": bCust,
			"total": 1, "rule": "DTSTART:20990101T000000Z\nRRULE:FREQ=MONTHLY"}}).Map(t)["id"].(string)
		owner.get("/dashboard/invoices/scheduled/"+bSc, 404)
		owner.post("/dashboard/invoices/scheduled/"+bSc+"/save", edit, url.Values{"total": {"2"}, "freq": {"MONTHLY"}, "start": {"2099-01-01"}}, 404)
		// A customer of another merchant cannot be scheduled.
		owner.post("/dashboard/invoices/scheduled/new", form, url.Values{"customer_id": {bCust}, "total": {"5"}, "freq": {"MONTHLY"},
			"start": {start}}, 422)
	})
}

// TestDashboardCustomerPicker narrows the customers the new invoice and
// new schedule forms offer by a search on name or email.
func TestDashboardCustomerPicker(t *testing.T) {
	apitest.EachStore(t, func(t *testing.T, store string) {
		e := apitest.Start(t, store, apitest.Options{})
		e.Call("POST", "/customer", map[string]any{"firstname": "Ann", "lastname": "Lee", "email": "ann@example.com"}, 200)
		e.Call("POST", "/customer", map[string]any{"firstname": "Bob", "lastname": "Ray", "email": "bob@shop.example"}, 200)
		owner := signInOwner(t, e)
		for _, p := range []string{"/dashboard/invoices/new", "/dashboard/invoices/scheduled/new"} {
			page := owner.get(p, 200)
			if !strings.Contains(page, "Ann Lee") || !strings.Contains(page, "Bob Ray") || !strings.Contains(page, `id="customer_q"`) {
				t.Fatalf("%s: both customers and a search box expected: %s", p, page)
			}
			page = owner.get(p+"?customer_q=Ann", 200)
			if !strings.Contains(page, "Ann Lee") || strings.Contains(page, "Bob Ray") || !strings.Contains(page, `value="Ann"`) {
				t.Fatalf("%s?customer_q=Ann: %s", p, page)
			}
			page = owner.get(p+"?customer_q=shop.example", 200)
			if strings.Contains(page, "Ann Lee") || !strings.Contains(page, "Bob Ray") {
				t.Fatalf("%s?customer_q=shop.example: %s", p, page)
			}
		}
	})
}
