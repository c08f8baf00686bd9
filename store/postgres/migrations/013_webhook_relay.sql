-- The webhook relay sends the first attempts of new events' deliveries
-- itself and writes each delivery once, with its outcome. Its sends run
-- outside any database transaction, so one relay at a time is chosen by a
-- lease (a holder and an expiry) rather than by a transaction's lock.
CREATE TABLE webhook_relay (
    id          integer PRIMARY KEY CHECK (id = 1),
    holder      text NOT NULL,
    expires_at  timestamptz NOT NULL
);
INSERT INTO webhook_relay (id, holder, expires_at) VALUES (1, '', '1970-01-01T00:00:00Z');

-- The events to relay are queued by seq in a table of their own (written
-- by the event's insert, deleted by the relay), rather than flagged on the
-- event: an event row is large (its payload), and flipping a flag rewrote
-- it and every one of its index entries.
CREATE TABLE event_outbox (seq bigint PRIMARY KEY);
INSERT INTO event_outbox (seq) SELECT seq FROM events WHERE NOT dispatched;
DROP INDEX events_undispatched;
ALTER TABLE events DROP COLUMN dispatched;

-- A delivery is written only for a webhook the relay has just read, and
-- webhooks are never removed (a delete sets deleted_at), so the foreign key
-- guarded nothing while costing each delivery's insert a locking read of
-- its webhook's row.
ALTER TABLE webhook_deliveries DROP CONSTRAINT IF EXISTS webhook_deliveries_webhook_id_fkey;

-- An event's payload is the object's JSON as the API returned it, stored
-- and read back as that text (json), which is what a webhook delivers: jsonb
-- parsed it into binary on every insert and printed it back on every read,
-- reordering its keys, and no query looks inside it.
ALTER TABLE events ALTER COLUMN payload TYPE json USING payload::json;
