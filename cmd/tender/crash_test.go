package main_test

import (
	"context"
	"database/sql"
	"fmt"
	"math/rand/v2"
	"os"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/tenderpay/tender/store/postgres/pgtest"
)

// crashDuration is how long the kill -9 loop runs; TENDER_CRASH_SECONDS
// makes it longer (the README's long run).
func crashDuration() time.Duration {
	if v := os.Getenv("TENDER_CRASH_SECONDS"); v != "" {
		var n int
		fmt.Sscan(v, &n)
		return time.Duration(n) * time.Second
	}
	return 12 * time.Second
}

// TestCrashRecovery kills the server with SIGKILL at random moments while
// clients charge and void with idempotency ids, restarts it, and retries
// every unacknowledged request with its id until it is answered. Then:
// every acknowledged charge exists exactly once, the processor authorized
// each idempotency id at most once, every approval at the processor is
// recorded as a successful transaction (no money moved without a record),
// nothing stays PENDING, and captured − refunded ≥ 0 everywhere.
func TestCrashRecovery(t *testing.T) {
	if testing.Short() {
		t.Skip("crash test: not in -short")
	}
	dbURL := pgtest.URL(t)
	dir := t.TempDir()
	env := []string{"TENDER_ADDR=127.0.0.1:0", "DATABASE_URL=" + dbURL, "TENDER_RATE_LIMIT=-1",
		"TENDER_GATEWAY_TIMEOUT=1s", "TENDER_JANITOR_INTERVAL=500ms"}
	p := startProc(t, dir, env, "serve")
	var current atomic.Pointer[proc]
	current.Store(p)
	keys := struct{ APIKey string }{sandboxKey(t, dir)}
	var pms, custs []string
	for _, card := range []string{"4111111111111111", "4242424242424242", "5555555555554444", "4000000000000002"} {
		c, pm := customerWithCard(t, api(p.url, keys.APIKey), "Crash", "C R", card)
		pms = append(pms, pm.ID)
		custs = append(custs, c.ID)
	}

	c := newRetryingClient(keys.APIKey, 100*time.Millisecond, func(int, int) string { return current.Load().url })
	type ack struct {
		idem, txID string
		status     int
		voided     bool
	}
	var mu sync.Mutex
	var acks []ack
	stop := make(chan struct{})
	wait := untilStopped(6, stop, func(w, i int) {
		idem := fmt.Sprintf("crash-%d-%d", w, i)
		total := float64(rand.IntN(5000)+100) / 100
		if total == 5.13 || total == 5.14 || total == 5.20 || total == 5.01 || total == 5.02 || total == 5.05 {
			total = 4
		}
		st, tx := c.pay(w, w%3 == 2, custs[rand.IntN(len(custs))], pms[rand.IntN(len(pms))], total, idem)
		a := ack{idem: idem, status: st}
		if id, ok := tx["id"].(string); ok {
			a.txID = id
		}
		if st == 200 && rand.IntN(3) == 0 {
			a.voided = c.void(w, a.txID, idem) == 200
		}
		mu.Lock()
		acks = append(acks, a)
		mu.Unlock()
	})

	kills := 0
	deadline := time.Now().Add(crashDuration())
	for time.Now().Before(deadline) {
		time.Sleep(time.Duration(300+rand.IntN(900)) * time.Millisecond) // the load runs a random while between kills: pacing, not a wait
		old := current.Load()
		_ = old.cmd.Process.Kill() // SIGKILL: no graceful shutdown
		<-old.done
		kills++
		current.Store(startProc(t, dir, env, "serve"))
	}
	close(stop)
	wait()

	db, err := sql.Open("pgx", dbURL)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	ctx := context.Background()
	waitNoPending(t, db, "no transaction left PENDING", 20*time.Second)

	approved, declined, voids := 0, 0, 0
	for _, a := range acks {
		checkAcknowledgedOnce(t, db, a.idem, a.txID, a.status)
		switch a.status {
		case 200:
			approved++
		case 400:
			declined++
		}
		if a.voided {
			voids++
		}
	}
	checkMoneyInvariants(t, db)
	q := func(query string, dst *int) {
		if err := db.QueryRowContext(ctx, query).Scan(dst); err != nil {
			t.Fatal(err)
		}
	}
	var invoicesPaid int
	q(`SELECT count(*) FROM invoices WHERE status = 'PAID'`, &invoicesPaid)
	var fenced int
	q(`SELECT count(*) FROM transactions WHERE decline_code = 'not_processed'`, &fenced)
	if kills < 5 || approved == 0 {
		t.Errorf("too little happened: %d kills, %d approved", kills, approved)
	}
	t.Logf("%d kills; %d HTTP requests (%d retries); %d charges and invoice payments acknowledged (%d approved, %d declined), %d voided, %d invoices paid; %d requests cut off before the processor were fenced and failed by the janitor",
		kills, c.requests.Load(), c.retries.Load(), len(acks), approved, declined, voids, invoicesPaid, fenced)
	_ = current.Load().stop(t)
}

// checkMoneyInvariants checks, on the database of a run that crashed or
// failed over, that the processor authorized each transaction at most
// once (its ledger is keyed by the transaction id) and every approval it
// made is recorded as a successful transaction; voids agree with the
// processor; no balance is negative; and every invoice holds what its
// payments add up to, with nothing left reserved.
func checkMoneyInvariants(t *testing.T, db *sql.DB) {
	t.Helper()
	ctx := context.Background()
	q := func(query string, dst *int) {
		if err := db.QueryRowContext(ctx, query).Scan(dst); err != nil {
			t.Fatal(err)
		}
	}
	var unrecorded, doubled, badVoids, negative, badInvoices int
	q(`SELECT count(*) FROM sandbox_ledger l LEFT JOIN transactions t ON t.id::text = l.op_key
	   WHERE l.op IN ('sale', 'auth') AND l.approved AND (t.id IS NULL OR t.status <> 'SUCCESS')`, &unrecorded)
	q(`SELECT count(*) FROM (SELECT t.idempotency_id FROM sandbox_ledger l JOIN transactions t ON t.id::text = l.op_key
	   WHERE l.op IN ('sale', 'auth') AND t.idempotency_id <> '' GROUP BY t.idempotency_id HAVING count(*) > 1) x`, &doubled)
	q(`SELECT count(*) FROM transactions p WHERE p.parent_id IS NULL AND p.is_voided <> EXISTS (
	   SELECT 1 FROM transactions c JOIN sandbox_ledger l ON l.op_key = c.id::text
	   WHERE c.parent_id = p.id AND c.type = 'void' AND l.approved)`, &badVoids)
	q(`SELECT count(*) FROM transactions WHERE captured - total_refunded - pending_refunds < 0`, &negative)
	if unrecorded != 0 || doubled != 0 || badVoids != 0 || negative != 0 {
		t.Errorf("processor approvals without a successful transaction: %d; idempotency ids authorized twice: %d; voids disagreeing with the processor: %d; negative balances: %d",
			unrecorded, doubled, badVoids, negative)
	}
	q(`SELECT count(*) FROM invoices i WHERE i.pending_payments <> 0 OR i.balance_due <> i.total - i.total_paid
	   OR (i.status = 'PAID') <> (i.total_paid = i.total) OR i.total_paid <> (
	   SELECT coalesce(sum(p.captured - p.total_refunded), 0) FROM transactions p
	   WHERE p.invoice_id = i.id::text AND p.parent_id IS NULL AND p.success AND NOT p.is_voided)`, &badInvoices)
	if badInvoices != 0 {
		t.Errorf("%d invoices disagree with their transactions", badInvoices)
	}
}

// checkAcknowledgedOnce checks that the payment acknowledged to a client
// (status, transaction txID) for idempotency id idem is recorded exactly
// once, as that transaction.
func checkAcknowledgedOnce(t *testing.T, db *sql.DB, idem, txID string, status int) {
	t.Helper()
	var n int
	var id sql.NullString
	err := db.QueryRowContext(context.Background(), `SELECT count(*), min(id::text) FROM transactions WHERE idempotency_id = $1 AND parent_id IS NULL`, idem).Scan(&n, &id)
	if err != nil || n != 1 || id.String != txID {
		t.Errorf("acknowledged %s (%d, tx %s): %d transactions (%s), err %v", idem, status, txID, n, id.String, err)
	}
}
