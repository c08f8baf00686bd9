-- Foundation: partners, merchants, keys, customers, items, the event outbox.
-- Money is integer cents (bigint).
CREATE TABLE partners (
    id          uuid PRIMARY KEY,
    name        text NOT NULL,
    created_at  timestamptz NOT NULL
);

CREATE TABLE merchants (
    id                 uuid PRIMARY KEY,
    partner_id         uuid REFERENCES partners (id),
    company_name       text NOT NULL,
    contact_email      text NOT NULL DEFAULT '',
    status             text NOT NULL,
    sandbox            boolean NOT NULL,
    features           jsonb NOT NULL DEFAULT '{}',
    webpayments_token  text NOT NULL UNIQUE,
    allowed_origins    jsonb NOT NULL DEFAULT '[]',
    created_at         timestamptz NOT NULL,
    updated_at         timestamptz NOT NULL
);
CREATE INDEX merchants_partner ON merchants (partner_id, created_at);

CREATE TABLE api_keys (
    id           uuid PRIMARY KEY,
    kind         text NOT NULL CHECK (kind IN ('merchant', 'ephemeral', 'partner')),
    merchant_id  uuid REFERENCES merchants (id),
    partner_id   uuid REFERENCES partners (id),
    name         text NOT NULL DEFAULT '',
    hash         text NOT NULL UNIQUE,
    prefix       text NOT NULL,
    expires_at   timestamptz,
    created_at   timestamptz NOT NULL,
    CHECK ((merchant_id IS NULL) <> (partner_id IS NULL))
);
CREATE INDEX api_keys_expires ON api_keys (expires_at) WHERE expires_at IS NOT NULL;

CREATE TABLE customers (
    id               uuid PRIMARY KEY,
    merchant_id      uuid NOT NULL REFERENCES merchants (id),
    firstname        text NOT NULL DEFAULT '',
    lastname         text NOT NULL DEFAULT '',
    company          text NOT NULL DEFAULT '',
    email            text NOT NULL DEFAULT '',
    cc_emails        jsonb NOT NULL DEFAULT '[]',
    phone            text NOT NULL DEFAULT '',
    address_1        text NOT NULL DEFAULT '',
    address_2        text NOT NULL DEFAULT '',
    address_city     text NOT NULL DEFAULT '',
    address_state    text NOT NULL DEFAULT '',
    address_zip      text NOT NULL DEFAULT '',
    address_country  text NOT NULL DEFAULT '',
    notes            text NOT NULL DEFAULT '',
    reference        text NOT NULL DEFAULT '',
    allow_invoice_cc boolean NOT NULL DEFAULT true,
    created_at       timestamptz NOT NULL,
    updated_at       timestamptz NOT NULL,
    deleted_at       timestamptz
);
CREATE INDEX customers_merchant_created ON customers (merchant_id, created_at, id);
CREATE INDEX customers_merchant_email ON customers (merchant_id, lower(email));

CREATE TABLE items (
    id               uuid PRIMARY KEY,
    merchant_id      uuid NOT NULL REFERENCES merchants (id),
    item             text NOT NULL,
    code             text NOT NULL DEFAULT '',
    category         text NOT NULL DEFAULT '',
    details          text NOT NULL DEFAULT '',
    is_active        boolean NOT NULL DEFAULT true,
    is_taxable       boolean NOT NULL DEFAULT false,
    is_service       boolean NOT NULL DEFAULT false,
    is_discount      boolean NOT NULL DEFAULT false,
    price            bigint NOT NULL DEFAULT 0,
    in_stock         bigint NOT NULL DEFAULT 0 CHECK (in_stock >= 0),
    low_stock_alert  bigint NOT NULL DEFAULT 0,
    meta             jsonb NOT NULL DEFAULT '{}',
    created_at       timestamptz NOT NULL,
    updated_at       timestamptz NOT NULL,
    deleted_at       timestamptz
);
CREATE INDEX items_merchant_created ON items (merchant_id, created_at, id);

CREATE TABLE events (
    seq          bigserial PRIMARY KEY,
    id           uuid NOT NULL UNIQUE,
    merchant_id  uuid NOT NULL REFERENCES merchants (id),
    name         text NOT NULL,
    object_type  text NOT NULL,
    object_id    text NOT NULL,
    payload      jsonb NOT NULL,
    created_at   timestamptz NOT NULL
);
CREATE INDEX events_merchant_created ON events (merchant_id, created_at);
