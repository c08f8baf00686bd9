-- Filtered transaction lists in O(page) (see PostgreSQL's migration 015).
CREATE TABLE transaction_filter_positions (
    merchant_id    TEXT NOT NULL,
    dim            TEXT NOT NULL,
    val            TEXT NOT NULL,
    pos            INTEGER NOT NULL,
    transaction_id TEXT NOT NULL,
    created_at     TEXT NOT NULL,
    PRIMARY KEY (merchant_id, dim, val, pos)
) WITHOUT ROWID;
CREATE INDEX transaction_filter_positions_created ON transaction_filter_positions (merchant_id, dim, val, created_at, pos);
INSERT INTO transaction_filter_positions (merchant_id, dim, val, pos, transaction_id, created_at)
SELECT merchant_id, dim, val, row_number() OVER (PARTITION BY merchant_id, dim, val ORDER BY created_at, id), id, created_at
FROM (SELECT t.id, t.merchant_id, d.dim,
          CASE d.dim WHEN 'customer' THEN t.customer_id WHEN 'payment_method' THEN t.payment_method_id ELSE '' END AS val,
          t.created_at
      FROM transactions t JOIN transaction_positions p ON p.transaction_id = t.id
      CROSS JOIN (SELECT '' AS dim UNION ALL SELECT 'customer' UNION ALL SELECT 'payment_method') d)
WHERE dim = '' OR val <> '';
-- The filters that are not positioned read these.
CREATE INDEX transactions_merchant_updated ON transactions (merchant_id, updated_at);
CREATE INDEX transactions_merchant_status ON transactions (merchant_id, status, created_at);
CREATE INDEX transactions_merchant_type ON transactions (merchant_id, type, created_at);
CREATE INDEX invoices_merchant_status ON invoices (merchant_id, status, created_at);
