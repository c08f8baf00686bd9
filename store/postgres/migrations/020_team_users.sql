-- The merchant dashboard's team: people who sign in with an email and a
-- password (a bcrypt hash), each with a role. Emails are unique across
-- merchants (sign-in starts from the email alone) and stored lower-cased.
CREATE TABLE team_users (
    id            uuid PRIMARY KEY,
    merchant_id   uuid NOT NULL REFERENCES merchants (id),
    email         text NOT NULL UNIQUE,
    password_hash text NOT NULL,
    role          text NOT NULL CHECK (role IN ('owner', 'admin', 'staff')),
    disabled      boolean NOT NULL DEFAULT false,
    created_at    timestamptz NOT NULL,
    updated_at    timestamptz NOT NULL
);
CREATE INDEX team_users_merchant ON team_users (merchant_id, created_at);

-- Signed-in sessions and one-time sign-in links: only the SHA-256 of the
-- random token is stored, so a copy of the database signs no one in. A
-- link (kind 'link') is spent by setting used_at, once.
CREATE TABLE team_sessions (
    token_hash text PRIMARY KEY,
    kind       text NOT NULL CHECK (kind IN ('session', 'link')),
    user_id    uuid NOT NULL REFERENCES team_users (id),
    created_at timestamptz NOT NULL,
    expires_at timestamptz NOT NULL,
    used_at    timestamptz
);
CREATE INDEX team_sessions_expires ON team_sessions (expires_at);

-- The event log (GET /event) filters by name or by object, newest first.
CREATE INDEX events_merchant_name ON events (merchant_id, name, seq);
CREATE INDEX events_merchant_object ON events (merchant_id, object_id, seq);
