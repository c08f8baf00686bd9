-- Invoices, and the split-funding allocations of transactions.
CREATE TABLE invoices (
    id                          TEXT PRIMARY KEY,
    merchant_id                 TEXT NOT NULL REFERENCES merchants (id),
    customer_id                 TEXT NOT NULL REFERENCES customers (id),
    payment_method_id           TEXT NOT NULL DEFAULT '',
    total                       INTEGER NOT NULL,
    meta                        TEXT NOT NULL DEFAULT '{}',
    status                      TEXT NOT NULL,
    url                         TEXT NOT NULL,
    sent_at                     TEXT,
    viewed_at                   TEXT,
    paid_at                     TEXT,
    due_at                      TEXT,
    balance_due                 INTEGER NOT NULL,
    total_paid                  INTEGER NOT NULL DEFAULT 0,
    pending_payments            INTEGER NOT NULL DEFAULT 0,
    payment_attempt_failed      INTEGER NOT NULL DEFAULT 0,
    payment_attempt_message     TEXT NOT NULL DEFAULT '',
    is_partial_payment_enabled  INTEGER NOT NULL DEFAULT 0,
    stock_applied               INTEGER NOT NULL DEFAULT 0,
    schedule_id                 TEXT,
    occurrence                  TEXT,
    autopay_done                INTEGER NOT NULL DEFAULT 0,
    created_at                  TEXT NOT NULL,
    updated_at                  TEXT NOT NULL,
    deleted_at                  TEXT,
    CHECK (total > 0 AND balance_due >= 0 AND total_paid >= 0 AND pending_payments >= 0),
    CHECK (pending_payments <= balance_due)
);
CREATE INDEX invoices_merchant_created ON invoices (merchant_id, created_at, id);
CREATE INDEX invoices_customer ON invoices (customer_id);
-- Each occurrence of a schedule makes one invoice, whichever process runs it.
CREATE UNIQUE INDEX invoices_schedule_occurrence ON invoices (schedule_id, occurrence) WHERE schedule_id IS NOT NULL;
CREATE INDEX transactions_invoice ON transactions (invoice_id) WHERE invoice_id <> '';

CREATE TABLE transaction_funding (
    transaction_id  TEXT NOT NULL REFERENCES transactions (id),
    position        INTEGER NOT NULL,
    account_id      TEXT NOT NULL,
    amount          INTEGER NOT NULL CHECK (amount >= 0),
    PRIMARY KEY (transaction_id, position)
);
