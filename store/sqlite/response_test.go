package sqlite_test

import (
	"context"
	"database/sql"
	"encoding/json"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/tenderpay/tender"
	"github.com/tenderpay/tender/store"
	"github.com/tenderpay/tender/store/sqlite"
)

// TestDecidedResponseStoredOnce: a decided payment's idempotency key whose
// response is its event's payload holds no copy of it, only the event's
// seq (migration 036), and reads it back whole; a key with another
// response keeps its own.
func TestDecidedResponseStoredOnce(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "tender.db")
	s, err := sqlite.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if err := s.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	now := tender.Time{Time: time.Date(2026, 12, 7, 12, 0, 0, 0, time.UTC)}
	m := &tender.Merchant{ID: uuid.NewString(), CompanyName: "M", Status: "ACTIVE", Sandbox: true,
		WebPaymentsToken: "tok-" + uuid.NewString(), AllowedOrigins: []string{}, CreatedAt: now, UpdatedAt: now}
	if err := s.MerchantCreate(ctx, m); err != nil {
		t.Fatal(err)
	}
	charge := func(idem, response func(body string) string) string {
		tx := &tender.Transaction{ID: uuid.NewString(), MerchantID: m.ID, CustomerID: "c-1", PaymentMethodID: "pm-1",
			Type: tender.TxCharge, Method: "card", Status: tender.StatusSuccess, Success: true, Total: 1000,
			Captured: 1000, IsCaptured: true, Meta: json.RawMessage(`{}`), CreatedAt: now, UpdatedAt: now}
		tx.GatewayRef = "sbx_" + tx.ID[:8]
		body := `{"id":"` + tx.ID + `","total":10}`
		key := &tender.IdempotencyRecord{MerchantID: m.ID, Scope: "charge", Key: idem(tx.ID), RequestHash: "h",
			State: tender.IdemDone, Response: response(body), TransactionID: tx.ID, CreatedAt: now.Time, UpdatedAt: now.Time}
		entry := &store.SandboxEntry{Key: tx.ID, Op: store.SandboxSale, Ref: tx.GatewayRef, Amount: tx.Total, Approved: true, CreatedAt: now.Time}
		ev := &tender.Event{ID: uuid.NewString(), MerchantID: m.ID, Name: tender.EventCreateTransaction,
			ObjectType: "transaction", ObjectID: tx.ID, Payload: json.RawMessage(body), CreatedAt: now.Time}
		if err := s.TransactionCreateDecided(ctx, key, tx, entry, ev, nil); err != nil {
			t.Fatal(err)
		}
		if k, err := s.IdempotencyGet(ctx, m.ID, "charge", key.Key); err != nil || k.Response != key.Response || k.TransactionID != tx.ID {
			t.Fatalf("key = %+v, %v; want the response %s", k, err, key.Response)
		}
		return key.Key
	}
	same := charge(func(id string) string { return "same-" + id }, func(body string) string { return body })
	other := charge(func(id string) string { return "other-" + id }, func(string) string { return `{"other":true}` })

	raw, err := sql.Open("sqlite", "file:"+path)
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
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
