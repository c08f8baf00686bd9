-- Lists in O(page): every transaction gets a position in its merchant's
-- list (1, 2, 3, ... with no gaps), so the default list (newest first, no
-- filter) reads a page by position instead of counting the table and
-- skipping OFFSET rows. A trigger queues each new transaction in
-- transaction_position_queue in the same transaction as its insert; the
-- numberer (TransactionPositionsAssign) moves the queued ones, oldest
-- first, into transaction_positions in batches. A list reads the few queued
-- ones first, then the numbered by position. The positions are written once
-- and never updated; the queue stays small, and a small table is vacuumed
-- often, so its dead rows never pile up in the list's path.
CREATE TABLE transaction_positions (
    merchant_id    uuid NOT NULL,
    pos            bigint NOT NULL,
    transaction_id uuid NOT NULL UNIQUE,
    PRIMARY KEY (merchant_id, pos)
);
INSERT INTO transaction_positions (merchant_id, pos, transaction_id)
SELECT merchant_id, row_number() OVER (PARTITION BY merchant_id ORDER BY created_at, id), id
FROM transactions;
CREATE TABLE transaction_position_queue (
    transaction_id uuid PRIMARY KEY,
    merchant_id    uuid NOT NULL,
    created_at     timestamptz NOT NULL
);
CREATE INDEX transaction_position_queue_merchant ON transaction_position_queue (merchant_id, created_at, transaction_id);
CREATE INDEX transaction_position_queue_age ON transaction_position_queue (created_at, transaction_id);
CREATE FUNCTION transactions_position() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO transaction_position_queue (transaction_id, merchant_id, created_at) VALUES (NEW.id, NEW.merchant_id, NEW.created_at);
    RETURN NULL;
END $$;
CREATE TRIGGER transactions_position AFTER INSERT ON transactions
    FOR EACH ROW EXECUTE FUNCTION transactions_position();
