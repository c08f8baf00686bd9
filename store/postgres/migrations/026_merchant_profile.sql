-- The merchant's own business details, team options and branding (PUT
-- /team, PUT /team/options, PUT /team/option/advanced_customizations) as one
-- JSON document, and its uploaded logo (POST /team/option/branding), read
-- only by the public logo route, never with the merchant.
ALTER TABLE merchants ADD COLUMN profile jsonb NOT NULL DEFAULT '{}';

CREATE TABLE merchant_logos (
    merchant_id  uuid PRIMARY KEY REFERENCES merchants (id),
    content_type text NOT NULL,
    data         bytea NOT NULL,
    updated_at   timestamptz NOT NULL
);
