package dashboard_test

import (
	"net/url"
	"strings"
	"testing"

	"github.com/tenderpay/tender"
	"github.com/tenderpay/tender/internal/apitest"
)

// TestDashboardVoidCaptureReceipt captures a pre-authorization and voids
// a sale from their pages, sends a receipt again, and refuses a staff
// user's void in the service (403, the payment untouched) while letting
// staff capture.
func TestDashboardVoidCaptureReceipt(t *testing.T) {
	apitest.EachStore(t, func(t *testing.T, store string) {
		e := apitest.Start(t, store, apitest.Options{})
		pm := newCard(t, e)
		sale := e.Call("POST", "/charge", map[string]any{"payment_method_id": pm, "total": 20}, 200).Map(t)["id"].(string)
		auth := e.Call("POST", "/charge", map[string]any{"payment_method_id": pm, "total": 30, "pre_auth": 1}, 200).Map(t)["id"].(string)
		owner := signInOwner(t, e)
		staff := signInStaff(t, e)

		page := staff.get("/dashboard/transactions/"+sale, 200)
		if strings.Contains(page, "/act/void") {
			t.Fatal("a staff page offers a void")
		}
		staff.get("/dashboard/transactions/"+sale+"/act/void", 403)
		staff.post("/dashboard/transactions/"+sale+"/act/void", page, url.Values{"idempotency_id": {tender.NewID()}}, 403)
		if got := e.Call("GET", "/transaction/"+sale, nil, 200).Map(t)["is_voided"]; got != false {
			t.Fatalf("after the staff void is_voided = %v", got)
		}

		page = owner.get("/dashboard/transactions/"+sale, 200)
		if !strings.Contains(page, "/act/void") {
			t.Fatal("the owner's page of an unsettled sale offers no void")
		}
		form := owner.get("/dashboard/transactions/"+sale+"/act/void", 200)
		page = owner.post("/dashboard/transactions/"+sale+"/act/void", form, url.Values{"idempotency_id": {tender.NewID()}}, 200)
		if !strings.Contains(page, "Payment voided.") {
			t.Fatalf("after void: %s", page)
		}
		if got := e.Call("GET", "/transaction/"+sale, nil, 200).Map(t)["is_voided"]; got != true {
			t.Fatalf("is_voided = %v", got)
		}

		page = staff.get("/dashboard/transactions/"+auth, 200)
		if !strings.Contains(page, "/act/capture") {
			t.Fatal("a pre-authorization's page offers no capture")
		}
		form = staff.get("/dashboard/transactions/"+auth+"/act/capture", 200)
		staff.post("/dashboard/transactions/"+auth+"/act/capture", form, url.Values{"amount": {"31"}, "idempotency_id": {tender.NewID()}}, 422)
		page = staff.post("/dashboard/transactions/"+auth+"/act/capture", form, url.Values{"amount": {"25"}, "idempotency_id": {tender.NewID()}}, 200)
		if !strings.Contains(page, "Payment captured.") {
			t.Fatalf("after capture: %s", page)
		}
		if got := e.Call("GET", "/transaction/"+auth, nil, 200).Map(t)["is_captured"]; got != 1.0 && got != true {
			t.Fatalf("is_captured = %v", got)
		}

		page = owner.get("/dashboard/transactions/"+auth, 200)
		page = owner.post("/dashboard/transactions/"+auth+"/receipt", page, url.Values{"email": {"jane@example.com"}}, 200)
		if !strings.Contains(page, "Receipt sent.") {
			t.Fatalf("after receipt: %s", page)
		}
		owner.post("/dashboard/transactions/"+auth+"/receipt", page, url.Values{"email": {"not an address"}}, 422)
		owner.get("/dashboard/transactions/"+auth+"/act/explode", 404)
	})
}
