-- Each merchant has its own payment processor (sandbox, stripe, ...), with
-- its credentials sealed by the vault; is_test marks a test merchant (the
-- only kind the sandbox processor serves outside sandbox mode).
ALTER TABLE merchants ADD COLUMN processor TEXT NOT NULL DEFAULT '';
ALTER TABLE merchants ADD COLUMN is_test INTEGER NOT NULL DEFAULT 0;
ALTER TABLE merchants ADD COLUMN processor_credentials TEXT NOT NULL DEFAULT '';

-- What the processor said about the card: address verification and the
-- security code check.
ALTER TABLE transactions ADD COLUMN avs_code TEXT NOT NULL DEFAULT '';
ALTER TABLE transactions ADD COLUMN avs_message TEXT NOT NULL DEFAULT '';
ALTER TABLE transactions ADD COLUMN cvv_result TEXT NOT NULL DEFAULT '';
-- Inbound events find a payment, or a child's refund, by its processor
-- reference.
CREATE INDEX transactions_gateway_ref ON transactions (merchant_id, gateway_ref) WHERE gateway_ref <> '';

-- Inbound processor events applied, one row per processor event id and
-- merchant: the unique key makes a replayed event a no-op. Disputes are
-- read back from here.
CREATE TABLE processor_events (
    id              TEXT PRIMARY KEY,
    merchant_id     TEXT NOT NULL REFERENCES merchants (id),
    processor       TEXT NOT NULL,
    event_id        TEXT NOT NULL,
    kind            TEXT NOT NULL,
    transaction_id  TEXT NOT NULL DEFAULT '',
    child_ref       TEXT NOT NULL DEFAULT '',
    amount          INTEGER NOT NULL DEFAULT 0,
    reason          TEXT NOT NULL DEFAULT '',
    status          TEXT NOT NULL DEFAULT '',
    message         TEXT NOT NULL DEFAULT '',
    created_at      TEXT NOT NULL,
    UNIQUE (merchant_id, processor, event_id)
);
CREATE INDEX processor_events_transaction ON processor_events (merchant_id, transaction_id, created_at);
