package storetest

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/tenderpay/tender"
	"github.com/tenderpay/tender/store"
)

// exerciseEvents covers events and the message outbox.
func exerciseEvents(t *testing.T, open Open) {
	ctx := context.Background()
	now := suiteNow

	t.Run("Events", func(t *testing.T) {
		t.Parallel()
		s := open(t)
		m := newMerchant(t, s, now)
		for i, name := range []string{"create_customer", "update_customer", "delete_customer"} {
			ev := &tender.Event{ID: uuid.NewString(), MerchantID: m.ID, Name: name, ObjectType: "customer", ObjectID: "c1",
				Payload: json.RawMessage(`{"i":` + fmt.Sprint(i) + `}`), CreatedAt: now.Add(time.Duration(i) * time.Second)}
			if err := s.EventInsert(ctx, ev); err != nil {
				t.Fatal(err)
			}
		}
		evs, err := s.EventListSince(ctx, m.ID, time.Time{}, 10)
		if err != nil || len(evs) != 3 || evs[0].Name != "create_customer" || evs[2].Name != "delete_customer" {
			t.Fatalf("events = %v, %v", evs, err)
		}
		if evs, _ := s.EventListSince(ctx, m.ID, now.Time, 10); len(evs) != 2 {
			t.Fatalf("since: %d", len(evs))
		}
	})

	t.Run("EventsAfter", func(t *testing.T) {
		t.Parallel()
		s := open(t)
		m, other := newMerchant(t, s, now), newMerchant(t, s, now)
		start, err := s.EventMaxSeq(ctx)
		if err != nil {
			t.Fatal(err)
		}
		var ids []string
		for i, mid := range []string{m.ID, other.ID, m.ID, m.ID} {
			ev := &tender.Event{ID: uuid.NewString(), MerchantID: mid, Name: "create_customer", ObjectType: "customer",
				ObjectID: fmt.Sprint("c", i), Payload: json.RawMessage(`{"i":` + fmt.Sprint(i) + `}`), CreatedAt: now.Time}
			if err := s.EventInsert(ctx, ev); err != nil {
				t.Fatal(err)
			}
			if mid == m.ID {
				ids = append(ids, ev.ID)
			}
		}
		evs, err := s.EventsAfter(ctx, m.ID, start, 10)
		if err != nil || len(evs) != 3 {
			t.Fatalf("events after %d = %d, %v", start, len(evs), err)
		}
		for i, le := range evs {
			if le.Event.ID != ids[i] || le.Event.MerchantID != m.ID || (i > 0 && le.Seq <= evs[i-1].Seq) || le.Seq <= start {
				t.Fatalf("event %d = %+v (seq %d), want %s in seq order", i, le.Event, le.Seq, ids[i])
			}
		}
		if string(evs[1].Event.Payload) != `{"i":2}` {
			t.Fatalf("payload %s", evs[1].Event.Payload)
		}
		if rest, _ := s.EventsAfter(ctx, m.ID, evs[0].Seq, 1); len(rest) != 1 || rest[0].Event.ID != ids[1] {
			t.Fatalf("after the first, limit 1: %+v", rest)
		}
		if max, _ := s.EventMaxSeq(ctx); max < evs[2].Seq {
			t.Fatalf("max seq %d < %d", max, evs[2].Seq)
		}
		if none, err := s.EventsAfter(ctx, "not-a-uuid", 0, 10); err != nil || len(none) != 0 {
			t.Fatalf("bad merchant id: %v, %v", none, err)
		}
	})

	t.Run("Messages", func(t *testing.T) {
		t.Parallel()
		s := open(t)
		m := newMerchant(t, s, now)
		for i, status := range []string{tender.MessageQueued, tender.MessageOutbox, tender.MessageQueued} {
			at := tender.NewTime(now.Add(time.Duration(i) * time.Second))
			msg := &tender.Message{ID: uuid.NewString(), MerchantID: m.ID, Channel: tender.ChannelEmail, Kind: "receipt",
				To: "a@example.com", Subject: "S", Text: "T", HTML: "<p>T</p>", Status: status, NextAttempt: at, CreatedAt: at}
			if err := s.MessageCreate(ctx, msg); err != nil {
				t.Fatal(err)
			}
		}
		claim := func(at time.Time) []*tender.Message {
			var out []*tender.Message
			err := s.InTx(ctx, func(tx store.Executor) error {
				var err error
				out, err = tx.MessagesClaim(ctx, at, time.Minute, 10)
				return err
			})
			if err != nil {
				t.Fatal(err)
			}
			return out
		}
		if got := claim(now.Time); len(got) != 1 || got[0].Attempts != 1 || got[0].Status != tender.MessageSending {
			t.Fatalf("first claim = %+v", got)
		}
		if got := claim(now.Add(2 * time.Second)); len(got) != 1 {
			t.Fatalf("second claim = %d", len(got))
		}
		// The first lease has not expired; after it, the message is claimable again.
		got := claim(now.Add(61 * time.Second))
		if len(got) != 1 || got[0].Attempts != 2 {
			t.Fatalf("after the lease = %+v", got)
		}
		got[0].Status, got[0].SentAt = tender.MessageSent, &now
		if err := s.MessageUpdate(ctx, got[0]); err != nil {
			t.Fatal(err)
		}
		page, err := s.MessageList(ctx, m.ID, tender.ListParams{Page: 1, PerPage: 10, Desc: true})
		if err != nil || page.Total != 3 || page.Items[0].CreatedAt.Before(page.Items[2].CreatedAt.Time) {
			t.Fatalf("list = %+v, %v", page, err)
		}
	})
}
