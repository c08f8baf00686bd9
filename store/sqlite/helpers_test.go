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
	"github.com/tenderpay/tender/store/internal/sqldb"
	"github.com/tenderpay/tender/store/sqlite"
)

// testNow is the time the tests' rows are written at.
var testNow = tender.Time{Time: time.Date(2026, 12, 7, 12, 0, 0, 0, time.UTC)}

// migrated opens a migrated store on a new file, with a merchant, and a
// second connection to the file for reading SQLite's own tables.
func migrated(t *testing.T) (s *sqldb.DB, raw *sql.DB, merchantID string) {
	t.Helper()
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "tender.db")
	s, err := sqlite.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	if err := s.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	m := &tender.Merchant{ID: uuid.NewString(), CompanyName: "M", Status: "ACTIVE", Sandbox: true,
		WebPaymentsToken: "tok-" + uuid.NewString(), AllowedOrigins: []string{}, CreatedAt: testNow, UpdatedAt: testNow}
	if err := s.MerchantCreate(ctx, m); err != nil {
		t.Fatal(err)
	}
	raw, err = sql.Open("sqlite", "file:"+path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { raw.Close() })
	return s, raw, m.ID
}

// decidedCharge writes a sandbox charge decided at once, as a sandbox
// POST /charge does (TransactionCreateDecided), with its idempotency key
// idem and the stored response that response makes of the transaction's
// body, and returns the key.
func decidedCharge(t *testing.T, s *sqldb.DB, merchantID string, idem, response func(body string) string) *tender.IdempotencyRecord {
	t.Helper()
	return decidedChargeOf(t, s, merchantID, idem, func(body string) string { return body }, response)
}

// decidedChargeOf is decidedCharge with the event's payload grow(body)
// (response is given that payload).
func decidedChargeOf(t *testing.T, s *sqldb.DB, merchantID string, idem, grow, response func(body string) string) *tender.IdempotencyRecord {
	t.Helper()
	ctx := context.Background()
	tx := &tender.Transaction{ID: uuid.NewString(), MerchantID: merchantID, CustomerID: "c-1", PaymentMethodID: "pm-1",
		Type: tender.TxCharge, Method: "card", Status: tender.StatusSuccess, Success: true, Total: 1000,
		Captured: 1000, IsCaptured: true, Meta: json.RawMessage(`{}`), CreatedAt: testNow, UpdatedAt: testNow}
	tx.GatewayRef = "sbx_" + tx.ID[:8]
	body := grow(`{"id":"` + tx.ID + `","total":10}`)
	key := &tender.IdempotencyRecord{MerchantID: merchantID, Scope: "charge", Key: idem(tx.ID), RequestHash: "h",
		State: tender.IdemDone, Response: response(body), TransactionID: tx.ID, CreatedAt: testNow.Time, UpdatedAt: testNow.Time}
	entry := &store.SandboxEntry{Key: tx.ID, Op: store.SandboxSale, Ref: tx.GatewayRef, Amount: tx.Total, Approved: true, CreatedAt: testNow.Time}
	ev := &tender.Event{ID: uuid.NewString(), MerchantID: merchantID, Name: tender.EventCreateTransaction,
		ObjectType: "transaction", ObjectID: tx.ID, Payload: json.RawMessage(body), CreatedAt: testNow.Time}
	if err := s.TransactionCreateDecided(ctx, key, tx, entry, ev, nil); err != nil {
		t.Fatal(err)
	}
	return key
}
