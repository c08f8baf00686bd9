package httpapi_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/tenderpay/tender"
	"github.com/tenderpay/tender/client"
	"github.com/tenderpay/tender/internal/apitest"
)

// TestEveryRouteIsolatesTenants walks the whole route table. For each
// route, merchant B's API key, B's ephemeral token, and A's public
// web-payments token are tried against merchant A's objects: object routes
// answer 404 (B's keys) or 401 (the public token), and afterwards every one
// of A's objects is exactly as it was. A route whose {id} this test cannot
// fill fails the test, so new routes must be added here.
func TestEveryRouteIsolatesTenants(t *testing.T) {
	apitest.EachStore(t, func(t *testing.T, store string) {
		e := apitest.Start(t, store, apitest.Options{})
		// Merchant A's objects.
		pm := newCard(t, e, "4111111111111111")
		pmObj := e.Call("GET", "/payment-method/"+pm, nil, 200).Map(t)
		cust := pmObj["customer_id"].(string)
		item := e.Call("POST", "/item", map[string]any{"item": "A's", "in_stock": 5}, 200).Map(t)["id"].(string)
		sale := e.Call("POST", "/charge", map[string]any{"payment_method_id": pm, "total": 10}, 200).Map(t)["id"].(string)
		auth := e.Call("POST", "/charge", map[string]any{"payment_method_id": pm, "total": 10, "pre_auth": true}, 200).Map(t)["id"].(string)
		inv := e.Call("POST", "/invoice", map[string]any{"customer_id": cust, "total": 20, "is_partial_payment_enabled": true}, 200).Map(t)["id"].(string)
		e.Call("POST", "/invoice/"+inv+"/pay", map[string]any{"payment_method_id": pm, "total": 5}, 200)
		sched := e.Call("POST", "/invoice/schedule", map[string]any{"customer_id": cust, "total": 7, "payment_method_id": pm,
			"rule": "DTSTART:20990101T000000Z\nRRULE:FREQ=MONTHLY"}, 200).Map(t)["id"].(string)
		reg := e.Call("POST", "/terminal/register", map[string]any{"nickname": "A's till"}, 201).Map(t)["id"].(string)
		apiKey := e.Call("POST", "/team/apikey", map[string]any{"name": "A's second key"}, 201).Map(t)["id"].(string)
		link := e.Call("POST", "/query/payment-links", map[string]any{"name": "A's link", "total": 5, "max_uses": 2}, 200).Map(t)["id"].(string)
		var team []map[string]any
		e.Call("GET", "/team/user", nil, 200).JSON(t, &team)
		teamUser := team[0]["id"].(string)
		fileUp := upload(t, e, e.Key, "POST", "/file", map[string]string{"invoice_id": inv}, "a.png", "image/png", apitest.PNG(t))
		if fileUp.Status != 200 {
			t.Fatalf("upload: %d %s", fileUp.Status, fileUp.Body)
		}
		file := fileUp.Map(t)["id"].(string)
		// A's dispute (the sandbox's dispute card, disputed at settlement) and its evidence file.
		disputed := newCard(t, e, "4000000000000259")
		e.Call("POST", "/charge", map[string]any{"payment_method_id": disputed, "total": 12}, 200)
		e.Call("POST", "/sandbox/batch", nil, 200)
		var disputes struct{ Data []struct{ ID string } }
		e.Call("GET", "/underwriting/disputes", nil, 200).JSON(t, &disputes)
		if len(disputes.Data) != 1 {
			t.Fatalf("disputes: %+v", disputes)
		}
		dispute := disputes.Data[0].ID
		evUp := upload(t, e, e.Key, "POST", "/file/dispute", map[string]string{"dispute_id": dispute, "evidence_type": "receipt"}, "r.png", "image/png", apitest.PNG(t))
		if evUp.Status != 200 {
			t.Fatalf("evidence upload: %d %s", evUp.Status, evUp.Body)
		}
		evFile := evUp.Map(t)["id"].(string)
		// A's webhook (to a receiver that accepts everything) and one delivery.
		sink := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
		defer sink.Close()
		hook := e.Call("POST", "/webhook", map[string]any{"target_url": sink.URL, "event": "*"}, 200).Map(t)["id"].(string)
		e.Call("PUT", "/customer/"+cust, map[string]any{"notes": "hooked"}, 200)
		// Deliveries are written by the relay, shortly after the event.
		var delivery string
		apitest.Eventually(t, "a delivery of A's webhook", 10*time.Second, func() bool {
			var deliveries struct {
				Data []struct{ ID string }
			}
			e.Do(apitest.Request{Method: "GET", Path: "/webhook/" + hook + "/deliveries", Key: e.Key}).JSON(t, &deliveries)
			if len(deliveries.Data) > 0 {
				delivery = deliveries.Data[0].ID
			}
			return delivery != ""
		})
		var events struct{ Data []struct{ ID string } }
		e.Call("GET", "/event?per_page=1", nil, 200).JSON(t, &events)
		event := events.Data[0].ID
		// A merchant of a partner, for partner routes.
		_, pk, err := e.Server.Service.CreatePartner(t.Context(), "P")
		if err != nil {
			t.Fatal(err)
		}
		owned := e.Do(apitest.Request{Method: "POST", Path: "/merchant", Key: pk.Key, Body: map[string]any{"company_name": "Owned"}}).Map(t)
		ownedID := owned["merchant"].(map[string]any)["id"].(string)
		brandHook := e.Do(apitest.Request{Method: "POST", Path: "/webhookadmin/webhook/brand", Key: pk.Key,
			Body: map[string]any{"target_url": "https://example.com/brand", "event_name": "*"}}).Map(t)["id"].(string)

		name := "B"
		b, err := e.Server.Service.CreateMerchant(t.Context(), "", true, &tender.MerchantInput{CompanyName: &name})
		if err != nil {
			t.Fatal(err)
		}
		bEph := e.Do(apitest.Request{Method: "GET", Path: "/ephemeral", Key: b.APIKey.Key}).Map(t)["token"].(string)
		_, otherPartner, err := e.Server.Service.CreatePartner(t.Context(), "Q")
		if err != nil {
			t.Fatal(err)
		}

		snapshot := func() string {
			var parts []string
			for _, p := range []string{"/customer/" + cust, "/item/" + item, "/payment-method/" + pm, "/transaction/" + sale, "/transaction/" + auth, "/invoice/" + inv, "/invoice/schedule/" + sched} {
				parts = append(parts, string(e.Call("GET", p, nil, 200).Body))
			}
			parts = append(parts, string(e.Do(apitest.Request{Method: "GET", Path: "/merchant/" + ownedID, Key: pk.Key}).Body))
			parts = append(parts, string(e.Call("GET", "/webhook", nil, 200).Body))
			parts = append(parts, string(e.Call("GET", "/terminal/register/"+reg, nil, 200).Body))
			parts = append(parts, string(e.Call("GET", "/team/apikey", nil, 200).Body))
			parts = append(parts, string(e.Call("GET", "/team/user", nil, 200).Body))
			parts = append(parts, string(e.Call("GET", "/query/payment-links/"+link, nil, 200).Body))
			parts = append(parts, string(e.Call("GET", "/file/"+file, nil, 200).Body))
			parts = append(parts, string(e.Call("GET", "/file/"+file+"/download", nil, 200).Body))
			parts = append(parts, string(e.Call("GET", "/underwriting/disputes", nil, 200).Body))
			return strings.Join(parts, "\n")
		}
		before := snapshot()

		idFor := func(path string) string {
			switch {
			case strings.HasPrefix(path, "/customer/"):
				return cust
			case strings.HasPrefix(path, "/item/"):
				return item
			case strings.HasPrefix(path, "/payment-method/"):
				return pm
			case strings.HasPrefix(path, "/transaction/{id}/capture"):
				return auth
			case strings.HasPrefix(path, "/transaction/"):
				return sale
			case strings.HasPrefix(path, "/merchant/"):
				return ownedID
			case strings.HasPrefix(path, "/webhookadmin/webhook/brand/"):
				return brandHook
			case strings.HasPrefix(path, "/webhook/"):
				return hook
			case strings.HasPrefix(path, "/terminal/"):
				return reg
			case strings.HasPrefix(path, "/team/apikey/"):
				return apiKey
			case strings.HasPrefix(path, "/team/user/"):
				return teamUser
			case strings.HasPrefix(path, "/query/payment-links/"):
				return link
			case strings.HasPrefix(path, "/invoice/schedule/"):
				return sched
			case strings.HasPrefix(path, "/invoice/"):
				return inv
			case strings.HasPrefix(path, "/event/"):
				return event
			case strings.HasPrefix(path, "/file/dispute/"):
				return evFile
			case strings.HasPrefix(path, "/underwriting/disputes/"):
				return e.MerchantID
			case strings.HasPrefix(path, "/underwriting/dispute/"):
				return dispute
			case strings.HasPrefix(path, "/file/"):
				return file
			}
			return ""
		}
		body := map[string]any{"target_url": "https://example.com/hook", "event": "*", "firstname": "X", "item": "X", "total": 1, "nickname": "X", "company_name": "X",
			"payment_method_id": pm, "customer_id": cust, "person_name": "X", "card_number": "4242424242424242",
			"card_cvv": "123", "card_exp": "1230", "register_id": reg, "transaction_id": sale, "message": "X"}
		tried := 0
		for _, rt := range e.Server.API.Routes() {
			path := rt.Path
			if rt.Auth == "webpayment" {
				// B's public token with A's customer: refused, nothing of A's touched.
				r := e.Do(apitest.Request{Method: rt.Method, Path: strings.Replace(path, "{token}", b.Merchant.WebPaymentsToken, 1), Body: body})
				tried++
				if r.Status != http.StatusUnprocessableEntity || !strings.Contains(string(r.Body), "customer_id") {
					t.Errorf("%s %s with B's web-payments token and A's customer: %d %s, want 422 on customer_id", rt.Method, rt.Path, r.Status, r.Body)
				}
				continue
			}
			if rt.Auth == "public" {
				continue // the hosted invoice payment: TestHostedInvoicePayment
			}
			if strings.Contains(path, "{registerId}") {
				path = strings.NewReplacer("{registerId}", reg, "{transactionId}", sale).Replace(path)
			}
			if strings.Contains(rt.Path, "{") {
				id := idFor(path)
				if id == "" {
					t.Fatalf("no object for %s %s: add it to this test", rt.Method, rt.Path)
				}
				path = strings.NewReplacer("{id}", id, "{webhook_id}", id, "{merchantId}", id, "{disputeId}", id, "{evidenceFileId}", id).Replace(path)
				path = strings.Replace(path, "{deliveryId}", delivery, 1)
				path = strings.Replace(path, "{method}", "CASH", 1)
			}
			keys := map[string]string{"B's API key": b.APIKey.Key, "B's ephemeral token": bEph, "A's web-payments token": e.WebToken}
			if rt.Auth == "partner" {
				keys = map[string]string{"another partner's key": otherPartner.Key, "A's API key": e.Key, "A's web-payments token": e.WebToken}
			}
			reqBody := any(body)
			if strings.HasPrefix(rt.Path, "/team/option") {
				// B's own settings echo what B sends: A's ids in them would
				// be B's words, not a leak.
				reqBody = map[string]any{"note": "X", "primary_color": "#000000"}
			}
			if rt.Stream {
				// An event stream stays open: B's stream, followed past an
				// event of A's and then one of B's own, carries B's only.
				tried += streamIsolated(t, e, path, keys)
				continue
			}
			for who, key := range keys {
				r := e.Do(apitest.Request{Method: rt.Method, Path: path, Key: key, Body: reqBody})
				tried++
				switch {
				case who == "A's web-payments token":
					if r.Status != http.StatusUnauthorized {
						t.Errorf("%s %s with %s: %d, want 401", rt.Method, path, who, r.Status)
					}
				case rt.Auth == "partner" && who == "A's API key":
					if r.Status != http.StatusForbidden {
						t.Errorf("%s %s with %s: %d, want 403", rt.Method, path, who, r.Status)
					}
				case rt.Auth == "merchant-key" && who == "B's ephemeral token":
					if r.Status != http.StatusForbidden {
						t.Errorf("%s %s with %s: %d, want 403", rt.Method, path, who, r.Status)
					}
				case strings.Contains(rt.Path, "{"):
					if r.Status != http.StatusNotFound {
						t.Errorf("%s %s with %s: %d %s, want 404", rt.Method, path, who, r.Status, r.Body)
					}
				default:
					// Collection routes act on the caller's own data: nothing of A's may show.
					for _, id := range []string{cust, item, pm, sale, auth, ownedID, hook, brandHook, delivery, inv, sched, reg, apiKey, link, file, dispute, evFile} {
						if strings.Contains(string(r.Body), id) {
							t.Errorf("%s %s with %s shows A's object %s", rt.Method, path, who, id)
						}
					}
				}
			}
		}
		if after := snapshot(); after != before {
			t.Fatalf("merchant A's objects changed:\nbefore %s\nafter  %s", before, after)
		}
		t.Logf("%d requests over %d routes", tried, len(e.Server.API.Routes()))
	})
}

// streamIsolated checks an event stream route (GET /event/stream) with
// each of keys: A's web-payments token is a 401; B's keys get a stream
// that, while A and then B each create a customer, carries B's customer
// and nothing of A's. It returns how many keys it tried.
func streamIsolated(t *testing.T, e *apitest.Env, path string, keys map[string]string) int {
	t.Helper()
	for who, key := range keys {
		if who == "A's web-payments token" {
			if r := e.Do(apitest.Request{Method: "GET", Path: path, Key: key}); r.Status != http.StatusUnauthorized {
				t.Errorf("GET %s with %s: %d, want 401", path, who, r.Status)
			}
			continue
		}
		s := openStream(t, client.New(e.URL, key), client.StreamOptions{})
		mine := e.Call("POST", "/customer", map[string]any{"firstname": "A's, during " + who}, 200).Map(t)["id"].(string)
		marker := e.Do(apitest.Request{Method: "POST", Path: "/customer", Key: key, Body: map[string]any{"firstname": "B's marker"}}).Map(t)["id"].(string)
		for _, ev := range s.until(t, "create_customer", marker) {
			if ev.Event.ObjectID == mine || ev.Event.MerchantID == e.MerchantID || strings.Contains(string(ev.Event.Data), mine) {
				t.Errorf("GET %s with %s carried A's event %s %s", path, who, ev.Event.Name, ev.Event.ObjectID)
			}
		}
		s.cancel()
	}
	return len(keys)
}
