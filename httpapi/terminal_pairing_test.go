package httpapi_test

import (
	"fmt"
	"net/http"
	"strconv"
	"testing"

	"github.com/tenderpay/tender/internal/apitest"
)

// TestPairingThrottled: wrong pairing codes from one address are answered
// 401 until the address's budget (10) is spent, then 429 with Retry-After;
// a right code is throttled too then (nothing tells a guesser which is
// which), and the budget is per address and shared through Redis when configured.
func TestPairingThrottled(t *testing.T) {
	apitest.EachStore(t, func(t *testing.T, store string) {
		e := apitest.Start(t, store, apitest.Options{})
		reg := e.Call("POST", "/terminal/register", map[string]any{"nickname": "Front"}, 201).Map(t)
		code := reg["pairing_code"].(string)
		pair := func(c string) *apitest.Response {
			return e.Do(apitest.Request{Method: "GET", Path: "/terminal/connect", Header: http.Header{"X-Tender-Pairing-Code": {c}}})
		}
		got := map[int]int{}
		for i := range 30 {
			r := pair(fmt.Sprintf("ZZZZ-%04d", i))
			got[r.Status]++
			if r.Status == 429 {
				if s, err := strconv.Atoi(r.Header.Get("Retry-After")); err != nil || s < 1 {
					t.Fatalf("429 without Retry-After: %v", r.Header)
				}
			}
		}
		if got[401] != 10 || got[429] != 20 {
			t.Fatalf("30 wrong codes: %v, want 10×401 then 20×429", got)
		}
		if r := pair(code); r.Status != 429 {
			t.Fatalf("the right code past the budget: %d %s", r.Status, r.Body)
		}
	})
}
