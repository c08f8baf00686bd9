package main_test

import (
	"context"
	"database/sql"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/tenderpay/tender/store/postgres/pgtest"
)

func call(t *testing.T, method, url, key string, body any) (int, map[string]any) {
	t.Helper()
	b, _ := json.Marshal(body)
	req, _ := http.NewRequest(method, url, strings.NewReader(string(b)))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+key)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Error(err)
		return 0, nil
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	var m map[string]any
	_ = json.Unmarshal(raw, &m)
	return resp.StatusCode, m
}

// TestIdempotentChargeAcrossProcesses: 50 identical charges with one
// idempotency_id, sent concurrently to two tender processes on one
// PostgreSQL, make one processor authorization and one transaction, and
// every request gets that transaction.
func TestIdempotentChargeAcrossProcesses(t *testing.T) {
	dbURL := pgtest.URL(t)
	a, b, key := twoInstances(t, dbURL)
	_, cust := call(t, "POST", a.url+"/customer", key, map[string]any{"firstname": "Race"})
	st, pm := call(t, "POST", b.url+"/payment-method", key, map[string]any{
		"customer_id": cust["id"], "person_name": "Race Condition", "card_number": "4111111111111111",
		"card_cvv": "123", "card_exp": "1230"})
	if st != 200 {
		t.Fatalf("payment method: %d %v", st, pm)
	}
	body := map[string]any{"payment_method_id": pm["id"], "total": 5.20, "idempotency_id": "order-50"} // 5.20: a slow processor
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
			var tx map[string]any
			statuses[i], tx = call(t, "POST", url+"/charge", key, body)
			if id, ok := tx["id"].(string); ok {
				ids[i] = id
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
