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

// exerciseWebhooks covers webhook subscriptions and deliveries.
func exerciseWebhooks(t *testing.T, open Open) {
	ctx := context.Background()
	now := suiteNow

	t.Run("Webhooks", func(t *testing.T) {
		t.Parallel()
		s := open(t)
		p := &tender.Partner{ID: uuid.NewString(), Name: "P", CreatedAt: now}
		if err := s.PartnerCreate(ctx, p); err != nil {
			t.Fatal(err)
		}
		m, other := newMerchant(t, s, now), newMerchant(t, s, now)
		owned := &tender.Merchant{ID: uuid.NewString(), PartnerID: p.ID, CompanyName: "Owned", Status: "ACTIVE",
			WebPaymentsToken: "tok-" + uuid.NewString(), AllowedOrigins: []string{}, CreatedAt: now, UpdatedAt: now}
		if err := s.MerchantCreate(ctx, owned); err != nil {
			t.Fatal(err)
		}
		mk := func(merchantID, partnerID, event string) *tender.Webhook {
			w := &tender.Webhook{ID: uuid.NewString(), MerchantID: merchantID, PartnerID: partnerID, TargetURL: "https://x.test/h",
				Event: event, Secret: "whsec_x", MaxAttempts: 3, RetryBaseSeconds: 1, CreatedAt: now}
			if err := s.WebhookCreate(ctx, w); err != nil {
				t.Fatal(err)
			}
			return w
		}
		all := mk(m.ID, "", "*")
		mk(m.ID, "", "update_item")
		partnerHook := mk("", p.ID, "create_customer")
		// relay takes the events not relayed yet with their targets and writes
		// one delivery per target (with status as its outcome), as the
		// webhook relay does; with payloads set, every event's payload is
		// read with it.
		payloads := false
		relay := func(status string) (ids []string, events []*store.RelayEvent) {
			t.Helper()
			events, err := s.EventsToRelay(ctx, 100, payloads)
			if err != nil {
				t.Fatal(err)
			}
			var dels []*tender.WebhookDelivery
			for _, re := range events {
				for _, tg := range re.Targets {
					d := &tender.WebhookDelivery{ID: tender.NewID(), WebhookID: tg.Webhook.ID, MerchantID: re.Event.MerchantID,
						EventID: re.Event.ID, EventName: re.Event.Name, ObjectID: re.Event.ObjectID, Status: status,
						CreatedAt: tender.NewTime(re.Event.CreatedAt), UpdatedAt: now}
					if status == tender.DeliveryDelivered {
						d.Attempts, d.LastStatusCode, d.DeliveredAt = 1, 200, &now
					}
					dels = append(dels, d)
					ids = append(ids, d.ID)
				}
			}
			if err := s.InTx(ctx, func(tx store.Executor) error { return tx.EventsRelayed(ctx, events, dels) }); err != nil {
				t.Fatal(err)
			}
			return ids, events
		}
		for _, tc := range []struct {
			merchant, event string
			want            int
		}{{m.ID, "create_customer", 1}, {m.ID, "update_item", 2}, {owned.ID, "create_customer", 1}, {owned.ID, "update_item", 0}, {other.ID, "create_customer", 0}} {
			payloads = !payloads
			// One delivery per webhook the event goes to: the merchant's
			// and its partner's, subscribed to the name or to "*".
			ev := &tender.Event{ID: uuid.NewString(), MerchantID: tc.merchant, Name: tc.event, ObjectType: "x", ObjectID: "o" + tc.event,
				Payload: json.RawMessage(`{"n":1}`), CreatedAt: now.Time}
			if err := s.EventInsert(ctx, ev); err != nil {
				t.Fatal(err)
			}
			ids, events := relay(tender.DeliveryDelivered)
			if len(events) != 1 || len(ids) != tc.want {
				t.Fatalf("relay of %s to %s: %d events, %d deliveries; want 1, %d", tc.event, tc.merchant, len(events), len(ids), tc.want)
			}
			// The payload comes with an event a webhook receives; one
			// that goes nowhere is read only when payloads are asked for.
			wantPayload := `{"n":1}`
			if tc.want == 0 && !payloads {
				wantPayload = "null"
			}
			if got := events[0].Event; got.ID != ev.ID || got.ObjectID != ev.ObjectID || string(compact(got.Payload)) != wantPayload ||
				got.MerchantID != tc.merchant || !got.CreatedAt.Equal(ev.CreatedAt) {
				t.Fatalf("relayed event = %+v", got)
			}
			for _, tg := range events[0].Targets {
				if tg.Blocked || tg.Webhook.Secret != "whsec_x" || tg.Webhook.MaxAttempts != 3 {
					t.Fatalf("target = %+v", tg)
				}
			}
			for _, id := range ids {
				d, err := s.DeliveryGet(ctx, id)
				if err != nil || d.Status != tender.DeliveryDelivered || d.Attempts != 1 || d.LastStatusCode != 200 ||
					d.DeliveredAt == nil || d.EventID != ev.ID || d.ObjectID != ev.ObjectID || d.MerchantID != tc.merchant {
					t.Fatalf("delivery = %+v %v", d, err)
				}
			}
		}
		if ids, events := relay(tender.DeliveryDelivered); len(events) != 0 || len(ids) != 0 {
			t.Fatalf("relayed twice: %d events", len(events))
		}
		// Relayed deliveries need no job from DeliveriesToEnqueue, which is
		// for those written otherwise (a replay).
		if pending, err := s.DeliveriesToEnqueue(ctx, 100); err != nil || len(pending) != 0 {
			t.Fatalf("relayed deliveries to enqueue = %d %v", len(pending), err)
		}
		// A webhook created after an event does not receive it.
		late := &tender.Event{ID: uuid.NewString(), MerchantID: m.ID, Name: "update_item", ObjectType: "item", ObjectID: "i9",
			Payload: json.RawMessage(`{"id":"i9"}`), CreatedAt: now.Add(-time.Minute)}
		if err := s.EventInsert(ctx, late); err != nil {
			t.Fatal(err)
		}
		if ids, events := relay(tender.DeliveryDelivered); len(events) != 1 || len(ids) != 0 {
			t.Fatalf("an earlier event went to later webhooks: %d deliveries", len(ids))
		}
		// Deliveries keep their object's order: while one is pending, the
		// next event of its object to that webhook is blocked behind it; the
		// batch's rows are written in order.
		for range 2 {
			if err := s.EventInsert(ctx, &tender.Event{ID: tender.NewID(), MerchantID: m.ID, Name: "update_item", ObjectType: "item",
				ObjectID: "i10", Payload: json.RawMessage(`{}`), CreatedAt: now.Time}); err != nil {
				t.Fatal(err)
			}
		}
		first, events := relay(tender.DeliveryPending)
		if len(events) != 2 || len(first) != 4 || events[0].Targets[0].Blocked {
			t.Fatalf("relay of two events: %d events, %d deliveries", len(events), len(first))
		}
		for i := 1; i < len(first); i++ {
			a, _ := s.DeliveryGet(ctx, first[i-1])
			b, _ := s.DeliveryGet(ctx, first[i])
			if a.Seq >= b.Seq {
				t.Fatalf("deliveries written out of order: %d then %d", a.Seq, b.Seq)
			}
		}
		if err := s.EventInsert(ctx, &tender.Event{ID: tender.NewID(), MerchantID: m.ID, Name: "update_item", ObjectType: "item",
			ObjectID: "i10", Payload: json.RawMessage(`{}`), CreatedAt: now.Time}); err != nil {
			t.Fatal(err)
		}
		if _, events := relay(tender.DeliveryDelivered); len(events) != 1 || len(events[0].Targets) != 2 ||
			!events[0].Targets[0].Blocked || !events[0].Targets[1].Blocked {
			t.Fatalf("an event behind pending deliveries of its object = %+v", events)
		}
		// The relay's lease: one holder at a time, renewed by its holder,
		// taken by another once expired (or handed back).
		lease := func(holder string, at time.Time) bool {
			t.Helper()
			ok, err := s.RelayLease(ctx, holder, at, at.Add(time.Minute))
			if err != nil {
				t.Fatal(err)
			}
			return ok
		}
		t0 := time.Now()
		if !lease("a", t0) || lease("b", t0.Add(time.Second)) || !lease("a", t0.Add(2*time.Second)) ||
			lease("b", t0.Add(time.Minute)) || !lease("b", t0.Add(2*time.Minute)) || lease("a", t0.Add(2*time.Minute)) {
			t.Fatal("relay lease: two holders, or a holder refused")
		}
		if ok, err := s.RelayLease(ctx, "b", t0.Add(2*time.Minute), t0.Add(2*time.Minute)); err != nil || !ok || !lease("a", t0.Add(3*time.Minute)) {
			t.Fatal("a handed-back lease was not taken")
		}
		if list, err := s.WebhookList(ctx, m.ID, uuid.Nil.String()); err != nil || len(list) != 2 {
			t.Fatalf("merchant list: %d %v", len(list), err)
		}
		if list, _ := s.WebhookList(ctx, uuid.Nil.String(), p.ID); len(list) != 1 || list[0].ID != partnerHook.ID {
			t.Fatal("partner list")
		}
		ev := &tender.Event{ID: uuid.NewString(), MerchantID: m.ID, Name: "update_customer", ObjectType: "customer",
			ObjectID: "c1", Payload: json.RawMessage(`{"id":"c1"}`), CreatedAt: now.Time}
		if err := s.EventInsert(ctx, ev); err != nil {
			t.Fatal(err)
		}
		if got, err := s.EventGet(ctx, ev.ID); err != nil || got.Name != ev.Name || string(compact(got.Payload)) != `{"id":"c1"}` {
			t.Fatalf("event = %+v %v", got, err)
		}
		var dels []*tender.WebhookDelivery
		for range 2 {
			d := &tender.WebhookDelivery{ID: uuid.NewString(), WebhookID: all.ID, MerchantID: m.ID, EventID: ev.ID,
				EventName: ev.Name, ObjectID: "c1", Status: tender.DeliveryPending, CreatedAt: now, UpdatedAt: now}
			if err := s.DeliveryCreate(ctx, d); err != nil {
				t.Fatal(err)
			}
			dels = append(dels, d)
		}
		w1, err := s.DeliveryWork(ctx, dels[0].ID)
		if err != nil || w1.Blocked || w1.Webhook.Secret != "whsec_x" || string(compact(w1.Payload)) != `{"id":"c1"}` {
			t.Fatalf("work 1 = %+v %v", w1, err)
		}
		w2, _ := s.DeliveryWork(ctx, dels[1].ID)
		if !w2.Blocked {
			t.Fatal("the second delivery of an object is not blocked behind the first")
		}
		if blocked, _ := s.DeliveryBlocked(ctx, w2.Delivery); !blocked {
			t.Fatal("DeliveryBlocked disagrees")
		}
		// A batch holding both sends them in order: neither is blocked by
		// the other; the second alone is blocked by the first.
		batch, err := s.DeliveriesWork(ctx, []string{dels[1].ID, dels[0].ID, "missing"})
		if err != nil || len(batch) != 2 || batch[0].Delivery.ID != dels[0].ID || batch[0].Blocked || batch[1].Blocked ||
			string(compact(batch[1].Payload)) != `{"id":"c1"}` || batch[1].Webhook.ID != all.ID {
			t.Fatalf("batch = %+v %v", batch, err)
		}
		if batch, err := s.DeliveriesWork(ctx, []string{dels[1].ID}); err != nil || len(batch) != 1 || !batch[0].Blocked {
			t.Fatalf("batch of the second = %+v %v", batch, err)
		}
		// DeliveriesUpdate writes a batch in one statement; a missing one is
		// an error (nothing is half-written by the caller's transaction).
		failed := *w2.Delivery
		failed.Attempts, failed.LastStatusCode, failed.LastError, failed.UpdatedAt = 1, 500, "receiver answered HTTP 500", tender.NewTime(now.Add(time.Second))
		ghost := failed
		ghost.ID = uuid.NewString()
		if err := s.DeliveriesUpdate(ctx, []*tender.WebhookDelivery{&failed, &ghost}); tender.ErrorCode(err) != tender.ENOTFOUND {
			t.Fatalf("update of a missing delivery: %v", err)
		}
		if err := s.DeliveriesUpdate(ctx, []*tender.WebhookDelivery{&failed}); err != nil {
			t.Fatal(err)
		}
		if got, err := s.DeliveryGet(ctx, failed.ID); err != nil || got.Attempts != 1 || got.LastStatusCode != 500 ||
			got.LastError != "receiver answered HTTP 500" || got.Status != tender.DeliveryPending || got.DeliveredAt != nil ||
			!got.UpdatedAt.Equal(failed.UpdatedAt.Time) {
			t.Fatalf("after DeliveriesUpdate = %+v %v", got, err)
		}
		d := w1.Delivery
		at := tender.NewTime(now.Add(time.Second))
		d.Status, d.Attempts, d.LastStatusCode, d.DeliveredAt, d.UpdatedAt = tender.DeliveryDelivered, 1, 200, &at, at
		if err := s.DeliveryUpdate(ctx, d); err != nil {
			t.Fatal(err)
		}
		if w2, _ := s.DeliveryWork(ctx, dels[1].ID); w2.Blocked {
			t.Fatal("still blocked after the first was delivered")
		}
		page, err := s.DeliveryList(ctx, all.ID, tender.ListParams{Page: 1, PerPage: 10})
		var log []*tender.WebhookDelivery // this event's (the dispatches above wrote others)
		for _, d := range page.Items {
			if d.EventID == ev.ID {
				log = append(log, d)
			}
		}
		if err != nil || len(log) != 2 || log[0].ID != dels[1].ID || log[1].DeliveredAt == nil {
			t.Fatalf("log = %+v %v", page, err)
		}
		if err := s.WebhookDelete(ctx, all.ID, now.Time); err != nil {
			t.Fatal(err)
		}
		if err := s.WebhookDelete(ctx, all.ID, now.Time); tender.ErrorCode(err) != tender.ENOTFOUND {
			t.Fatal("deleted twice")
		}
		gone := &tender.Event{ID: uuid.NewString(), MerchantID: m.ID, Name: "update_item", ObjectType: "item", ObjectID: "o",
			Payload: json.RawMessage(`{}`), CreatedAt: now.Time}
		if err := s.EventInsert(ctx, gone); err != nil {
			t.Fatal(err)
		}
		if ids, _ := relay(tender.DeliveryDelivered); len(ids) != 1 {
			t.Fatalf("deleted webhook still receives: %d deliveries", len(ids))
		}
		if got, _ := s.WebhookGet(ctx, all.ID); got.DeletedAt == nil {
			t.Fatal("deleted_at not set")
		}
	})
}
