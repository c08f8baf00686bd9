-- Filtered transaction lists in O(page), as migration 010 does for the
-- whole list: the numberer gives each transaction a position in its
-- merchant's whole list (dim '', val ''), in its customer's (dim
-- 'customer') and in its payment method's (dim 'payment_method'), in the
-- order created, with its created_at. A list filtered on one of them and a
-- created_at range finds the range's first and last positions by
-- created_at (two index probes), so its total is their difference and a
-- page is read by position, never counted or skipped. Customer and payment
-- method of a transaction never change, and transactions are never
-- deleted, so the positions are written once.
CREATE TABLE transaction_filter_positions (
    merchant_id    uuid NOT NULL,
    dim            text NOT NULL,
    val            text NOT NULL,
    pos            bigint NOT NULL,
    transaction_id uuid NOT NULL,
    created_at     timestamptz NOT NULL,
    PRIMARY KEY (merchant_id, dim, val, pos)
);
CREATE INDEX transaction_filter_positions_created ON transaction_filter_positions (merchant_id, dim, val, created_at, pos);
INSERT INTO transaction_filter_positions (merchant_id, dim, val, pos, transaction_id, created_at)
SELECT merchant_id, dim, val, row_number() OVER (PARTITION BY merchant_id, dim, val ORDER BY created_at, id), id, created_at
FROM (SELECT t.id, t.merchant_id, d.dim,
          CASE d.dim WHEN 'customer' THEN t.customer_id WHEN 'payment_method' THEN t.payment_method_id ELSE '' END AS val,
          t.created_at
      FROM transactions t JOIN transaction_positions p ON p.transaction_id = t.id
      CROSS JOIN (VALUES (''), ('customer'), ('payment_method')) AS d(dim)) AS x
WHERE dim = '' OR val <> '';
-- The filters that are not positioned read these.
CREATE INDEX transactions_merchant_updated ON transactions (merchant_id, updated_at);
CREATE INDEX transactions_merchant_status ON transactions (merchant_id, status, created_at);
CREATE INDEX transactions_merchant_type ON transactions (merchant_id, type, created_at);
CREATE INDEX invoices_merchant_status ON invoices (merchant_id, status, created_at);
