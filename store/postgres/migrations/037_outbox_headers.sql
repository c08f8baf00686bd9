-- The webhook relay's outbox rows carry their event's header (#25): the
-- relay (EventsToRelay) read each queued event's header from events, one
-- descent of events_pkey an event (about 4 buffers) even for the events no
-- webhook receives, which under a charge load with no webhooks is all of
-- them. Now an event's insert copies its header into its outbox row in the
-- same statement, and the relay reads events only for the payloads of the
-- events a webhook receives.
--
-- Expand only: nullable columns, added without a rewrite. The release
-- before this one queues rows with a seq alone, and the relay reads those
-- rows' headers from events as before, so the two relay each other's
-- events during a rolling upgrade (TestRollingUpgrade,
-- TestRelayReadsOutboxRowsOfTheReleaseBefore). Once no instance of that
-- release is left, no row without a header is written again.
ALTER TABLE event_outbox
    ADD COLUMN id uuid,
    ADD COLUMN merchant_id uuid,
    ADD COLUMN name text,
    ADD COLUMN object_type text,
    ADD COLUMN object_id text,
    ADD COLUMN created_at timestamptz;
