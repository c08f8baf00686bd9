-- Webhooks and their delivery log. A delivery row is written in the same
-- transaction as the event it carries (a transactional outbox); a relay
-- turns new rows into durable River jobs in batches (River's tables come
-- from River's own migrations).
CREATE TABLE webhooks (
    id                  uuid PRIMARY KEY,
    merchant_id         uuid REFERENCES merchants (id),
    partner_id          uuid REFERENCES partners (id),
    target_url          text NOT NULL,
    event               text NOT NULL,
    secret              text NOT NULL,
    max_attempts        integer NOT NULL,
    retry_base_seconds  integer NOT NULL,
    created_at          timestamptz NOT NULL,
    deleted_at          timestamptz,
    CHECK ((merchant_id IS NULL) <> (partner_id IS NULL))
);
CREATE INDEX webhooks_merchant ON webhooks (merchant_id) WHERE deleted_at IS NULL;
CREATE INDEX webhooks_partner ON webhooks (partner_id) WHERE deleted_at IS NULL;

CREATE TABLE webhook_deliveries (
    seq               bigserial PRIMARY KEY,
    id                text NOT NULL UNIQUE,
    webhook_id        uuid NOT NULL REFERENCES webhooks (id),
    merchant_id       uuid NOT NULL,
    event_id          text NOT NULL,
    event_name        text NOT NULL,
    object_id         text NOT NULL,
    status            text NOT NULL,
    attempts          integer NOT NULL DEFAULT 0,
    last_status_code  integer NOT NULL DEFAULT 0,
    last_error        text NOT NULL DEFAULT '',
    delivered_at      timestamptz,
    enqueued          boolean NOT NULL DEFAULT false,
    created_at        timestamptz NOT NULL,
    updated_at        timestamptz NOT NULL
);
CREATE INDEX webhook_deliveries_webhook ON webhook_deliveries (webhook_id, seq);
CREATE INDEX webhook_deliveries_pending ON webhook_deliveries (webhook_id, object_id, seq) WHERE status = 'pending';
CREATE INDEX webhook_deliveries_unqueued ON webhook_deliveries (seq) WHERE NOT enqueued;
