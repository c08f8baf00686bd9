-- Invoices, and the split-funding allocations of transactions.
CREATE TABLE invoices (
    id                          uuid PRIMARY KEY,
    merchant_id                 uuid NOT NULL REFERENCES merchants (id),
    customer_id                 uuid NOT NULL REFERENCES customers (id),
    payment_method_id           text NOT NULL DEFAULT '',
    total                       bigint NOT NULL,
    meta                        jsonb NOT NULL DEFAULT '{}',
    status                      text NOT NULL,
    url                         text NOT NULL,
    sent_at                     timestamptz,
    viewed_at                   timestamptz,
    paid_at                     timestamptz,
    due_at                      timestamptz,
    balance_due                 bigint NOT NULL,
    total_paid                  bigint NOT NULL DEFAULT 0,
    pending_payments            bigint NOT NULL DEFAULT 0,
    payment_attempt_failed      boolean NOT NULL DEFAULT false,
    payment_attempt_message     text NOT NULL DEFAULT '',
    is_partial_payment_enabled  boolean NOT NULL DEFAULT false,
    stock_applied               boolean NOT NULL DEFAULT false,
    schedule_id                 uuid,
    occurrence                  timestamptz,
    autopay_done                boolean NOT NULL DEFAULT false,
    created_at                  timestamptz NOT NULL,
    updated_at                  timestamptz NOT NULL,
    deleted_at                  timestamptz,
    CHECK (total > 0 AND balance_due >= 0 AND total_paid >= 0 AND pending_payments >= 0),
    CHECK (pending_payments <= balance_due)
);
CREATE INDEX invoices_merchant_created ON invoices (merchant_id, created_at, id);
CREATE INDEX invoices_customer ON invoices (customer_id);
-- Each occurrence of a schedule makes one invoice, whichever process runs it.
CREATE UNIQUE INDEX invoices_schedule_occurrence ON invoices (schedule_id, occurrence) WHERE schedule_id IS NOT NULL;
CREATE INDEX transactions_invoice ON transactions (invoice_id) WHERE invoice_id <> '';

CREATE TABLE transaction_funding (
    transaction_id  uuid NOT NULL REFERENCES transactions (id),
    position        integer NOT NULL,
    account_id      text NOT NULL,
    amount          bigint NOT NULL CHECK (amount >= 0),
    PRIMARY KEY (transaction_id, position)
);
