package storetest

import (
	"context"
	"encoding/json"
	"errors"
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
		if err := s.TransactionCreateDecided(ctx, key(first.ID), first, entry, ev, nil); err != nil {
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
		if err := s.TransactionCreateDecided(ctx, key(second.ID), second, entry2, ev2, nil); tender.ErrorCode(err) != tender.ECONFLICT {
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
		if err := s.TransactionCreateDecided(ctx, nil, third, entry, ev3, nil); tender.ErrorCode(err) != tender.ECONFLICT {
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
		if err := s.TransactionCreateDecided(ctx, nil, keyless, entry4, ev4, nil); err != nil {
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
			return s.TransactionCreateDecided(ctx, k, tx, entry, ev, nil)
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
	t.Run("TransactionCreateDecidedUnchanged", func(t *testing.T) {
		t.Parallel()
		s := open(t)
		m := newMerchant(t, s, now)
		c := newCustomer(m.ID, now, nil)
		if err := s.CustomerCreate(ctx, c); err != nil {
			t.Fatal(err)
		}
		pm := newPaymentMethod(m.ID, c.ID, now)
		if err := s.PaymentMethodCreate(ctx, pm, &tender.PaymentMethodSecret{PaymentMethodID: pm.ID, SealedNumber: "sealed"}); err != nil {
			t.Fatal(err)
		}
		read := func() *store.Unchanged {
			got, _, cust, err := s.PaymentMethodWithSecret(ctx, m.ID, pm.ID)
			if err != nil {
				t.Fatal(err)
			}
			return &store.Unchanged{PaymentMethodID: pm.ID, MethodUpdatedAt: got.UpdatedAt.Time, CustomerUpdatedAt: cust.UpdatedAt.Time}
		}
		written := 0
		// pay writes a decided payment on pm under u: ErrChanged, and
		// none of its rows, or all of them.
		pay := func(u *store.Unchanged, keyed bool) error {
			t.Helper()
			tx := newTransaction(m.ID, "", now)
			tx.CustomerID, tx.PaymentMethodID = c.ID, pm.ID
			tx.Status, tx.Success, tx.GatewayRef = tender.StatusSuccess, true, "sbx_"+tx.ID[:8]
			entry := &store.SandboxEntry{Key: tx.ID, Op: store.SandboxSale, Ref: tx.GatewayRef, Amount: tx.Total, Approved: true, CreatedAt: now.Time}
			ev := &tender.Event{ID: uuid.NewString(), MerchantID: m.ID, Name: tender.EventCreateTransaction,
				ObjectType: "transaction", ObjectID: tx.ID, Payload: json.RawMessage(`{}`), CreatedAt: now.Time}
			var k *tender.IdempotencyRecord
			if keyed {
				k = &tender.IdempotencyRecord{MerchantID: m.ID, Scope: "charge", Key: "k-" + tx.ID, RequestHash: "h",
					State: tender.IdemDone, Response: `{}`, TransactionID: tx.ID, CreatedAt: now.Time, UpdatedAt: now.Time}
			}
			err := s.TransactionCreateDecided(ctx, k, tx, entry, ev, u)
			_, gerr := s.TransactionGet(ctx, m.ID, tx.ID)
			ledger, _ := s.SandboxGet(ctx, tx.ID)
			var key *tender.IdempotencyRecord
			if keyed {
				key, _ = s.IdempotencyGet(ctx, m.ID, "charge", "k-"+tx.ID)
			}
			evs, _ := s.EventListSince(ctx, m.ID, time.Time{}, 100)
			if err == nil {
				written++
			}
			if all := gerr == nil && ledger != nil && (!keyed || key != nil) && len(evs) == written; err == nil && !all {
				t.Fatalf("written in part: transaction %v, ledger %v, key %v, %d events of %d", gerr, ledger, key, len(evs), written)
			}
			if none := tender.ErrorCode(gerr) == tender.ENOTFOUND && ledger == nil && key == nil && len(evs) == written; err != nil && !none {
				t.Fatalf("refused (%v) but written: transaction %v, ledger %v, key %v, %d events of %d", err, gerr, ledger, key, len(evs), written)
			}
			return err
		}

		u := read()
		for _, keyed := range []bool{false, true} {
			if err := pay(u, keyed); err != nil {
				t.Fatalf("as read (keyed %v): %v", keyed, err)
			}
		}
		stale := func(what string, u *store.Unchanged) {
			t.Helper()
			for _, keyed := range []bool{false, true} {
				if err := pay(u, keyed); !errors.Is(err, store.ErrChanged) {
					t.Fatalf("%s (keyed %v): %v, want ErrChanged", what, keyed, err)
				}
			}
		}
		// Another merchant's payment method, or none, is not as read.
		other := newMerchant(t, s, now)
		oc := newCustomer(other.ID, now, nil)
		opm := newPaymentMethod(other.ID, oc.ID, now)
		if err := s.CustomerCreate(ctx, oc); err != nil {
			t.Fatal(err)
		}
		if err := s.PaymentMethodCreate(ctx, opm, &tender.PaymentMethodSecret{PaymentMethodID: opm.ID, SealedNumber: "sealed"}); err != nil {
			t.Fatal(err)
		}
		stale("another merchant's payment method", &store.Unchanged{PaymentMethodID: opm.ID, MethodUpdatedAt: now.Time, CustomerUpdatedAt: now.Time})
		stale("no such payment method", &store.Unchanged{PaymentMethodID: uuid.NewString(), MethodUpdatedAt: now.Time, CustomerUpdatedAt: now.Time})

		// A microsecond later is another version.
		pm.Nickname, pm.UpdatedAt = "renamed", tender.NewTime(now.Add(time.Microsecond))
		if err := s.PaymentMethodUpdate(ctx, pm); err != nil {
			t.Fatal(err)
		}
		stale("payment method updated", u)
		u = read()
		if err := pay(u, true); err != nil {
			t.Fatalf("read again: %v", err)
		}
		c.Email, c.UpdatedAt = "new@example.com", tender.NewTime(now.Add(2*time.Microsecond))
		if err := s.CustomerUpdate(ctx, c); err != nil {
			t.Fatal(err)
		}
		stale("customer updated", u)
		u = read()
		if err := s.PaymentMethodDelete(ctx, m.ID, pm.ID, now.Add(time.Second)); err != nil {
			t.Fatal(err)
		}
		stale("payment method deleted", u)
		if err := pay(nil, false); err != nil {
			t.Fatalf("no check: %v", err)
		}
		if p, _ := s.TransactionList(ctx, m.ID, tender.TransactionFilter{}, tender.ListParams{Page: 1, PerPage: 50}); p.Total != written {
			t.Fatalf("%d transactions, want %d", p.Total, written)
		}
	})
}
