-- The keyword-search triggers of migration 033 re-indexed a row on every
-- UPDATE naming one of its searched columns, and the store's updates name
-- every column: each finalized charge deleted and re-inserted its
-- transaction's trigrams (an FTS5 segment written per commit) although the
-- text was the same. They now re-index only when the searched text changed.
DROP TRIGGER customers_search_update;
CREATE TRIGGER customers_search_update AFTER UPDATE OF firstname, lastname, company, email, phone, reference ON customers
WHEN old.search_text IS NOT new.search_text BEGIN
    INSERT INTO customers_search (customers_search, rowid, search_text) VALUES ('delete', old.rowid, old.search_text);
    INSERT INTO customers_search (rowid, search_text) VALUES (new.rowid, new.search_text);
END;
DROP TRIGGER items_search_update;
CREATE TRIGGER items_search_update AFTER UPDATE OF item, code, category, details ON items
WHEN old.search_text IS NOT new.search_text BEGIN
    INSERT INTO items_search (items_search, rowid, search_text) VALUES ('delete', old.rowid, old.search_text);
    INSERT INTO items_search (rowid, search_text) VALUES (new.rowid, new.search_text);
END;
DROP TRIGGER transactions_search_update;
CREATE TRIGGER transactions_search_update AFTER UPDATE OF last_four, message, type, method, meta ON transactions
WHEN old.search_text IS NOT new.search_text BEGIN
    INSERT INTO transactions_search (transactions_search, rowid, search_text) VALUES ('delete', old.rowid, old.search_text);
    INSERT INTO transactions_search (rowid, search_text) VALUES (new.rowid, new.search_text);
END;
DROP TRIGGER invoices_search_update;
CREATE TRIGGER invoices_search_update AFTER UPDATE OF meta, status ON invoices
WHEN old.search_text IS NOT new.search_text BEGIN
    INSERT INTO invoices_search (invoices_search, rowid, search_text) VALUES ('delete', old.rowid, old.search_text);
    INSERT INTO invoices_search (rowid, search_text) VALUES (new.rowid, new.search_text);
END;
