-- Emails and SMS to customers: an outbox written with the change that sends
-- them, delivered by the message relay (or only kept, in sandbox without a
-- transport).
CREATE TABLE messages (
    id               text PRIMARY KEY,
    merchant_id      text NOT NULL,
    channel          text NOT NULL CHECK (channel IN ('email', 'sms')),
    kind             text NOT NULL,
    recipient        text NOT NULL,
    subject          text NOT NULL DEFAULT '',
    text_body        text NOT NULL,
    html_body        text NOT NULL DEFAULT '',
    object_type      text NOT NULL DEFAULT '',
    object_id        text NOT NULL DEFAULT '',
    status           text NOT NULL,
    attempts         integer NOT NULL DEFAULT 0,
    last_error       text NOT NULL DEFAULT '',
    next_attempt_at  timestamptz NOT NULL,
    created_at       timestamptz NOT NULL,
    sent_at          timestamptz
);
CREATE INDEX messages_merchant_created ON messages (merchant_id, created_at, id);
CREATE INDEX messages_due ON messages (next_attempt_at) WHERE status IN ('QUEUED', 'SENDING');
