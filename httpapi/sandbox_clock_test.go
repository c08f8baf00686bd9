package httpapi_test

import (
	"testing"
	"time"

	"github.com/tenderpay/tender/internal/apitest"
)

// TestSandboxClock: a scheduled invoice due in 29 days runs, and its
// autopay charges, as soon as the sandbox clock is advanced 30 days (the
// periodic tick is an hour away, so only the advance can run it); a card
// charge made before the advance is settled by the daily batch the advance
// crossed. Bad advances are 422; the clock is 403 for a merchant that is
// not a sandbox one, and 404 on a server not in sandbox mode.
func TestSandboxClock(t *testing.T) {
	apitest.EachStore(t, func(t *testing.T, store string) {
		e := apitest.Start(t, store, apitest.Options{ScheduleInterval: time.Hour})
		c := e.Call("GET", "/sandbox/clock", nil, 200).Map(t)
		if c["offset_seconds"] != 0.0 || c["scope"] != "server" {
			t.Fatalf("clock = %v", c)
		}
		for _, bad := range []any{"", "-5s", "0", 0, -3, "soon", "4000d", nil, true, 1.5} {
			e.Call("POST", "/sandbox/clock", map[string]any{"advance": bad}, 422)
		}

		cust := e.Call("POST", "/customer", map[string]any{"firstname": "Mo", "email": "mo@example.com"}, 200).Map(t)["id"].(string)
		pm := e.Call("POST", "/payment-method", map[string]any{"method": "card", "customer_id": cust, "person_name": "Mo",
			"card_number": "4242424242424242", "card_cvv": "123", "card_exp": "1240"}, 200).Map(t)["id"].(string)
		charge := e.Call("POST", "/charge", map[string]any{"payment_method_id": pm, "total": 3}, 200).Map(t)["id"].(string)
		start := time.Now().UTC().Add(29 * 24 * time.Hour).Truncate(time.Hour)
		sc := e.Call("POST", "/invoice/schedule", map[string]any{
			"rule": "DTSTART:" + start.Format("20060102T150405Z") + "\nRRULE:FREQ=MONTHLY;COUNT=2", "total": 25,
			"customer_id": cust, "payment_method_id": pm}, 200).Map(t)["id"].(string)
		invoices := func() []any {
			return e.Call("GET", "/invoice?schedule_id="+sc, nil, 200).Map(t)["data"].([]any)
		}
		if n := len(invoices()); n != 0 {
			t.Fatalf("%d invoices before the advance", n)
		}

		adv := e.Call("POST", "/sandbox/clock", map[string]any{"advance": "30d"}, 200).Map(t)
		if adv["offset_seconds"] != float64(30*24*3600) {
			t.Fatalf("advanced = %v", adv)
		}
		now, _ := time.Parse("2006-01-02 15:04:05", adv["now"].(string))
		if d := now.Sub(time.Now().UTC()); d < 30*24*time.Hour-time.Minute || d > 30*24*time.Hour+time.Minute {
			t.Fatalf("clock now %v, %v ahead", now, d)
		}
		wait(t, "the scheduled invoice paid", 60*time.Second, func() bool {
			list := invoices()
			return len(list) == 1 && list[0].(map[string]any)["status"] == "PAID"
		})
		wait(t, "the charge settled", 60*time.Second, func() bool {
			return e.Call("GET", "/transaction/"+charge, nil, 200).Map(t)["settled_at"] != nil
		})
		got := e.Call("GET", "/invoice/schedule/"+sc, nil, 200).Map(t)
		if got["count"] != 1.0 || got["last_run_at"] != start.Format("2006-01-02 15:04:05") {
			t.Fatalf("schedule = %v", got)
		}
		// Seconds as a number add up.
		if c := e.Call("POST", "/sandbox/clock", map[string]any{"advance": 3600}, 200).Map(t); c["offset_seconds"] != float64(30*24*3600+3600) {
			t.Fatalf("clock = %v", c)
		}

		liveMerchant(t, e, map[string]any{"company_name": "Real Shop"})
		e.Call("GET", "/sandbox/clock", nil, 403)
		e.Call("POST", "/sandbox/clock", map[string]any{"advance": "1h"}, 403)

		live := apitest.Start(t, store, apitest.Options{Live: true})
		liveMerchant(t, live, map[string]any{"company_name": "Live Shop"})
		live.Call("GET", "/sandbox/clock", nil, 404)
		live.Call("POST", "/sandbox/clock", map[string]any{"advance": "1h"}, 404)
	})
}
