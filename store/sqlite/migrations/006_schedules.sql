-- Scheduled invoices. invoices.schedule_id with invoices.occurrence (unique
-- together) makes each occurrence create one invoice, whichever process and
-- however often it runs.
CREATE TABLE schedules (
    id                  TEXT PRIMARY KEY,
    merchant_id         TEXT NOT NULL REFERENCES merchants (id),
    customer_id         TEXT NOT NULL REFERENCES customers (id),
    payment_method_id   TEXT NOT NULL DEFAULT '',
    rule                TEXT NOT NULL,
    total               INTEGER NOT NULL CHECK (total > 0),
    url                 TEXT NOT NULL,
    meta                TEXT NOT NULL DEFAULT '{}',
    email_notification  INTEGER NOT NULL DEFAULT 0,
    active              INTEGER NOT NULL,
    status              TEXT NOT NULL,
    next_run_at         TEXT,
    last_run_at         TEXT,
    runs                INTEGER NOT NULL DEFAULT 0,
    created_at          TEXT NOT NULL,
    updated_at          TEXT NOT NULL,
    deleted_at          TEXT
);
CREATE INDEX schedules_merchant_created ON schedules (merchant_id, created_at, id);
CREATE INDEX schedules_due ON schedules (next_run_at) WHERE active = 1 AND deleted_at IS NULL;
CREATE INDEX invoices_autopay ON invoices (created_at) WHERE schedule_id IS NOT NULL AND autopay_done = 0;
