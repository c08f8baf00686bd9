package postgres_test

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
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
	m := newMerchant(t, st)
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

// TestNumberingReadsQueueNotTransactions: a transaction queued since
// migration 038 is placed in its lists from its queue row, which brings its
// customer and payment method; one queued before (the release before's
// rows, neither set) from its row of transactions, as before. Both get the
// same positions they would have had, in created order, and the numberer
// reads transactions only for the rows without them (EXPLAIN ANALYZE's
// plans), after taking the batch out of the queue by ctid, not by its
// primary key.
func TestNumberingReadsQueueNotTransactions(t *testing.T) {
	ctx := context.Background()
	st, conn := migratedConn(t)
	now := tender.Time{Time: time.Now().UTC().Truncate(time.Microsecond)}
	m := newMerchant(t, st)
	// Six transactions over two customers and three payment methods
	// (one with none); the odd ones queued as the release before did.
	var ids []string
	for i := range 6 {
		tx := &tender.Transaction{ID: uuid.NewString(), MerchantID: m.ID, CustomerID: fmt.Sprint("c-", i%2),
			PaymentMethodID: []string{"pm-a", "pm-b", ""}[i%3], Type: tender.TxCharge, Method: "card",
			Status: tender.StatusSuccess, Success: true, Total: 1000, Captured: 1000, IsCaptured: true,
			Meta: json.RawMessage(`{}`), CreatedAt: tender.Time{Time: now.Add(time.Duration(i) * time.Millisecond)}, UpdatedAt: now}
		if err := st.TransactionCreate(ctx, tx); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, tx.ID)
	}
	if _, err := conn.ExecContext(ctx, `UPDATE transaction_position_queue SET customer_id = NULL, payment_method_id = NULL
		WHERE transaction_id = ANY ($1::uuid[])`, "{"+ids[1]+","+ids[3]+","+ids[5]+"}"); err != nil {
		t.Fatal(err)
	}
	// The plans, in a transaction rolled back: EXPLAIN ANALYZE runs them.
	if _, err := conn.ExecContext(ctx, "BEGIN"); err != nil {
		t.Fatal(err)
	}
	var batch string
	if err := conn.QueryRowContext(ctx, `SELECT json_agg(json_build_object('id', transaction_id, 'merchant_id', merchant_id,
		'customer_id', customer_id, 'payment_method_id', payment_method_id, 'created_at', created_at))
		FROM transaction_position_queue`).Scan(&batch); err != nil {
		t.Fatal(err)
	}
	dequeue, _ := prepare(t, st, conn, "TransactionPositionsDequeue")
	if scans := relationScans(analyzedPlan(t, conn, dequeue, "now() + interval '1 hour', 100"), "transaction_position_queue"); slices.Contains(scans, "transaction_position_queue_pkey") {
		t.Errorf("the dequeue reads the queue by %v, not by ctid", scans)
	}
	positions, _ := prepare(t, st, conn, "TransactionFilterPositionsSet")
	set := analyzedPlan(t, conn, positions, "'"+batch+"'")
	if scans := relationScans(set, "transactions"); len(scans) != 1 || scans[0] != "transactions_pkey" {
		t.Errorf("the numberer reads transactions by %v, want transactions_pkey", scans)
	}
	if n := relationRows(set, "transactions"); n != 3 {
		t.Errorf("the numberer read %d rows of transactions, want 3 (the rows queued without their keys)", n)
	}
	if _, err := conn.ExecContext(ctx, "ROLLBACK"); err != nil {
		t.Fatal(err)
	}
	if n, err := st.TransactionPositionsAssign(ctx, now.Add(time.Hour), 100); err != nil || n != 6 {
		t.Fatalf("numbered %d, %v; want 6", n, err)
	}
	rows, err := conn.QueryContext(ctx, `SELECT dim, val, string_agg(transaction_id::text, ',' ORDER BY pos), min(pos), max(pos)
		FROM transaction_filter_positions WHERE merchant_id = $1 GROUP BY dim, val ORDER BY dim, val`, m.ID)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var got []string
	for rows.Next() {
		var dim, val, list string
		var lo, hi int
		if err := rows.Scan(&dim, &val, &list, &lo, &hi); err != nil {
			t.Fatal(err)
		}
		got = append(got, fmt.Sprintf("%s=%s %d..%d %s", dim, val, lo, hi, list))
	}
	at := func(is ...int) string {
		var s []string
		for _, i := range is {
			s = append(s, ids[i])
		}
		return strings.Join(s, ",")
	}
	want := []string{
		"= 1..6 " + at(0, 1, 2, 3, 4, 5),
		"customer=c-0 1..3 " + at(0, 2, 4),
		"customer=c-1 1..3 " + at(1, 3, 5),
		"payment_method=pm-a 1..2 " + at(0, 3),
		"payment_method=pm-b 1..2 " + at(1, 4),
	}
	if !slices.Equal(got, want) {
		t.Errorf("lists:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}
