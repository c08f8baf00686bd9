package httpapi_test

import (
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/tenderpay/tender/internal/apitest"
)

// clock is a fake clock shared by the server instances of a test.
type clock struct{ ns atomic.Int64 }

func newClock(t time.Time) *clock {
	c := &clock{}
	c.set(t)
	return c
}
func (c *clock) now() time.Time      { return time.Unix(0, c.ns.Load()).UTC() }
func (c *clock) set(t time.Time)     { c.ns.Store(t.UnixNano()) }
func (c *clock) add(d time.Duration) { c.ns.Add(int64(d)) }

// TestScheduleTwoInstances runs a monthly scheduled invoice with autopay on
// two server instances sharing one database and one fake clock. River's
// periodic tick runs on both (as the leader elects), and the test also
// calls the scheduler from both at once for every month: each month's
// invoice is created, emailed and charged exactly once, a restart changes
// nothing, and two months missed during downtime are each caught up once.
func TestScheduleTwoInstances(t *testing.T) {
	apitest.EachStore(t, func(t *testing.T, store string) {
		clk := newClock(time.Date(2027, 1, 1, 12, 0, 0, 0, time.UTC))
		db := apitest.DatabaseURL(t, store)
		opt := apitest.Options{DatabaseURL: db, DataDir: t.TempDir(), Now: clk.now, ScheduleInterval: 100 * time.Millisecond}
		a := apitest.Start(t, store, opt)
		b := apitest.Start(t, store, opt)
		b.Key = a.Key

		cust := a.Call("POST", "/customer", map[string]any{"firstname": "Mo", "email": "mo@example.com"}, 200).Map(t)["id"].(string)
		pm := a.Call("POST", "/payment-method", map[string]any{"method": "card", "customer_id": cust, "person_name": "Mo",
			"card_number": "4242424242424242", "card_cvv": "123", "card_exp": "1240"}, 200).Map(t)["id"].(string)

		// DTSTART in the past → 422; a sub-daily rule → 422.
		a.Call("POST", "/invoice/schedule", map[string]any{"rule": "DTSTART:20261201T090000Z\nRRULE:FREQ=MONTHLY;COUNT=3",
			"total": 25, "customer_id": cust}, 422)
		a.Call("POST", "/invoice/schedule", map[string]any{"rule": "DTSTART:20270115T090000Z\nRRULE:FREQ=HOURLY",
			"total": 25, "customer_id": cust}, 422)
		sc := a.Call("POST", "/invoice/schedule", map[string]any{
			"rule": "DTSTART:20270115T090000Z\nRRULE:FREQ=MONTHLY;COUNT=6", "total": 25, "customer_id": cust,
			"payment_method_id": pm, "email_notification": true, "meta": map[string]any{"memo": "Monthly plan"},
		}, 200).Map(t)
		id := sc["id"].(string)
		want(t, sc, map[string]any{"status": "NOT STARTED", "next_run_at": "2027-01-15 09:00:00", "count": 0.0})

		tick := func() {
			var wg sync.WaitGroup
			for _, e := range []*apitest.Env{a, b, a, b} {
				wg.Add(1)
				go func() {
					defer wg.Done()
					if _, _, err := e.Server.Service.RunSchedules(t.Context()); err != nil {
						t.Error(err)
					}
				}()
			}
			wg.Wait()
		}
		check := func(month int) {
			t.Helper()
			// River's own ticks may still be finishing a charge: wait for
			// every invoice to be paid, then count.
			var list map[string]any
			apitest.Eventually(t, "every invoice of the schedule paid", 15*time.Second, func() bool {
				list = a.Call("GET", "/invoice?schedule_id="+id+"&per_page=50", nil, 200).Map(t)
				paid := 0
				for _, inv := range list["data"].([]any) {
					if inv.(map[string]any)["status"] == "PAID" {
						paid++
					}
				}
				return int(list["total"].(float64)) >= month && paid == int(list["total"].(float64))
			})
			if int(list["total"].(float64)) != month {
				t.Fatalf("after month %d: %v invoices", month, list["total"])
			}
			for _, inv := range list["data"].([]any) {
				m := inv.(map[string]any)
				if m["status"] != "PAID" || len(m["child_transactions"].([]any)) != 1 || m["total_paid"] != 25.0 {
					t.Fatalf("invoice %v", m)
				}
			}
			charges := a.Call("GET", "/transaction?payment_method_id="+pm+"&per_page=50", nil, 200).Map(t)
			if int(charges["total"].(float64)) != month {
				t.Fatalf("after month %d: %v charges", month, charges["total"])
			}
			for _, c := range charges["data"].([]any) {
				if c.(map[string]any)["schedule_id"] != id {
					t.Fatalf("an autopay charge's schedule_id = %v, want %s", c.(map[string]any)["schedule_id"], id)
				}
			}
		}

		// Before the first occurrence nothing happens.
		tick()
		if n := a.Call("GET", "/invoice?schedule_id="+id, nil, 200).Map(t)["total"].(float64); n != 0 {
			t.Fatalf("%v invoices before DTSTART", n)
		}
		for month := 1; month <= 2; month++ {
			clk.set(time.Date(2027, time.Month(month), 15, 9, 30, 0, 0, time.UTC))
			tick()
			tick()
			check(month)
		}
		got := a.Call("GET", "/invoice/schedule/"+id, nil, 200).Map(t)
		want(t, got, map[string]any{"status": "WAITING", "count": 2.0, "next_run_at": "2027-03-15 09:00:00", "last_run_at": "2027-02-15 09:00:00"})

		// A restart of one instance changes nothing.
		if err := b.Server.Close(); err != nil {
			t.Fatal(err)
		}
		b = apitest.Start(t, store, opt)
		b.Key = a.Key
		tick()
		check(2)

		// Down over two occurrences: each is caught up once.
		clk.set(time.Date(2027, 4, 20, 0, 0, 0, 0, time.UTC))
		tick()
		check(4)

		// Paused, the schedule skips May (an occurrence of the rule's six);
		// resumed, it continues from now, and June, the last, completes it.
		a.Call("PUT", "/invoice/schedule/"+id, map[string]any{"active": false}, 200)
		clk.set(time.Date(2027, 5, 16, 0, 0, 0, 0, time.UTC))
		tick()
		check(4)
		want(t, a.Call("GET", "/invoice/schedule/"+id, nil, 200).Map(t), map[string]any{"status": "PAUSED"})
		want(t, a.Call("PUT", "/invoice/schedule/"+id, map[string]any{"active": true}, 200).Map(t), map[string]any{"next_run_at": "2027-06-15 09:00:00"})
		clk.set(time.Date(2027, 6, 15, 10, 0, 0, 0, time.UTC))
		tick()
		check(5)
		want(t, a.Call("GET", "/invoice/schedule/"+id, nil, 200).Map(t), map[string]any{"status": "COMPLETED", "next_run_at": nil, "count": 5.0})
		out := a.Call("GET", "/sandbox/outbox?per_page=50", nil, 200).Map(t)
		invoicesSent := 0
		for _, m := range out["data"].([]any) {
			if m.(map[string]any)["kind"] == "invoice" {
				invoicesSent++
			}
		}
		if invoicesSent != 5 {
			t.Fatalf("%d invoice emails", invoicesSent)
		}
		want(t, a.Call("DELETE", "/invoice/schedule/"+id, nil, 200).Map(t), map[string]any{"status": "DELETED"})
		a.Call("DELETE", "/invoice/schedule/"+id, nil, 404)
	})
}

// TestScheduleAutopayDecline: a declined autopay leaves the invoice
// ATTEMPTED and is not retried by later ticks; a deleted payment method is
// recorded as a failed attempt.
func TestScheduleAutopayDecline(t *testing.T) {
	apitest.EachStore(t, func(t *testing.T, store string) {
		clk := newClock(time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC))
		e := apitest.Start(t, store, apitest.Options{Now: clk.now})
		cust := e.Call("POST", "/customer", map[string]any{"firstname": "No", "email": "no@example.com"}, 200).Map(t)["id"].(string)
		decl := e.Call("POST", "/payment-method", map[string]any{"method": "card", "customer_id": cust, "person_name": "No",
			"card_number": "4000000000009995", "card_cvv": "123", "card_exp": "1240"}, 200).Map(t)["id"].(string)
		sc := e.Call("POST", "/invoice/schedule", map[string]any{"rule": "DTSTART=20270102T000000Z;FREQ=WEEKLY;COUNT=2",
			"total": 9, "customer_id": cust, "payment_method_id": decl}, 200).Map(t)["id"].(string)
		// An update naming a customer or method that is not the merchant's is a 422.
		e.Call("PUT", "/invoice/schedule/"+sc, map[string]any{"customer_id": "00000000-0000-4000-8000-000000000000"}, 422)
		e.Call("PUT", "/invoice/schedule/"+sc, map[string]any{"payment_method_id": "00000000-0000-4000-8000-000000000000"}, 422)
		clk.add(36 * time.Hour)
		for range 3 {
			if _, _, err := e.Server.Service.RunSchedules(t.Context()); err != nil {
				t.Fatal(err)
			}
		}
		list := e.Call("GET", "/invoice?schedule_id="+sc, nil, 200).Map(t)["data"].([]any)
		if len(list) != 1 {
			t.Fatalf("%d invoices", len(list))
		}
		want(t, list[0].(map[string]any), map[string]any{"status": "ATTEMPTED", "payment_attempt_failed": true})
		if n := e.Call("GET", "/transaction?payment_method_id="+decl, nil, 200).Map(t)["total"].(float64); n != 1 {
			t.Fatalf("%v attempts", n)
		}
		e.Call("DELETE", "/payment-method/"+decl, nil, 200)
		clk.add(7 * 24 * time.Hour)
		if _, _, err := e.Server.Service.RunSchedules(t.Context()); err != nil {
			t.Fatal(err)
		}
		list = e.Call("GET", "/invoice?schedule_id="+sc+"&sort=created_at&order=asc", nil, 200).Map(t)["data"].([]any)
		if len(list) != 2 {
			t.Fatalf("%d invoices", len(list))
		}
		want(t, list[1].(map[string]any), map[string]any{"status": "ATTEMPTED", "payment_attempt_failed": true})
	})
}

// TestScheduleRiverTick: with nobody calling the scheduler, River's
// periodic job creates and charges a due occurrence on its own.
func TestScheduleRiverTick(t *testing.T) {
	apitest.EachStore(t, func(t *testing.T, store string) {
		clk := newClock(time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC))
		e := apitest.Start(t, store, apitest.Options{Now: clk.now, ScheduleInterval: 100 * time.Millisecond})
		pm := newCard(t, e, "4111111111111111")
		cust := e.Call("GET", "/payment-method/"+pm, nil, 200).Map(t)["customer_id"].(string)
		sc := e.Call("POST", "/invoice/schedule", map[string]any{"rule": "DTSTART:20270110T000000Z\nRRULE:FREQ=YEARLY",
			"total": 100, "customer_id": cust, "payment_method_id": pm}, 200).Map(t)["id"].(string)
		clk.set(time.Date(2027, 1, 10, 0, 0, 1, 0, time.UTC))
		apitest.Eventually(t, "River to run the schedule", 30*time.Second, func() bool {
			list := e.Call("GET", "/invoice?schedule_id="+sc, nil, 200).Map(t)["data"].([]any)
			return len(list) == 1 && list[0].(map[string]any)["status"] == "PAID"
		})
	})
}
