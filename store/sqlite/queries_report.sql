-- Deposits and reports (/query/*). Kept apart from queries.sql; loaded with it.

-- name: DepositLock
-- SQLite's InTx already holds the write lock.
SELECT $1;

-- name: DepositOpen
INSERT INTO deposits (merchant_id, id, seq, batched_at, created_at, updated_at)
SELECT $1, $2, COALESCE(MAX(seq), 0) + 1, MAX(COALESCE(MAX(batched_at), $3), $3), $3, $3
FROM deposits WHERE merchant_id = $1
ON CONFLICT (merchant_id, id) DO NOTHING;

-- name: DepositAdd
UPDATE deposits SET count = count + 1, sales = sales + $3, credits = credits + $4, returns = returns + $5,
    fees = fees + $6, updated_at = $7
WHERE merchant_id = $1 AND id = $2
RETURNING count;

-- name: DepositLineInsert
INSERT INTO deposit_transactions (merchant_id, deposit_id, seq, transaction_id, kind, amount, fee, created_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8);

-- name: DepositGet
SELECT merchant_id, id, seq, batched_at, count, sales, credits, returns, fees, created_at, updated_at
FROM deposits WHERE merchant_id = $1 AND id = $2;

-- name: DepositFirstSeq
SELECT seq FROM deposits WHERE merchant_id = $1 AND batched_at >= $2 ORDER BY batched_at, seq LIMIT 1;

-- name: DepositLastSeq
SELECT seq FROM deposits WHERE merchant_id = $1 AND batched_at <= $2 ORDER BY batched_at DESC, seq DESC LIMIT 1;

-- name: DepositPage
SELECT merchant_id, id, seq, batched_at, count, sales, credits, returns, fees, created_at, updated_at
FROM deposits WHERE merchant_id = $1 AND seq BETWEEN $2 AND $3
ORDER BY seq;

-- name: DepositLines
SELECT l.deposit_id, l.transaction_id, l.kind, t.type, t.method, COALESCE(pm.card_type, ''), t.last_four,
    l.amount, l.fee, t.created_at, l.created_at
FROM deposit_transactions l
JOIN transactions t ON t.id = l.transaction_id
LEFT JOIN payment_methods pm ON pm.id = t.payment_method_id
WHERE l.merchant_id = $1 AND l.deposit_id = $2 AND l.seq BETWEEN $3 AND $4
ORDER BY l.seq;

-- name: ReportDailySales
SELECT substr(created_at, 1, 10) AS day, '',
    SUM(CASE WHEN type IN ('charge', 'pre_auth') THEN 1 ELSE 0 END),
    SUM(CASE WHEN type IN ('charge', 'pre_auth') THEN captured ELSE 0 END),
    SUM(CASE WHEN type = 'refund' THEN total ELSE 0 END)
FROM transactions
WHERE merchant_id = $1 AND created_at >= $2 AND created_at <= $3 AND success = 1 AND is_voided = 0
  AND (type = 'refund' OR (type IN ('charge', 'pre_auth') AND captured > 0))
GROUP BY day ORDER BY day;

-- name: ReportMethod
SELECT '', method, COUNT(*), SUM(captured), SUM(total_refunded)
FROM transactions
WHERE merchant_id = $1 AND created_at >= $2 AND created_at <= $3 AND success = 1 AND is_voided = 0
  AND type IN ('charge', 'pre_auth') AND captured > 0
GROUP BY method ORDER BY method;

-- name: ReportCardType
SELECT '', COALESCE(NULLIF(pm.card_type, ''), 'unknown') AS brand, COUNT(*), SUM(t.captured), SUM(t.total_refunded)
FROM transactions t LEFT JOIN payment_methods pm ON pm.id = t.payment_method_id
WHERE t.merchant_id = $1 AND t.created_at >= $2 AND t.created_at <= $3 AND t.success = 1 AND t.is_voided = 0
  AND t.type IN ('charge', 'pre_auth') AND t.captured > 0 AND t.method = 'card'
GROUP BY brand ORDER BY brand;

-- name: ReportSurcharges
SELECT substr(created_at, 1, 10) AS day, '', COUNT(*), SUM(surcharge), 0
FROM transactions
WHERE merchant_id = $1 AND created_at >= $2 AND created_at <= $3 AND success = 1 AND is_voided = 0
  AND type IN ('charge', 'pre_auth') AND surcharge > 0
GROUP BY day ORDER BY day;

-- name: ReportAdjustments
SELECT substr(created_at, 1, 10) AS day, type, COUNT(*), SUM(total), 0
FROM transactions
WHERE merchant_id = $1 AND created_at >= $2 AND created_at <= $3 AND success = 1
  AND type IN ('refund', 'void', 'credit') AND source <> 'ach_return'
GROUP BY day, type ORDER BY day, type;

-- name: ReportACHRejects
SELECT substr(created_at, 1, 10) AS day, decline_code, COUNT(*), SUM(total), 0
FROM transactions
WHERE merchant_id = $1 AND created_at >= $2 AND created_at <= $3 AND type = 'refund' AND source = 'ach_return'
GROUP BY day, decline_code ORDER BY day, decline_code;

-- name: ReportDisputes
SELECT substr(created_at, 1, 10) AS day, CASE WHEN status <> '' THEN status ELSE kind END AS st, COUNT(*), SUM(amount), 0
FROM processor_events
WHERE merchant_id = $1 AND created_at >= $2 AND created_at <= $3 AND kind IN ('dispute_opened', 'dispute_closed')
GROUP BY day, st ORDER BY day, st;

-- name: TeamSummary
SELECT (SELECT COUNT(*) FROM customers WHERE merchant_id = $1 AND deleted_at IS NULL),
    (SELECT COUNT(*) FROM invoices WHERE merchant_id = $1 AND deleted_at IS NULL),
    (SELECT COUNT(*) FROM schedules WHERE merchant_id = $1 AND deleted_at IS NULL),
    EXISTS (SELECT 1 FROM transactions WHERE merchant_id = $1 AND method = 'bank'),
    EXISTS (SELECT 1 FROM transactions WHERE merchant_id = $1 AND source = 'invoice')
        OR EXISTS (SELECT 1 FROM transactions WHERE merchant_id = $1 AND source = 'webpayment');

-- name: BacklogPendingTransactions
-- The operator's metrics. Each backlog is read from a partial index that
-- holds only its waiting rows (here transactions_pending), so it costs the
-- backlog's size, however many rows the table holds.
SELECT count(*), min(created_at) FROM transactions WHERE status = 'PENDING';

-- name: BacklogWebhookDeliveries
-- webhook_deliveries_pending.
SELECT count(*), min(created_at) FROM webhook_deliveries WHERE status = 'pending';

-- name: BacklogMessages
-- messages_due.
SELECT count(*), min(created_at) FROM messages WHERE status IN ('QUEUED', 'SENDING');

-- name: BacklogEventsToRelay
-- The events after the relay's place (a range of the primary key).
SELECT count(*), min(created_at) FROM events
WHERE seq > (SELECT relayed_seq FROM webhook_relay WHERE id = 1);

-- name: MigrationsTableExists
-- Whether the database was ever migrated (tender migrate --status).
SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'tender_migrations';
