-- Each merchant has its own payment processor (sandbox, stripe, ...), with
-- its credentials sealed by the vault; is_test marks a test merchant (the
-- only kind the sandbox processor serves outside sandbox mode).
ALTER TABLE merchants ADD COLUMN processor text NOT NULL DEFAULT '';
ALTER TABLE merchants ADD COLUMN is_test boolean NOT NULL DEFAULT false;
ALTER TABLE merchants ADD COLUMN processor_credentials text NOT NULL DEFAULT '';

-- What the processor said about the card: address verification and the
-- security code check.
ALTER TABLE transactions ADD COLUMN avs_code text NOT NULL DEFAULT '';
ALTER TABLE transactions ADD COLUMN avs_message text NOT NULL DEFAULT '';
ALTER TABLE transactions ADD COLUMN cvv_result text NOT NULL DEFAULT '';
-- Inbound events find a payment, or a child's refund, by its processor
-- reference.
CREATE INDEX transactions_gateway_ref ON transactions (merchant_id, gateway_ref) WHERE gateway_ref <> '';

-- Inbound processor events applied, one row per processor event id and
-- merchant: the unique key makes a replayed event a no-op. Disputes are
-- read back from here.
CREATE TABLE processor_events (
    id              uuid PRIMARY KEY,
    merchant_id     uuid NOT NULL REFERENCES merchants (id),
    processor       text NOT NULL,
    event_id        text NOT NULL,
    kind            text NOT NULL,
    transaction_id  text NOT NULL DEFAULT '',
    child_ref       text NOT NULL DEFAULT '',
    amount          bigint NOT NULL DEFAULT 0,
    reason          text NOT NULL DEFAULT '',
    status          text NOT NULL DEFAULT '',
    message         text NOT NULL DEFAULT '',
    created_at      timestamptz NOT NULL,
    UNIQUE (merchant_id, processor, event_id)
);
CREATE INDEX processor_events_transaction ON processor_events (merchant_id, transaction_id, created_at);
