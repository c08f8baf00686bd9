-- Money core: payment methods (numbers sealed by the vault), transactions,
-- idempotency keys, and the sandbox processor's own ledger.
CREATE TABLE payment_methods (
    id                TEXT PRIMARY KEY,
    merchant_id       TEXT NOT NULL REFERENCES merchants (id),
    customer_id       TEXT NOT NULL REFERENCES customers (id),
    method            TEXT NOT NULL CHECK (method IN ('card', 'bank')),
    nickname          TEXT NOT NULL DEFAULT '',
    person_name       TEXT NOT NULL DEFAULT '',
    card_type         TEXT NOT NULL DEFAULT '',
    card_last_four    TEXT NOT NULL DEFAULT '',
    card_exp          TEXT NOT NULL DEFAULT '',
    bin_type          TEXT NOT NULL DEFAULT '',
    has_cvv           INTEGER NOT NULL DEFAULT 0,
    is_default        INTEGER NOT NULL DEFAULT 0,
    bank_name         TEXT NOT NULL DEFAULT '',
    bank_type         TEXT NOT NULL DEFAULT '',
    bank_holder_type  TEXT NOT NULL DEFAULT '',
    address_1         TEXT NOT NULL DEFAULT '',
    address_2         TEXT NOT NULL DEFAULT '',
    address_city      TEXT NOT NULL DEFAULT '',
    address_state     TEXT NOT NULL DEFAULT '',
    address_zip       TEXT NOT NULL DEFAULT '',
    address_country   TEXT NOT NULL DEFAULT '',
    meta              TEXT NOT NULL DEFAULT '{}',
    is_usable_in_vt   INTEGER NOT NULL DEFAULT 1,
    fingerprint       TEXT NOT NULL,
    sealed_number     TEXT NOT NULL,
    sealed_cvv        TEXT NOT NULL DEFAULT '',
    bank_routing      TEXT NOT NULL DEFAULT '',
    created_at        TEXT NOT NULL,
    updated_at        TEXT NOT NULL,
    deleted_at        TEXT
);
CREATE INDEX payment_methods_merchant_created ON payment_methods (merchant_id, created_at, id);
CREATE INDEX payment_methods_customer ON payment_methods (customer_id);
CREATE INDEX payment_methods_fingerprint ON payment_methods (merchant_id, fingerprint);

CREATE TABLE transactions (
    id                 TEXT PRIMARY KEY,
    merchant_id        TEXT NOT NULL REFERENCES merchants (id),
    parent_id          TEXT REFERENCES transactions (id),
    invoice_id         TEXT NOT NULL DEFAULT '',
    customer_id        TEXT NOT NULL DEFAULT '',
    payment_method_id  TEXT NOT NULL DEFAULT '',
    type               TEXT NOT NULL,
    source             TEXT NOT NULL DEFAULT '',
    method             TEXT NOT NULL DEFAULT '',
    success            INTEGER NOT NULL DEFAULT 0,
    status             TEXT NOT NULL,
    message            TEXT NOT NULL DEFAULT '',
    total              INTEGER NOT NULL,
    captured           INTEGER NOT NULL DEFAULT 0,
    total_refunded     INTEGER NOT NULL DEFAULT 0,
    pending_refunds    INTEGER NOT NULL DEFAULT 0,
    surcharge          INTEGER NOT NULL DEFAULT 0,
    pre_auth           INTEGER NOT NULL DEFAULT 0,
    is_captured        INTEGER NOT NULL DEFAULT 0,
    is_voided          INTEGER NOT NULL DEFAULT 0,
    cancelled          INTEGER NOT NULL DEFAULT 0,
    pending_op         TEXT NOT NULL DEFAULT '',
    last_four          TEXT NOT NULL DEFAULT '',
    meta               TEXT NOT NULL DEFAULT '{}',
    batch_id           TEXT NOT NULL DEFAULT '',
    batched_at         TEXT,
    settled_at         TEXT,
    gateway_ref        TEXT NOT NULL DEFAULT '',
    auth_code          TEXT NOT NULL DEFAULT '',
    decline_code       TEXT NOT NULL DEFAULT '',
    gateway_unknown    INTEGER NOT NULL DEFAULT 0,
    idempotency_id     TEXT NOT NULL DEFAULT '',
    created_at         TEXT NOT NULL,
    updated_at         TEXT NOT NULL,
    CHECK (total >= 0 AND captured >= 0 AND total_refunded >= 0 AND pending_refunds >= 0),
    CHECK (total_refunded + pending_refunds <= captured OR type NOT IN ('charge', 'pre_auth'))
);
CREATE INDEX transactions_merchant_created ON transactions (merchant_id, created_at, id);
CREATE INDEX transactions_parent ON transactions (parent_id);
CREATE INDEX transactions_pending ON transactions (status, created_at) WHERE status = 'PENDING';
CREATE INDEX transactions_unsettled ON transactions (created_at) WHERE settled_at IS NULL AND success = 1;

CREATE TABLE idempotency_keys (
    merchant_id     TEXT NOT NULL REFERENCES merchants (id),
    scope           TEXT NOT NULL,
    idem_key        TEXT NOT NULL,
    request_hash    TEXT NOT NULL,
    state           TEXT NOT NULL CHECK (state IN ('in_flight', 'done')),
    outcome         TEXT NOT NULL DEFAULT '',
    response        TEXT NOT NULL DEFAULT '',
    transaction_id  TEXT NOT NULL DEFAULT '',
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL,
    PRIMARY KEY (merchant_id, scope, idem_key)
);
CREATE INDEX idempotency_keys_transaction ON idempotency_keys (transaction_id);

CREATE TABLE sandbox_ledger (
    op_key        TEXT PRIMARY KEY,
    op            TEXT NOT NULL,
    ref           TEXT NOT NULL DEFAULT '',
    parent_ref    TEXT NOT NULL DEFAULT '',
    amount        INTEGER NOT NULL DEFAULT 0,
    approved      INTEGER NOT NULL DEFAULT 0,
    message       TEXT NOT NULL DEFAULT '',
    decline_code  TEXT NOT NULL DEFAULT '',
    auth_code     TEXT NOT NULL DEFAULT '',
    return_code   TEXT NOT NULL DEFAULT '',
    created_at    TEXT NOT NULL
);
CREATE INDEX sandbox_ledger_ref ON sandbox_ledger (ref) WHERE ref <> '';
CREATE INDEX sandbox_ledger_parent ON sandbox_ledger (parent_ref) WHERE parent_ref <> '';
