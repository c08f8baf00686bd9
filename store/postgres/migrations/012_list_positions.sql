-- Lists in O(page) for objects that can be deleted (customers), the way
-- migration 010 does it for transactions: every object gets a position in
-- its merchant's list (1, 2, 3, ...) from the numberer (ListPositionsAssign),
-- oldest first, a second after its insert, through list_position_queue,
-- which a trigger fills in the inserting transaction. Deleted objects leave
-- gaps, so positions are grouped in blocks of 1,000 (block = pos / 1000),
-- list_blocks counts each block's live (not deleted) objects, and a
-- position records whether its object is live: a page skips whole blocks by
-- their counts, then at most a block's positions, so it costs O(page +
-- objects / 1000) however deep it is, never O(objects). A delete takes its
-- object out of the queue, or marks its position and takes it out of its
-- block's count, in the same transaction. The numberer dequeues with
-- DELETE ... RETURNING, whose row locks order it against a concurrent
-- delete: whichever commits first, the other sees it (each statement of a
-- trigger reads afresh). Nothing undeletes a customer; an undelete would
-- have to count it back.
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
    PRIMARY KEY (list, object_id)
);
CREATE INDEX list_position_queue_merchant ON list_position_queue (list, merchant_id, created_at, object_id);
CREATE INDEX list_position_queue_age ON list_position_queue (created_at, object_id);

INSERT INTO list_positions (list, merchant_id, pos, object_id, live)
SELECT 'customers', merchant_id, row_number() OVER (PARTITION BY merchant_id ORDER BY created_at, id), id, deleted_at IS NULL
FROM customers;
INSERT INTO list_blocks (list, merchant_id, block, live)
SELECT 'customers', merchant_id, pos / 1000, count(*) FILTER (WHERE live)
FROM list_positions WHERE list = 'customers'
GROUP BY merchant_id, pos / 1000;

CREATE FUNCTION customers_list_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO list_position_queue (list, object_id, merchant_id, created_at)
    VALUES ('customers', NEW.id, NEW.merchant_id, NEW.created_at);
    RETURN NULL;
END $$;
CREATE TRIGGER customers_list_insert AFTER INSERT ON customers
    FOR EACH ROW WHEN (NEW.deleted_at IS NULL) EXECUTE FUNCTION customers_list_insert();

CREATE FUNCTION customers_list_delete() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM list_position_queue WHERE list = 'customers' AND object_id = NEW.id;
    IF NOT FOUND THEN
        WITH p AS (UPDATE list_positions SET live = false
                   WHERE list = 'customers' AND object_id = NEW.id RETURNING merchant_id, pos)
        UPDATE list_blocks b SET live = b.live - 1 FROM p
        WHERE b.list = 'customers' AND b.merchant_id = p.merchant_id AND b.block = p.pos / 1000;
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER customers_list_delete AFTER UPDATE OF deleted_at ON customers
    FOR EACH ROW WHEN (OLD.deleted_at IS NULL AND NEW.deleted_at IS NOT NULL) EXECUTE FUNCTION customers_list_delete();
