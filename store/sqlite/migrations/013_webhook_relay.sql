-- The webhook relay sends the first attempts of new events' deliveries
-- itself and writes each delivery once, with its outcome. Its sends run
-- outside any database transaction, so one relay at a time is chosen by a
-- lease (a holder and an expiry), even among processes sharing the file.
--
-- relayed_seq is the relay's place in the events: SQLite runs one write
-- transaction at a time (across processes too), so events commit in seq
-- order and every event after relayed_seq is still to relay. Nothing is
-- written per event (the flag this replaces rewrote each event's row).
CREATE TABLE webhook_relay (
    id           INTEGER PRIMARY KEY CHECK (id = 1),
    holder       TEXT NOT NULL,
    expires_at   TEXT NOT NULL,
    relayed_seq  INTEGER NOT NULL
);
INSERT INTO webhook_relay (id, holder, expires_at, relayed_seq)
VALUES (1, '', '1970-01-01 00:00:00.000000',
    coalesce((SELECT min(seq) - 1 FROM events WHERE dispatched = 0), (SELECT max(seq) FROM events), 0));
DROP INDEX events_undispatched;
ALTER TABLE events DROP COLUMN dispatched;

-- A delivery is written only for a webhook the relay has just read, and
-- webhooks are never removed (a delete sets deleted_at), so the foreign key
-- guarded nothing while costing each delivery's insert a look-up of its
-- webhook. SQLite drops a constraint by rebuilding the table.
CREATE TABLE webhook_deliveries_new (
    seq               INTEGER PRIMARY KEY AUTOINCREMENT,
    id                TEXT NOT NULL UNIQUE,
    webhook_id        TEXT NOT NULL,
    merchant_id       TEXT NOT NULL,
    event_id          TEXT NOT NULL,
    event_name        TEXT NOT NULL,
    object_id         TEXT NOT NULL,
    status            TEXT NOT NULL,
    attempts          INTEGER NOT NULL DEFAULT 0,
    last_status_code  INTEGER NOT NULL DEFAULT 0,
    last_error        TEXT NOT NULL DEFAULT '',
    delivered_at      TEXT,
    enqueued          INTEGER NOT NULL DEFAULT 0,
    created_at        TEXT NOT NULL,
    updated_at        TEXT NOT NULL
);
INSERT INTO webhook_deliveries_new (seq, id, webhook_id, merchant_id, event_id, event_name, object_id, status,
    attempts, last_status_code, last_error, delivered_at, enqueued, created_at, updated_at)
SELECT seq, id, webhook_id, merchant_id, event_id, event_name, object_id, status,
    attempts, last_status_code, last_error, delivered_at, enqueued, created_at, updated_at
FROM webhook_deliveries;
DROP TABLE webhook_deliveries;
ALTER TABLE webhook_deliveries_new RENAME TO webhook_deliveries;
CREATE INDEX webhook_deliveries_webhook ON webhook_deliveries (webhook_id, seq);
CREATE INDEX webhook_deliveries_pending ON webhook_deliveries (webhook_id, object_id, seq) WHERE status = 'pending';
CREATE INDEX webhook_deliveries_unqueued ON webhook_deliveries (seq) WHERE enqueued = 0;
