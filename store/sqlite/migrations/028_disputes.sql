-- Disputes (GET /underwriting/disputes, POST /underwriting/dispute/{id}/submit):
-- one row per dispute the merchant's processor reported on one of its
-- payments, written in the transaction that applies the processor's event
-- (unique per merchant, processor and the processor's dispute id, so a
-- dispute reported twice is one row). evidence is the JSON of what was
-- submitted ({"text": {...}, "file_ids": [...]}).
CREATE TABLE disputes (
    id                    TEXT PRIMARY KEY,
    merchant_id           TEXT NOT NULL REFERENCES merchants (id),
    transaction_id        TEXT NOT NULL REFERENCES transactions (id),
    processor             TEXT NOT NULL,
    processor_dispute_id  TEXT NOT NULL,
    amount                INTEGER NOT NULL CHECK (amount >= 0),
    currency              TEXT NOT NULL,
    reason                TEXT NOT NULL,
    status                TEXT NOT NULL,
    due_by                TEXT,
    evidence              TEXT,
    submitted_at          TEXT,
    created_at            TEXT NOT NULL,
    updated_at            TEXT NOT NULL
);
CREATE UNIQUE INDEX disputes_processor_ref ON disputes (merchant_id, processor, processor_dispute_id);
CREATE INDEX disputes_merchant_created ON disputes (merchant_id, created_at, id);
CREATE INDEX disputes_transaction ON disputes (merchant_id, transaction_id);

-- Evidence files (POST /file/dispute): a file of the files table attached
-- to one dispute as one evidence type, at most one file per type.
CREATE TABLE dispute_files (
    file_id        TEXT PRIMARY KEY REFERENCES files (id),
    dispute_id     TEXT NOT NULL REFERENCES disputes (id),
    merchant_id    TEXT NOT NULL REFERENCES merchants (id),
    evidence_type  TEXT NOT NULL,
    created_at     TEXT NOT NULL
);
CREATE UNIQUE INDEX dispute_files_type ON dispute_files (dispute_id, evidence_type);
