package storetest

import (
	"context"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/tenderpay/tender"
	"github.com/tenderpay/tender/store"
)

// exerciseProcessors covers what a merchant's own processor needs: its
// processor and sealed credentials on the merchant, the AVS and CVV results
// on transactions, finding a transaction by processor reference, and
// inbound processor events recorded once per event id.
func exerciseProcessors(t *testing.T, open Open) {
	ctx := context.Background()
	now := tender.NewTime(time.Date(2026, 3, 4, 5, 6, 7, 891234000, time.UTC))

	t.Run("MerchantProcessor", func(t *testing.T) {
		t.Parallel()
		s := open(t)
		m := &tender.Merchant{ID: uuid.NewString(), CompanyName: "M", Status: "ACTIVE", WebPaymentsToken: "tok-" + uuid.NewString(),
			AllowedOrigins: []string{}, Processor: "stripe", ProcessorCredentials: "v1:sealed", CreatedAt: now, UpdatedAt: now}
		if err := s.MerchantCreate(ctx, m); err != nil {
			t.Fatal(err)
		}
		got, err := s.MerchantGet(ctx, m.ID)
		if err != nil || got.Processor != "stripe" || got.IsTest || got.ProcessorCredentials != "v1:sealed" || !got.ProcessorConfigured {
			t.Fatalf("get: %+v %v", got, err)
		}
		got.Processor, got.IsTest, got.ProcessorCredentials = tender.ProcessorSandbox, true, ""
		got.UpdatedAt = tender.NewTime(now.Add(time.Second))
		if err := s.MerchantUpdate(ctx, got); err != nil {
			t.Fatal(err)
		}
		got, err = s.MerchantGetByWebToken(ctx, m.WebPaymentsToken)
		if err != nil || got.Processor != tender.ProcessorSandbox || !got.IsTest || got.ProcessorCredentials != "" || !got.ProcessorConfigured {
			t.Fatalf("after update: %+v %v", got, err)
		}
		got.Processor = "stripe" // without credentials
		if err := s.MerchantUpdate(ctx, got); err != nil {
			t.Fatal(err)
		}
		page, err := s.MerchantList(ctx, "", tender.ListParams{Page: 1, PerPage: 10, Sort: "created_at"})
		if err != nil || len(page.Items) != 1 || page.Items[0].Processor != "stripe" || page.Items[0].ProcessorConfigured {
			t.Fatalf("list: %+v %v", page, err)
		}
	})

	t.Run("TransactionAVSAndGatewayRef", func(t *testing.T) {
		t.Parallel()
		s := open(t)
		m := newMerchant(t, s, now)
		p := newTransaction(m.ID, "", now)
		p.GatewayRef, p.AuthCode, p.AVSCode, p.AVSMessage, p.CVVResult = "pi_1", "A1B2C3", "Y", "Address and zip match", "pass"
		if err := s.TransactionCreate(ctx, p); err != nil {
			t.Fatal(err)
		}
		got, err := s.TransactionGet(ctx, m.ID, p.ID)
		if err != nil || got.AVSCode != "Y" || got.AVSMessage != "Address and zip match" || got.CVVResult != "pass" || got.AuthCode != "A1B2C3" {
			t.Fatalf("get: %+v %v", got, err)
		}
		got.AVSCode, got.CVVResult = "N", "fail"
		if err := s.TransactionUpdate(ctx, got); err != nil {
			t.Fatal(err)
		}
		if got, err = s.TransactionGet(ctx, m.ID, p.ID); err != nil || got.AVSCode != "N" || got.CVVResult != "fail" {
			t.Fatalf("after update: %+v %v", got, err)
		}
		// A payment written PENDING and finalised in one call keeps them too.
		q := newTransaction(m.ID, "", now)
		if err := s.TransactionCreateClaimed(ctx, &tender.IdempotencyRecord{MerchantID: m.ID, Scope: "charge", Key: "k1",
			RequestHash: "h", State: "in_flight", TransactionID: q.ID, CreatedAt: now.Time, UpdatedAt: now.Time}, q); err != nil {
			t.Fatal(err)
		}
		q.Status, q.Success, q.AVSCode, q.AVSMessage, q.CVVResult, q.GatewayRef = tender.StatusSuccess, true, "Z", "Zip matches", "unchecked", "pi_2"
		ev := &tender.Event{ID: uuid.NewString(), MerchantID: m.ID, Name: tender.EventCreateTransaction, ObjectType: "transaction",
			ObjectID: q.ID, Payload: []byte(`{}`), CreatedAt: now.Time}
		if err := s.TransactionFinalize(ctx, q, ev, "", `{}`, now.Time); err != nil {
			t.Fatal(err)
		}
		if got, err = s.TransactionGet(ctx, m.ID, q.ID); err != nil || got.AVSCode != "Z" || got.CVVResult != "unchecked" {
			t.Fatalf("finalized: %+v %v", got, err)
		}

		child := newTransaction(m.ID, p.ID, tender.NewTime(now.Add(time.Second)))
		child.Type, child.GatewayRef = tender.TxRefund, "re_1"
		if err := s.TransactionCreate(ctx, child); err != nil {
			t.Fatal(err)
		}
		if got, err := s.TransactionByGatewayRef(ctx, m.ID, "pi_1"); err != nil || got.ID != p.ID {
			t.Fatalf("by ref pi_1: %+v %v", got, err)
		}
		if got, err := s.TransactionByGatewayRef(ctx, m.ID, "re_1"); err != nil || got.ID != child.ID {
			t.Fatalf("by ref re_1: %+v %v", got, err)
		}
		other := newMerchant(t, s, now)
		for _, c := range []struct{ merchant, ref string }{{other.ID, "pi_1"}, {m.ID, "pi_none"}, {m.ID, ""}, {"not-an-id", "pi_1"}} {
			if _, err := s.TransactionByGatewayRef(ctx, c.merchant, c.ref); tender.ErrorCode(err) != tender.ENOTFOUND {
				t.Fatalf("by ref %+v: err = %v", c, err)
			}
		}
	})

	t.Run("ProcessorEventsOnce", func(t *testing.T) {
		t.Parallel()
		s := open(t)
		m, other := newMerchant(t, s, now), newMerchant(t, s, now)
		ev := func(merchantID, eventID string) *tender.ProcessorEvent {
			return &tender.ProcessorEvent{ID: uuid.NewString(), MerchantID: merchantID, Processor: "stripe", EventID: eventID,
				Kind: "dispute_opened", TransactionID: "t-1", ChildRef: "dp_1", Amount: 1234, Reason: "fraudulent",
				Status: "needs_response", CreatedAt: now}
		}
		if err := s.ProcessorEventInsert(ctx, ev(m.ID, "evt_1")); err != nil {
			t.Fatal(err)
		}
		// Concurrent replays of one event id: exactly one is recorded.
		won := racing(t, 6, tender.ECONFLICT, func(int) error {
			return s.InTx(ctx, func(tx store.Executor) error { return tx.ProcessorEventInsert(ctx, ev(m.ID, "evt_2")) })
		})
		if won != 1 {
			t.Fatalf("%d replays recorded", won)
		}
		if err := s.ProcessorEventInsert(ctx, ev(m.ID, "evt_1")); tender.ErrorCode(err) != tender.ECONFLICT {
			t.Fatalf("replay: %v", err)
		}
		// The same id at another merchant is another event.
		if err := s.ProcessorEventInsert(ctx, ev(other.ID, "evt_1")); err != nil {
			t.Fatal(err)
		}
		got, err := s.ProcessorEventsOf(ctx, m.ID, "t-1")
		if err != nil || len(got) != 2 || got[0].Amount != 1234 || got[0].ChildRef != "dp_1" || got[0].Status != "needs_response" ||
			!got[0].CreatedAt.Equal(now.Time) {
			t.Fatalf("events: %+v %v", got, err)
		}
		if got, err := s.ProcessorEventsOf(ctx, m.ID, "t-none"); err != nil || len(got) != 0 {
			t.Fatalf("none: %+v %v", got, err)
		}
	})
}
