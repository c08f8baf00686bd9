-- Card-present terminals. A register is a paired device; terminal_requests
-- is the queue between the API (any instance) and the instance holding the
-- device's connection: a request is claimed (queued -> delivered) by one
-- instance, and its outcome recorded in the transaction that records the
-- money.
CREATE TABLE registers (
    id                  TEXT PRIMARY KEY,
    merchant_id         TEXT NOT NULL REFERENCES merchants (id),
    register_num        INTEGER NOT NULL,
    serial              TEXT NOT NULL DEFAULT '',
    nickname            TEXT NOT NULL DEFAULT '',
    type                TEXT NOT NULL DEFAULT '',
    tip_enabled         INTEGER NOT NULL DEFAULT 0,
    batch_time          TEXT NOT NULL,
    last_batch_at       TEXT,
    last_seen_at        TEXT,
    paired_at           TEXT,
    device_token_hash   TEXT,
    pairing_code_hash   TEXT,
    pairing_expires_at  TEXT,
    created_at          TEXT NOT NULL,
    updated_at          TEXT NOT NULL,
    deleted_at          TEXT,
    UNIQUE (merchant_id, register_num)
);
CREATE UNIQUE INDEX registers_device_token ON registers (device_token_hash) WHERE device_token_hash IS NOT NULL;
CREATE UNIQUE INDEX registers_pairing_code ON registers (pairing_code_hash) WHERE pairing_code_hash IS NOT NULL;

CREATE TABLE terminal_requests (
    id              TEXT PRIMARY KEY,
    merchant_id     TEXT NOT NULL REFERENCES merchants (id),
    register_id     TEXT NOT NULL REFERENCES registers (id),
    transaction_id  TEXT,
    kind            TEXT NOT NULL,
    amount          INTEGER NOT NULL DEFAULT 0,
    params          TEXT NOT NULL DEFAULT '{}',
    state           TEXT NOT NULL,
    result          TEXT NOT NULL DEFAULT '{}',
    created_at      TEXT NOT NULL,
    delivered_at    TEXT,
    done_at         TEXT
);
CREATE INDEX terminal_requests_open ON terminal_requests (register_id, created_at) WHERE state <> 'done' AND state <> 'expired';
CREATE INDEX terminal_requests_transaction ON terminal_requests (transaction_id);
