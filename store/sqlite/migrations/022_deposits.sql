-- Deposits (GET /query/deposit): one row per merchant and settlement batch,
-- written as each transaction settles, in the settlement's transaction.
-- seq numbers a merchant's deposits 1, 2, 3, ... in the order opened, and
-- batched_at never goes backwards along seq, so a page (and a batched_at
-- range, two index probes) is read by seq: O(page), never counted. Money
-- in cents.
CREATE TABLE deposits (
    merchant_id  TEXT NOT NULL REFERENCES merchants (id),
    id           TEXT NOT NULL,
    seq          INTEGER NOT NULL,
    batched_at   TEXT NOT NULL,
    count        INTEGER NOT NULL DEFAULT 0,
    sales        INTEGER NOT NULL DEFAULT 0,
    credits      INTEGER NOT NULL DEFAULT 0,
    returns      INTEGER NOT NULL DEFAULT 0,
    fees         INTEGER NOT NULL DEFAULT 0,
    created_at   TEXT NOT NULL,
    updated_at   TEXT NOT NULL,
    PRIMARY KEY (merchant_id, id),
    UNIQUE (merchant_id, seq)
);
CREATE INDEX deposits_batched ON deposits (merchant_id, batched_at, seq);

-- A deposit's transactions (GET /query/depositDetail), numbered 1, 2, 3,
-- ... within it (seq = the deposit's count when added): a page is a seq
-- range. A transaction is in one deposit once.
CREATE TABLE deposit_transactions (
    merchant_id     TEXT NOT NULL,
    deposit_id      TEXT NOT NULL,
    seq             INTEGER NOT NULL,
    transaction_id  TEXT NOT NULL UNIQUE,
    kind            TEXT NOT NULL CHECK (kind IN ('sale', 'credit', 'return')),
    amount          INTEGER NOT NULL,
    fee             INTEGER NOT NULL DEFAULT 0,
    created_at      TEXT NOT NULL,
    PRIMARY KEY (merchant_id, deposit_id, seq)
);

-- Batches settled before this migration: their sales and credits (and the
-- bank returns of their payments), fees unknown (0).
INSERT INTO deposit_transactions (merchant_id, deposit_id, seq, transaction_id, kind, amount, fee, created_at)
SELECT merchant_id, batch_id, row_number() OVER (PARTITION BY merchant_id, batch_id ORDER BY at, id), id, kind, amount, 0, at
FROM (SELECT merchant_id, batch_id, id, CASE WHEN type = 'credit' THEN 'credit' ELSE 'sale' END AS kind,
             CASE WHEN type = 'credit' THEN total ELSE captured END AS amount, COALESCE(settled_at, batched_at) AS at
      FROM transactions WHERE batch_id <> '' AND batched_at IS NOT NULL AND type IN ('charge', 'pre_auth', 'credit')
      UNION ALL
      SELECT p.merchant_id, p.batch_id, c.id, 'return', c.total, c.created_at
      FROM transactions c JOIN transactions p ON p.id = c.parent_id
      WHERE c.source = 'ach_return' AND p.batch_id <> '' AND p.batched_at IS NOT NULL);
INSERT INTO deposits (merchant_id, id, seq, batched_at, count, sales, credits, returns, fees, created_at, updated_at)
SELECT merchant_id, deposit_id, row_number() OVER (PARTITION BY merchant_id ORDER BY MIN(created_at), deposit_id),
       MIN(created_at), COUNT(*),
       SUM(CASE WHEN kind = 'sale' THEN amount ELSE 0 END), SUM(CASE WHEN kind = 'credit' THEN amount ELSE 0 END),
       SUM(CASE WHEN kind = 'return' THEN amount ELSE 0 END), 0, MIN(created_at), MAX(created_at)
FROM deposit_transactions GROUP BY merchant_id, deposit_id;

-- The team summary's two flags read these small partial indexes.
CREATE INDEX transactions_merchant_bank ON transactions (merchant_id) WHERE method = 'bank';
CREATE INDEX transactions_merchant_hosted ON transactions (merchant_id) WHERE source = 'invoice';
