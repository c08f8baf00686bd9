-- Money core: payment methods (numbers sealed by the vault), transactions,
-- idempotency keys, and the sandbox processor's own ledger.
CREATE TABLE payment_methods (
    id                uuid PRIMARY KEY,
    merchant_id       uuid NOT NULL REFERENCES merchants (id),
    customer_id       uuid NOT NULL REFERENCES customers (id),
    method            text NOT NULL CHECK (method IN ('card', 'bank')),
    nickname          text NOT NULL DEFAULT '',
    person_name       text NOT NULL DEFAULT '',
    card_type         text NOT NULL DEFAULT '',
    card_last_four    text NOT NULL DEFAULT '',
    card_exp          text NOT NULL DEFAULT '',
    bin_type          text NOT NULL DEFAULT '',
    has_cvv           boolean NOT NULL DEFAULT false,
    is_default        boolean NOT NULL DEFAULT false,
    bank_name         text NOT NULL DEFAULT '',
    bank_type         text NOT NULL DEFAULT '',
    bank_holder_type  text NOT NULL DEFAULT '',
    address_1         text NOT NULL DEFAULT '',
    address_2         text NOT NULL DEFAULT '',
    address_city      text NOT NULL DEFAULT '',
    address_state     text NOT NULL DEFAULT '',
    address_zip       text NOT NULL DEFAULT '',
    address_country   text NOT NULL DEFAULT '',
    meta              jsonb NOT NULL DEFAULT '{}',
    is_usable_in_vt   boolean NOT NULL DEFAULT true,
    fingerprint       text NOT NULL,
    sealed_number     text NOT NULL,
    sealed_cvv        text NOT NULL DEFAULT '',
    bank_routing      text NOT NULL DEFAULT '',
    created_at        timestamptz NOT NULL,
    updated_at        timestamptz NOT NULL,
    deleted_at        timestamptz
);
CREATE INDEX payment_methods_merchant_created ON payment_methods (merchant_id, created_at, id);
CREATE INDEX payment_methods_customer ON payment_methods (customer_id);
CREATE INDEX payment_methods_fingerprint ON payment_methods (merchant_id, fingerprint);

CREATE TABLE transactions (
    id                 uuid PRIMARY KEY,
    merchant_id        uuid NOT NULL REFERENCES merchants (id),
    parent_id          uuid REFERENCES transactions (id),
    invoice_id         text NOT NULL DEFAULT '',
    customer_id        text NOT NULL DEFAULT '',
    payment_method_id  text NOT NULL DEFAULT '',
    type               text NOT NULL,
    source             text NOT NULL DEFAULT '',
    method             text NOT NULL DEFAULT '',
    success            boolean NOT NULL DEFAULT false,
    status             text NOT NULL,
    message            text NOT NULL DEFAULT '',
    total              bigint NOT NULL,
    captured           bigint NOT NULL DEFAULT 0,
    total_refunded     bigint NOT NULL DEFAULT 0,
    pending_refunds    bigint NOT NULL DEFAULT 0,
    surcharge          bigint NOT NULL DEFAULT 0,
    pre_auth           boolean NOT NULL DEFAULT false,
    is_captured        boolean NOT NULL DEFAULT false,
    is_voided          boolean NOT NULL DEFAULT false,
    cancelled          boolean NOT NULL DEFAULT false,
    pending_op         text NOT NULL DEFAULT '',
    last_four          text NOT NULL DEFAULT '',
    meta               jsonb NOT NULL DEFAULT '{}',
    batch_id           text NOT NULL DEFAULT '',
    batched_at        timestamptz,
    settled_at        timestamptz,
    gateway_ref        text NOT NULL DEFAULT '',
    auth_code          text NOT NULL DEFAULT '',
    decline_code       text NOT NULL DEFAULT '',
    gateway_unknown    boolean NOT NULL DEFAULT false,
    idempotency_id     text NOT NULL DEFAULT '',
    created_at         timestamptz NOT NULL,
    updated_at         timestamptz NOT NULL,
    CHECK (total >= 0 AND captured >= 0 AND total_refunded >= 0 AND pending_refunds >= 0),
    CHECK (total_refunded + pending_refunds <= captured OR type NOT IN ('charge', 'pre_auth'))
);
CREATE INDEX transactions_merchant_created ON transactions (merchant_id, created_at, id);
CREATE INDEX transactions_parent ON transactions (parent_id);
CREATE INDEX transactions_pending ON transactions (status, created_at) WHERE status = 'PENDING';
CREATE INDEX transactions_unsettled ON transactions (created_at) WHERE settled_at IS NULL AND success;

CREATE TABLE idempotency_keys (
    merchant_id     uuid NOT NULL REFERENCES merchants (id),
    scope           text NOT NULL,
    idem_key        text NOT NULL,
    request_hash    text NOT NULL,
    state           text NOT NULL CHECK (state IN ('in_flight', 'done')),
    outcome         text NOT NULL DEFAULT '',
    response        text NOT NULL DEFAULT '',
    transaction_id  text NOT NULL DEFAULT '',
    created_at      timestamptz NOT NULL,
    updated_at      timestamptz NOT NULL,
    PRIMARY KEY (merchant_id, scope, idem_key)
);
CREATE INDEX idempotency_keys_transaction ON idempotency_keys (transaction_id);

CREATE TABLE sandbox_ledger (
    op_key        text PRIMARY KEY,
    op            text NOT NULL,
    ref           text NOT NULL DEFAULT '',
    parent_ref    text NOT NULL DEFAULT '',
    amount        bigint NOT NULL DEFAULT 0,
    approved      boolean NOT NULL DEFAULT false,
    message       text NOT NULL DEFAULT '',
    decline_code  text NOT NULL DEFAULT '',
    auth_code     text NOT NULL DEFAULT '',
    return_code   text NOT NULL DEFAULT '',
    created_at    timestamptz NOT NULL
);
CREATE INDEX sandbox_ledger_ref ON sandbox_ledger (ref) WHERE ref <> '';
CREATE INDEX sandbox_ledger_parent ON sandbox_ledger (parent_ref) WHERE parent_ref <> '';
