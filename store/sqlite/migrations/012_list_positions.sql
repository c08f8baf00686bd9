-- Lists in O(page) for objects that can be deleted (customers); see
-- PostgreSQL's migration 012 for the design. Every object gets a position
-- in its merchant's list from the numberer, through list_position_queue;
-- list_blocks counts the live objects of each block of 1,000 positions
-- (block = pos / 1000), so a page skips whole blocks by their counts, and a
-- position records whether its object is live. A
-- delete takes its object out of the queue or out of its block's count in
-- the same transaction (SQLite has one writer, so they never race).
-- Nothing undeletes a customer; an undelete would have to count it back.
CREATE TABLE list_positions (
    list        TEXT NOT NULL,
    merchant_id TEXT NOT NULL,
    pos         INTEGER NOT NULL,
    object_id   TEXT NOT NULL,
    live        INTEGER NOT NULL DEFAULT 1,
    PRIMARY KEY (list, merchant_id, pos),
    UNIQUE (list, object_id)
) WITHOUT ROWID;
CREATE TABLE list_blocks (
    list        TEXT NOT NULL,
    merchant_id TEXT NOT NULL,
    block       INTEGER NOT NULL,
    live        INTEGER NOT NULL,
    PRIMARY KEY (list, merchant_id, block)
) WITHOUT ROWID;
CREATE TABLE list_position_queue (
    list        TEXT NOT NULL,
    object_id   TEXT NOT NULL,
    merchant_id TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    PRIMARY KEY (list, object_id)
) WITHOUT ROWID;
CREATE INDEX list_position_queue_merchant ON list_position_queue (list, merchant_id, created_at, object_id);
CREATE INDEX list_position_queue_age ON list_position_queue (created_at, object_id);

INSERT INTO list_positions (list, merchant_id, pos, object_id, live)
SELECT 'customers', merchant_id, row_number() OVER (PARTITION BY merchant_id ORDER BY created_at, id), id, deleted_at IS NULL
FROM customers;
INSERT INTO list_blocks (list, merchant_id, block, live)
SELECT 'customers', merchant_id, pos / 1000, sum(live)
FROM list_positions WHERE list = 'customers'
GROUP BY merchant_id, pos / 1000;

CREATE TRIGGER customers_list_insert AFTER INSERT ON customers WHEN NEW.deleted_at IS NULL
BEGIN
    INSERT INTO list_position_queue (list, object_id, merchant_id, created_at)
    VALUES ('customers', NEW.id, NEW.merchant_id, NEW.created_at);
END;
CREATE TRIGGER customers_list_delete AFTER UPDATE OF deleted_at ON customers
    WHEN OLD.deleted_at IS NULL AND NEW.deleted_at IS NOT NULL
BEGIN
    DELETE FROM list_position_queue WHERE list = 'customers' AND object_id = NEW.id;
    UPDATE list_blocks SET live = live - 1
    WHERE list = 'customers' AND merchant_id = NEW.merchant_id
      AND block = (SELECT pos / 1000 FROM list_positions WHERE list = 'customers' AND object_id = NEW.id);
    UPDATE list_positions SET live = 0 WHERE list = 'customers' AND object_id = NEW.id;
END;
