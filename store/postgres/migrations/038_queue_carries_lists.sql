-- A queued transaction carries what the numberer needs to place it in its
-- lists (#25): its customer and payment method (the filtered lists' keys,
-- migration 015). The numberer read each one's row of transactions for
-- them, a descent of transactions_pkey and a heap page a transaction
-- (about 4 buffers); now the queue's row, which it deletes anyway, brings
-- them (TransactionPositionsDequeue's RETURNING).
--
-- Expand only: nullable columns, added without a rewrite, and the
-- trigger's function replaced in place. Every row queued from now on has
-- both (the transactions' columns are NOT NULL, '' for none), whichever
-- release inserted the transaction; a row queued before this migration has
-- neither, and the numberer reads that one's transaction as before. The
-- release before this one still dequeues by transaction_id and reads
-- transactions, so the two number side by side under the numberer's
-- advisory lock (TestRollingUpgrade).
ALTER TABLE transaction_position_queue
    ADD COLUMN customer_id text,
    ADD COLUMN payment_method_id text;
CREATE OR REPLACE FUNCTION transactions_position() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO transaction_position_queue (transaction_id, merchant_id, created_at, customer_id, payment_method_id)
    VALUES (NEW.id, NEW.merchant_id, NEW.created_at, NEW.customer_id, NEW.payment_method_id);
    RETURN NULL;
END $$;
