-- One customer's invoices (GET /invoice?customer_id=..., issue 21): the
-- merchant's and customer's invoices in list order, so a page walks the
-- customer's index entries newest first instead of the merchant's whole
-- list (SQLite prefers the (merchant_id, created_at, id) index for ORDER BY
-- ... LIMIT and filtered it row by row: seconds a page at 1M invoices).
CREATE INDEX invoices_merchant_customer_created ON invoices (merchant_id, customer_id, created_at, id);
