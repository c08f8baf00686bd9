-- A team user's own credentials and account emails. An API key may belong
-- to a team user (user_id): it acts for the user's merchant with the
-- user's role, and stops working while the user is disabled. A user's
-- email carries when it was verified (NULL: not yet, or changed since).
ALTER TABLE api_keys ADD COLUMN user_id TEXT REFERENCES team_users (id);
CREATE INDEX api_keys_user ON api_keys (user_id) WHERE user_id IS NOT NULL;
ALTER TABLE team_users ADD COLUMN email_verified_at TEXT;

-- Password-reset and email-verification tokens: only the SHA-256 of the
-- random token is stored. A token is for one user and one email (the
-- address it was sent to), spent once by setting used_at; a newer token
-- of the same kind deletes the user's older unspent ones.
CREATE TABLE team_tokens (
    token_hash TEXT PRIMARY KEY,
    kind       TEXT NOT NULL CHECK (kind IN ('reset', 'verify')),
    user_id    TEXT NOT NULL REFERENCES team_users (id),
    email      TEXT NOT NULL,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    used_at    TEXT
);
CREATE INDEX team_tokens_user ON team_tokens (user_id, kind);
CREATE INDEX team_tokens_expires ON team_tokens (expires_at);
