-- The dashboard's sales rollup (migration 029). Kept apart from queries.sql; loaded with it.

-- name: SalesRollupWatermark
SELECT watermark FROM sales_rollup WHERE id = 1;

-- name: SalesRollupChanged
-- The (merchant, UTC hour) pairs of the transactions changed at or after $1
-- and created before $2 (an hour boundary), by transactions_updated.
SELECT DISTINCT merchant_id::text, date_trunc('hour', created_at, 'UTC') FROM transactions
WHERE updated_at >= $1 AND created_at < $2;

-- name: SalesHourRecompute
-- One hour's aggregate, recomputed in full (TransactionVolume's filter), by
-- transactions_merchant_created.
INSERT INTO sales_hours (merchant_id, hour, sales, total)
SELECT $1::uuid, $2::timestamptz, count(*), coalesce(sum(total), 0)::bigint FROM transactions
WHERE merchant_id = $1 AND created_at >= $2 AND created_at < $3 AND success AND NOT is_voided
    AND type IN ('charge', 'capture')
ON CONFLICT (merchant_id, hour) DO UPDATE SET sales = excluded.sales, total = excluded.total;

-- name: SalesRollupAdvance
-- Never backwards (several instances may run the rollup).
UPDATE sales_rollup SET watermark = $1 WHERE id = 1 AND (watermark IS NULL OR watermark < $1);

-- name: SalesHoursSum
SELECT coalesce(sum(sales), 0)::bigint, coalesce(sum(total), 0)::bigint FROM sales_hours
WHERE merchant_id = $1 AND hour >= $2 AND hour < $3;
