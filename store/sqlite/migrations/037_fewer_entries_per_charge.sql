-- Index entries a charge wrote that nothing reads, dropped (#25: a
-- charge's CPU on SQLite is mostly b-tree work, an entry each).
--
-- transactions_parent holds only the transactions that have a parent
-- (refunds, voids, captures); it held a NULL entry for every charge. The
-- children are looked up by their parents' ids (TransactionChildren's
-- "parent_id IN (...)" implies NOT NULL, so SQLite still searches it).
DROP INDEX transactions_parent;
CREATE INDEX transactions_parent ON transactions (parent_id) WHERE parent_id IS NOT NULL;

-- idempotency_keys_transaction serves IdempotencyCompleteByTransaction
-- alone, which finds a key still in flight ("AND state = 'in_flight'") by
-- its transaction. A decided payment's key is written done and was never
-- looked up by it again.
DROP INDEX idempotency_keys_transaction;
CREATE INDEX idempotency_keys_transaction ON idempotency_keys (transaction_id) WHERE state = 'in_flight';

-- The numberer's queue (migration 010) is kept in the order the numberer
-- takes it out (created_at, transaction_id), with the merchant's order as
-- its one index, instead of by transaction id with both orders as
-- indexes: an entry fewer to insert and to delete per transaction. What
-- looks a queued transaction up by id (the search triggers of migration
-- 035) has its created_at too.
DROP TRIGGER transactions_position;
DROP TRIGGER transactions_search_update;
DROP TRIGGER transactions_search_delete;
CREATE TABLE transaction_position_queue_new (
    created_at     TEXT NOT NULL,
    transaction_id TEXT NOT NULL,
    merchant_id    TEXT NOT NULL,
    PRIMARY KEY (created_at, transaction_id)
) WITHOUT ROWID;
INSERT INTO transaction_position_queue_new (created_at, transaction_id, merchant_id)
SELECT created_at, transaction_id, merchant_id FROM transaction_position_queue;
DROP TABLE transaction_position_queue;
ALTER TABLE transaction_position_queue_new RENAME TO transaction_position_queue;
CREATE INDEX transaction_position_queue_merchant ON transaction_position_queue (merchant_id, created_at, transaction_id);
CREATE TRIGGER transactions_position AFTER INSERT ON transactions
BEGIN
    INSERT INTO transaction_position_queue (created_at, transaction_id, merchant_id) VALUES (NEW.created_at, NEW.id, NEW.merchant_id);
END;
CREATE TRIGGER transactions_search_update AFTER UPDATE OF last_four, message, type, method, meta ON transactions
WHEN old.search_text IS NOT new.search_text
    AND NOT EXISTS (SELECT 1 FROM transaction_position_queue WHERE created_at = old.created_at AND transaction_id = old.id) BEGIN
    INSERT INTO transactions_search (transactions_search, rowid, search_text) VALUES ('delete', old.rowid, old.search_text);
    INSERT INTO transactions_search (rowid, search_text) VALUES (new.rowid, new.search_text);
END;
CREATE TRIGGER transactions_search_delete AFTER DELETE ON transactions
WHEN NOT EXISTS (SELECT 1 FROM transaction_position_queue WHERE created_at = old.created_at AND transaction_id = old.id) BEGIN
    INSERT INTO transactions_search (transactions_search, rowid, search_text) VALUES ('delete', old.rowid, old.search_text);
END;
