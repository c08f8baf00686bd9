package httpapi_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/tenderpay/tender/internal/apitest"
)

// storedMarkers are a stored customer's fields, each a string that appears
// nowhere else: no answer of a public-token route may contain one the
// caller did not send.
var storedMarkers = map[string]string{
	"firstname": "Zq1First", "lastname": "Zq2Last", "company": "Zq3Company", "email": "zq4mail@example.com",
	"phone": "5550104455", "address_1": "Zq5Addr1", "address_2": "Zq6Addr2", "address_city": "Zq7City",
	"address_state": "QJ", "address_zip": "77Z71", "address_country": "ZQC", "notes": "Zq9Notes", "reference": "Zq10Ref",
}

// TestPublicRoutesShowOnlyWhatWasSent: every answer of every public-token
// route (tokenize, pay, the hosted invoice page's payment; success,
// decline, 422, replay) holds the matched or named customer's id but none of
// its stored fields the caller did not send, in the customer, the payment
// method (holder name, nickname, address) or the transactions.
func TestPublicRoutesShowOnlyWhatWasSent(t *testing.T) {
	apitest.EachStore(t, func(t *testing.T, store string) {
		e := apitest.Start(t, store, apitest.Options{})
		body := map[string]any{"cc_emails": []string{"zq11cc@example.com"}}
		for k, v := range storedMarkers {
			body[k] = v
		}
		cust := e.Call("POST", "/customer", body, 200).Map(t)["id"].(string)
		inv := e.Call("POST", "/invoice", map[string]any{"customer_id": cust, "total": 50, "is_partial_payment_enabled": true}, 200).Map(t)["id"].(string)
		check := func(name string, r *apitest.Response, wantStatus int, sent ...string) {
			t.Helper()
			if r.Status != wantStatus {
				t.Fatalf("%s: %d, want %d: %s", name, r.Status, wantStatus, r.Body)
			}
			for field, m := range storedMarkers {
				if strings.Contains(string(r.Body), m) && !strings.Contains(strings.Join(sent, " "), m) {
					t.Errorf("%s: the stored %s %q is in the answer: %s", name, field, m, r.Body)
				}
			}
			for _, m := range []string{"zq11cc@example.com", "Zq1First Zq2Last"} {
				if strings.Contains(string(r.Body), m) {
					t.Errorf("%s: %q is in the answer: %s", name, m, r.Body)
				}
			}
		}
		// The stored email, in another case: matched, the stored one never shown.
		byEmail := map[string]any{"email": "ZQ4MAIL@example.com"}
		byFirstPhone := map[string]any{"firstname": "Zq1First", "phone": "5550104455"}
		byLastPhone := map[string]any{"lastname": "Zq2Last", "phone": "5550104455"}
		for _, tc := range []struct {
			name, action, number string
			details              map[string]any
			status               int
			sent                 []string
		}{
			{"tokenize by email", "tokenize", "4111111111111111", byEmail, 200, nil},
			{"tokenize by firstname+phone", "tokenize", "4111111111111111", byFirstPhone, 200, []string{"Zq1First", "5550104455"}},
			{"tokenize by customer_id", "tokenize", "4111111111111111", map[string]any{"customer_id": cust}, 200, nil},
			{"tokenize 422", "tokenize", "4111111111111112", byEmail, 422, nil},
			{"pay declined by email", "pay", "4000000000000002", merge(byEmail, map[string]any{"total": 5}), 400, nil},
			{"pay declined by lastname+phone", "pay", "4000000000000002", merge(byLastPhone, map[string]any{"total": 5}), 400, []string{"Zq2Last", "5550104455"}},
			{"pay by firstname+phone", "pay", "4111111111111111", merge(byFirstPhone, map[string]any{"total": 5}), 200, []string{"Zq1First", "5550104455"}},
			{"pay by customer_id", "pay", "4111111111111111", map[string]any{"customer_id": cust, "total": 5, "idempotency_id": "pv-1"}, 200, nil},
			{"pay replayed", "pay", "4111111111111111", map[string]any{"customer_id": cust, "total": 5, "idempotency_id": "pv-1"}, 200, nil},
			{"pay 422", "pay", "4111111111111111", byEmail, 422, nil},
		} {
			r := web(e, e.WebToken, tc.action, "", card(tc.number, tc.details))
			check(tc.name, r, tc.status, tc.sent...)
			if tc.status < 300 || tc.status == 400 {
				if !strings.Contains(string(r.Body), cust) {
					t.Errorf("%s: the matched customer's id is not in the answer: %s", tc.name, r.Body)
				}
			}
		}
		hosted := func(number string, details map[string]any) *apitest.Response {
			return e.Do(apitest.Request{Method: "POST", Path: "/pay/invoice/" + inv, Body: card(number, details)})
		}
		check("hosted pay declined", hosted("4000000000000002", map[string]any{"total": 5}), 400)
		check("hosted pay", hosted("4111111111111111", map[string]any{"total": 5}), 200)
		check("hosted pay 422", hosted("4111111111111111", map[string]any{"total": "x"}), 422)

		// The stored customer is as it was (matching never rewrites it).
		got := e.Call("GET", "/customer/"+cust, nil, 200).Map(t)
		for k, v := range storedMarkers {
			if got[k] != v {
				t.Errorf("stored %s = %v, want %q", k, got[k], v)
			}
		}
		if r := e.Do(apitest.Request{Method: "POST", Path: "/webpayment/" + e.WebToken + "/pay", Body: "{}", Header: http.Header{}}); r.Status != 422 {
			t.Errorf("empty pay: %d", r.Status)
		}
	})
}

func merge(a, b map[string]any) map[string]any {
	out := map[string]any{}
	for _, m := range []map[string]any{a, b} {
		for k, v := range m {
			out[k] = v
		}
	}
	return out
}
