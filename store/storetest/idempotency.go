package storetest

import (
	"context"
	"testing"

	"github.com/tenderpay/tender"
)

// exerciseIdempotency covers idempotency keys.
func exerciseIdempotency(t *testing.T, open Open) {
	ctx := context.Background()
	now := suiteNow

	t.Run("Idempotency", func(t *testing.T) {
		t.Parallel()
		s := open(t)
		m := newMerchant(t, s, now)
		r := &tender.IdempotencyRecord{MerchantID: m.ID, Scope: "charge", Key: "k", RequestHash: "h", State: tender.IdemInFlight,
			TransactionID: "t1", CreatedAt: now.Time, UpdatedAt: now.Time}
		if err := s.IdempotencyInsert(ctx, r); err != nil {
			t.Fatal(err)
		}
		if err := s.IdempotencyInsert(ctx, r); tender.ErrorCode(err) != tender.ECONFLICT {
			t.Fatalf("second claim: %v", err)
		}
		other := *r
		other.Scope, other.TransactionID = "refund", "t2"
		if err := s.IdempotencyInsert(ctx, &other); err != nil {
			t.Fatal("same key in another scope:", err)
		}
		if err := s.IdempotencyCompleteByTransaction(ctx, "t1", tender.EDECLINED, `{"a":1}`, now.Time); err != nil {
			t.Fatal(err)
		}
		if err := s.IdempotencyCompleteByTransaction(ctx, "no-such", "", `{}`, now.Time); err != nil {
			t.Fatal("completing an unclaimed transaction:", err)
		}
		got, err := s.IdempotencyGet(ctx, m.ID, "charge", "k")
		if err != nil || got.State != tender.IdemDone || got.Response != `{"a":1}` || got.Outcome != tender.EDECLINED {
			t.Fatalf("get = %+v %v", got, err)
		}
		r.Response = `{"b":2}`
		if err := s.IdempotencyComplete(ctx, r); err != nil {
			t.Fatal(err)
		}
		if got, _ := s.IdempotencyGet(ctx, m.ID, "charge", "k"); got.Response != `{"b":2}` {
			t.Fatal("complete by key")
		}
		if err := s.IdempotencyDelete(ctx, m.ID, "charge", "k"); err != nil {
			t.Fatal(err)
		}
		if _, err := s.IdempotencyGet(ctx, m.ID, "charge", "k"); err != nil {
			t.Fatal("a completed key was deleted")
		}
		if err := s.IdempotencyDelete(ctx, m.ID, "refund", "k"); err != nil {
			t.Fatal(err)
		}
		if _, err := s.IdempotencyGet(ctx, m.ID, "refund", "k"); tender.ErrorCode(err) != tender.ENOTFOUND {
			t.Fatal("in-flight key not released")
		}
	})
}
