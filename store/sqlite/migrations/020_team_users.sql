-- The merchant dashboard's team: people who sign in with an email and a
-- password (a bcrypt hash), each with a role. Emails are unique across
-- merchants (sign-in starts from the email alone) and stored lower-cased.
CREATE TABLE team_users (
    id            TEXT PRIMARY KEY,
    merchant_id   TEXT NOT NULL REFERENCES merchants (id),
    email         TEXT NOT NULL UNIQUE,
    password_hash TEXT NOT NULL,
    role          TEXT NOT NULL CHECK (role IN ('owner', 'admin', 'staff')),
    disabled      INTEGER NOT NULL DEFAULT 0,
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL
);
CREATE INDEX team_users_merchant ON team_users (merchant_id, created_at);

-- Signed-in sessions and one-time sign-in links: only the SHA-256 of the
-- random token is stored, so a copy of the database signs no one in. A
-- link (kind 'link') is spent by setting used_at, once.
CREATE TABLE team_sessions (
    token_hash TEXT PRIMARY KEY,
    kind       TEXT NOT NULL CHECK (kind IN ('session', 'link')),
    user_id    TEXT NOT NULL REFERENCES team_users (id),
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    used_at    TEXT
);
CREATE INDEX team_sessions_expires ON team_sessions (expires_at);

-- The event log (GET /event) filters by name or by object, newest first.
CREATE INDEX events_merchant_name ON events (merchant_id, name, seq);
CREATE INDEX events_merchant_object ON events (merchant_id, object_id, seq);
