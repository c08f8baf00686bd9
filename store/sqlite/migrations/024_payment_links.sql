-- Payment links; see PostgreSQL's migration 024. The CHECK keeps uses
-- within max_uses (NULL: unlimited) whatever the writers do.
CREATE TABLE payment_links (
    id           TEXT PRIMARY KEY,
    merchant_id  TEXT NOT NULL REFERENCES merchants (id),
    name         TEXT NOT NULL,
    description  TEXT NOT NULL DEFAULT '',
    total        INTEGER NOT NULL CHECK (total > 0),
    meta         TEXT NOT NULL DEFAULT '{}',
    is_active    INTEGER NOT NULL DEFAULT 1,
    expires_at   TEXT,
    max_uses     INTEGER CHECK (max_uses > 0),
    uses         INTEGER NOT NULL DEFAULT 0 CHECK (uses >= 0 AND (max_uses IS NULL OR uses <= max_uses)),
    views        INTEGER NOT NULL DEFAULT 0 CHECK (views >= 0),
    created_at   TEXT NOT NULL,
    updated_at   TEXT NOT NULL,
    deleted_at   TEXT
);
CREATE INDEX payment_links_merchant_created ON payment_links (merchant_id, created_at, id);

CREATE TRIGGER payment_links_list_insert AFTER INSERT ON payment_links
BEGIN
    INSERT INTO list_position_queue (list, object_id, merchant_id, created_at, live)
    VALUES ('payment_links', NEW.id, NEW.merchant_id, NEW.created_at, NEW.deleted_at IS NULL);
END;
CREATE TRIGGER payment_links_list_delete AFTER UPDATE OF deleted_at ON payment_links
    WHEN OLD.deleted_at IS NULL AND NEW.deleted_at IS NOT NULL
BEGIN
    UPDATE list_position_queue SET live = 0 WHERE list = 'payment_links' AND object_id = NEW.id;
    UPDATE list_blocks SET live = live - 1
    WHERE list = 'payment_links' AND merchant_id = NEW.merchant_id
      AND block IN (-1, (SELECT pos / 1000 FROM list_positions WHERE list = 'payment_links' AND object_id = NEW.id AND live = 1))
      AND EXISTS (SELECT 1 FROM list_positions WHERE list = 'payment_links' AND object_id = NEW.id AND live = 1);
    UPDATE list_positions SET live = 0 WHERE list = 'payment_links' AND object_id = NEW.id;
END;
CREATE TRIGGER payment_links_list_restore AFTER UPDATE OF deleted_at ON payment_links
    WHEN OLD.deleted_at IS NOT NULL AND NEW.deleted_at IS NULL
BEGIN
    UPDATE list_position_queue SET live = 1 WHERE list = 'payment_links' AND object_id = NEW.id;
    UPDATE list_blocks SET live = live + 1
    WHERE list = 'payment_links' AND merchant_id = NEW.merchant_id
      AND block IN (-1, (SELECT pos / 1000 FROM list_positions WHERE list = 'payment_links' AND object_id = NEW.id AND live = 0))
      AND EXISTS (SELECT 1 FROM list_positions WHERE list = 'payment_links' AND object_id = NEW.id AND live = 0);
    UPDATE list_positions SET live = 1 WHERE list = 'payment_links' AND object_id = NEW.id;
END;
