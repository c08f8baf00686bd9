-- The tables a charge writes, as Tender's PostgreSQL migrations create them
-- (the columns, indexes and foreign keys that matter for the write path).
-- Every row names its merchant, checked by a foreign key (each check locks
-- the merchant's row in KEY SHARE mode, as in Tender).
CREATE TABLE merchants (id uuid PRIMARY KEY, company_name text NOT NULL, created_at timestamptz NOT NULL);
INSERT INTO merchants VALUES ('00000000-0000-4000-8000-000000000001', 'pgbench', now());
CREATE TABLE transactions (
    id uuid PRIMARY KEY, merchant_id uuid NOT NULL REFERENCES merchants (id), parent_id uuid REFERENCES transactions (id), invoice_id text NOT NULL DEFAULT '',
    customer_id text NOT NULL DEFAULT '', payment_method_id text NOT NULL DEFAULT '', type text NOT NULL,
    source text NOT NULL DEFAULT '', method text NOT NULL DEFAULT '', success boolean NOT NULL DEFAULT false,
    status text NOT NULL, message text NOT NULL DEFAULT '', total bigint NOT NULL, captured bigint NOT NULL DEFAULT 0,
    total_refunded bigint NOT NULL DEFAULT 0, pending_refunds bigint NOT NULL DEFAULT 0,
    surcharge bigint NOT NULL DEFAULT 0, pre_auth boolean NOT NULL DEFAULT false,
    is_captured boolean NOT NULL DEFAULT false, is_voided boolean NOT NULL DEFAULT false,
    cancelled boolean NOT NULL DEFAULT false, pending_op text NOT NULL DEFAULT '', last_four text NOT NULL DEFAULT '',
    meta jsonb NOT NULL DEFAULT '{}', batch_id text NOT NULL DEFAULT '', batched_at timestamptz, settled_at timestamptz,
    gateway_ref text NOT NULL DEFAULT '', auth_code text NOT NULL DEFAULT '', decline_code text NOT NULL DEFAULT '',
    gateway_unknown boolean NOT NULL DEFAULT false, idempotency_id text NOT NULL DEFAULT '',
    created_at timestamptz NOT NULL, updated_at timestamptz NOT NULL
);
CREATE INDEX transactions_merchant_created ON transactions (merchant_id, created_at, id);
CREATE INDEX transactions_parent ON transactions (parent_id);
CREATE INDEX transactions_pending ON transactions (status, created_at) WHERE status = 'PENDING';
CREATE INDEX transactions_unsettled ON transactions (created_at) WHERE settled_at IS NULL AND success;
CREATE INDEX transactions_invoice ON transactions (invoice_id) WHERE invoice_id <> '';
-- Each new transaction is queued for its list position by a trigger, in the
-- same transaction (the numbering itself runs later, in the background).
CREATE TABLE transaction_position_queue (
    transaction_id uuid PRIMARY KEY, merchant_id uuid NOT NULL, created_at timestamptz NOT NULL
);
CREATE INDEX transaction_position_queue_merchant ON transaction_position_queue (merchant_id, created_at, transaction_id);
CREATE INDEX transaction_position_queue_age ON transaction_position_queue (created_at, transaction_id);
CREATE FUNCTION transactions_position() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO transaction_position_queue (transaction_id, merchant_id, created_at) VALUES (NEW.id, NEW.merchant_id, NEW.created_at);
    RETURN NULL;
END $$;
CREATE TRIGGER transactions_position AFTER INSERT ON transactions
    FOR EACH ROW EXECUTE FUNCTION transactions_position();
CREATE TABLE idempotency_keys (
    merchant_id uuid NOT NULL REFERENCES merchants (id), scope text NOT NULL, idem_key text NOT NULL, request_hash text NOT NULL,
    state text NOT NULL, outcome text NOT NULL DEFAULT '', response text NOT NULL DEFAULT '',
    transaction_id text NOT NULL DEFAULT '', created_at timestamptz NOT NULL, updated_at timestamptz NOT NULL,
    PRIMARY KEY (merchant_id, scope, idem_key)
);
CREATE INDEX idempotency_keys_transaction ON idempotency_keys (transaction_id);
CREATE TABLE sandbox_ledger (
    op_key text PRIMARY KEY, op text NOT NULL, ref text NOT NULL DEFAULT '', parent_ref text NOT NULL DEFAULT '',
    amount bigint NOT NULL DEFAULT 0, approved boolean NOT NULL DEFAULT false, message text NOT NULL DEFAULT '',
    decline_code text NOT NULL DEFAULT '', auth_code text NOT NULL DEFAULT '', return_code text NOT NULL DEFAULT '',
    created_at timestamptz NOT NULL
);
CREATE INDEX sandbox_ledger_ref ON sandbox_ledger (ref) WHERE ref <> '';
CREATE INDEX sandbox_ledger_parent ON sandbox_ledger (parent_ref) WHERE parent_ref <> '';
CREATE TABLE events (
    seq bigserial PRIMARY KEY, id uuid NOT NULL UNIQUE, merchant_id uuid NOT NULL REFERENCES merchants (id), name text NOT NULL,
    object_type text NOT NULL, object_id text NOT NULL, payload json NOT NULL, created_at timestamptz NOT NULL
);
CREATE INDEX events_merchant_created ON events (merchant_id, created_at);
CREATE TABLE event_outbox (seq bigint PRIMARY KEY);
