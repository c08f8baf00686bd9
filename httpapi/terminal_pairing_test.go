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

// TestPairingCodeRetired: wrong codes aimed at one register (its code's
// first half right) are counted against it in the database, across server
// instances, and the fifth retires its code: the right one is then refused
// too, until the merchant issues a new code. Wrong codes aimed nowhere
// retire nothing.
func TestPairingCodeRetired(t *testing.T) {
	apitest.EachStore(t, func(t *testing.T, store string) {
		opt := apitest.Options{DatabaseURL: apitest.DatabaseURL(t, store), DataDir: t.TempDir(), PairRateLimit: -1}
		a := apitest.Start(t, store, opt)
		b := apitest.Start(t, store, opt)
		var code2, code3 string // codes that pair (see pair)
		pair := func(e *apitest.Env, c string) int {
			// A right code pairs, then the plain GET (no WebSocket upgrade)
			// is answered 426, which the document does not list.
			return e.Do(apitest.Request{Method: "GET", Path: "/terminal/connect", Header: http.Header{"X-Tender-Pairing-Code": {c}},
				NoValidate: c == code2 || c == code3}).Status
		}
		aimed := func(code string, i int) string { // the code's first half, another second half
			for _, s := range []string{"2345", "3456", "4567", "5678", "6789", "7892", "8923"}[i:] {
				if s != code[5:] {
					return code[:5] + s
				}
			}
			return code[:5] + "9999"
		}
		paired := func(id string) bool {
			return a.Call("GET", "/terminal/register/"+id, nil, 200).Map(t)["paired_at"] != nil
		}

		reg := a.Call("POST", "/terminal/register", map[string]any{"nickname": "Front"}, 201).Map(t)
		id, code := reg["id"].(string), reg["pairing_code"].(string)
		for i := range 5 {
			e := a
			if i >= 3 {
				e = b // the count is shared: two instances, one register
			}
			if s := pair(e, aimed(code, i)); s != http.StatusUnauthorized {
				t.Fatalf("wrong code %d: %d", i, s)
			}
		}
		if s := pair(b, code); s != http.StatusUnauthorized || paired(id) {
			t.Fatalf("the right code after 5 failures: %d, paired %v", s, paired(id))
		}

		// Wrong codes aimed at no register count against none.
		reg2 := a.Call("POST", "/terminal/register", map[string]any{"nickname": "Back"}, 201).Map(t)
		id2 := reg2["id"].(string)
		code2 = reg2["pairing_code"].(string)
		for i := range 8 {
			c := fmt.Sprintf("%04d-2345", 2222+i)
			if c[:4] == code2[:4] {
				continue
			}
			if s := pair(a, c); s != http.StatusUnauthorized {
				t.Fatalf("random code: %d", s)
			}
		}
		if s := pair(a, code2); s == http.StatusUnauthorized || !paired(id2) {
			t.Fatalf("an untouched code: %d, paired %v", s, paired(id2))
		}

		// A new code for the first register starts from zero failures.
		code3 = a.Call("POST", "/terminal/register/"+id+"/pair", nil, 201).Map(t)["pairing_code"].(string)
		for i := range 4 {
			if s := pair(b, aimed(code3, i)); s != http.StatusUnauthorized {
				t.Fatalf("wrong new code %d: %d", i, s)
			}
		}
		if s := pair(a, code3); s == http.StatusUnauthorized || !paired(id) {
			t.Fatalf("the new code after 4 failures: %d, paired %v", s, paired(id))
		}
	})
}
