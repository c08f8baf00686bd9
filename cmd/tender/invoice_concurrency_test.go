package main_test

import (
	"context"
	"database/sql"
	"sync"
	"testing"

	"github.com/tenderpay/tender/store/postgres/pgtest"
)

// TestConcurrentInvoicePaymentsAcrossProcesses races card payments, manual
// payments and refunds on the same invoices through two tender processes on
// one PostgreSQL. Afterwards no invoice is paid beyond its total, every
// invoice's total_paid and balance_due equal what its transactions hold,
// no reservation is left, and the status follows the balance.
func TestConcurrentInvoicePaymentsAcrossProcesses(t *testing.T) {
	dbURL := pgtest.URL(t)
	a, b, key := twoInstances(t, dbURL)
	_, c := call(t, "POST", a.url+"/customer", key, map[string]any{"firstname": "Inv", "email": "inv@example.com"})
	_, pm := call(t, "POST", a.url+"/payment-method", key, map[string]any{"customer_id": c["id"],
		"person_name": "I C", "card_number": "4111111111111111", "card_cvv": "123", "card_exp": "1230"})
	var invoices []string
	for range 4 {
		_, inv := call(t, "POST", a.url+"/invoice", key, map[string]any{"customer_id": c["id"], "total": 10, "is_partial_payment_enabled": true})
		invoices = append(invoices, inv["id"].(string))
	}

	var wg sync.WaitGroup
	var mu sync.Mutex
	statuses := map[int]int{}
	var paymentIDs []string
	fire := func(i int, path string, body map[string]any) {
		defer wg.Done()
		url := a.url
		if i%2 == 1 {
			url = b.url
		}
		st, res := call(t, "POST", url+path, key, body)
		mu.Lock()
		statuses[st]++
		if st == 200 && res["source"] == "invoice" {
			paymentIDs = append(paymentIDs, res["id"].(string))
		}
		mu.Unlock()
	}
	for _, id := range invoices {
		for i := range 12 {
			wg.Add(1)
			if i%4 == 3 {
				go fire(i, "/invoice/"+id+"/pay/cash", map[string]any{"total": 2})
			} else {
				go fire(i, "/invoice/"+id+"/pay", map[string]any{"payment_method_id": pm["id"], "total": []float64{1.5, 2.5, 3}[i%3]})
			}
		}
	}
	wg.Wait()
	call(t, "POST", a.url+"/sandbox/batch", key, nil)
	for i, id := range paymentIDs {
		for j := range 3 {
			wg.Add(1)
			go fire(i+j, "/transaction/"+id+"/refund", map[string]any{"total": 0.5})
		}
	}
	wg.Wait()
	for st, n := range statuses {
		if st != 200 && st != 422 && st != 409 {
			t.Errorf("unexpected status %d (%d times)", st, n)
		}
	}

	db, err := sql.Open("pgx", dbURL)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	ctx := context.Background()
	held := `(SELECT coalesce(sum(p.captured - p.total_refunded), 0) FROM transactions p
		WHERE p.invoice_id = i.id::text AND p.parent_id IS NULL AND p.success AND NOT p.is_voided)`
	for name, q := range map[string]string{
		"paid beyond the total":       `SELECT count(*) FROM invoices i WHERE ` + held + ` > i.total`,
		"total_paid differs":          `SELECT count(*) FROM invoices i WHERE i.total_paid <> ` + held,
		"balance_due differs":         `SELECT count(*) FROM invoices i WHERE i.balance_due <> i.total - i.total_paid`,
		"reservations left":           `SELECT count(*) FROM invoices i WHERE i.pending_payments <> 0`,
		"status disagrees":            `SELECT count(*) FROM invoices i WHERE (i.status = 'PAID') <> (i.total_paid = i.total)`,
		"pending transactions":        `SELECT count(*) FROM transactions WHERE status = 'PENDING' OR pending_refunds <> 0`,
		"refunds beyond the captured": `SELECT count(*) FROM transactions WHERE total_refunded > captured AND parent_id IS NULL`,
	} {
		var n int
		if err := db.QueryRowContext(ctx, q).Scan(&n); err != nil {
			t.Fatal(err)
		}
		if n != 0 {
			t.Errorf("%s: %d", name, n)
		}
	}
	var paid, refunded float64
	_ = db.QueryRowContext(ctx, `SELECT sum(total_paid) / 100.0 FROM invoices`).Scan(&paid)
	_ = db.QueryRowContext(ctx, `SELECT sum(total_refunded) / 100.0 FROM transactions WHERE invoice_id <> ''`).Scan(&refunded)
	t.Logf("statuses %v; invoices hold %.2f of 40.00 after %.2f refunded", statuses, paid, refunded)
	_ = a.stop(t)
	_ = b.stop(t)
}
