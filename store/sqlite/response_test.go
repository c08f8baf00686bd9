package sqlite_test

import (
	"context"
	"database/sql"
	"testing"
)

// TestDecidedResponseStoredOnce: a decided payment's idempotency key whose
// response is its event's payload holds no copy of it, only the event's
// seq (migration 036), and reads it back whole; a key with another
// response keeps its own.
func TestDecidedResponseStoredOnce(t *testing.T) {
	ctx := context.Background()
	s, raw, merchantID := migrated(t)
	charge := func(idem, response func(body string) string) string {
		key := decidedCharge(t, s, merchantID, idem, response)
		if k, err := s.IdempotencyGet(ctx, merchantID, "charge", key.Key); err != nil || k.Response != key.Response || k.TransactionID != key.TransactionID {
			t.Fatalf("key = %+v, %v; want the response %s", k, err, key.Response)
		}
		return key.Key
	}
	same := charge(func(id string) string { return "same-" + id }, func(body string) string { return body })
	other := charge(func(id string) string { return "other-" + id }, func(string) string { return `{"other":true}` })

	for _, c := range []struct {
		key      string
		stored   string
		pointsAt bool
	}{{same, "", true}, {other, `{"other":true}`, false}} {
		var stored string
		var event sql.NullInt64
		if err := raw.QueryRowContext(ctx, `SELECT response, response_event FROM idempotency_keys WHERE idem_key = ?`, c.key).Scan(&stored, &event); err != nil {
			t.Fatal(err)
		}
		if stored != c.stored || event.Valid != c.pointsAt {
			t.Errorf("%s: stored response %q, event %v; want %q, pointing at the event: %v", c.key, stored, event, c.stored, c.pointsAt)
		}
	}
}
