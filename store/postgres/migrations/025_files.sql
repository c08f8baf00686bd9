-- Files (POST/GET /file, GET/PUT/DELETE /file/{id}, GET /file/{id}/download):
-- metadata in files, the bytes in file_contents, one row each, so lists and
-- metadata reads never touch the bytes; both are in the database, so every
-- instance serves every file and a backup holds them. A file is attached to
-- at most one invoice, item or transaction of its merchant. Deleting a file
-- sets deleted_at and drops its bytes.
CREATE TABLE files (
    id              uuid PRIMARY KEY,
    merchant_id     uuid NOT NULL REFERENCES merchants (id),
    name            text NOT NULL,
    tag             text,
    mime            text NOT NULL,
    size            bigint NOT NULL CHECK (size > 0),
    width           integer NOT NULL DEFAULT 0,
    height          integer NOT NULL DEFAULT 0,
    sha256          text NOT NULL,
    invoice_id      uuid,
    item_id         uuid,
    transaction_id  uuid,
    created_at      timestamptz NOT NULL,
    updated_at      timestamptz NOT NULL,
    deleted_at      timestamptz,
    CHECK (num_nonnulls(invoice_id, item_id, transaction_id) <= 1)
);
CREATE INDEX files_merchant_created ON files (merchant_id, created_at, id) WHERE deleted_at IS NULL;
CREATE INDEX files_merchant_tag ON files (merchant_id, tag) WHERE deleted_at IS NULL;
CREATE INDEX files_invoice ON files (merchant_id, invoice_id) WHERE invoice_id IS NOT NULL AND deleted_at IS NULL;
CREATE INDEX files_item ON files (merchant_id, item_id) WHERE item_id IS NOT NULL AND deleted_at IS NULL;
CREATE INDEX files_transaction ON files (merchant_id, transaction_id) WHERE transaction_id IS NOT NULL AND deleted_at IS NULL;

CREATE TABLE file_contents (
    file_id  uuid PRIMARY KEY REFERENCES files (id),
    data     bytea NOT NULL
);
