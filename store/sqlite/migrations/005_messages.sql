-- Emails and SMS to customers: an outbox written with the change that sends
-- them, delivered by the message relay (or only kept, in sandbox without a
-- transport).
CREATE TABLE messages (
    id               TEXT PRIMARY KEY,
    merchant_id      TEXT NOT NULL,
    channel          TEXT NOT NULL CHECK (channel IN ('email', 'sms')),
    kind             TEXT NOT NULL,
    recipient        TEXT NOT NULL,
    subject          TEXT NOT NULL DEFAULT '',
    text_body        TEXT NOT NULL,
    html_body        TEXT NOT NULL DEFAULT '',
    object_type      TEXT NOT NULL DEFAULT '',
    object_id        TEXT NOT NULL DEFAULT '',
    status           TEXT NOT NULL,
    attempts         INTEGER NOT NULL DEFAULT 0,
    last_error       TEXT NOT NULL DEFAULT '',
    next_attempt_at  TEXT NOT NULL,
    created_at       TEXT NOT NULL,
    sent_at          TEXT
);
CREATE INDEX messages_merchant_created ON messages (merchant_id, created_at, id);
CREATE INDEX messages_due ON messages (next_attempt_at) WHERE status IN ('QUEUED', 'SENDING');
