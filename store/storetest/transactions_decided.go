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

// exerciseTransactionCreateDecided covers a payment its processor decided
// at once (the sandbox inline): the transaction, its idempotency key done,
// the processor's ledger entry and the event, all or nothing.
func exerciseTransactionCreateDecided(t *testing.T, open Open) {
	ctx := context.Background()
	now := suiteNow

	t.Run("TransactionCreateDecided", func(t *testing.T) {
		t.Parallel()
		s := open(t)
		m := newMerchant(t, s, now)
		decided := func() (*tender.Transaction, *store.SandboxEntry, *tender.Event) {
			tx := newTransaction(m.ID, "", now)
			tx.Status, tx.Success, tx.Captured, tx.IsCaptured, tx.GatewayRef = tender.StatusSuccess, true, tx.Total, true, "sbx_"+tx.ID[:8]
			entry := &store.SandboxEntry{Key: tx.ID, Op: store.SandboxSale, Ref: tx.GatewayRef, Amount: tx.Total, Approved: true, CreatedAt: now.Time}
			ev := &tender.Event{ID: uuid.NewString(), MerchantID: m.ID, Name: tender.EventCreateTransaction,
				ObjectType: "transaction", ObjectID: tx.ID, Payload: json.RawMessage(`{"id":"` + tx.ID + `"}`), CreatedAt: now.Time}
			return tx, entry, ev
		}
		key := func(txID string) *tender.IdempotencyRecord {
			return &tender.IdempotencyRecord{MerchantID: m.ID, Scope: "charge", Key: "decided", RequestHash: "h",
				State: tender.IdemDone, Response: `{"id":"` + txID + `"}`, TransactionID: txID, CreatedAt: now.Time, UpdatedAt: now.Time}
		}

		first, entry, ev := decided()
		if err := s.TransactionCreateDecided(ctx, key(first.ID), first, entry, ev); err != nil {
			t.Fatal(err)
		}
		if got, err := s.TransactionGet(ctx, m.ID, first.ID); err != nil || got.Status != tender.StatusSuccess || got.GatewayRef != first.GatewayRef {
			t.Fatalf("get = %+v, %v", got, err)
		}
		if k, err := s.IdempotencyGet(ctx, m.ID, "charge", "decided"); err != nil || k.State != tender.IdemDone || k.TransactionID != first.ID || k.Response != `{"id":"`+first.ID+`"}` {
			t.Fatalf("key = %+v, %v", k, err)
		}
		if got, err := s.SandboxGet(ctx, first.ID); err != nil || got == nil || got.Ref != first.GatewayRef || !got.Approved || got.Amount != first.Total {
			t.Fatalf("ledger = %+v, %v", got, err)
		}
		if evs, err := s.EventListSince(ctx, m.ID, time.Time{}, 50); err != nil || len(evs) != 1 || evs[0].ObjectID != first.ID {
			t.Fatalf("events = %+v, %v", evs, err)
		}

		// A taken key writes none of the four.
		second, entry2, ev2 := decided()
		if err := s.TransactionCreateDecided(ctx, key(second.ID), second, entry2, ev2); tender.ErrorCode(err) != tender.ECONFLICT {
			t.Fatalf("same key: %v", err)
		}
		if _, err := s.TransactionGet(ctx, m.ID, second.ID); tender.ErrorCode(err) != tender.ENOTFOUND {
			t.Fatalf("the refused transaction was written: %v", err)
		}
		if got, err := s.SandboxGet(ctx, second.ID); err != nil || got != nil {
			t.Fatalf("the refused payment's ledger entry was written: %+v, %v", got, err)
		}
		// A ledger key the processor already holds refuses the payment too.
		third, _, ev3 := decided()
		if err := s.TransactionCreateDecided(ctx, nil, third, entry, ev3); tender.ErrorCode(err) != tender.ECONFLICT {
			t.Fatalf("a ledger key already held: %v", err)
		}
		if _, err := s.TransactionGet(ctx, m.ID, third.ID); tender.ErrorCode(err) != tender.ENOTFOUND {
			t.Fatalf("the refused transaction was written: %v", err)
		}
		if evs, _ := s.EventListSince(ctx, m.ID, time.Time{}, 50); len(evs) != 1 {
			t.Fatalf("refused payments wrote events: %+v", evs)
		}

		// No key: the transaction, its entry and its event alone.
		keyless, entry4, ev4 := decided()
		if err := s.TransactionCreateDecided(ctx, nil, keyless, entry4, ev4); err != nil {
			t.Fatal(err)
		}
		if got, err := s.SandboxGet(ctx, keyless.ID); err != nil || got == nil {
			t.Fatalf("keyless ledger = %+v, %v", got, err)
		}

		// Racing payments of one key: exactly one is written.
		if won := racing(t, 8, tender.ECONFLICT, func(int) error {
			tx, entry, ev := decided()
			k := key(tx.ID)
			k.Key = "race"
			return s.TransactionCreateDecided(ctx, k, tx, entry, ev)
		}); won != 1 {
			t.Fatalf("%d racing payments won", won)
		}
		if p, _ := s.TransactionList(ctx, m.ID, tender.TransactionFilter{}, tender.ListParams{Page: 1, PerPage: 50}); p.Total != 3 {
			t.Fatalf("%d transactions, want 3", p.Total)
		}
		if evs, _ := s.EventListSince(ctx, m.ID, time.Time{}, 50); len(evs) != 3 {
			t.Fatalf("%d events, want 3", len(evs))
		}
	})
}
