package main_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/tenderpay/tender/client"
	"github.com/tenderpay/tender/store/postgres/pgtest"
)

// TestWebhookWokenAcrossInstances: with polling set to ten minutes, events
// committed by either of two instances are still delivered at once. The
// instance that commits wakes its own relay, and a NOTIFY after the commit
// wakes the other's (whichever holds the relay's lease). River's workers
// LISTEN for their jobs the same way. With TENDER_DATABASE_LISTEN_URL=off,
// the events of the instance without the lease would wait for the poll.
func TestWebhookWokenAcrossInstances(t *testing.T) {
	sink := newHookSink(t)
	a, b, key := twoInstances(t, pgtest.URL(t), "TENDER_WEBHOOK_POLL=10m")
	if _, err := api(a.url, key).CreateWebhook(ctx, &client.WebhookInput{TargetURL: sink.URL, Event: "create_customer"}); err != nil {
		t.Fatalf("POST /webhook: %v", err)
	}
	for round := range 3 {
		for _, p := range []*proc{a, b} {
			if _, err := api(p.url, key).CreateCustomer(ctx, &client.CustomerInput{Firstname: fmt.Sprint("Woken", round)}); err != nil {
				t.Fatalf("POST /customer: %v", err)
			}
		}
		want := 2 * (round + 1)
		waitFor(t, fmt.Sprintf("%d deliveries, well before the poll", want), time.Minute, func() bool {
			e, _, _ := sink.counts()
			return e >= want
		})
	}
	if events, deliveries, dup := sink.counts(); events != 6 || deliveries != 6 || dup != 0 {
		t.Fatalf("6 events: %d delivered, %d deliveries, %d twice", events, deliveries, dup)
	}
}
