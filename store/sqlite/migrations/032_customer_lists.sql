-- One customer's invoices in O(page): see PostgreSQL's migration 032. Each
-- numbered invoice has a place in its customer's list at its position in
-- the merchant's, and the customer's blocks count its live invoices. The
-- trigger re-places an invoice whose customer or deletion changes (SQLite
-- has one writer, so it never races the numberer).
CREATE TABLE invoice_customer_positions (
    merchant_id TEXT NOT NULL,
    customer_id TEXT NOT NULL,
    pos         INTEGER NOT NULL,
    invoice_id  TEXT NOT NULL UNIQUE,
    live        INTEGER NOT NULL,
    PRIMARY KEY (merchant_id, customer_id, pos)
) WITHOUT ROWID;
CREATE TABLE invoice_customer_blocks (
    merchant_id TEXT NOT NULL,
    customer_id TEXT NOT NULL,
    block       INTEGER NOT NULL,
    live        INTEGER NOT NULL,
    PRIMARY KEY (merchant_id, customer_id, block)
) WITHOUT ROWID;
INSERT INTO invoice_customer_positions (merchant_id, customer_id, pos, invoice_id, live)
SELECT i.merchant_id, i.customer_id, p.pos, i.id, p.live
FROM list_positions p JOIN invoices i ON i.id = p.object_id WHERE p.list = 'invoices';
INSERT INTO invoice_customer_blocks (merchant_id, customer_id, block, live)
SELECT merchant_id, customer_id, pos / 1000, sum(live)
FROM invoice_customer_positions GROUP BY merchant_id, customer_id, pos / 1000;

CREATE TRIGGER invoices_customer_place AFTER UPDATE OF customer_id, deleted_at ON invoices
    WHEN OLD.customer_id IS NOT NEW.customer_id OR (OLD.deleted_at IS NULL) <> (NEW.deleted_at IS NULL)
BEGIN
    UPDATE invoice_customer_blocks SET live = live - 1
    WHERE (merchant_id, customer_id, block) IN (SELECT merchant_id, customer_id, pos / 1000
        FROM invoice_customer_positions WHERE invoice_id = NEW.id AND live = 1);
    DELETE FROM invoice_customer_positions WHERE invoice_id = NEW.id;
    INSERT INTO invoice_customer_positions (merchant_id, customer_id, pos, invoice_id, live)
    SELECT merchant_id, NEW.customer_id, pos, NEW.id, NEW.deleted_at IS NULL FROM list_positions
    WHERE list = 'invoices' AND object_id = NEW.id;
    INSERT INTO invoice_customer_blocks (merchant_id, customer_id, block, live)
    SELECT merchant_id, customer_id, pos / 1000, live FROM invoice_customer_positions WHERE invoice_id = NEW.id
    ON CONFLICT (merchant_id, customer_id, block) DO UPDATE SET live = live + excluded.live;
END;

-- Payment methods and schedules filtered by customer (their --BYCUSTOMER
-- lines), in list order.
CREATE INDEX payment_methods_merchant_customer_created ON payment_methods (merchant_id, customer_id, created_at, id);
CREATE INDEX schedules_merchant_customer_created ON schedules (merchant_id, customer_id, created_at, id);
