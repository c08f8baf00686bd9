package main_test

import (
	"context"
	"database/sql"
	"sync"
	"testing"

	"github.com/tenderpay/tender/client"
	"github.com/tenderpay/tender/store/postgres/pgtest"
)

// TestIdempotentChargeAcrossProcesses: 50 identical charges with one
// idempotency_id, sent concurrently to two tender processes on one
// PostgreSQL, make one processor authorization and one transaction, and
// every request gets that transaction.
func TestIdempotentChargeAcrossProcesses(t *testing.T) {
	dbURL := pgtest.URL(t)
	a, b, key := twoInstances(t, dbURL)
	_, pm := customerWithCard(t, api(a.url, key), "Race", "Race Condition", "4111111111111111")
	in := &client.ChargeInput{PaymentMethodID: pm.ID, Total: client.Dollars(5, 20), IdempotencyID: "order-50"} // 5.20: a slow processor
	var wg sync.WaitGroup
	ids := make([]string, 50)
	statuses := make([]int, 50)
	for i := range 50 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			url := a.url
			if i%2 == 1 {
				url = b.url
			}
			tx, err := api(url, key).Charge(ctx, in)
			if statuses[i] = status(t, err); tx != nil {
				ids[i] = tx.ID
			}
		}()
	}
	wg.Wait()
	for i := range 50 {
		if statuses[i] != 200 || ids[i] != ids[0] || ids[0] == "" {
			t.Fatalf("request %d: status %d id %q (first %q)", i, statuses[i], ids[i], ids[0])
		}
	}
	db, err := sql.Open("pgx", dbURL)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var txs, auths int
	ctx := context.Background()
	if err := db.QueryRowContext(ctx, `SELECT count(*) FROM transactions WHERE idempotency_id = 'order-50'`).Scan(&txs); err != nil {
		t.Fatal(err)
	}
	if err := db.QueryRowContext(ctx, `SELECT count(*) FROM sandbox_ledger WHERE op IN ('sale', 'auth')`).Scan(&auths); err != nil {
		t.Fatal(err)
	}
	if txs != 1 || auths != 1 {
		t.Fatalf("%d transactions and %d processor authorizations for one idempotency_id; want 1 and 1", txs, auths)
	}
	_ = a.stop(t)
	_ = b.stop(t)
}
