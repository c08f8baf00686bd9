-- One customer's invoices in O(page) (GET /invoice?customer_id=..., with or
-- without a created range; issue 21). Migration 030's index made a page cost
-- O(that customer's invoices): the count, and the offset walked. Now each
-- numbered invoice also has a place in its customer's list, at its position
-- in the merchant's (migration 012's list_positions, list 'invoices'), so
-- the customer's list is in the merchant's order, and moving an invoice to
-- another customer (an update may) or deleting it only moves or flips one
-- place, never renumbers. invoice_customer_blocks counts each customer's
-- live invoices per block of 1,000 merchant positions (block = pos / 1000),
-- and a page walks those counts as ListRangePage walks list_blocks: O(page
-- + the blocks the customer has invoices in), at most the merchant's
-- invoices / 1,000. The numberer places invoices when it numbers them
-- (InvoiceCustomerPositionsSet, in its transaction); the trigger below
-- re-places an invoice whose customer or deletion changes. It first locks
-- the invoice's queue row: a numberer that dequeued it is waited for (and
-- its places then seen: each statement of a trigger function reads
-- afresh), and a numberer that comes later waits and reads the invoice as
-- updated.
CREATE TABLE invoice_customer_positions (
    merchant_id uuid NOT NULL,
    customer_id uuid NOT NULL,
    pos         bigint NOT NULL,
    invoice_id  uuid NOT NULL UNIQUE,
    live        boolean NOT NULL,
    PRIMARY KEY (merchant_id, customer_id, pos)
);
CREATE TABLE invoice_customer_blocks (
    merchant_id uuid NOT NULL,
    customer_id uuid NOT NULL,
    block       bigint NOT NULL,
    live        integer NOT NULL,
    PRIMARY KEY (merchant_id, customer_id, block)
);
INSERT INTO invoice_customer_positions (merchant_id, customer_id, pos, invoice_id, live)
SELECT i.merchant_id, i.customer_id, p.pos, i.id, p.live
FROM list_positions p JOIN invoices i ON i.id = p.object_id WHERE p.list = 'invoices';
INSERT INTO invoice_customer_blocks (merchant_id, customer_id, block, live)
SELECT merchant_id, customer_id, pos / 1000, count(*) FILTER (WHERE live)
FROM invoice_customer_positions GROUP BY merchant_id, customer_id, pos / 1000;

CREATE FUNCTION invoice_customer_place() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM 1 FROM list_position_queue WHERE list = 'invoices' AND object_id = NEW.id FOR UPDATE;
    WITH d AS (DELETE FROM invoice_customer_positions WHERE invoice_id = NEW.id
               RETURNING merchant_id, customer_id, pos, live)
    UPDATE invoice_customer_blocks b SET live = b.live - 1 FROM d
    WHERE d.live AND b.merchant_id = d.merchant_id AND b.customer_id = d.customer_id AND b.block = d.pos / 1000;
    WITH p AS (INSERT INTO invoice_customer_positions (merchant_id, customer_id, pos, invoice_id, live)
               SELECT merchant_id, NEW.customer_id, pos, NEW.id, NEW.deleted_at IS NULL FROM list_positions
               WHERE list = 'invoices' AND object_id = NEW.id
               RETURNING merchant_id, customer_id, pos, live)
    INSERT INTO invoice_customer_blocks (merchant_id, customer_id, block, live)
    SELECT merchant_id, customer_id, pos / 1000, CASE WHEN live THEN 1 ELSE 0 END FROM p
    ON CONFLICT (merchant_id, customer_id, block) DO UPDATE SET live = invoice_customer_blocks.live + excluded.live;
    RETURN NULL;
END $$;
CREATE TRIGGER invoices_customer_place AFTER UPDATE OF customer_id, deleted_at ON invoices
    FOR EACH ROW WHEN (OLD.customer_id IS DISTINCT FROM NEW.customer_id OR (OLD.deleted_at IS NULL) <> (NEW.deleted_at IS NULL))
    EXECUTE FUNCTION invoice_customer_place();

-- Payment methods and schedules filtered by customer (their --BYCUSTOMER
-- lines), in list order.
CREATE INDEX payment_methods_merchant_customer_created ON payment_methods (merchant_id, customer_id, created_at, id);
CREATE INDEX schedules_merchant_customer_created ON schedules (merchant_id, customer_id, created_at, id);
