-- Lists in O(page) for the objects that can be deleted (customers, payment
-- methods, items, invoices, schedules); see PostgreSQL's migration 012 for
-- the design. Every object gets a position in its merchant's list from the
-- numberer, through list_position_queue; list_blocks counts the live objects
-- of each block of 1,000 positions (block = pos / 1000; block -1 counts the
-- whole list's), so a page walks whole blocks by their counts from the
-- nearer end of the list, and a queue row or a position records
-- whether its object is live. Deleted objects are numbered too; a delete or
-- an undelete flips its object's live flag (and its block's count) in the
-- same transaction (SQLite has one writer, so they never race with the
-- numberer).
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
    live        INTEGER NOT NULL,
    PRIMARY KEY (list, object_id)
) WITHOUT ROWID;
CREATE INDEX list_position_queue_merchant ON list_position_queue (list, merchant_id, live, created_at, object_id);
CREATE INDEX list_position_queue_age ON list_position_queue (created_at, object_id);

INSERT INTO list_positions (list, merchant_id, pos, object_id, live)
SELECT 'customers', merchant_id, row_number() OVER (PARTITION BY merchant_id ORDER BY created_at, id), id, deleted_at IS NULL
FROM customers;
CREATE TRIGGER customers_list_insert AFTER INSERT ON customers
BEGIN
    INSERT INTO list_position_queue (list, object_id, merchant_id, created_at, live)
    VALUES ('customers', NEW.id, NEW.merchant_id, NEW.created_at, NEW.deleted_at IS NULL);
END;
CREATE TRIGGER customers_list_delete AFTER UPDATE OF deleted_at ON customers
    WHEN OLD.deleted_at IS NULL AND NEW.deleted_at IS NOT NULL
BEGIN
    UPDATE list_position_queue SET live = 0 WHERE list = 'customers' AND object_id = NEW.id;
    UPDATE list_blocks SET live = live - 1
    WHERE list = 'customers' AND merchant_id = NEW.merchant_id
      AND block IN (-1, (SELECT pos / 1000 FROM list_positions WHERE list = 'customers' AND object_id = NEW.id AND live = 1))
      AND EXISTS (SELECT 1 FROM list_positions WHERE list = 'customers' AND object_id = NEW.id AND live = 1);
    UPDATE list_positions SET live = 0 WHERE list = 'customers' AND object_id = NEW.id;
END;
CREATE TRIGGER customers_list_restore AFTER UPDATE OF deleted_at ON customers
    WHEN OLD.deleted_at IS NOT NULL AND NEW.deleted_at IS NULL
BEGIN
    UPDATE list_position_queue SET live = 1 WHERE list = 'customers' AND object_id = NEW.id;
    UPDATE list_blocks SET live = live + 1
    WHERE list = 'customers' AND merchant_id = NEW.merchant_id
      AND block IN (-1, (SELECT pos / 1000 FROM list_positions WHERE list = 'customers' AND object_id = NEW.id AND live = 0))
      AND EXISTS (SELECT 1 FROM list_positions WHERE list = 'customers' AND object_id = NEW.id AND live = 0);
    UPDATE list_positions SET live = 1 WHERE list = 'customers' AND object_id = NEW.id;
END;

INSERT INTO list_positions (list, merchant_id, pos, object_id, live)
SELECT 'payment_methods', merchant_id, row_number() OVER (PARTITION BY merchant_id ORDER BY created_at, id), id, deleted_at IS NULL
FROM payment_methods;
CREATE TRIGGER payment_methods_list_insert AFTER INSERT ON payment_methods
BEGIN
    INSERT INTO list_position_queue (list, object_id, merchant_id, created_at, live)
    VALUES ('payment_methods', NEW.id, NEW.merchant_id, NEW.created_at, NEW.deleted_at IS NULL);
END;
CREATE TRIGGER payment_methods_list_delete AFTER UPDATE OF deleted_at ON payment_methods
    WHEN OLD.deleted_at IS NULL AND NEW.deleted_at IS NOT NULL
BEGIN
    UPDATE list_position_queue SET live = 0 WHERE list = 'payment_methods' AND object_id = NEW.id;
    UPDATE list_blocks SET live = live - 1
    WHERE list = 'payment_methods' AND merchant_id = NEW.merchant_id
      AND block IN (-1, (SELECT pos / 1000 FROM list_positions WHERE list = 'payment_methods' AND object_id = NEW.id AND live = 1))
      AND EXISTS (SELECT 1 FROM list_positions WHERE list = 'payment_methods' AND object_id = NEW.id AND live = 1);
    UPDATE list_positions SET live = 0 WHERE list = 'payment_methods' AND object_id = NEW.id;
END;
CREATE TRIGGER payment_methods_list_restore AFTER UPDATE OF deleted_at ON payment_methods
    WHEN OLD.deleted_at IS NOT NULL AND NEW.deleted_at IS NULL
BEGIN
    UPDATE list_position_queue SET live = 1 WHERE list = 'payment_methods' AND object_id = NEW.id;
    UPDATE list_blocks SET live = live + 1
    WHERE list = 'payment_methods' AND merchant_id = NEW.merchant_id
      AND block IN (-1, (SELECT pos / 1000 FROM list_positions WHERE list = 'payment_methods' AND object_id = NEW.id AND live = 0))
      AND EXISTS (SELECT 1 FROM list_positions WHERE list = 'payment_methods' AND object_id = NEW.id AND live = 0);
    UPDATE list_positions SET live = 1 WHERE list = 'payment_methods' AND object_id = NEW.id;
END;

INSERT INTO list_positions (list, merchant_id, pos, object_id, live)
SELECT 'items', merchant_id, row_number() OVER (PARTITION BY merchant_id ORDER BY created_at, id), id, deleted_at IS NULL
FROM items;
CREATE TRIGGER items_list_insert AFTER INSERT ON items
BEGIN
    INSERT INTO list_position_queue (list, object_id, merchant_id, created_at, live)
    VALUES ('items', NEW.id, NEW.merchant_id, NEW.created_at, NEW.deleted_at IS NULL);
END;
CREATE TRIGGER items_list_delete AFTER UPDATE OF deleted_at ON items
    WHEN OLD.deleted_at IS NULL AND NEW.deleted_at IS NOT NULL
BEGIN
    UPDATE list_position_queue SET live = 0 WHERE list = 'items' AND object_id = NEW.id;
    UPDATE list_blocks SET live = live - 1
    WHERE list = 'items' AND merchant_id = NEW.merchant_id
      AND block IN (-1, (SELECT pos / 1000 FROM list_positions WHERE list = 'items' AND object_id = NEW.id AND live = 1))
      AND EXISTS (SELECT 1 FROM list_positions WHERE list = 'items' AND object_id = NEW.id AND live = 1);
    UPDATE list_positions SET live = 0 WHERE list = 'items' AND object_id = NEW.id;
END;
CREATE TRIGGER items_list_restore AFTER UPDATE OF deleted_at ON items
    WHEN OLD.deleted_at IS NOT NULL AND NEW.deleted_at IS NULL
BEGIN
    UPDATE list_position_queue SET live = 1 WHERE list = 'items' AND object_id = NEW.id;
    UPDATE list_blocks SET live = live + 1
    WHERE list = 'items' AND merchant_id = NEW.merchant_id
      AND block IN (-1, (SELECT pos / 1000 FROM list_positions WHERE list = 'items' AND object_id = NEW.id AND live = 0))
      AND EXISTS (SELECT 1 FROM list_positions WHERE list = 'items' AND object_id = NEW.id AND live = 0);
    UPDATE list_positions SET live = 1 WHERE list = 'items' AND object_id = NEW.id;
END;

INSERT INTO list_positions (list, merchant_id, pos, object_id, live)
SELECT 'invoices', merchant_id, row_number() OVER (PARTITION BY merchant_id ORDER BY created_at, id), id, deleted_at IS NULL
FROM invoices;
CREATE TRIGGER invoices_list_insert AFTER INSERT ON invoices
BEGIN
    INSERT INTO list_position_queue (list, object_id, merchant_id, created_at, live)
    VALUES ('invoices', NEW.id, NEW.merchant_id, NEW.created_at, NEW.deleted_at IS NULL);
END;
CREATE TRIGGER invoices_list_delete AFTER UPDATE OF deleted_at ON invoices
    WHEN OLD.deleted_at IS NULL AND NEW.deleted_at IS NOT NULL
BEGIN
    UPDATE list_position_queue SET live = 0 WHERE list = 'invoices' AND object_id = NEW.id;
    UPDATE list_blocks SET live = live - 1
    WHERE list = 'invoices' AND merchant_id = NEW.merchant_id
      AND block IN (-1, (SELECT pos / 1000 FROM list_positions WHERE list = 'invoices' AND object_id = NEW.id AND live = 1))
      AND EXISTS (SELECT 1 FROM list_positions WHERE list = 'invoices' AND object_id = NEW.id AND live = 1);
    UPDATE list_positions SET live = 0 WHERE list = 'invoices' AND object_id = NEW.id;
END;
CREATE TRIGGER invoices_list_restore AFTER UPDATE OF deleted_at ON invoices
    WHEN OLD.deleted_at IS NOT NULL AND NEW.deleted_at IS NULL
BEGIN
    UPDATE list_position_queue SET live = 1 WHERE list = 'invoices' AND object_id = NEW.id;
    UPDATE list_blocks SET live = live + 1
    WHERE list = 'invoices' AND merchant_id = NEW.merchant_id
      AND block IN (-1, (SELECT pos / 1000 FROM list_positions WHERE list = 'invoices' AND object_id = NEW.id AND live = 0))
      AND EXISTS (SELECT 1 FROM list_positions WHERE list = 'invoices' AND object_id = NEW.id AND live = 0);
    UPDATE list_positions SET live = 1 WHERE list = 'invoices' AND object_id = NEW.id;
END;

INSERT INTO list_positions (list, merchant_id, pos, object_id, live)
SELECT 'schedules', merchant_id, row_number() OVER (PARTITION BY merchant_id ORDER BY created_at, id), id, deleted_at IS NULL
FROM schedules;
CREATE TRIGGER schedules_list_insert AFTER INSERT ON schedules
BEGIN
    INSERT INTO list_position_queue (list, object_id, merchant_id, created_at, live)
    VALUES ('schedules', NEW.id, NEW.merchant_id, NEW.created_at, NEW.deleted_at IS NULL);
END;
CREATE TRIGGER schedules_list_delete AFTER UPDATE OF deleted_at ON schedules
    WHEN OLD.deleted_at IS NULL AND NEW.deleted_at IS NOT NULL
BEGIN
    UPDATE list_position_queue SET live = 0 WHERE list = 'schedules' AND object_id = NEW.id;
    UPDATE list_blocks SET live = live - 1
    WHERE list = 'schedules' AND merchant_id = NEW.merchant_id
      AND block IN (-1, (SELECT pos / 1000 FROM list_positions WHERE list = 'schedules' AND object_id = NEW.id AND live = 1))
      AND EXISTS (SELECT 1 FROM list_positions WHERE list = 'schedules' AND object_id = NEW.id AND live = 1);
    UPDATE list_positions SET live = 0 WHERE list = 'schedules' AND object_id = NEW.id;
END;
CREATE TRIGGER schedules_list_restore AFTER UPDATE OF deleted_at ON schedules
    WHEN OLD.deleted_at IS NOT NULL AND NEW.deleted_at IS NULL
BEGIN
    UPDATE list_position_queue SET live = 1 WHERE list = 'schedules' AND object_id = NEW.id;
    UPDATE list_blocks SET live = live + 1
    WHERE list = 'schedules' AND merchant_id = NEW.merchant_id
      AND block IN (-1, (SELECT pos / 1000 FROM list_positions WHERE list = 'schedules' AND object_id = NEW.id AND live = 0))
      AND EXISTS (SELECT 1 FROM list_positions WHERE list = 'schedules' AND object_id = NEW.id AND live = 0);
    UPDATE list_positions SET live = 1 WHERE list = 'schedules' AND object_id = NEW.id;
END;

INSERT INTO list_blocks (list, merchant_id, block, live)
SELECT list, merchant_id, pos / 1000, sum(live)
FROM list_positions GROUP BY list, merchant_id, pos / 1000;
INSERT INTO list_blocks (list, merchant_id, block, live)
SELECT list, merchant_id, -1, sum(live)
FROM list_positions GROUP BY list, merchant_id;
