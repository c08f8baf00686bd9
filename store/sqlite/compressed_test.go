package sqlite_test

import (
	"context"
	"strings"
	"testing"
)

// TestEventPayloadCompressed: a charge-sized event payload is stored
// compressed (Dialect.CompressEvents), a few hundred bytes stay text, and
// every read gives back the JSON as written: the event itself, the events
// of a merchant after a seq, and the idempotent response that points at
// the event (migration 036).
func TestEventPayloadCompressed(t *testing.T) {
	ctx := context.Background()
	s, raw, merchantID := migrated(t)
	long := func(body string) string {
		return strings.Replace(body, `"total":10`, `"total":10,"meta":{"note":"`+strings.Repeat("a charge's JSON, ", 130)+`"}`, 1)
	}
	keys := map[string]string{}
	for name, grow := range map[string]func(string) string{"long": long, "short": func(b string) string { return b }} {
		key := decidedChargeOf(t, s, merchantID, func(id string) string { return name + "-" + id }, grow,
			func(body string) string { return body })
		keys[name] = key.Key
		var stored []byte
		var kind string
		if err := raw.QueryRowContext(ctx, `SELECT payload, typeof(payload) FROM events WHERE object_id = $1`, key.TransactionID).Scan(&stored, &kind); err != nil {
			t.Fatal(err)
		}
		compressed := kind == "blob" && len(stored) > 0 && stored[0] == 0 && len(stored) < len(key.Response)/2
		if compressed != (name == "long") {
			t.Errorf("%s payload (%d bytes) stored as a %s of %d bytes; want it compressed: %v", name, len(key.Response), kind, len(stored), name == "long")
		}
		got, err := s.IdempotencyGet(ctx, merchantID, "charge", key.Key)
		if err != nil || got.Response != key.Response {
			t.Errorf("%s: the idempotent response reads back %.80q (%v), want %.80q", name, got.Response, err, key.Response)
		}
	}
	events, err := s.EventsAfter(ctx, merchantID, 0, 10)
	if err != nil || len(events) != 2 {
		t.Fatalf("events %d, %v; want 2", len(events), err)
	}
	for _, ev := range events {
		k, err := s.IdempotencyGet(ctx, merchantID, "charge", keys["long"])
		if err != nil {
			t.Fatal(err)
		}
		one, err := s.EventGet(ctx, ev.Event.ID)
		if err != nil || string(one.Payload) != string(ev.Event.Payload) {
			t.Errorf("EventGet %s: %.80q (%v); EventsAfter gave %.80q", ev.Event.ID, one.Payload, err, ev.Event.Payload)
		}
		if ev.Event.ObjectID == k.TransactionID && string(ev.Event.Payload) != k.Response {
			t.Errorf("the long event reads back %.80q, want %.80q", ev.Event.Payload, k.Response)
		}
	}
}
