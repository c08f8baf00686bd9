package sqlite_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/tenderpay/tender/store/internal/sqldb"
)

// TestChargeWritesNoUnreadEntries: a decided charge writes no entry in the
// indexes that only other transactions' lookups read (migration 037): the
// parent index holds children, the idempotency keys' transaction index
// keys in flight, and the numberer's queue has one index besides its
// order. Each lookup still searches its index, not the table. Numbered,
// a transaction's whole-list position is its dim ” filter position.
func TestChargeWritesNoUnreadEntries(t *testing.T) {
	ctx := context.Background()
	s, raw, merchantID := migrated(t)
	for range 3 {
		decidedCharge(t, s, merchantID, func(id string) string { return "k-" + id }, func(body string) string { return body })
	}
	var queued int
	if err := raw.QueryRowContext(ctx, `SELECT count(*) FROM transaction_position_queue`).Scan(&queued); err != nil || queued != 3 {
		t.Fatalf("queued %d, %v; want the 3 charges", queued, err)
	}
	for _, c := range []struct {
		index string
		want  int
	}{
		{"transactions_parent", 0},
		{"idempotency_keys_transaction", 0},
		{"transaction_position_queue_merchant", 3},
	} {
		var cells int
		if err := raw.QueryRowContext(ctx, `SELECT coalesce(sum(ncell), 0) FROM dbstat WHERE name = $1 AND pagetype = 'leaf'`, c.index).Scan(&cells); err != nil {
			t.Fatal(err)
		}
		if cells != c.want {
			t.Errorf("%s holds %d entries after 3 charges, want %d", c.index, cells, c.want)
		}
	}
	var indexes int
	if err := raw.QueryRowContext(ctx, `SELECT count(*) FROM sqlite_master WHERE type = 'index' AND tbl_name = 'transaction_position_queue'`).Scan(&indexes); err != nil || indexes != 1 {
		t.Errorf("the queue has %d indexes, %v; want 1 (its merchant order)", indexes, err)
	}

	// Numbered, each is a position in its merchant's whole list and in
	// its customer's and card's (dim '', customer, payment_method): three
	// rows, the whole list's in no table of its own (migration 038).
	if n, err := s.TransactionPositionsAssign(ctx, testNow.Add(time.Hour), 100); err != nil || n != 3 {
		t.Fatalf("numbered %d, %v; want 3", n, err)
	}
	var positions, tables int
	if err := raw.QueryRowContext(ctx, `SELECT count(*) FROM transaction_filter_positions`).Scan(&positions); err != nil || positions != 9 {
		t.Errorf("%d filter positions, %v; want 9", positions, err)
	}
	if err := raw.QueryRowContext(ctx, `SELECT count(*) FROM sqlite_master WHERE name = 'transaction_positions'`).Scan(&tables); err != nil || tables != 0 {
		t.Errorf("transaction_positions is still there (%v)", err)
	}

	for name, search := range map[string]string{
		"TransactionChildren":              "SEARCH transactions USING INDEX transactions_parent",
		"IdempotencyCompleteByTransaction": "SEARCH idempotency_keys USING INDEX idempotency_keys_transaction",
		"TransactionPositionsDequeue":      "SEARCH transaction_position_queue USING PRIMARY KEY",
		"TransactionPage":                  "SEARCH transaction_filter_positions USING PRIMARY KEY (merchant_id=? AND dim=? AND val=? AND pos<?)",
	} {
		rows, err := raw.QueryContext(ctx, "EXPLAIN QUERY PLAN "+s.QueryText(name), make([]any, sqldb.MaxParam(s.QueryText(name)))...)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		var plan []string
		for rows.Next() {
			var id, parent, unused int
			var detail string
			if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
				t.Fatal(err)
			}
			plan = append(plan, detail)
		}
		rows.Close()
		text := strings.Join(plan, "\n")
		if !strings.Contains(text, search) || strings.Contains(text, "SCAN transactions\n") || strings.HasSuffix(text, "SCAN transactions") {
			t.Errorf("%s's plan:\n%s\nwant %q", name, text, search)
		}
	}
}
