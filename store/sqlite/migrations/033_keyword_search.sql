-- Keyword searches by trigram index (issue 22). A list's keywords filter
-- ORed tender_lower(col) LIKE '%kw%' over several columns, which reads
-- every row of the merchant. Each searchable table now has search_text, a
-- virtual generated column (its searched columns, one per line), and an
-- FTS5 table with the trigram tokenizer over it, external content (the
-- text is not stored twice) kept in step by the triggers below. A search
-- with keywords of 3 or more characters adds "rowid IN (SELECT rowid FROM
-- T_search WHERE T_search MATCH '"kw1" AND "kw2"')" (the " by keywords"
-- query variants, sqldb/search.go): each keyword a phrase of its
-- trigrams, so a substring, case-folded by the tokenizer; the OR chain
-- stays as the exact filter on those rows. The FTS rows are keyed by the
-- tables' rowids: VACUUM may renumber the rowids of a table without an
-- INTEGER PRIMARY KEY, and Tender never runs it; after one, rebuild with
-- INSERT INTO T_search (T_search) VALUES ('rebuild').

ALTER TABLE customers ADD COLUMN search_text TEXT GENERATED ALWAYS AS (firstname || ' ' || lastname || char(10) || company || char(10) || email || char(10) || phone || char(10) || reference) VIRTUAL;
CREATE VIRTUAL TABLE customers_search USING fts5(search_text, content='customers', content_rowid='rowid', tokenize='trigram');
INSERT INTO customers_search (customers_search) VALUES ('rebuild');
CREATE TRIGGER customers_search_insert AFTER INSERT ON customers BEGIN
    INSERT INTO customers_search (rowid, search_text) VALUES (new.rowid, new.search_text);
END;
CREATE TRIGGER customers_search_delete AFTER DELETE ON customers BEGIN
    INSERT INTO customers_search (customers_search, rowid, search_text) VALUES ('delete', old.rowid, old.search_text);
END;
CREATE TRIGGER customers_search_update AFTER UPDATE OF firstname, lastname, company, email, phone, reference ON customers BEGIN
    INSERT INTO customers_search (customers_search, rowid, search_text) VALUES ('delete', old.rowid, old.search_text);
    INSERT INTO customers_search (rowid, search_text) VALUES (new.rowid, new.search_text);
END;

ALTER TABLE items ADD COLUMN search_text TEXT GENERATED ALWAYS AS (item || char(10) || code || char(10) || category || char(10) || details) VIRTUAL;
CREATE VIRTUAL TABLE items_search USING fts5(search_text, content='items', content_rowid='rowid', tokenize='trigram');
INSERT INTO items_search (items_search) VALUES ('rebuild');
CREATE TRIGGER items_search_insert AFTER INSERT ON items BEGIN
    INSERT INTO items_search (rowid, search_text) VALUES (new.rowid, new.search_text);
END;
CREATE TRIGGER items_search_delete AFTER DELETE ON items BEGIN
    INSERT INTO items_search (items_search, rowid, search_text) VALUES ('delete', old.rowid, old.search_text);
END;
CREATE TRIGGER items_search_update AFTER UPDATE OF item, code, category, details ON items BEGIN
    INSERT INTO items_search (items_search, rowid, search_text) VALUES ('delete', old.rowid, old.search_text);
    INSERT INTO items_search (rowid, search_text) VALUES (new.rowid, new.search_text);
END;

ALTER TABLE transactions ADD COLUMN search_text TEXT GENERATED ALWAYS AS (last_four || char(10) || message || char(10) || type || char(10) || method || char(10) || coalesce(json_extract(meta, '$.reference'), '')) VIRTUAL;
CREATE VIRTUAL TABLE transactions_search USING fts5(search_text, content='transactions', content_rowid='rowid', tokenize='trigram');
INSERT INTO transactions_search (transactions_search) VALUES ('rebuild');
CREATE TRIGGER transactions_search_insert AFTER INSERT ON transactions BEGIN
    INSERT INTO transactions_search (rowid, search_text) VALUES (new.rowid, new.search_text);
END;
CREATE TRIGGER transactions_search_delete AFTER DELETE ON transactions BEGIN
    INSERT INTO transactions_search (transactions_search, rowid, search_text) VALUES ('delete', old.rowid, old.search_text);
END;
CREATE TRIGGER transactions_search_update AFTER UPDATE OF last_four, message, type, method, meta ON transactions BEGIN
    INSERT INTO transactions_search (transactions_search, rowid, search_text) VALUES ('delete', old.rowid, old.search_text);
    INSERT INTO transactions_search (rowid, search_text) VALUES (new.rowid, new.search_text);
END;

ALTER TABLE invoices ADD COLUMN search_text TEXT GENERATED ALWAYS AS (coalesce(json_extract(meta, '$.memo'), '') || char(10) || coalesce(json_extract(meta, '$.reference'), '') || char(10) || status) VIRTUAL;
CREATE VIRTUAL TABLE invoices_search USING fts5(search_text, content='invoices', content_rowid='rowid', tokenize='trigram');
INSERT INTO invoices_search (invoices_search) VALUES ('rebuild');
CREATE TRIGGER invoices_search_insert AFTER INSERT ON invoices BEGIN
    INSERT INTO invoices_search (rowid, search_text) VALUES (new.rowid, new.search_text);
END;
CREATE TRIGGER invoices_search_delete AFTER DELETE ON invoices BEGIN
    INSERT INTO invoices_search (invoices_search, rowid, search_text) VALUES ('delete', old.rowid, old.search_text);
END;
CREATE TRIGGER invoices_search_update AFTER UPDATE OF meta, status ON invoices BEGIN
    INSERT INTO invoices_search (invoices_search, rowid, search_text) VALUES ('delete', old.rowid, old.search_text);
    INSERT INTO invoices_search (rowid, search_text) VALUES (new.rowid, new.search_text);
END;
