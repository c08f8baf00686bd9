-- Lists in O(page): every transaction gets a position in its merchant's
-- list (1, 2, 3, ... with no gaps), so the default list (newest first, no
-- filter) reads a page by position instead of counting the table and
-- skipping OFFSET rows. A trigger queues each new transaction in
-- transaction_position_queue in the same transaction as its insert; the
-- numberer (TransactionPositionsAssign) moves the queued ones, oldest
-- first, into transaction_positions in batches. A list reads the few queued
-- ones first, then the numbered by position. The positions are written once
-- and never updated; the queue stays small (on PostgreSQL: a small table is
-- vacuumed often, so its dead rows never pile up in the list's path).
CREATE TABLE transaction_positions (
    merchant_id    TEXT NOT NULL,
    pos            INTEGER NOT NULL,
    transaction_id TEXT NOT NULL UNIQUE,
    PRIMARY KEY (merchant_id, pos)
) WITHOUT ROWID;
INSERT INTO transaction_positions (merchant_id, pos, transaction_id)
SELECT merchant_id, row_number() OVER (PARTITION BY merchant_id ORDER BY created_at, id), id
FROM transactions;
CREATE TABLE transaction_position_queue (
    transaction_id TEXT PRIMARY KEY,
    merchant_id    TEXT NOT NULL,
    created_at     TEXT NOT NULL
) WITHOUT ROWID;
CREATE INDEX transaction_position_queue_merchant ON transaction_position_queue (merchant_id, created_at, transaction_id);
CREATE INDEX transaction_position_queue_age ON transaction_position_queue (created_at, transaction_id);
CREATE TRIGGER transactions_position AFTER INSERT ON transactions
BEGIN
    INSERT INTO transaction_position_queue (transaction_id, merchant_id, created_at) VALUES (NEW.id, NEW.merchant_id, NEW.created_at);
END;
