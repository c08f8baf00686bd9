-- Team users over the API (GET/POST /team/user, PUT /team/user/{id}) carry
-- Stax's user name beside the email.
ALTER TABLE team_users ADD COLUMN name text NOT NULL DEFAULT '';
