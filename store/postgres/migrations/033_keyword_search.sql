-- Keyword searches by trigram index (issue 22). A list's keywords filter
-- ORed lower(col) LIKE '%kw%' over several columns, which reads every row
-- of the merchant. Each searchable table now has search_text, a stored
-- generated column: its searched columns lower-cased, one per line, and a
-- GIN trigram index on it (pg_trgm). A search of a keyword of 3 or more
-- characters adds "search_text LIKE '%kw%'" for its longest keyword (the
-- " by keywords" query variants, sqldb/search.go), which the index answers
-- in O(matches); the per-column OR chain stays as the exact filter on
-- those rows. Every column's value is a substring of search_text, so the
-- index never loses a row the chain keeps.
--
-- pg_trgm is an extension, one per database: it is not created in the
-- migrating schema (a schema per tenant or per test, dropped with CASCADE,
-- would take the extension and every other schema's indexes with it) but
-- where it already is, else in public, and its operator class is named
-- with that schema. Migrators of different schemas run at once (the
-- migration lock is per schema), and two concurrent CREATE EXTENSION IF
-- NOT EXISTS can fail with a unique violation: a database-wide advisory
-- lock serialises this step (each later statement reads afresh and sees
-- the extension committed).
SELECT pg_advisory_xact_lock(hashtextextended('tender_extension:pg_trgm', 0));

DO $$
DECLARE
    s text;
BEGIN
    SELECT n.nspname INTO s FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace
    WHERE e.extname = 'pg_trgm';
    IF s IS NULL THEN
        s := coalesce((SELECT nspname FROM pg_namespace WHERE nspname = 'public'), current_schema());
        EXECUTE format('CREATE EXTENSION IF NOT EXISTS pg_trgm SCHEMA %I', s);
    END IF;

    ALTER TABLE customers ADD COLUMN search_text text GENERATED ALWAYS AS (lower(
        firstname || ' ' || lastname || E'\n' || company || E'\n' || email || E'\n' || phone || E'\n' || reference)) STORED;
    ALTER TABLE items ADD COLUMN search_text text GENERATED ALWAYS AS (lower(
        item || E'\n' || code || E'\n' || category || E'\n' || details)) STORED;
    ALTER TABLE transactions ADD COLUMN search_text text GENERATED ALWAYS AS (lower(
        last_four || E'\n' || message || E'\n' || type || E'\n' || method || E'\n' || coalesce(meta->>'reference', ''))) STORED;
    ALTER TABLE invoices ADD COLUMN search_text text GENERATED ALWAYS AS (lower(
        coalesce(meta->>'memo', '') || E'\n' || coalesce(meta->>'reference', '') || E'\n' || status)) STORED;

    EXECUTE format('CREATE INDEX customers_search ON customers USING gin (search_text %I.gin_trgm_ops)', s);
    EXECUTE format('CREATE INDEX items_search ON items USING gin (search_text %I.gin_trgm_ops)', s);
    EXECUTE format('CREATE INDEX transactions_search ON transactions USING gin (search_text %I.gin_trgm_ops)', s);
    EXECUTE format('CREATE INDEX invoices_search ON invoices USING gin (search_text %I.gin_trgm_ops)', s);
END $$;
