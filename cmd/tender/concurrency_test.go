package main_test

import (
	"context"
	"database/sql"
	"fmt"
	"sync"
	"testing"

	"github.com/tenderpay/tender/store/postgres/pgtest"
)

// TestConcurrentMoneyAcrossProcesses fires refunds, captures and voids at
// the same transactions from many clients through two tender processes on
// one PostgreSQL, then checks the invariants: refunds never exceed the
// capture, a pre-auth is captured at most once, nothing is captured after a
// void, nothing voided after a refund, and every parent's totals equal the
// sum of its successful children.
func TestConcurrentMoneyAcrossProcesses(t *testing.T) {
	dbURL := pgtest.URL(t)
	a, b, key := twoInstances(t, dbURL)
	_, c := call(t, "POST", a.url+"/customer", key, map[string]any{"firstname": "Conc"})
	_, pm := call(t, "POST", a.url+"/payment-method", key, map[string]any{"customer_id": c["id"],
		"person_name": "C C", "card_number": "4111111111111111", "card_cvv": "123", "card_exp": "1230"})

	// Settled sales (refund races) and open pre-auths (capture/void races).
	var sales, auths []string
	for range 5 {
		_, s := call(t, "POST", a.url+"/charge", key, map[string]any{"payment_method_id": pm["id"], "total": 10})
		sales = append(sales, s["id"].(string))
	}
	call(t, "POST", a.url+"/sandbox/batch", key, nil)
	for range 5 {
		_, s := call(t, "POST", b.url+"/charge", key, map[string]any{"payment_method_id": pm["id"], "total": 10, "pre_auth": true})
		auths = append(auths, s["id"].(string))
	}

	var wg sync.WaitGroup
	var mu sync.Mutex
	statuses := map[int]int{}
	fire := func(i int, path string, body map[string]any) {
		defer wg.Done()
		url := a.url
		if i%2 == 1 {
			url = b.url
		}
		st, _ := call(t, "POST", url+path, key, body)
		mu.Lock()
		statuses[st]++
		mu.Unlock()
	}
	for _, id := range sales {
		for i := range 16 {
			wg.Add(1)
			body := map[string]any{"total": []float64{0.75, 1.5, 2.25, 3}[i%4]}
			go fire(i, "/transaction/"+id+"/refund", body)
		}
		wg.Add(2)
		go fire(0, "/transaction/"+id+"/void", map[string]any{})
		go fire(1, "/transaction/"+id+"/void-or-refund", map[string]any{"total": 1})
	}
	for _, id := range auths {
		for i := range 8 {
			wg.Add(2)
			go fire(i, "/transaction/"+id+"/capture", map[string]any{"total": float64(5 + i%5)})
			go fire(i+1, "/transaction/"+id+"/void", map[string]any{})
		}
	}
	wg.Wait()
	for st := range statuses {
		if st != 200 && st != 422 && st != 409 {
			t.Errorf("unexpected status %d (%d times)", st, statuses[st])
		}
	}

	db, err := sql.Open("pgx", dbURL)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	ctx := context.Background()
	check := func(name, query string) {
		var n int
		if err := db.QueryRowContext(ctx, query).Scan(&n); err != nil {
			t.Fatal(err)
		}
		if n != 0 {
			t.Errorf("%s: %d transactions", name, n)
		}
	}
	succ := func(typ string) string {
		return fmt.Sprintf(`(SELECT coalesce(sum(c.total), 0) FROM transactions c WHERE c.parent_id = p.id AND c.type = '%s' AND c.success)`, typ)
	}
	cnt := func(typ string) string {
		return fmt.Sprintf(`(SELECT count(*) FROM transactions c WHERE c.parent_id = p.id AND c.type = '%s' AND c.success)`, typ)
	}
	check("refunded more than captured", `SELECT count(*) FROM transactions p WHERE p.parent_id IS NULL AND `+succ("refund")+` > p.captured`)
	check("total_refunded differs from its refunds", `SELECT count(*) FROM transactions p WHERE p.parent_id IS NULL AND `+succ("refund")+` <> p.total_refunded`)
	check("captured twice", `SELECT count(*) FROM transactions p WHERE p.type = 'pre_auth' AND `+cnt("capture")+` > 1`)
	check("captured after a void", `SELECT count(*) FROM transactions p WHERE EXISTS (
		SELECT 1 FROM transactions v JOIN transactions c ON c.parent_id = v.parent_id
		WHERE v.parent_id = p.id AND v.type = 'void' AND v.success AND c.type = 'capture' AND c.success AND c.created_at > v.created_at)`)
	check("voided after a refund", `SELECT count(*) FROM transactions p WHERE `+cnt("void")+` > 0 AND `+cnt("refund")+` > 0`)
	check("is_voided disagrees with its voids", `SELECT count(*) FROM transactions p WHERE p.parent_id IS NULL AND p.is_voided <> (`+cnt("void")+` > 0)`)
	check("reservations left", `SELECT count(*) FROM transactions WHERE pending_refunds <> 0 OR pending_op <> '' OR status = 'PENDING'`)
	var refunded float64
	if err := db.QueryRowContext(ctx, `SELECT coalesce(sum(total_refunded), 0) / 100.0 FROM transactions WHERE parent_id IS NULL`).Scan(&refunded); err != nil {
		t.Fatal(err)
	}
	t.Logf("statuses %v; %.2f refunded of 50.00 captured on the sales", statuses, refunded)
	_ = a.stop(t)
	_ = b.stop(t)
}
