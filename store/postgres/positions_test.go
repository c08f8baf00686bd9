package postgres_test

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/tenderpay/tender"
	"github.com/tenderpay/tender/store"
)

// TestNumberingWritesOneListTable: a numbered transaction's whole-list
// position is its row of transaction_filter_positions with the empty dim,
// the row the whole list's pages read, and transaction_positions, which
// held the same, is gone (step 3 of dropping it, migration 036,
// docs/postgres-operations.md).
func TestNumberingWritesOneListTable(t *testing.T) {
	ctx := context.Background()
	st, conn := migratedConn(t)
	now := tender.Time{Time: time.Now().UTC().Truncate(time.Microsecond)}
	m := &tender.Merchant{ID: uuid.NewString(), CompanyName: "M", Status: "ACTIVE", Sandbox: true,
		WebPaymentsToken: "tok-" + uuid.NewString(), AllowedOrigins: []string{}, CreatedAt: now, UpdatedAt: now}
	if err := st.MerchantCreate(ctx, m); err != nil {
		t.Fatal(err)
	}
	for i := range 3 {
		tx := &tender.Transaction{ID: uuid.NewString(), MerchantID: m.ID, CustomerID: "c-1", PaymentMethodID: "pm-1",
			Type: tender.TxCharge, Method: "card", Status: tender.StatusSuccess, Success: true, Total: 1000,
			Captured: 1000, IsCaptured: true, Meta: json.RawMessage(`{}`),
			CreatedAt: tender.Time{Time: now.Add(time.Duration(i) * time.Millisecond)}, UpdatedAt: now}
		tx.GatewayRef = "sbx_" + tx.ID[:8]
		body := `{"id":"` + tx.ID + `"}`
		key := &tender.IdempotencyRecord{MerchantID: m.ID, Scope: "charge", Key: "k-" + tx.ID, RequestHash: "h",
			State: tender.IdemDone, Response: body, TransactionID: tx.ID, CreatedAt: now.Time, UpdatedAt: now.Time}
		entry := &store.SandboxEntry{Key: tx.ID, Op: store.SandboxSale, Ref: tx.GatewayRef, Amount: tx.Total, Approved: true, CreatedAt: now.Time}
		ev := &tender.Event{ID: uuid.NewString(), MerchantID: m.ID, Name: tender.EventCreateTransaction,
			ObjectType: "transaction", ObjectID: tx.ID, Payload: json.RawMessage(body), CreatedAt: now.Time}
		if err := st.TransactionCreateDecided(ctx, key, tx, entry, ev, nil); err != nil {
			t.Fatal(err)
		}
	}
	if n, err := st.TransactionPositionsAssign(ctx, now.Add(time.Hour), 100); err != nil || n != 3 {
		t.Fatalf("numbered %d, %v; want 3", n, err)
	}
	var whole int
	var old *string
	if err := conn.QueryRowContext(ctx, `SELECT count(*) FROM transaction_filter_positions WHERE merchant_id = $1 AND dim = '' AND val = ''`, m.ID).Scan(&whole); err != nil || whole != 3 {
		t.Errorf("%d whole-list positions, %v; want 3", whole, err)
	}
	if err := conn.QueryRowContext(ctx, `SELECT to_regclass('transaction_positions')::text`).Scan(&old); err != nil || old != nil {
		t.Errorf("transaction_positions is still there (%v, %v)", old, err)
	}
	page, err := st.TransactionList(ctx, m.ID, tender.TransactionFilter{}, tender.ListParams{Page: 1, PerPage: 2})
	if err != nil || page.Total != 3 || len(page.Items) != 2 {
		t.Fatalf("page %+v, %v; want 2 of 3", page, err)
	}
}
