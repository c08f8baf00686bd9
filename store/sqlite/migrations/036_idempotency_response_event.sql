-- A decided payment's stored response is its create event's payload, byte
-- for byte (both are the transaction's JSON, about 2.2 KB): written once,
-- in the event, with the key pointing at it (response_event, the event's
-- seq; response ''). SQLite fits one such row to a 4 KiB page, so the copy
-- cost each charge a page of its own in the file, the WAL and every
-- checkpoint. Keys written before, and every other key, keep their
-- response; completing a key sets its response and clears the pointer.
-- Events are never deleted.
ALTER TABLE idempotency_keys ADD COLUMN response_event INTEGER;
