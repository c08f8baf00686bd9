-- Ids the database makes (a webhook delivery's, in the relay's fan-out) are
-- UUIDs of version 7 like those the service makes (tender.NewID): a random
-- UUID whose first 48 bits are replaced by the Unix time in milliseconds and
-- whose version nibble becomes 7, so new rows land on the last page of their
-- indexes. PostgreSQL 18 has uuidv7(); this works from 13 on, and its one
-- expression is inlined into the calling query.
CREATE FUNCTION tender_uuid7() RETURNS uuid LANGUAGE sql VOLATILE AS $$
    SELECT encode(set_bit(set_bit(overlay(uuid_send(gen_random_uuid())
        PLACING substring(int8send(floor(extract(epoch FROM clock_timestamp()) * 1000)::bigint) FROM 3) FROM 1 FOR 6),
        52, 1), 53, 1), 'hex')::uuid
$$;
