package storetest

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/tenderpay/tender"
	"github.com/tenderpay/tender/store"
)

// exerciseBacklog covers the backlogs the operator's metrics report: each
// counts only its waiting entries and finds the oldest one's creation.
func exerciseBacklog(t *testing.T, open Open) {
	ctx := context.Background()
	now := suiteNow

	t.Run("Backlog", func(t *testing.T) {
		t.Parallel()
		s := open(t)
		check := func(name string, f func(context.Context) (tender.Backlog, error), count int64, oldest time.Time) {
			t.Helper()
			b, err := f(ctx)
			if err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			if b.Count != count || !b.Oldest.Equal(oldest) {
				t.Fatalf("%s = %d since %v; want %d since %v", name, b.Count, b.Oldest, count, oldest)
			}
		}
		// Empty queues: nothing waits, and no oldest entry.
		check("empty pending transactions", s.BacklogPendingTransactions, 0, time.Time{})
		check("empty webhook deliveries", s.BacklogWebhookDeliveries, 0, time.Time{})
		check("empty messages", s.BacklogMessages, 0, time.Time{})
		check("empty events to relay", s.BacklogEventsToRelay, 0, time.Time{})

		m := newMerchant(t, s, now)
		at := func(i int) tender.Time { return tender.NewTime(now.Add(time.Duration(i) * time.Minute)) }

		// Transactions: two PENDING (the older at 1 min), one final.
		for i, status := range []string{tender.StatusSuccess, tender.StatusPending, tender.StatusPending} {
			tx := newTransaction(m.ID, "", at(i))
			tx.Status, tx.Success = status, status == tender.StatusSuccess
			if err := s.TransactionCreate(ctx, tx); err != nil {
				t.Fatal(err)
			}
		}
		check("pending transactions", s.BacklogPendingTransactions, 2, at(1).Time)

		// Messages: QUEUED and SENDING wait; SENT and FAILED do not.
		for i, status := range []string{tender.MessageSent, tender.MessageSending, tender.MessageQueued, tender.MessageFailed} {
			msg := &tender.Message{ID: uuid.NewString(), MerchantID: m.ID, Channel: tender.ChannelEmail, Kind: "receipt",
				To: "a@example.com", Subject: "S", Text: "T", Status: status, NextAttempt: at(i), CreatedAt: at(i)}
			if err := s.MessageCreate(ctx, msg); err != nil {
				t.Fatal(err)
			}
		}
		check("messages", s.BacklogMessages, 2, at(1).Time)

		// Events: each inserted one waits for the relay until relayed.
		var evs []*tender.Event
		for i := range 3 {
			ev := &tender.Event{ID: uuid.NewString(), MerchantID: m.ID, Name: "update_item", ObjectType: "item",
				ObjectID: "o", Payload: json.RawMessage(`{}`), CreatedAt: at(2 + i).Time}
			if err := s.EventInsert(ctx, ev); err != nil {
				t.Fatal(err)
			}
			evs = append(evs, ev)
		}
		check("events to relay", s.BacklogEventsToRelay, 3, at(2).Time)
		// Relaying the events writes their deliveries: a pending one (a
		// retry to come) waits, a delivered one does not.
		w := &tender.Webhook{ID: uuid.NewString(), MerchantID: m.ID, TargetURL: "https://x.test/h", Event: "*",
			Secret: "whsec_x", MaxAttempts: 3, RetryBaseSeconds: 1, CreatedAt: now}
		if err := s.WebhookCreate(ctx, w); err != nil {
			t.Fatal(err)
		}
		relay, err := s.EventsToRelay(ctx, 2, true)
		if err != nil || len(relay) != 2 {
			t.Fatalf("events to relay: %d, %v", len(relay), err)
		}
		var dels []*tender.WebhookDelivery
		for i, re := range relay {
			status := tender.DeliveryPending
			if i == 0 {
				status = tender.DeliveryDelivered
			}
			dels = append(dels, &tender.WebhookDelivery{ID: tender.NewID(), WebhookID: w.ID, MerchantID: m.ID,
				EventID: re.Event.ID, EventName: re.Event.Name, ObjectID: re.Event.ObjectID, Status: status,
				CreatedAt: tender.NewTime(re.Event.CreatedAt), UpdatedAt: now})
		}
		if err := s.InTx(ctx, func(tx store.Executor) error { return tx.EventsRelayed(ctx, relay, dels) }); err != nil {
			t.Fatal(err)
		}
		check("events to relay after the relay", s.BacklogEventsToRelay, 1, evs[2].CreatedAt)
		check("webhook deliveries", s.BacklogWebhookDeliveries, 1, evs[1].CreatedAt)
	})
}
