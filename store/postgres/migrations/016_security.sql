-- Security hardening (issue 20).
--
-- vault_keys: one fingerprint per vault master key that has sealed values
-- here (HMAC-SHA256 under the key of a fixed label and the key id: it
-- identifies the key and reveals nothing of it). A server whose keyring
-- holds another key under a recorded id, or lacks a key that still wraps
-- stored values, refuses to start.
CREATE TABLE vault_keys (
    kid          text PRIMARY KEY,
    fingerprint  text NOT NULL,
    created_at   timestamptz NOT NULL
);

-- Pairing codes: the hash of a code's first half (its locator) names the
-- register a wrong guess of the second half was aimed at, so failures are
-- counted per register; the code is retired after a few.
ALTER TABLE registers ADD COLUMN pairing_locator text;
ALTER TABLE registers ADD COLUMN pairing_failures integer NOT NULL DEFAULT 0;
CREATE INDEX registers_pairing_locator ON registers (pairing_locator) WHERE pairing_locator IS NOT NULL;

-- API keys listed per merchant (GET /team/apikey).
CREATE INDEX api_keys_merchant ON api_keys (merchant_id, created_at) WHERE merchant_id IS NOT NULL;
