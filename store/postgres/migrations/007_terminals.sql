-- Card-present terminals. A register is a paired device; terminal_requests
-- is the queue between the API (any instance) and the instance holding the
-- device's connection: a request is claimed (queued -> delivered) by one
-- instance, and its outcome recorded in the transaction that records the
-- money.
CREATE TABLE registers (
    id                  uuid PRIMARY KEY,
    merchant_id         uuid NOT NULL REFERENCES merchants (id),
    register_num        integer NOT NULL,
    serial              text NOT NULL DEFAULT '',
    nickname            text NOT NULL DEFAULT '',
    type                text NOT NULL DEFAULT '',
    tip_enabled         boolean NOT NULL DEFAULT false,
    batch_time          text NOT NULL,
    last_batch_at       timestamptz,
    last_seen_at        timestamptz,
    paired_at           timestamptz,
    device_token_hash   text,
    pairing_code_hash   text,
    pairing_expires_at  timestamptz,
    created_at          timestamptz NOT NULL,
    updated_at          timestamptz NOT NULL,
    deleted_at          timestamptz,
    UNIQUE (merchant_id, register_num)
);
CREATE UNIQUE INDEX registers_device_token ON registers (device_token_hash) WHERE device_token_hash IS NOT NULL;
CREATE UNIQUE INDEX registers_pairing_code ON registers (pairing_code_hash) WHERE pairing_code_hash IS NOT NULL;

CREATE TABLE terminal_requests (
    id              uuid PRIMARY KEY,
    merchant_id     uuid NOT NULL REFERENCES merchants (id),
    register_id     uuid NOT NULL REFERENCES registers (id),
    transaction_id  uuid,
    kind            text NOT NULL,
    amount          bigint NOT NULL DEFAULT 0,
    params          jsonb NOT NULL DEFAULT '{}',
    state           text NOT NULL,
    result          jsonb NOT NULL DEFAULT '{}',
    created_at      timestamptz NOT NULL,
    delivered_at    timestamptz,
    done_at         timestamptz
);
CREATE INDEX terminal_requests_open ON terminal_requests (register_id, created_at) WHERE state <> 'done' AND state <> 'expired';
CREATE INDEX terminal_requests_transaction ON terminal_requests (transaction_id);
