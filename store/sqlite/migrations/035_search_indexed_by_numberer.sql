-- A transaction's keyword-search entry (migration 033) was written by an
-- insert trigger, inside the charge's group-commit unit, and FTS5 writes
-- its pending entries out as a new segment at every savepoint release:
-- one segment a charge, 5% of a charge's CPU on the single writer
-- (docs/benchmarks.md). The numberer now writes the entries in its
-- batches, as it numbers the transactions (TransactionSearchIndex); until
-- then a transaction is in transaction_position_queue, where keyword
-- search reads it (TransactionList's --SEARCH lines), and the update and
-- delete triggers leave the index alone.
DROP TRIGGER transactions_search_insert;
-- The queued transactions were indexed on insert: unindexed here, they
-- are indexed again when numbered.
INSERT INTO transactions_search (transactions_search, rowid, search_text)
SELECT 'delete', t.rowid, t.search_text FROM transactions t JOIN transaction_position_queue q ON q.transaction_id = t.id;
DROP TRIGGER transactions_search_update;
CREATE TRIGGER transactions_search_update AFTER UPDATE OF last_four, message, type, method, meta ON transactions
WHEN old.search_text IS NOT new.search_text
    AND NOT EXISTS (SELECT 1 FROM transaction_position_queue WHERE transaction_id = old.id) BEGIN
    INSERT INTO transactions_search (transactions_search, rowid, search_text) VALUES ('delete', old.rowid, old.search_text);
    INSERT INTO transactions_search (rowid, search_text) VALUES (new.rowid, new.search_text);
END;
DROP TRIGGER transactions_search_delete;
CREATE TRIGGER transactions_search_delete AFTER DELETE ON transactions
WHEN NOT EXISTS (SELECT 1 FROM transaction_position_queue WHERE transaction_id = old.id) BEGIN
    INSERT INTO transactions_search (transactions_search, rowid, search_text) VALUES ('delete', old.rowid, old.search_text);
END;
