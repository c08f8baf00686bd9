-- Disputes and their evidence files (dispute.go, store/internal/sqldb/disputes.go).

-- name: DisputeCreate
INSERT INTO disputes (id, merchant_id, transaction_id, processor, processor_dispute_id, amount, currency, reason,
    status, evidence, due_by, submitted_at, created_at, updated_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10::jsonb, $11, $12, $13, $14);

-- name: DisputeByProcessorRef
SELECT id, merchant_id, transaction_id, processor, processor_dispute_id, amount, currency, reason, status, evidence,
    due_by, submitted_at, created_at, updated_at
FROM disputes WHERE merchant_id = $1 AND processor = $2 AND processor_dispute_id = $3 FOR UPDATE;

-- name: DisputeGet
SELECT id, merchant_id, transaction_id, processor, processor_dispute_id, amount, currency, reason, status, evidence,
    due_by, submitted_at, created_at, updated_at
FROM disputes WHERE merchant_id = $1 AND id = $2;

-- name: DisputeGetForUpdate
SELECT id, merchant_id, transaction_id, processor, processor_dispute_id, amount, currency, reason, status, evidence,
    due_by, submitted_at, created_at, updated_at
FROM disputes WHERE merchant_id = $1 AND id = $2 FOR UPDATE;

-- name: DisputeUpdate
UPDATE disputes SET amount = $3, currency = $4, reason = $5, status = $6, due_by = $7, submitted_at = $8,
    evidence = $9::jsonb, updated_at = $10
WHERE merchant_id = $1 AND id = $2;

-- name: DisputeList
-- DisputeCount, its count, is generated from it (counts in sqldb).
SELECT id, merchant_id, transaction_id, processor, processor_dispute_id, amount, currency, reason, status, evidence,
    due_by, submitted_at, created_at, updated_at
FROM disputes
WHERE merchant_id = $1 AND ($2::text = '' OR status = $2) AND ($3::uuid IS NULL OR transaction_id = $3)
ORDER BY /*ORDER*/ LIMIT $4 OFFSET $5;

-- name: DisputeFileAttach
INSERT INTO dispute_files (file_id, dispute_id, merchant_id, evidence_type, created_at)
VALUES ($1, $2, $3, $4, $5);

-- name: DisputeFileOf
SELECT dispute_id FROM dispute_files WHERE merchant_id = $1 AND file_id = $2;

-- name: DisputeFileDetach
DELETE FROM dispute_files WHERE merchant_id = $1 AND file_id = $2;

-- name: DisputeFiles
-- The live evidence files of some disputes, with their metadata (never the bytes).
SELECT df.dispute_id, df.evidence_type, f.id, f.merchant_id, f.name, f.tag, f.mime, f.size, f.width, f.height,
    f.sha256, f.invoice_id, f.item_id, f.transaction_id, f.created_at, f.updated_at, f.deleted_at
FROM dispute_files df JOIN files f ON f.id = df.file_id
WHERE df.merchant_id = $1 AND df.dispute_id IN (SELECT value::uuid FROM jsonb_array_elements_text($2::jsonb) v(value)) AND f.deleted_at IS NULL
ORDER BY df.created_at, f.id;
