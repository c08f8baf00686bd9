package bench

import (
	"context"
	"testing"
	"time"

	"github.com/tenderpay/tender/internal/apitest"
)

// BenchmarkInvoiceListFiltered reads filtered invoice lists on a merchant
// with 1,000,000 invoices (TENDER_BENCH_LIST_ROWS overrides), a second
// apart from 2026-01-01, spread over 100 customers: a one-day created range
// (86,400 rows, read by list position: ListRangePage) and one customer's
// invoices (1% of the rows, by their places in the customer's list:
// migration 032), each newest and oldest first, and the customer's
// invoices in the one-day range; the first and the middle page of each.
//
//	CI=true go test -run '^$' -bench InvoiceListFiltered -benchtime 200x -timeout 30m ./bench
func BenchmarkInvoiceListFiltered(b *testing.B) {
	benchFiltered(b, "/invoice", true, seedSpreadInvoices)
}

// seedSpreadInvoices writes 100 customers (benchCustomer's ids) and rows
// draft invoices for e's merchant, a second apart from 2026-01-01 00:00:01,
// invoice i for customer i % 100, and numbers them in the merchant's list
// as the server's numberer does (in one statement each).
func seedSpreadInvoices(b *testing.B, e *apitest.Env, store string, rows int) {
	b.Helper()
	db := e.Server.Store.SQLDB()
	ctx := context.Background()
	start := time.Now()
	var customers, insert, lock string
	switch store {
	case "sqlite":
		customers = `WITH RECURSIVE g(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM g WHERE i < 99)
INSERT INTO customers (id, merchant_id, firstname, created_at, updated_at)
SELECT 'c0000000-0000-4000-8000-' || printf('%012d', i), $1, 'Bench', '2025-01-01 00:00:00.000000', '2025-01-01 00:00:00.000000' FROM g`
		insert = `WITH RECURSIVE g(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM g WHERE i < $2)
INSERT INTO invoices (id, merchant_id, customer_id, total, status, url, balance_due, created_at, updated_at)
SELECT tender_uuid7(), $1, 'c0000000-0000-4000-8000-' || printf('%012d', i % 100), 1050, 'DRAFT', 'https://pay.example/', 1050, t, t
FROM (SELECT i, strftime('%Y-%m-%d %H:%M:%f', '2026-01-01', '+' || i || ' seconds') || '000' AS t FROM g)`
	case "postgres":
		customers = `INSERT INTO customers (id, merchant_id, firstname, created_at, updated_at)
SELECT ('c0000000-0000-4000-8000-' || lpad(i::text, 12, '0'))::uuid, $1, 'Bench', timestamptz '2025-01-01 00:00:00+00', timestamptz '2025-01-01 00:00:00+00'
FROM generate_series(0, 99) AS i`
		insert = `INSERT INTO invoices (id, merchant_id, customer_id, total, status, url, balance_due, created_at, updated_at)
SELECT tender_uuid7(), $1, ('c0000000-0000-4000-8000-' || lpad((i % 100)::text, 12, '0'))::uuid, 1050, 'DRAFT', 'https://pay.example/', 1050, t, t
FROM (SELECT i, timestamptz '2026-01-01 00:00:00+00' + i * interval '1 second' AS t FROM generate_series(1, $2::int) AS i) AS g`
		lock = `SELECT pg_advisory_xact_lock(hashtext('tender_list_positions:' || current_schema()))`
	}
	seedInOne(b, db, e.MerchantID, rows, lock, insert, lock, customers, insert,
		`INSERT INTO list_positions (list, merchant_id, pos, object_id, live)
SELECT list, merchant_id, row_number() OVER (PARTITION BY list ORDER BY created_at, object_id), object_id, live
FROM list_position_queue WHERE merchant_id = $1`,
		`INSERT INTO list_blocks (list, merchant_id, block, live)
SELECT list, merchant_id, pos / 1000, sum(CASE WHEN live THEN 1 ELSE 0 END) FROM list_positions
WHERE merchant_id = $1 GROUP BY list, merchant_id, pos / 1000`,
		`INSERT INTO list_blocks (list, merchant_id, block, live)
SELECT list, merchant_id, -1, sum(CASE WHEN live THEN 1 ELSE 0 END) FROM list_positions
WHERE merchant_id = $1 GROUP BY list, merchant_id`,
		`INSERT INTO invoice_customer_positions (merchant_id, customer_id, pos, invoice_id, live)
SELECT i.merchant_id, i.customer_id, p.pos, i.id, p.live
FROM list_positions p JOIN invoices i ON i.id = p.object_id WHERE p.list = 'invoices' AND p.merchant_id = $1`,
		`INSERT INTO invoice_customer_blocks (merchant_id, customer_id, block, live)
SELECT merchant_id, customer_id, pos / 1000, sum(CASE WHEN live THEN 1 ELSE 0 END) FROM invoice_customer_positions
WHERE merchant_id = $1 GROUP BY merchant_id, customer_id, pos / 1000`,
		`DELETE FROM list_position_queue WHERE merchant_id = $1`)
	if store == "postgres" {
		if _, err := db.ExecContext(ctx, `VACUUM ANALYZE list_position_queue, list_positions, list_blocks, invoice_customer_positions, invoice_customer_blocks, invoices, customers`); err != nil {
			b.Fatal(err)
		}
	}
	b.Logf("%s: wrote and numbered %d invoices in %v", store, rows, time.Since(start).Round(time.Millisecond))
}
