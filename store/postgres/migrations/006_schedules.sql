-- Scheduled invoices. invoices.schedule_id with invoices.occurrence (unique
-- together) makes each occurrence create one invoice, whichever process and
-- however often it runs.
CREATE TABLE schedules (
    id                  uuid PRIMARY KEY,
    merchant_id         uuid NOT NULL REFERENCES merchants (id),
    customer_id         uuid NOT NULL REFERENCES customers (id),
    payment_method_id   text NOT NULL DEFAULT '',
    rule                text NOT NULL,
    total               bigint NOT NULL CHECK (total > 0),
    url                 text NOT NULL,
    meta                jsonb NOT NULL DEFAULT '{}',
    email_notification  boolean NOT NULL DEFAULT false,
    active              boolean NOT NULL,
    status              text NOT NULL,
    next_run_at         timestamptz,
    last_run_at         timestamptz,
    runs                integer NOT NULL DEFAULT 0,
    created_at          timestamptz NOT NULL,
    updated_at          timestamptz NOT NULL,
    deleted_at          timestamptz
);
CREATE INDEX schedules_merchant_created ON schedules (merchant_id, created_at, id);
CREATE INDEX schedules_due ON schedules (next_run_at) WHERE active AND deleted_at IS NULL;
CREATE INDEX invoices_autopay ON invoices (created_at) WHERE schedule_id IS NOT NULL AND NOT autopay_done;
