-- Foundation: partners, merchants, keys, customers, items, the event outbox.
-- Times are fixed-width UTC text ("2006-01-02 15:04:05.000000") so that text
-- order is time order; money is integer cents.
CREATE TABLE partners (
    id          TEXT PRIMARY KEY,
    name        TEXT NOT NULL,
    created_at  TEXT NOT NULL
);

CREATE TABLE merchants (
    id                 TEXT PRIMARY KEY,
    partner_id         TEXT REFERENCES partners (id),
    company_name       TEXT NOT NULL,
    contact_email      TEXT NOT NULL DEFAULT '',
    status             TEXT NOT NULL,
    sandbox            INTEGER NOT NULL,
    features           TEXT NOT NULL DEFAULT '{}',
    webpayments_token  TEXT NOT NULL UNIQUE,
    allowed_origins    TEXT NOT NULL DEFAULT '[]',
    created_at         TEXT NOT NULL,
    updated_at         TEXT NOT NULL
);
CREATE INDEX merchants_partner ON merchants (partner_id, created_at);

CREATE TABLE api_keys (
    id           TEXT PRIMARY KEY,
    kind         TEXT NOT NULL CHECK (kind IN ('merchant', 'ephemeral', 'partner')),
    merchant_id  TEXT REFERENCES merchants (id),
    partner_id   TEXT REFERENCES partners (id),
    name         TEXT NOT NULL DEFAULT '',
    hash         TEXT NOT NULL UNIQUE,
    prefix       TEXT NOT NULL,
    expires_at   TEXT,
    created_at   TEXT NOT NULL,
    CHECK ((merchant_id IS NULL) <> (partner_id IS NULL))
);
CREATE INDEX api_keys_expires ON api_keys (expires_at) WHERE expires_at IS NOT NULL;

CREATE TABLE customers (
    id               TEXT PRIMARY KEY,
    merchant_id      TEXT NOT NULL REFERENCES merchants (id),
    firstname        TEXT NOT NULL DEFAULT '',
    lastname         TEXT NOT NULL DEFAULT '',
    company          TEXT NOT NULL DEFAULT '',
    email            TEXT NOT NULL DEFAULT '',
    cc_emails        TEXT NOT NULL DEFAULT '[]',
    phone            TEXT NOT NULL DEFAULT '',
    address_1        TEXT NOT NULL DEFAULT '',
    address_2        TEXT NOT NULL DEFAULT '',
    address_city     TEXT NOT NULL DEFAULT '',
    address_state    TEXT NOT NULL DEFAULT '',
    address_zip      TEXT NOT NULL DEFAULT '',
    address_country  TEXT NOT NULL DEFAULT '',
    notes            TEXT NOT NULL DEFAULT '',
    reference        TEXT NOT NULL DEFAULT '',
    allow_invoice_cc INTEGER NOT NULL DEFAULT 1,
    created_at       TEXT NOT NULL,
    updated_at       TEXT NOT NULL,
    deleted_at       TEXT
);
CREATE INDEX customers_merchant_created ON customers (merchant_id, created_at, id);
CREATE INDEX customers_merchant_email ON customers (merchant_id, email);

CREATE TABLE items (
    id               TEXT PRIMARY KEY,
    merchant_id      TEXT NOT NULL REFERENCES merchants (id),
    item             TEXT NOT NULL,
    code             TEXT NOT NULL DEFAULT '',
    category         TEXT NOT NULL DEFAULT '',
    details          TEXT NOT NULL DEFAULT '',
    is_active        INTEGER NOT NULL DEFAULT 1,
    is_taxable       INTEGER NOT NULL DEFAULT 0,
    is_service       INTEGER NOT NULL DEFAULT 0,
    is_discount      INTEGER NOT NULL DEFAULT 0,
    price            INTEGER NOT NULL DEFAULT 0,
    in_stock         INTEGER NOT NULL DEFAULT 0 CHECK (in_stock >= 0),
    low_stock_alert  INTEGER NOT NULL DEFAULT 0,
    meta             TEXT NOT NULL DEFAULT '{}',
    created_at       TEXT NOT NULL,
    updated_at       TEXT NOT NULL,
    deleted_at       TEXT
);
CREATE INDEX items_merchant_created ON items (merchant_id, created_at, id);

CREATE TABLE events (
    seq          INTEGER PRIMARY KEY AUTOINCREMENT,
    id           TEXT NOT NULL UNIQUE,
    merchant_id  TEXT NOT NULL REFERENCES merchants (id),
    name         TEXT NOT NULL,
    object_type  TEXT NOT NULL,
    object_id    TEXT NOT NULL,
    payload      TEXT NOT NULL,
    created_at   TEXT NOT NULL
);
CREATE INDEX events_merchant_created ON events (merchant_id, created_at);
