package main_test

import (
	"context"
	"database/sql"
	"fmt"
	"sync"
	"testing"

	"github.com/tenderpay/tender/client"
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
	ca, cb := api(a.url, key), api(b.url, key)
	_, pm := customerWithCard(t, ca, "Conc", "C C", "4111111111111111")

	// Settled sales (refund races) and open pre-auths (capture/void races).
	var sales, auths []string
	for range 5 {
		s, err := ca.Charge(ctx, &client.ChargeInput{PaymentMethodID: pm.ID, Total: client.Dollars(10, 0)})
		if err != nil {
			t.Fatalf("sale: %v", err)
		}
		sales = append(sales, s.ID)
	}
	if _, err := ca.SettleSandboxBatch(ctx); err != nil {
		t.Fatalf("POST /sandbox/batch: %v", err)
	}
	for range 5 {
		s, err := cb.Charge(ctx, &client.ChargeInput{PaymentMethodID: pm.ID, Total: client.Dollars(10, 0), PreAuth: true})
		if err != nil {
			t.Fatalf("pre-auth: %v", err)
		}
		auths = append(auths, s.ID)
	}

	type action func(c *client.Client, id string, in *client.ActionInput) (*client.Transaction, error)
	var wg sync.WaitGroup
	var mu sync.Mutex
	statuses := map[int]int{}
	fire := func(i int, op action, id string, in *client.ActionInput) {
		defer wg.Done()
		c := ca
		if i%2 == 1 {
			c = cb
		}
		_, err := op(c, id, in)
		st := status(t, err)
		mu.Lock()
		statuses[st]++
		mu.Unlock()
	}
	refund := func(c *client.Client, id string, in *client.ActionInput) (*client.Transaction, error) {
		return c.Refund(ctx, id, in)
	}
	void := func(c *client.Client, id string, in *client.ActionInput) (*client.Transaction, error) {
		return c.Void(ctx, id, in)
	}
	voidOrRefund := func(c *client.Client, id string, in *client.ActionInput) (*client.Transaction, error) {
		return c.VoidOrRefund(ctx, id, in)
	}
	capture := func(c *client.Client, id string, in *client.ActionInput) (*client.Transaction, error) {
		return c.Capture(ctx, id, in)
	}
	for _, id := range sales {
		for i := range 16 {
			wg.Add(1)
			go fire(i, refund, id, &client.ActionInput{Total: []client.Amount{75, 150, 225, 300}[i%4]})
		}
		wg.Add(2)
		go fire(0, void, id, &client.ActionInput{})
		go fire(1, voidOrRefund, id, &client.ActionInput{Total: client.Dollars(1, 0)})
	}
	for _, id := range auths {
		for i := range 8 {
			wg.Add(2)
			go fire(i, capture, id, &client.ActionInput{Total: client.Dollars(int64(5+i%5), 0)})
			go fire(i+1, void, id, &client.ActionInput{})
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
