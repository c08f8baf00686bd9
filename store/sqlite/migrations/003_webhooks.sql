-- Webhooks and their delivery log. A delivery row is written in the same
-- transaction as the event it carries (a transactional outbox); a relay
-- turns new rows into durable River jobs in batches (River's tables come
-- from River's own migrations).
CREATE TABLE webhooks (
    id                  TEXT PRIMARY KEY,
    merchant_id         TEXT REFERENCES merchants (id),
    partner_id          TEXT REFERENCES partners (id),
    target_url          TEXT NOT NULL,
    event               TEXT NOT NULL,
    secret              TEXT NOT NULL,
    max_attempts        INTEGER NOT NULL,
    retry_base_seconds  INTEGER NOT NULL,
    created_at          TEXT NOT NULL,
    deleted_at          TEXT,
    CHECK ((merchant_id IS NULL) <> (partner_id IS NULL))
);
CREATE INDEX webhooks_merchant ON webhooks (merchant_id) WHERE deleted_at IS NULL;
CREATE INDEX webhooks_partner ON webhooks (partner_id) WHERE deleted_at IS NULL;

CREATE TABLE webhook_deliveries (
    seq               INTEGER PRIMARY KEY AUTOINCREMENT,
    id                TEXT NOT NULL UNIQUE,
    webhook_id        TEXT NOT NULL REFERENCES webhooks (id),
    merchant_id       TEXT NOT NULL,
    event_id          TEXT NOT NULL,
    event_name        TEXT NOT NULL,
    object_id         TEXT NOT NULL,
    status            TEXT NOT NULL,
    attempts          INTEGER NOT NULL DEFAULT 0,
    last_status_code  INTEGER NOT NULL DEFAULT 0,
    last_error        TEXT NOT NULL DEFAULT '',
    delivered_at      TEXT,
    enqueued          INTEGER NOT NULL DEFAULT 0,
    created_at        TEXT NOT NULL,
    updated_at        TEXT NOT NULL
);
CREATE INDEX webhook_deliveries_webhook ON webhook_deliveries (webhook_id, seq);
CREATE INDEX webhook_deliveries_pending ON webhook_deliveries (webhook_id, object_id, seq) WHERE status = 'pending';
CREATE INDEX webhook_deliveries_unqueued ON webhook_deliveries (seq) WHERE enqueued = 0;
