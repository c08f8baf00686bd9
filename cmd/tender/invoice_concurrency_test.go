package main_test

import (
	"context"
	"database/sql"
	"sync"
	"testing"

	"github.com/tenderpay/tender/client"
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
	ca, cb := api(a.url, key), api(b.url, key)
	cust, err := ca.CreateCustomer(ctx, &client.CustomerInput{Firstname: "Inv", Email: "inv@example.com"})
	if err != nil {
		t.Fatalf("POST /customer: %v", err)
	}
	pm, err := ca.CreatePaymentMethod(ctx, &client.PaymentMethodInput{Method: "card", CustomerID: cust.ID,
		PersonName: "I C", CardNumber: "4111111111111111", CardCVV: "123", CardExp: "1230"})
	if err != nil {
		t.Fatalf("POST /payment-method: %v", err)
	}
	partial := true
	var invoices []string
	for range 4 {
		inv, err := ca.CreateInvoice(ctx, &client.InvoiceInput{CustomerID: cust.ID, Total: client.Dollars(10, 0), IsPartialPaymentEnabled: &partial})
		if err != nil {
			t.Fatalf("POST /invoice: %v", err)
		}
		invoices = append(invoices, inv.ID)
	}

	var wg sync.WaitGroup
	var mu sync.Mutex
	statuses := map[int]int{}
	var paymentIDs []string
	fire := func(i int, op func(c *client.Client) (*client.Transaction, error)) {
		defer wg.Done()
		c := ca
		if i%2 == 1 {
			c = cb
		}
		res, err := op(c)
		st := status(t, err)
		mu.Lock()
		statuses[st]++
		if st == 200 && res.Source == "invoice" {
			paymentIDs = append(paymentIDs, res.ID)
		}
		mu.Unlock()
	}
	for _, id := range invoices {
		for i := range 12 {
			wg.Add(1)
			if i%4 == 3 {
				go fire(i, func(c *client.Client) (*client.Transaction, error) {
					return c.PayInvoiceManual(ctx, id, "cash", &client.ManualPaymentInput{Total: client.Dollars(2, 0)})
				})
			} else {
				total := []client.Amount{150, 250, 300}[i%3]
				go fire(i, func(c *client.Client) (*client.Transaction, error) {
					return c.PayInvoice(ctx, id, &client.PayInvoiceInput{PaymentMethodID: pm.ID, Total: total})
				})
			}
		}
	}
	wg.Wait()
	if _, err := ca.SettleSandboxBatch(ctx); err != nil {
		t.Fatalf("POST /sandbox/batch: %v", err)
	}
	for i, id := range paymentIDs {
		for j := range 3 {
			wg.Add(1)
			go fire(i+j, func(c *client.Client) (*client.Transaction, error) {
				return c.Refund(ctx, id, &client.ActionInput{Total: client.Dollars(0, 50)})
			})
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
