-- Events are the outbox: an API transaction writes its event only, and the
-- webhook relay fans undispatched events out to their webhooks' deliveries
-- in batches, off the request path. Events written before this migration
-- had their deliveries written with them.
ALTER TABLE events ADD COLUMN dispatched INTEGER NOT NULL DEFAULT 1;
CREATE INDEX events_undispatched ON events (seq) WHERE dispatched = 0;
