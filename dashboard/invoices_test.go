package dashboard_test

import (
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/tenderpay/tender"
	"github.com/tenderpay/tender/internal/apitest"
)

var invoiceRE = regexp.MustCompile(`/dashboard/invoices/([0-9a-f-]{36})`)

// TestDashboardInvoices creates an invoice from two catalog items and
// their quantities, sends it by email, shows its hosted link, records a
// cash payment that pays it, and lists it under its status; another
// merchant's invoice is 404.
func TestDashboardInvoices(t *testing.T) {
	apitest.EachStore(t, func(t *testing.T, store string) {
		e := apitest.Start(t, store, apitest.Options{})
		cust := e.Call("POST", "/customer", map[string]any{"firstname": "Ann", "lastname": "Lee", "email": "ann@example.com"}, 200).Map(t)["id"].(string)
		a := e.Call("POST", "/item", map[string]any{"item": "Widget", "price": 2.5}, 200).Map(t)["id"].(string)
		b := e.Call("POST", "/item", map[string]any{"item": "Gadget", "price": 10}, 200).Map(t)["id"].(string)
		owner := signInOwner(t, e)
		form := owner.get("/dashboard/invoices/new", 200)
		if !strings.Contains(form, "Widget") || !strings.Contains(form, "Ann Lee") {
			t.Fatalf("new invoice form lacks the item or customer: %s", form)
		}
		owner.post("/dashboard/invoices/new", form, url.Values{"customer_id": {cust}, "qty_" + a: {"x"}}, 422)
		page := owner.post("/dashboard/invoices/new", form, url.Values{"customer_id": {cust}, "qty_" + a: {"3"}, "qty_" + b: {"1"},
			"memo": {"Thanks"}}, 200)
		if !strings.Contains(page, "Invoice created.") || !strings.Contains(page, "$17.50") {
			t.Fatalf("invoice page: %s", page)
		}
		id := invoiceRE.FindStringSubmatch(page[strings.Index(page, "<main"):])
		if id == nil {
			t.Fatal("no invoice id on its page")
		}
		inv := e.Call("GET", "/invoice/"+id[1], nil, 200).Map(t)
		if inv["total"] != 17.5 || inv["status"] != tender.InvoiceDraft {
			t.Fatalf("invoice over the API: %v", inv)
		}
		if !strings.Contains(page, "/pay/invoice/"+id[1]) {
			t.Fatal("no hosted link on the invoice page")
		}
		page = owner.post("/dashboard/invoices/"+id[1]+"/send", page, nil, 200)
		if !strings.Contains(page, "Invoice sent.") {
			t.Fatalf("after send: %s", page)
		}
		if got := e.Call("GET", "/invoice/"+id[1], nil, 200).Map(t); got["status"] != tender.InvoiceSent || got["sent_at"] == nil {
			t.Fatalf("sent invoice over the API: %v", got)
		}
		owner.post("/dashboard/invoices/"+id[1]+"/pay", page, url.Values{"method": {"CASH"}, "amount": {"99"}, "idempotency_id": {tender.NewID()}}, 422)
		page = owner.post("/dashboard/invoices/"+id[1]+"/pay", page, url.Values{"method": {"CASH"}, "amount": {"17.50"}, "idempotency_id": {tender.NewID()}}, 200)
		if !strings.Contains(page, "Payment recorded.") {
			t.Fatalf("after payment: %s", page)
		}
		if got := e.Call("GET", "/invoice/"+id[1], nil, 200).Map(t); got["status"] != tender.InvoicePaid {
			t.Fatalf("paid invoice over the API: %v", got["status"])
		}
		if list := owner.get("/dashboard/invoices?status=PAID", 200); !strings.Contains(list, id[1]) {
			t.Fatal("the PAID filter leaves the invoice out")
		}
		if list := owner.get("/dashboard/invoices?status=DRAFT", 200); strings.Contains(list, id[1]) {
			t.Fatal("the DRAFT filter shows a paid invoice")
		}
		owner.get("/dashboard/invoices/scheduled", 200)

		name := "B"
		other, err := e.Server.Service.CreateMerchant(t.Context(), "", true, &tender.MerchantInput{CompanyName: &name})
		if err != nil {
			t.Fatal(err)
		}
		bCust := e.Do(apitest.Request{Method: "POST", Path: "/customer", Key: other.APIKey.Key, Body: map[string]any{"firstname": "B"}}).Map(t)["id"].(string)
		bInv := e.Do(apitest.Request{Method: "POST", Path: "/invoice", Key: other.APIKey.Key,
			Body: map[string]any{"customer_id": bCust, "total": 1}}).Map(t)["id"].(string)
		owner.get("/dashboard/invoices/"+bInv, 404)
		owner.post("/dashboard/invoices/"+bInv+"/send", page, nil, 404)
	})
}
