-- One idempotent charge's writes, in the same transactions Tender uses:
-- (1) claim the idempotency key and record the PENDING transaction;
-- (2) the processor's own ledger row (the sandbox processor's insert);
-- (3) lock the transaction, record the outcome, its event, and the
--     idempotent response (the event queued for the webhook relay in the
--     same statement).
-- Ids derive from a random number so that every run writes new rows.
\set n random(1, 9000000000000000000)
BEGIN;
INSERT INTO idempotency_keys (merchant_id, scope, idem_key, request_hash, state, transaction_id, created_at, updated_at)
VALUES ('00000000-0000-4000-8000-000000000001', 'charge', md5(:n || 'k'), 'h', 'in_flight', md5(:n || 't')::uuid::text, now(), now());
INSERT INTO transactions (id, merchant_id, customer_id, payment_method_id, type, source, method, status, total, last_four, meta, idempotency_id, created_at, updated_at)
VALUES (md5(:n || 't')::uuid, '00000000-0000-4000-8000-000000000001', 'c', 'pm', 'charge', 'api', 'card', 'PENDING', 1050, '1111', '{"tax": 0.5}', md5(:n || 'k'), now(), now());
COMMIT;
INSERT INTO sandbox_ledger (op_key, op, ref, amount, approved, auth_code, created_at)
VALUES (md5(:n || 't')::uuid::text, 'sale', 'sbx_' || md5(:n || 'r'), 1050, true, '123456', now()) ON CONFLICT (op_key) DO NOTHING;
BEGIN;
SELECT id, status FROM transactions WHERE merchant_id = '00000000-0000-4000-8000-000000000001' AND id = md5(:n || 't')::uuid FOR UPDATE;
UPDATE transactions SET success = true, status = 'SUCCESS', captured = 1050, is_captured = true, gateway_ref = 'sbx_' || md5(:n || 'r'), auth_code = '123456', updated_at = now() WHERE id = md5(:n || 't')::uuid;
WITH e AS (INSERT INTO events (id, merchant_id, name, object_type, object_id, payload, created_at)
VALUES (md5(:n || 'e')::uuid, '00000000-0000-4000-8000-000000000001', 'create_transaction', 'transaction', md5(:n || 't'), '{"id": "x", "total": 10.5, "success": true}', now()) RETURNING seq)
INSERT INTO event_outbox (seq) SELECT seq FROM e;
UPDATE idempotency_keys SET state = 'done', outcome = '', response = '{"id": "x"}', updated_at = now() WHERE transaction_id = md5(:n || 't')::uuid::text AND state = 'in_flight';
COMMIT;
