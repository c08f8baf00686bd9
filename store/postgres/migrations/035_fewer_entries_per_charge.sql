-- Index entries a charge wrote that nothing reads, dropped (#25). Each new
-- index is built before the old one goes, so there is no moment without
-- one; the previous release's queries are the same and read them the same
-- way.
--
-- transactions_parent holds only the transactions that have a parent
-- (refunds, voids, captures); it held a NULL entry for every charge. The
-- children are looked up by their parents' ids (TransactionChildren's
-- "parent_id = ANY (...)" implies NOT NULL, so the planner still uses it).
CREATE INDEX transactions_parent_some ON transactions (parent_id) WHERE parent_id IS NOT NULL;
DROP INDEX transactions_parent;
ALTER INDEX transactions_parent_some RENAME TO transactions_parent;

-- idempotency_keys_transaction serves the lookups of a key still in flight
-- by its transaction ("AND state = 'in_flight'": IdempotencyCompleteByTransaction
-- and the finalize's CTE). A decided payment's key is written done and was
-- never looked up by it again.
CREATE INDEX idempotency_keys_in_flight ON idempotency_keys (transaction_id) WHERE state = 'in_flight';
DROP INDEX idempotency_keys_transaction;
ALTER INDEX idempotency_keys_in_flight RENAME TO idempotency_keys_transaction;
