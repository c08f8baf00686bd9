-- Files (POST/GET /file, GET/PUT/DELETE /file/{id}, GET /file/{id}/download):
-- metadata in files, the bytes in file_contents, one row each, so lists and
-- metadata reads never touch the bytes; both are in the database file, so a
-- backup holds them. A file is attached to at most one invoice, item or
-- transaction of its merchant. Deleting a file sets deleted_at and drops
-- its bytes.
CREATE TABLE files (
    id              TEXT PRIMARY KEY,
    merchant_id     TEXT NOT NULL REFERENCES merchants (id),
    name            TEXT NOT NULL,
    tag             TEXT,
    mime            TEXT NOT NULL,
    size            INTEGER NOT NULL CHECK (size > 0),
    width           INTEGER NOT NULL DEFAULT 0,
    height          INTEGER NOT NULL DEFAULT 0,
    sha256          TEXT NOT NULL,
    invoice_id      TEXT,
    item_id         TEXT,
    transaction_id  TEXT,
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL,
    deleted_at      TEXT,
    CHECK ((invoice_id IS NOT NULL) + (item_id IS NOT NULL) + (transaction_id IS NOT NULL) <= 1)
);
CREATE INDEX files_merchant_created ON files (merchant_id, created_at, id) WHERE deleted_at IS NULL;
CREATE INDEX files_merchant_tag ON files (merchant_id, tag) WHERE deleted_at IS NULL;
CREATE INDEX files_invoice ON files (merchant_id, invoice_id) WHERE invoice_id IS NOT NULL AND deleted_at IS NULL;
CREATE INDEX files_item ON files (merchant_id, item_id) WHERE item_id IS NOT NULL AND deleted_at IS NULL;
CREATE INDEX files_transaction ON files (merchant_id, transaction_id) WHERE transaction_id IS NOT NULL AND deleted_at IS NULL;

CREATE TABLE file_contents (
    file_id  TEXT PRIMARY KEY REFERENCES files (id),
    data     BLOB NOT NULL
);
