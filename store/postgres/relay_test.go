package postgres_test

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/tenderpay/tender"
)

// TestRelayReadsOutboxRowsOfTheReleaseBefore: the release before
// migration 037 queues an event as its seq alone, and the relay reads
// that row's header from events; a row this release queued carries its
// header, and the relay reads events only for payloads. Both kinds relay
// alike, with and without payloads, in one batch in seq order.
func TestRelayReadsOutboxRowsOfTheReleaseBefore(t *testing.T) {
	ctx := context.Background()
	st, conn := migratedConn(t)
	now := tender.Time{Time: time.Now().UTC().Truncate(time.Microsecond)}
	hooked, quiet := newMerchant(t, st), newMerchant(t, st)
	hook := &tender.Webhook{ID: uuid.NewString(), MerchantID: hooked.ID, TargetURL: "https://x.test/h", Event: "*",
		Secret: "whsec_x", MaxAttempts: 3, RetryBaseSeconds: 1, CreatedAt: now}
	if err := st.WebhookCreate(ctx, hook); err != nil {
		t.Fatal(err)
	}
	var want []*tender.Event
	for i, m := range []*tender.Merchant{hooked, quiet, hooked, quiet} {
		ev := &tender.Event{ID: uuid.NewString(), MerchantID: m.ID, Name: "create_customer", ObjectType: "customer",
			ObjectID: fmt.Sprint("c", i), Payload: json.RawMessage(fmt.Sprintf(`{"n":%d}`, i)),
			CreatedAt: now.Add(time.Duration(i) * time.Millisecond)}
		if err := st.EventInsert(ctx, ev); err != nil {
			t.Fatal(err)
		}
		want = append(want, ev)
	}
	// The first two as the release before queued them.
	if _, err := conn.ExecContext(ctx, `UPDATE event_outbox SET id = NULL, merchant_id = NULL, name = NULL,
		object_type = NULL, object_id = NULL, created_at = NULL
		WHERE seq IN (SELECT seq FROM events WHERE id = ANY ($1::uuid[]))`, "{"+want[0].ID+","+want[1].ID+"}"); err != nil {
		t.Fatal(err)
	}
	for _, payloads := range []bool{false, true} {
		got, err := st.EventsToRelay(ctx, 100, payloads)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != len(want) {
			t.Fatalf("payloads %v: %d events to relay, want %d", payloads, len(got), len(want))
		}
		for i, re := range got {
			ev, w := re.Event, want[i]
			if ev.ID != w.ID || ev.MerchantID != w.MerchantID || ev.Name != w.Name || ev.ObjectType != w.ObjectType ||
				ev.ObjectID != w.ObjectID || !ev.CreatedAt.Equal(w.CreatedAt) {
				t.Errorf("payloads %v: event %d = %+v, want %+v", payloads, i, ev, w)
			}
			targeted := w.MerchantID == hooked.ID
			if len(re.Targets) != map[bool]int{true: 1, false: 0}[targeted] {
				t.Errorf("payloads %v: event %d has %d targets", payloads, i, len(re.Targets))
			}
			if (payloads || targeted) && string(ev.Payload) != string(w.Payload) {
				t.Errorf("payloads %v: event %d's payload %s, want %s", payloads, i, ev.Payload, w.Payload)
			}
			if i > 0 && re.Seq <= got[i-1].Seq {
				t.Errorf("payloads %v: seqs out of order: %d after %d", payloads, re.Seq, got[i-1].Seq)
			}
		}
	}
}

// TestRelayReadsNoEventsWithoutPayloads: a batch of outbox rows with their
// headers, read without payloads, touches no page of events (EXPLAIN
// ANALYZE's buffers), and with payloads reads them by primary key.
func TestRelayReadsNoEventsWithoutPayloads(t *testing.T) {
	ctx := context.Background()
	st, conn := migratedConn(t)
	m := newMerchant(t, st)
	for i := range 50 {
		ev := &tender.Event{ID: uuid.NewString(), MerchantID: m.ID, Name: "create_customer", ObjectType: "customer",
			ObjectID: fmt.Sprint("c", i), Payload: json.RawMessage(`{}`), CreatedAt: time.Now()}
		if err := st.EventInsert(ctx, ev); err != nil {
			t.Fatal(err)
		}
	}
	stmt, _ := prepare(t, st, conn, "EventsToRelay")
	// The custom plan of the first executions and the generic plan a
	// prepared statement settles on.
	for _, mode := range []string{"force_custom_plan", "force_generic_plan"} {
		if _, err := conn.ExecContext(ctx, "SET plan_cache_mode = "+mode); err != nil {
			t.Fatal(err)
		}
		if n := relationBlocks(analyzedPlan(t, conn, stmt, "100, false"), "events"); n != 0 {
			t.Errorf("%s: without payloads the relay read %d blocks of events, want 0", mode, n)
		}
		plan := analyzedPlan(t, conn, stmt, "100, true")
		if n, scans := relationBlocks(plan, "events"), relationScans(plan, "events"); n == 0 || len(scans) != 1 || scans[0] != "events_pkey" {
			t.Errorf("%s: with payloads the relay read %d blocks of events by %v, want events_pkey", mode, n, scans)
		}
	}
}
