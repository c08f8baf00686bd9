-- The JSON documents a payment writes twice, the event's payload and the
-- idempotent response (about 2.3 KB each for a charge: the transaction
-- with its customer and payment method), pass TOAST's 2 KB threshold and
-- are compressed inline. PostgreSQL's default method, pglz, was 6% of the
-- database's CPU under charges (perf, #25); lz4 compresses and reads them
-- back several times faster for a similar size. Only new values use it;
-- existing rows stay as written and read the same. A server built without
-- lz4 keeps pglz: the change is made only where the method is offered.
DO $$
BEGIN
    IF EXISTS (SELECT 1 FROM pg_settings WHERE name = 'default_toast_compression' AND 'lz4' = ANY (enumvals)) THEN
        ALTER TABLE events ALTER COLUMN payload SET COMPRESSION lz4;
        ALTER TABLE idempotency_keys ALTER COLUMN response SET COMPRESSION lz4;
    END IF;
END $$;
