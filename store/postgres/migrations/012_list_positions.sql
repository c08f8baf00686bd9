-- Lists in O(page) for the objects that can be deleted (customers, payment
-- methods, items, invoices, schedules), the way migration 010 does it for
-- transactions: every object gets a position in its merchant's list (1, 2,
-- 3, ...) from the numberer (ListPositionsAssign), oldest first, a second
-- after its insert, through list_position_queue, which a trigger fills in the
-- inserting transaction. Deleted objects leave gaps, so positions are grouped
-- in blocks of 1,000 (block = pos / 1000), list_blocks counts each block's
-- live (not deleted) objects (block -1 counts the whole list's), and a
-- position records whether its object is live: a page walks whole blocks
-- by their counts from the nearer end of the list, then skips at most a
-- block's positions, so it costs O(page) at either end and O(page +
-- objects / 2000) at worst in the middle, never O(objects). Deleted objects are numbered too, so that an undelete
-- (invoices and schedules are updated whole) finds its object's place: a
-- delete or an undelete flips the live flag of the object's queue row, or
-- of its position and its block's count, in the same transaction. The
-- numberer dequeues with DELETE ... RETURNING, whose row locks order it
-- against a concurrent delete: whichever commits first, the other sees it
-- (each statement of a trigger function reads afresh; a dequeue waiting on a
-- delete's lock returns the row as the delete left it).
CREATE TABLE list_positions (
    list        text NOT NULL,
    merchant_id uuid NOT NULL,
    pos         bigint NOT NULL,
    object_id   uuid NOT NULL,
    live        boolean NOT NULL DEFAULT true,
    PRIMARY KEY (list, merchant_id, pos),
    UNIQUE (list, object_id)
);
CREATE TABLE list_blocks (
    list        text NOT NULL,
    merchant_id uuid NOT NULL,
    block       bigint NOT NULL,
    live        integer NOT NULL,
    PRIMARY KEY (list, merchant_id, block)
);
CREATE TABLE list_position_queue (
    list        text NOT NULL,
    object_id   uuid NOT NULL,
    merchant_id uuid NOT NULL,
    created_at  timestamptz NOT NULL,
    live        boolean NOT NULL,
    PRIMARY KEY (list, object_id)
);
CREATE INDEX list_position_queue_merchant ON list_position_queue (list, merchant_id, live, created_at, object_id);
CREATE INDEX list_position_queue_age ON list_position_queue (created_at, object_id);

-- The trigger functions take the list's name as their argument; every
-- listed table has id, merchant_id, created_at and deleted_at.
CREATE FUNCTION list_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO list_position_queue (list, object_id, merchant_id, created_at, live)
    VALUES (TG_ARGV[0], NEW.id, NEW.merchant_id, NEW.created_at, NEW.deleted_at IS NULL);
    RETURN NULL;
END $$;
-- list_live(list, live) flips an object's live flag: in the queue, or on its
-- position and in its block's count and the list's (block -1).
CREATE FUNCTION list_live() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    live_now boolean := TG_ARGV[1]::boolean;
BEGIN
    UPDATE list_position_queue SET live = live_now WHERE list = TG_ARGV[0] AND object_id = NEW.id;
    IF NOT FOUND THEN
        WITH p AS (UPDATE list_positions SET live = live_now
                   WHERE list = TG_ARGV[0] AND object_id = NEW.id AND live <> live_now RETURNING merchant_id, pos)
        UPDATE list_blocks b SET live = b.live + CASE WHEN live_now THEN 1 ELSE -1 END FROM p
        WHERE b.list = TG_ARGV[0] AND b.merchant_id = p.merchant_id AND b.block IN (p.pos / 1000, -1);
    END IF;
    RETURN NULL;
END $$;

INSERT INTO list_positions (list, merchant_id, pos, object_id, live)
SELECT 'customers', merchant_id, row_number() OVER (PARTITION BY merchant_id ORDER BY created_at, id), id, deleted_at IS NULL
FROM customers;
CREATE TRIGGER customers_list_insert AFTER INSERT ON customers
    FOR EACH ROW EXECUTE FUNCTION list_insert('customers');
CREATE TRIGGER customers_list_delete AFTER UPDATE OF deleted_at ON customers
    FOR EACH ROW WHEN (OLD.deleted_at IS NULL AND NEW.deleted_at IS NOT NULL) EXECUTE FUNCTION list_live('customers', 'false');
CREATE TRIGGER customers_list_restore AFTER UPDATE OF deleted_at ON customers
    FOR EACH ROW WHEN (OLD.deleted_at IS NOT NULL AND NEW.deleted_at IS NULL) EXECUTE FUNCTION list_live('customers', 'true');

INSERT INTO list_positions (list, merchant_id, pos, object_id, live)
SELECT 'payment_methods', merchant_id, row_number() OVER (PARTITION BY merchant_id ORDER BY created_at, id), id, deleted_at IS NULL
FROM payment_methods;
CREATE TRIGGER payment_methods_list_insert AFTER INSERT ON payment_methods
    FOR EACH ROW EXECUTE FUNCTION list_insert('payment_methods');
CREATE TRIGGER payment_methods_list_delete AFTER UPDATE OF deleted_at ON payment_methods
    FOR EACH ROW WHEN (OLD.deleted_at IS NULL AND NEW.deleted_at IS NOT NULL) EXECUTE FUNCTION list_live('payment_methods', 'false');
CREATE TRIGGER payment_methods_list_restore AFTER UPDATE OF deleted_at ON payment_methods
    FOR EACH ROW WHEN (OLD.deleted_at IS NOT NULL AND NEW.deleted_at IS NULL) EXECUTE FUNCTION list_live('payment_methods', 'true');

INSERT INTO list_positions (list, merchant_id, pos, object_id, live)
SELECT 'items', merchant_id, row_number() OVER (PARTITION BY merchant_id ORDER BY created_at, id), id, deleted_at IS NULL
FROM items;
CREATE TRIGGER items_list_insert AFTER INSERT ON items
    FOR EACH ROW EXECUTE FUNCTION list_insert('items');
CREATE TRIGGER items_list_delete AFTER UPDATE OF deleted_at ON items
    FOR EACH ROW WHEN (OLD.deleted_at IS NULL AND NEW.deleted_at IS NOT NULL) EXECUTE FUNCTION list_live('items', 'false');
CREATE TRIGGER items_list_restore AFTER UPDATE OF deleted_at ON items
    FOR EACH ROW WHEN (OLD.deleted_at IS NOT NULL AND NEW.deleted_at IS NULL) EXECUTE FUNCTION list_live('items', 'true');

INSERT INTO list_positions (list, merchant_id, pos, object_id, live)
SELECT 'invoices', merchant_id, row_number() OVER (PARTITION BY merchant_id ORDER BY created_at, id), id, deleted_at IS NULL
FROM invoices;
CREATE TRIGGER invoices_list_insert AFTER INSERT ON invoices
    FOR EACH ROW EXECUTE FUNCTION list_insert('invoices');
CREATE TRIGGER invoices_list_delete AFTER UPDATE OF deleted_at ON invoices
    FOR EACH ROW WHEN (OLD.deleted_at IS NULL AND NEW.deleted_at IS NOT NULL) EXECUTE FUNCTION list_live('invoices', 'false');
CREATE TRIGGER invoices_list_restore AFTER UPDATE OF deleted_at ON invoices
    FOR EACH ROW WHEN (OLD.deleted_at IS NOT NULL AND NEW.deleted_at IS NULL) EXECUTE FUNCTION list_live('invoices', 'true');

INSERT INTO list_positions (list, merchant_id, pos, object_id, live)
SELECT 'schedules', merchant_id, row_number() OVER (PARTITION BY merchant_id ORDER BY created_at, id), id, deleted_at IS NULL
FROM schedules;
CREATE TRIGGER schedules_list_insert AFTER INSERT ON schedules
    FOR EACH ROW EXECUTE FUNCTION list_insert('schedules');
CREATE TRIGGER schedules_list_delete AFTER UPDATE OF deleted_at ON schedules
    FOR EACH ROW WHEN (OLD.deleted_at IS NULL AND NEW.deleted_at IS NOT NULL) EXECUTE FUNCTION list_live('schedules', 'false');
CREATE TRIGGER schedules_list_restore AFTER UPDATE OF deleted_at ON schedules
    FOR EACH ROW WHEN (OLD.deleted_at IS NOT NULL AND NEW.deleted_at IS NULL) EXECUTE FUNCTION list_live('schedules', 'true');

INSERT INTO list_blocks (list, merchant_id, block, live)
SELECT list, merchant_id, pos / 1000, count(*) FILTER (WHERE live)
FROM list_positions GROUP BY list, merchant_id, pos / 1000;
INSERT INTO list_blocks (list, merchant_id, block, live)
SELECT list, merchant_id, -1, count(*) FILTER (WHERE live)
FROM list_positions GROUP BY list, merchant_id;
