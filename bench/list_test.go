package bench

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/tenderpay/tender/internal/apitest"
)

// BenchmarkTransactionList reads the default transaction list (GET
// /transaction, newest first, 25 a page) on a merchant with 1,000
// transactions and with 1,000,000 (TENDER_BENCH_LIST_ROWS overrides the
// large size), the first, middle and last pages: lists cost O(page), not
// O(table), so a store's figures should be alike. The rows are written and
// given their list positions by SQL (what the server's numberer,
// Service.AssignListPositions, does in batches of 100).
func BenchmarkTransactionList(b *testing.B) {
	benchList(b, "/transaction", seedTransactions)
}

// benchList reads the default list at path, the first, middle and last
// pages, on a merchant whose list seed fills with 1,000 rows and with a
// million (TENDER_BENCH_LIST_ROWS), on each store; seed returns the list's
// total.
func benchList(b *testing.B, path string, seed func(b *testing.B, e *apitest.Env, store string, rows int) int) {
	large := 1_000_000
	if v, err := strconv.Atoi(os.Getenv("TENDER_BENCH_LIST_ROWS")); err == nil && v > 0 {
		large = v
	}
	for _, store := range apitest.Stores {
		b.Run(store, func(b *testing.B) {
			for _, rows := range []int{1_000, large} {
				b.Run(fmt.Sprintf("rows=%d", rows), func(b *testing.B) {
					e := apitest.Start(b, store, apitest.Options{NoLogScan: true, WebhookPollInterval: time.Second})
					total := seed(b, e, store, rows)
					last := (total + 24) / 25
					for _, pg := range []struct {
						name string
						page int
					}{{"first", 1}, {"middle", (last + 1) / 2}, {"last", last}} {
						page := pg.page
						b.Run("page="+pg.name, func(b *testing.B) {
							url := fmt.Sprintf("%s%s?page=%d&per_page=25", e.URL, path, page)
							run(b, func(int) {
								var p struct {
									Total int               `json:"total"`
									Data  []json.RawMessage `json:"data"`
								}
								if err := json.Unmarshal(do(b, "GET", url, e.Key, nil), &p); err != nil || p.Total != total || len(p.Data) == 0 {
									b.Errorf("page %d: total %d (want %d), %d items, %v", page, p.Total, total, len(p.Data), err)
								}
							})
						})
					}
				})
			}
		})
	}
}

// seedTransactions writes rows successful, settled charges for e's
// merchant, a second apart in the past, on one card of one customer, and
// numbers them, and returns rows.
func seedTransactions(b *testing.B, e *apitest.Env, store string, rows int) int {
	b.Helper()
	return seedTransactionsFrom(b, e, store, rows, time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
}

// seedTransactionsFrom is seedTransactions with the first charge a second
// after start.
func seedTransactionsFrom(b *testing.B, e *apitest.Env, store string, rows int, start time.Time) int {
	b.Helper()
	var c, pm struct{ ID string }
	_ = json.Unmarshal(do(b, "POST", e.URL+"/customer", e.Key, []byte(`{"firstname":"List"}`)), &c)
	_ = json.Unmarshal(do(b, "POST", e.URL+"/payment-method", e.Key, fmt.Appendf(nil,
		`{"customer_id":%q,"person_name":"L C","card_number":"4111111111111111","card_cvv":"123","card_exp":"1230"}`, c.ID)), &pm)
	db := e.Server.Store
	ctx := context.Background()
	began := time.Now()
	var query string
	switch store {
	case "sqlite":
		query = `WITH RECURSIVE g(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM g WHERE i < $4)
INSERT INTO transactions (id, merchant_id, customer_id, payment_method_id, type, method, success, status,
    total, captured, last_four, meta, batched_at, settled_at, created_at, updated_at)
SELECT lower(hex(randomblob(4)) || '-' || hex(randomblob(2)) || '-4' || substr(hex(randomblob(2)), 2) || '-a' ||
        substr(hex(randomblob(2)), 2) || '-' || hex(randomblob(6))),
    $1, $2, $3, 'charge', 'card', 1, 'SUCCESS', 1050, 1050, '1111', '{}', t, t, t, t
FROM (SELECT strftime('%Y-%m-%d %H:%M:%f', $5, '+' || i || ' seconds') || '000' AS t FROM g)`
	case "postgres":
		query = `INSERT INTO transactions (id, merchant_id, customer_id, payment_method_id, type, method, success, status,
    total, captured, last_four, meta, batched_at, settled_at, created_at, updated_at)
SELECT gen_random_uuid(), $1, $2, $3, 'charge', 'card', true, 'SUCCESS', 1050, 1050, '1111', '{}', t, t, t, t
FROM (SELECT $5::timestamptz + i * interval '1 second' AS t FROM generate_series(1, $4::int) AS i) AS g`
	}
	from := start.UTC().Format("2006-01-02 15:04:05")
	if store == "postgres" {
		from += "+00"
	}
	if _, err := db.SQLDB().ExecContext(ctx, query, e.MerchantID, c.ID, pm.ID, rows, from); err != nil {
		b.Fatal(err)
	}
	// Number them as the server's numberer does (oldest first, after the
	// merchant's highest position), in one statement: a million batches'
	// worth would take minutes. On PostgreSQL under the numberer's lock.
	tx, err := db.SQLDB().BeginTx(ctx, nil)
	if err != nil {
		b.Fatal(err)
	}
	defer tx.Rollback()
	if store == "postgres" {
		if _, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock(hashtext('tender_transaction_positions:' || current_schema()))`); err != nil {
			b.Fatal(err)
		}
	}
	// The whole list's positions are the filtered lists' dim ''.
	if _, err := tx.ExecContext(ctx, `INSERT INTO transaction_filter_positions (merchant_id, dim, val, pos, transaction_id, created_at)
SELECT merchant_id, '', '', (SELECT coalesce(max(pos), 0) FROM transaction_filter_positions WHERE merchant_id = $1 AND dim = '' AND val = '')
        + row_number() OVER (ORDER BY created_at, transaction_id), transaction_id, created_at
FROM transaction_position_queue WHERE merchant_id = $1`, e.MerchantID); err != nil {
		b.Fatal(err)
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM transaction_position_queue WHERE merchant_id = $1`, e.MerchantID); err != nil {
		b.Fatal(err)
	}
	if err := tx.Commit(); err != nil {
		b.Fatal(err)
	}
	if store == "postgres" {
		// What autovacuum does after such a bulk write (a million dead
		// queue rows, a million new rows without statistics); the server's
		// numberer, a thousand at a time, never leaves this much behind.
		if _, err := db.SQLDB().ExecContext(ctx, `VACUUM ANALYZE transaction_position_queue, transaction_filter_positions, transactions`); err != nil {
			b.Fatal(err)
		}
	}
	if _, err := e.Server.Service.AssignListPositions(ctx); err != nil { // the customer's and card's requests wrote none; a no-op
		b.Fatal(err)
	}
	var left int
	if err := db.SQLDB().QueryRowContext(ctx, `SELECT count(*) FROM transaction_position_queue`).Scan(&left); err != nil || left != 0 {
		b.Fatalf("%d transactions left unnumbered (%v)", left, err)
	}
	b.Logf("%s: wrote and numbered %d transactions in %v", store, rows, time.Since(began).Round(time.Millisecond))
	return rows
}

// BenchmarkCustomerList is BenchmarkTransactionList for GET /customer, whose
// objects can be deleted: every tenth customer of the seed is deleted after
// it was numbered (leaving gaps the blocks' live counts skip), so the list
// holds nine tenths of the rows.
func BenchmarkCustomerList(b *testing.B) {
	benchList(b, "/customer", seedCustomers)
}

// seedCustomers writes rows customers for e's merchant, a second apart in
// the past, numbers them as the server's numberer does (in one statement
// each, not a thousand at a time), then deletes every tenth (the delete
// trigger takes each out of its block's and its list's count), and returns
// how many are left.
func seedCustomers(b *testing.B, e *apitest.Env, store string, rows int) int {
	return seedCustomersAs(b, e, store, rows, map[string]string{
		"sqlite": `WITH RECURSIVE g(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM g WHERE i < $2)
INSERT INTO customers (id, merchant_id, firstname, created_at, updated_at)
SELECT tender_uuid7(), $1, 'List', t, t
FROM (SELECT strftime('%Y-%m-%d %H:%M:%f', '2026-01-01', '+' || i || ' seconds') || '000' AS t FROM g)`,
		"postgres": `INSERT INTO customers (id, merchant_id, firstname, created_at, updated_at)
SELECT tender_uuid7(), $1, 'List', t, t
FROM (SELECT timestamptz '2026-01-01 00:00:00+00' + i * interval '1 second' AS t FROM generate_series(1, $2::int) AS i) AS g`,
	})
}

// seedCustomersAs is seedCustomers with each store's insert statement of
// the rows ($1 the merchant, $2 rows; customer i created at 2026-01-01 +
// i seconds, i from 1, so that it is the list's position i).
func seedCustomersAs(b *testing.B, e *apitest.Env, store string, rows int, inserts map[string]string) int {
	b.Helper()
	db := e.Server.Store
	ctx := context.Background()
	start := time.Now()
	insert := inserts[store]
	// Written and numbered in one transaction, so the server's numberer
	// never sees them queued.
	tx, err := db.SQLDB().BeginTx(ctx, nil)
	if err != nil {
		b.Fatal(err)
	}
	defer tx.Rollback()
	if store == "postgres" {
		if _, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock(hashtext('tender_list_positions:' || current_schema()))`); err != nil {
			b.Fatal(err)
		}
	}
	if _, err := tx.ExecContext(ctx, insert, e.MerchantID, rows); err != nil {
		b.Fatal(err)
	}
	for _, q := range []string{
		`INSERT INTO list_positions (list, merchant_id, pos, object_id, live)
SELECT list, merchant_id, row_number() OVER (ORDER BY created_at, object_id), object_id, live
FROM list_position_queue WHERE list = 'customers' AND merchant_id = $1`,
		`INSERT INTO list_blocks (list, merchant_id, block, live)
SELECT list, merchant_id, pos / 1000, sum(CASE WHEN live THEN 1 ELSE 0 END) FROM list_positions
WHERE list = 'customers' AND merchant_id = $1 GROUP BY list, merchant_id, pos / 1000`,
		`INSERT INTO list_blocks (list, merchant_id, block, live)
SELECT list, merchant_id, -1, sum(CASE WHEN live THEN 1 ELSE 0 END) FROM list_positions
WHERE list = 'customers' AND merchant_id = $1 GROUP BY list, merchant_id`,
		`DELETE FROM list_position_queue WHERE list = 'customers' AND merchant_id = $1`,
	} {
		if _, err := tx.ExecContext(ctx, q, e.MerchantID); err != nil {
			b.Fatal(err)
		}
	}
	if err := tx.Commit(); err != nil {
		b.Fatal(err)
	}
	if store == "postgres" {
		// What autovacuum does after such a bulk write (see
		// seedTransactions): without it each delete's trigger wades through
		// the queue's million dead rows.
		if _, err := db.SQLDB().ExecContext(ctx, `VACUUM ANALYZE list_position_queue, list_positions, list_blocks, customers`); err != nil {
			b.Fatal(err)
		}
	}
	// A thousand deletes a transaction, as an API client's deletes would
	// be spread out: on PostgreSQL, a hundred thousand updates of the
	// list's total row in one transaction would each walk the row's
	// versions written before it.
	deleted := 0
	for from := 0; from < rows; from += 10_000 {
		res, err := db.SQLDB().ExecContext(ctx, `UPDATE customers SET deleted_at = updated_at
WHERE merchant_id = $1 AND id IN (SELECT object_id FROM list_positions
    WHERE list = 'customers' AND merchant_id = $1 AND pos > $2 AND pos <= $3 AND pos % 10 = 0)`, e.MerchantID, from, from+10_000)
		if err != nil {
			b.Fatal(err)
		}
		n, _ := res.RowsAffected()
		deleted += int(n)
	}
	if store == "postgres" {
		if _, err := db.SQLDB().ExecContext(ctx, `VACUUM ANALYZE list_positions, list_blocks, customers`); err != nil {
			b.Fatal(err)
		}
	}
	if _, err := e.Server.Service.AssignListPositions(ctx); err != nil {
		b.Fatal(err)
	}
	var live int
	if err := db.SQLDB().QueryRowContext(ctx, `SELECT count(*) FROM customers WHERE merchant_id = $1 AND deleted_at IS NULL`, e.MerchantID).Scan(&live); err != nil || live != rows-deleted {
		b.Fatalf("%d live customers, want %d (%v)", live, rows-deleted, err)
	}
	b.Logf("%s: wrote, numbered and deleted a tenth of %d customers in %v", store, rows, time.Since(start).Round(time.Millisecond))
	return live
}
