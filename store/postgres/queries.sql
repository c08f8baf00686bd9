-- PostgreSQL statements, named for sqldb. Parameters are $N (numbered).

-- name: PartnerCreate
INSERT INTO partners (id, name, created_at) VALUES ($1, $2, $3);

-- name: PartnerGet
SELECT id, name, created_at FROM partners WHERE id = $1;

-- name: MerchantCreate
INSERT INTO merchants (id, partner_id, company_name, contact_email, status, sandbox, features,
    webpayments_token, allowed_origins, created_at, updated_at, processor, is_test, processor_credentials, profile)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15);

-- name: MerchantGet
SELECT id, partner_id, company_name, contact_email, status, sandbox, features, webpayments_token,
    allowed_origins, created_at, updated_at, processor, is_test, processor_credentials, profile
FROM merchants WHERE id = $1;

-- name: MerchantGetByWebToken
SELECT id, partner_id, company_name, contact_email, status, sandbox, features, webpayments_token,
    allowed_origins, created_at, updated_at, processor, is_test, processor_credentials, profile
FROM merchants WHERE webpayments_token = $1;

-- name: MerchantList
-- MerchantCountPartner, its count, is generated from it (counts in sqldb).
SELECT id, partner_id, company_name, contact_email, status, sandbox, features, webpayments_token,
    allowed_origins, created_at, updated_at, processor, is_test, processor_credentials, profile
FROM merchants WHERE ($1::text = '' OR partner_id::text = $1)
ORDER BY /*ORDER*/ LIMIT $2 OFFSET $3;

-- name: MerchantUpdate
UPDATE merchants SET company_name = $2, contact_email = $3, status = $4, features = $5,
    allowed_origins = $6, updated_at = $7, processor = $8, is_test = $9, processor_credentials = $10,
    profile = $11
WHERE id = $1;

-- name: MerchantCount
SELECT count(*) FROM merchants;

-- name: MerchantLogoPut
INSERT INTO merchant_logos (merchant_id, content_type, data, updated_at) VALUES ($1, $2, $3, $4)
ON CONFLICT (merchant_id) DO UPDATE SET content_type = excluded.content_type, data = excluded.data,
    updated_at = excluded.updated_at;

-- name: MerchantLogoGet
SELECT content_type, data, updated_at FROM merchant_logos WHERE merchant_id = $1;

-- name: MerchantLogoDelete
DELETE FROM merchant_logos WHERE merchant_id = $1;

-- name: APIKeyCreate
INSERT INTO api_keys (id, kind, merchant_id, partner_id, name, hash, prefix, expires_at, created_at, user_id)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10);

-- name: APIKeyGetByHash
SELECT id, kind, merchant_id, partner_id, name, hash, prefix, expires_at, created_at, user_id
FROM api_keys WHERE hash = $1;

-- name: APIKeyDeleteExpired
DELETE FROM api_keys WHERE expires_at IS NOT NULL AND expires_at < $1;

-- name: CustomerCreate
INSERT INTO customers (id, merchant_id, firstname, lastname, company, email, cc_emails, phone,
    address_1, address_2, address_city, address_state, address_zip, address_country, notes,
    reference, allow_invoice_cc, created_at, updated_at, deleted_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20);

-- name: CustomerGet
SELECT id, merchant_id, firstname, lastname, company, email, cc_emails, phone, address_1, address_2,
    address_city, address_state, address_zip, address_country, notes, reference, allow_invoice_cc,
    created_at, updated_at, deleted_at
FROM customers WHERE merchant_id = $1 AND id = $2;

-- Stax.js customer matching: the oldest live customer whose fields of one
-- group all equal the given ones (email without regard to case).

-- name: CustomerMatchEmail
SELECT id, merchant_id, firstname, lastname, company, email, cc_emails, phone, address_1, address_2,
    address_city, address_state, address_zip, address_country, notes, reference, allow_invoice_cc,
    created_at, updated_at, deleted_at
FROM customers WHERE merchant_id = $1 AND deleted_at IS NULL
    AND lower(email) = lower($2)
ORDER BY created_at, id LIMIT 1;

-- name: CustomerMatchCompanyAddress
SELECT id, merchant_id, firstname, lastname, company, email, cc_emails, phone, address_1, address_2,
    address_city, address_state, address_zip, address_country, notes, reference, allow_invoice_cc,
    created_at, updated_at, deleted_at
FROM customers WHERE merchant_id = $1 AND deleted_at IS NULL
    AND company = $2 AND address_1 = $3 AND address_city = $4
ORDER BY created_at, id LIMIT 1;

-- name: CustomerMatchFirstnamePhone
SELECT id, merchant_id, firstname, lastname, company, email, cc_emails, phone, address_1, address_2,
    address_city, address_state, address_zip, address_country, notes, reference, allow_invoice_cc,
    created_at, updated_at, deleted_at
FROM customers WHERE merchant_id = $1 AND deleted_at IS NULL
    AND firstname = $2 AND phone = $3
ORDER BY created_at, id LIMIT 1;

-- name: CustomerMatchNameAddress
SELECT id, merchant_id, firstname, lastname, company, email, cc_emails, phone, address_1, address_2,
    address_city, address_state, address_zip, address_country, notes, reference, allow_invoice_cc,
    created_at, updated_at, deleted_at
FROM customers WHERE merchant_id = $1 AND deleted_at IS NULL
    AND firstname = $2 AND lastname = $3 AND address_1 = $4 AND address_zip = $5
ORDER BY created_at, id LIMIT 1;

-- name: CustomerMatchLastnamePhone
SELECT id, merchant_id, firstname, lastname, company, email, cc_emails, phone, address_1, address_2,
    address_city, address_state, address_zip, address_country, notes, reference, allow_invoice_cc,
    created_at, updated_at, deleted_at
FROM customers WHERE merchant_id = $1 AND deleted_at IS NULL
    AND lastname = $2 AND phone = $3
ORDER BY created_at, id LIMIT 1;

-- name: CustomerUpdate
-- $18 (created_at) is part of the shared argument list and unused here.
UPDATE customers SET firstname = $3, lastname = $4, company = $5, email = $6, cc_emails = $7,
    phone = $8, address_1 = $9, address_2 = $10, address_city = $11, address_state = $12,
    address_zip = $13, address_country = $14, notes = $15, reference = $16, allow_invoice_cc = $17,
    updated_at = $19
WHERE merchant_id = $2 AND id = $1 AND deleted_at IS NULL AND $18::timestamptz IS NOT NULL;

-- name: CustomerDelete
UPDATE customers SET deleted_at = $3, updated_at = $3
WHERE merchant_id = $1 AND id = $2 AND deleted_at IS NULL;

-- name: ListPage
-- The default list (newest first, no filter) in O(page) (migration 012):
-- the queued, not numbered yet (the newest), first; then the numbered: the
-- block where the page begins is found by walking the blocks' live counts
-- from the nearer end of the list (down from the newest block when the
-- page is in the newer half, else up from the oldest), and at most a
-- block's positions are skipped in it. Each row carries the total.
-- $2 limit, $3 offset, $4 the list; the TABLE and COLUMNS markers are the
-- list's table and the columns its scan reads (constants in sqldb).
WITH RECURSIVE u AS (SELECT count(*) AS n FROM list_position_queue WHERE list = $4 AND merchant_id = $1 AND live),
t AS (SELECT coalesce(max(live), 0) AS n FROM list_blocks WHERE list = $4 AND merchant_id = $1 AND block = -1),
s AS (SELECT GREATEST($3 - (SELECT n FROM u), 0) AS skip),
newest AS (SELECT coalesce(max(block), -1) AS block FROM list_blocks WHERE list = $4 AND merchant_id = $1),
down(block, live, cum) AS (
    SELECT b.block, b.live, b.live FROM list_blocks b, newest, s, t
    WHERE b.list = $4 AND b.merchant_id = $1 AND b.block = newest.block AND s.skip < t.n AND s.skip * 2 < t.n
    UNION ALL
    SELECT b.block, b.live, d.cum + b.live FROM down d, list_blocks b, s
    WHERE b.list = $4 AND b.merchant_id = $1 AND b.block = d.block - 1 AND d.cum <= s.skip),
up(block, live, cum) AS (
    SELECT b.block, b.live, b.live FROM list_blocks b, s, t
    WHERE b.list = $4 AND b.merchant_id = $1 AND b.block = 0 AND s.skip < t.n AND s.skip * 2 >= t.n
    UNION ALL
    SELECT b.block, b.live, w.cum + b.live FROM up w, list_blocks b, s, t
    WHERE b.list = $4 AND b.merchant_id = $1 AND b.block = w.block + 1 AND w.cum < t.n - s.skip),
start AS (
    SELECT * FROM (SELECT d.block, s.skip - (d.cum - d.live) AS within FROM down d, s
        WHERE d.cum > s.skip ORDER BY d.block DESC LIMIT 1) AS fromnewest
    UNION ALL
    SELECT * FROM (SELECT w.block, w.cum - (t.n - s.skip) AS within FROM up w, s, t
        WHERE w.cum >= t.n - s.skip ORDER BY w.block LIMIT 1) AS fromoldest),
page AS (
    SELECT * FROM (SELECT object_id, 0 AS g, 0::bigint AS pos, created_at FROM list_position_queue
        WHERE list = $4 AND merchant_id = $1 AND live ORDER BY created_at DESC, object_id DESC LIMIT $2 OFFSET $3) AS fresh
    UNION ALL
    SELECT * FROM (SELECT p.object_id, 1 AS g, p.pos, NULL::timestamptz AS created_at
        FROM list_positions p
        WHERE p.list = $4 AND p.merchant_id = $1 AND p.pos < (SELECT (block + 1) * 1000 FROM start)
          AND p.live
        ORDER BY p.pos DESC LIMIT $2 OFFSET coalesce((SELECT within FROM start), 0)) AS numbered)
SELECT /*COLUMNS*/,
    (SELECT n FROM u) + (SELECT n FROM t)
FROM page JOIN /*TABLE*/ o ON o.id = page.object_id
ORDER BY page.g, page.pos DESC, page.created_at DESC, page.object_id DESC LIMIT $2;

-- name: ListPageTotal
-- $2 the list.
SELECT (SELECT count(*) FROM list_position_queue WHERE list = $2 AND merchant_id = $1 AND live)
    + coalesce((SELECT live FROM list_blocks WHERE list = $2 AND merchant_id = $1 AND block = -1), 0);

-- name: ListRangePage
-- A list filtered by nothing but a created_at range, newest first, in
-- O(page) (migration 012's positions and blocks): the range's first (lo)
-- and last (hi) positions are found through the listed table's
-- (merchant_id, created_at, id) index; the queued (not numbered yet, the
-- newest) ones in the range come first, then the numbered: the blocks
-- between lo's and hi's are summed by their live counts (the two end
-- blocks counted within the range, at most 1,000 positions each), the
-- block where the page begins is the first whose running sum passes the
-- offset, and at most a block's positions are skipped in it. So a page
-- reads O(page + range / 1000) rows, never the range's objects. Each row
-- carries the total. $2 limit, $3 offset, $4 the list, $5..$6 the
-- created_at range (closed; open ends are far dates); TABLE and COLUMNS as
-- in ListPage.
-- ListRangePageAsc, its --ASC lines in place of the --DESC ones, is the
-- same oldest first: the numbered come first, from lo up (the blocks'
-- running sum taken from the oldest block; an offset past them leaves
-- start empty, and so the numbered part), then the queued, oldest first,
-- skipping what the numbered took of the offset (directed in sqldb).
WITH u AS (SELECT count(*) AS n FROM list_position_queue
    WHERE list = $4 AND merchant_id = $1 AND live AND created_at >= $5::timestamptz AND created_at <= $6::timestamptz),
hi AS (SELECT coalesce((SELECT p.pos FROM /*TABLE*/ o JOIN list_positions p ON p.list = $4 AND p.object_id = o.id
    WHERE o.merchant_id = $1 AND o.created_at <= $6::timestamptz ORDER BY o.created_at DESC, o.id DESC LIMIT 1), 0) AS n),
lo AS (SELECT coalesce((SELECT p.pos FROM /*TABLE*/ o JOIN list_positions p ON p.list = $4 AND p.object_id = o.id
    WHERE o.merchant_id = $1 AND o.created_at >= $5::timestamptz ORDER BY o.created_at, o.id LIMIT 1), 1000000000000000000) AS n),
bl AS (SELECT b.block, CASE WHEN b.block IN ((SELECT n FROM lo) / 1000, (SELECT n FROM hi) / 1000)
        THEN (SELECT count(*) FROM list_positions p WHERE p.list = $4 AND p.merchant_id = $1 AND p.live
              AND p.pos >= GREATEST(b.block * 1000, (SELECT n FROM lo))
              AND p.pos <= LEAST(b.block * 1000 + 999, (SELECT n FROM hi)))
        ELSE b.live END AS live
    FROM list_blocks b WHERE b.list = $4 AND b.merchant_id = $1
      AND b.block >= (SELECT n FROM lo) / 1000 AND b.block <= (SELECT n FROM hi) / 1000),
--DESC c AS (SELECT block, live, sum(live) OVER (ORDER BY block DESC) AS cum FROM bl),
--ASC  c AS (SELECT block, live, sum(live) OVER (ORDER BY block) AS cum FROM bl),
t AS (SELECT coalesce(sum(live), 0) AS n FROM bl),
--DESC s AS (SELECT GREATEST($3 - (SELECT n FROM u), 0) AS skip),
--DESC start AS (SELECT c.block, s.skip - (c.cum - c.live) AS within FROM c, s WHERE c.cum > s.skip ORDER BY c.block DESC LIMIT 1),
--ASC  start AS (SELECT c.block, $3 - (c.cum - c.live) AS within FROM c WHERE c.cum > $3 ORDER BY c.block LIMIT 1),
page AS (
--DESC     SELECT * FROM (SELECT object_id, 0 AS g, 0::bigint AS pos, created_at FROM list_position_queue
--DESC         WHERE list = $4 AND merchant_id = $1 AND live AND created_at >= $5::timestamptz AND created_at <= $6::timestamptz
--DESC         ORDER BY created_at DESC, object_id DESC LIMIT $2 OFFSET $3) AS fresh
--DESC     UNION ALL
--DESC     SELECT * FROM (SELECT p.object_id, 1 AS g, p.pos, NULL::timestamptz AS created_at
--DESC         FROM list_positions p
--DESC         WHERE p.list = $4 AND p.merchant_id = $1 AND p.live AND p.pos >= (SELECT n FROM lo)
--DESC           AND p.pos <= (SELECT n FROM hi) AND p.pos <= (SELECT (block + 1) * 1000 - 1 FROM start)
--DESC         ORDER BY p.pos DESC LIMIT $2 OFFSET coalesce((SELECT within FROM start), 0)) AS numbered)
--ASC      SELECT * FROM (SELECT p.object_id, 0 AS g, p.pos, NULL::timestamptz AS created_at
--ASC          FROM list_positions p
--ASC          WHERE p.list = $4 AND p.merchant_id = $1 AND p.live AND p.pos >= (SELECT n FROM lo) AND p.pos >= (SELECT block * 1000 FROM start)
--ASC            AND p.pos <= (SELECT n FROM hi)
--ASC          ORDER BY p.pos LIMIT $2 OFFSET coalesce((SELECT within FROM start), 0)) AS numbered
--ASC      UNION ALL
--ASC      SELECT * FROM (SELECT object_id, 1 AS g, 0::bigint AS pos, created_at FROM list_position_queue
--ASC          WHERE list = $4 AND merchant_id = $1 AND live AND created_at >= $5::timestamptz AND created_at <= $6::timestamptz
--ASC          ORDER BY created_at, object_id LIMIT $2 OFFSET GREATEST($3 - (SELECT n FROM t), 0)) AS fresh)
SELECT /*COLUMNS*/,
    (SELECT n FROM u) + (SELECT n FROM t)
FROM page JOIN /*TABLE*/ o ON o.id = page.object_id
--DESC ORDER BY page.g, page.pos DESC, page.created_at DESC, page.object_id DESC
--ASC  ORDER BY page.g, page.pos, page.created_at, page.object_id
LIMIT $2;

-- name: ListRangePageTotal
-- ListRangePage's total alone (past its last page): $2 the list, $3..$4 the
-- created_at range.
WITH hi AS (SELECT coalesce((SELECT p.pos FROM /*TABLE*/ o JOIN list_positions p ON p.list = $2 AND p.object_id = o.id
    WHERE o.merchant_id = $1 AND o.created_at <= $4::timestamptz ORDER BY o.created_at DESC, o.id DESC LIMIT 1), 0) AS n),
lo AS (SELECT coalesce((SELECT p.pos FROM /*TABLE*/ o JOIN list_positions p ON p.list = $2 AND p.object_id = o.id
    WHERE o.merchant_id = $1 AND o.created_at >= $3::timestamptz ORDER BY o.created_at, o.id LIMIT 1), 1000000000000000000) AS n)
SELECT (SELECT count(*) FROM list_position_queue
        WHERE list = $2 AND merchant_id = $1 AND live AND created_at >= $3::timestamptz AND created_at <= $4::timestamptz)
    + coalesce((SELECT sum(CASE WHEN b.block IN ((SELECT n FROM lo) / 1000, (SELECT n FROM hi) / 1000)
        THEN (SELECT count(*) FROM list_positions p WHERE p.list = $2 AND p.merchant_id = $1 AND p.live
              AND p.pos >= GREATEST(b.block * 1000, (SELECT n FROM lo))
              AND p.pos <= LEAST(b.block * 1000 + 999, (SELECT n FROM hi)))
        ELSE b.live END)
    FROM list_blocks b WHERE b.list = $2 AND b.merchant_id = $1
      AND b.block >= (SELECT n FROM lo) / 1000 AND b.block <= (SELECT n FROM hi) / 1000), 0);

-- name: InvoiceCustomerPage
-- One customer's invoices in a created_at range, newest first, in O(page +
-- the customer's blocks in the range) (migration 032): ListRangePage on
-- the customer's places and blocks, the range's ends found through
-- migration 030's (merchant_id, customer_id, created_at, id) index, the
-- queued (not numbered yet) of the customer's first. $2 limit, $3 offset,
-- $4 the customer, $5..$6 the range (closed; open ends are far dates).
-- InvoiceCustomerPageAsc, its --ASC lines in place of the --DESC ones, is
-- the same oldest first, as ListRangePageAsc (directed in sqldb).
WITH u AS (SELECT count(*) AS n FROM list_position_queue
    WHERE list = 'invoices' AND merchant_id = $1 AND live
    AND EXISTS (SELECT 1 FROM invoices i WHERE i.id = list_position_queue.object_id AND i.customer_id = $4) AND created_at >= $5::timestamptz AND created_at <= $6::timestamptz),
hi AS (SELECT coalesce((SELECT p.pos FROM invoices o JOIN invoice_customer_positions p ON p.invoice_id = o.id
    WHERE o.merchant_id = $1 AND o.customer_id = $4 AND o.created_at <= $6::timestamptz ORDER BY o.created_at DESC, o.id DESC LIMIT 1), 0) AS n),
lo AS (SELECT coalesce((SELECT p.pos FROM invoices o JOIN invoice_customer_positions p ON p.invoice_id = o.id
    WHERE o.merchant_id = $1 AND o.customer_id = $4 AND o.created_at >= $5::timestamptz ORDER BY o.created_at, o.id LIMIT 1), 1000000000000000000) AS n),
bl AS (SELECT b.block, CASE WHEN b.block IN ((SELECT n FROM lo) / 1000, (SELECT n FROM hi) / 1000)
        THEN (SELECT count(*) FROM invoice_customer_positions p WHERE p.merchant_id = $1 AND p.customer_id = $4 AND p.live
              AND p.pos >= GREATEST(b.block * 1000, (SELECT n FROM lo))
              AND p.pos <= LEAST(b.block * 1000 + 999, (SELECT n FROM hi)))
        ELSE b.live END AS live
    FROM invoice_customer_blocks b WHERE b.merchant_id = $1 AND b.customer_id = $4
      AND b.block >= (SELECT n FROM lo) / 1000 AND b.block <= (SELECT n FROM hi) / 1000),
--DESC c AS (SELECT block, live, sum(live) OVER (ORDER BY block DESC) AS cum FROM bl),
--ASC  c AS (SELECT block, live, sum(live) OVER (ORDER BY block) AS cum FROM bl),
t AS (SELECT coalesce(sum(live), 0) AS n FROM bl),
--DESC s AS (SELECT GREATEST($3 - (SELECT n FROM u), 0) AS skip),
--DESC start AS (SELECT c.block, s.skip - (c.cum - c.live) AS within FROM c, s WHERE c.cum > s.skip ORDER BY c.block DESC LIMIT 1),
--ASC  start AS (SELECT c.block, $3 - (c.cum - c.live) AS within FROM c WHERE c.cum > $3 ORDER BY c.block LIMIT 1),
page AS (
--DESC     SELECT * FROM (SELECT object_id, 0 AS g, 0::bigint AS pos, created_at FROM list_position_queue
--DESC         WHERE list = 'invoices' AND merchant_id = $1 AND live
--DESC         AND EXISTS (SELECT 1 FROM invoices i WHERE i.id = list_position_queue.object_id AND i.customer_id = $4) AND created_at >= $5::timestamptz AND created_at <= $6::timestamptz
--DESC         ORDER BY created_at DESC, object_id DESC LIMIT $2 OFFSET $3) AS fresh
--DESC     UNION ALL
--DESC     SELECT * FROM (SELECT p.invoice_id AS object_id, 1 AS g, p.pos, NULL::timestamptz AS created_at
--DESC         FROM invoice_customer_positions p
--DESC         WHERE p.merchant_id = $1 AND p.customer_id = $4 AND p.live AND p.pos >= (SELECT n FROM lo)
--DESC           AND p.pos <= (SELECT n FROM hi) AND p.pos <= (SELECT (block + 1) * 1000 - 1 FROM start)
--DESC         ORDER BY p.pos DESC LIMIT $2 OFFSET coalesce((SELECT within FROM start), 0)) AS numbered)
--ASC      SELECT * FROM (SELECT p.invoice_id AS object_id, 0 AS g, p.pos, NULL::timestamptz AS created_at
--ASC          FROM invoice_customer_positions p
--ASC          WHERE p.merchant_id = $1 AND p.customer_id = $4 AND p.live AND p.pos >= (SELECT n FROM lo) AND p.pos >= (SELECT block * 1000 FROM start)
--ASC            AND p.pos <= (SELECT n FROM hi)
--ASC          ORDER BY p.pos LIMIT $2 OFFSET coalesce((SELECT within FROM start), 0)) AS numbered
--ASC      UNION ALL
--ASC      SELECT * FROM (SELECT object_id, 1 AS g, 0::bigint AS pos, created_at FROM list_position_queue
--ASC          WHERE list = 'invoices' AND merchant_id = $1 AND live
--ASC          AND EXISTS (SELECT 1 FROM invoices i WHERE i.id = list_position_queue.object_id AND i.customer_id = $4) AND created_at >= $5::timestamptz AND created_at <= $6::timestamptz
--ASC          ORDER BY created_at, object_id LIMIT $2 OFFSET GREATEST($3 - (SELECT n FROM t), 0)) AS fresh)
SELECT o.id, o.merchant_id, o.customer_id, o.payment_method_id, o.total, o.meta, o.status,
    o.url, o.sent_at, o.viewed_at, o.paid_at, o.due_at, o.balance_due, o.total_paid, o.pending_payments,
    o.payment_attempt_failed, o.payment_attempt_message, o.is_partial_payment_enabled, o.stock_applied,
    o.schedule_id, o.occurrence, o.autopay_done, o.created_at, o.updated_at, o.deleted_at,
    (SELECT n FROM u) + (SELECT n FROM t)
FROM page JOIN invoices o ON o.id = page.object_id
--DESC ORDER BY page.g, page.pos DESC, page.created_at DESC, page.object_id DESC
--ASC  ORDER BY page.g, page.pos, page.created_at, page.object_id
LIMIT $2;

-- name: InvoiceCustomerPageTotal
-- InvoiceCustomerPage's total alone: $2 the customer, $3..$4 the range.
WITH hi AS (SELECT coalesce((SELECT p.pos FROM invoices o JOIN invoice_customer_positions p ON p.invoice_id = o.id
    WHERE o.merchant_id = $1 AND o.customer_id = $2 AND o.created_at <= $4::timestamptz ORDER BY o.created_at DESC, o.id DESC LIMIT 1), 0) AS n),
lo AS (SELECT coalesce((SELECT p.pos FROM invoices o JOIN invoice_customer_positions p ON p.invoice_id = o.id
    WHERE o.merchant_id = $1 AND o.customer_id = $2 AND o.created_at >= $3::timestamptz ORDER BY o.created_at, o.id LIMIT 1), 1000000000000000000) AS n)
SELECT (SELECT count(*) FROM list_position_queue
        WHERE list = 'invoices' AND merchant_id = $1 AND live
        AND EXISTS (SELECT 1 FROM invoices i WHERE i.id = list_position_queue.object_id AND i.customer_id = $2) AND created_at >= $3::timestamptz AND created_at <= $4::timestamptz)
    + coalesce((SELECT sum(CASE WHEN b.block IN ((SELECT n FROM lo) / 1000, (SELECT n FROM hi) / 1000)
        THEN (SELECT count(*) FROM invoice_customer_positions p WHERE p.merchant_id = $1 AND p.customer_id = $2 AND p.live
              AND p.pos >= GREATEST(b.block * 1000, (SELECT n FROM lo))
              AND p.pos <= LEAST(b.block * 1000 + 999, (SELECT n FROM hi)))
        ELSE b.live END)
    FROM invoice_customer_blocks b WHERE b.merchant_id = $1 AND b.customer_id = $2
      AND b.block >= (SELECT n FROM lo) / 1000 AND b.block <= (SELECT n FROM hi) / 1000), 0);

-- name: InvoiceCustomerPositionsSet
-- The numbered invoices' places in their customers' lists, at their
-- positions in the merchant's (migration 032); $1 as ListPositionsSet's.
INSERT INTO invoice_customer_positions (merchant_id, customer_id, pos, invoice_id, live)
SELECT i.merchant_id, i.customer_id, j.pos, i.id, j.live
FROM jsonb_to_recordset($1::jsonb) AS j(list text, id uuid, pos bigint, live boolean)
JOIN invoices i ON i.id = j.id WHERE j.list = 'invoices';

-- name: InvoiceCustomerBlocksAdd
-- Their customers' blocks count the live ones; $1 as ListPositionsSet's.
INSERT INTO invoice_customer_blocks (merchant_id, customer_id, block, live)
SELECT p.merchant_id, p.customer_id, p.pos / 1000, count(*) FILTER (WHERE p.live)
FROM jsonb_to_recordset($1::jsonb) AS j(list text, id uuid)
JOIN invoice_customer_positions p ON p.invoice_id = j.id WHERE j.list = 'invoices'
GROUP BY p.merchant_id, p.customer_id, p.pos / 1000
ON CONFLICT (merchant_id, customer_id, block) DO UPDATE SET live = invoice_customer_blocks.live + excluded.live;

-- name: ListPositionsLock
-- One numberer at a time (per schema: advisory locks are database-wide).
SELECT pg_try_advisory_xact_lock(hashtext('tender_list_positions:' || current_schema()));

-- name: ListPositionsDequeue
-- Takes up to $2 queued objects created before $1 (deleted ones too) out of
-- the queue (the numberer sorts them: RETURNING keeps no order).
DELETE FROM list_position_queue q WHERE (q.list, q.object_id) IN (
    SELECT list, object_id FROM list_position_queue WHERE created_at < $1 ORDER BY created_at, object_id LIMIT $2)
RETURNING q.list, q.object_id::text, q.merchant_id::text, q.created_at, q.live;

-- name: ListPositionsMax
SELECT coalesce(max(pos), 0) FROM list_positions WHERE list = $1 AND merchant_id = $2;

-- name: ListPositionsSet
-- $1: a JSON array of {"list", "id", "merchant", "pos"}.
INSERT INTO list_positions (list, merchant_id, pos, object_id, live)
SELECT j.list, j.merchant, j.pos, j.id, j.live FROM jsonb_to_recordset($1::jsonb) AS j(list text, id uuid, merchant uuid, pos bigint, live boolean);

-- name: ListBlocksAdd
-- The numbered objects' blocks, and their lists' totals (block -1), count
-- the live ones; $1 as ListPositionsSet's.
INSERT INTO list_blocks (list, merchant_id, block, live)
SELECT j.list, j.merchant, b.block, count(*) FILTER (WHERE j.live)
FROM jsonb_to_recordset($1::jsonb) AS j(list text, merchant uuid, pos bigint, live boolean),
    LATERAL (VALUES (j.pos / 1000), (-1)) AS b(block)
GROUP BY j.list, j.merchant, b.block
ON CONFLICT (list, merchant_id, block) DO UPDATE SET live = list_blocks.live + excluded.live;

-- name: CustomerList
-- CustomerCount, its count, is generated from it (counts in sqldb).
SELECT id, merchant_id, firstname, lastname, company, email, cc_emails, phone, address_1, address_2,
    address_city, address_state, address_zip, address_country, notes, reference, allow_invoice_cc,
    created_at, updated_at, deleted_at
FROM customers
WHERE merchant_id = $1 AND deleted_at IS NULL
  --SEARCH AND search_text LIKE $15
  AND ($2::text = '' OR lower(email) = lower($2))
  AND ($3::text = '' OR lower(firstname) = lower($3))
  AND ($4::text = '' OR lower(lastname) = lower($4))
  AND ($5::text = '' OR lower(company) = lower($5))
  AND ($6::text = '' OR phone = $6)
  AND ($7::text = '' OR reference = $7)
  AND NOT EXISTS (SELECT 1 FROM jsonb_array_elements_text($8::jsonb) k(value) WHERE NOT (
        lower(firstname) LIKE k.value OR lower(lastname) LIKE k.value
     OR lower(company) LIKE k.value OR lower(email) LIKE k.value
     OR lower(phone) LIKE k.value OR lower(reference) LIKE k.value
     OR lower(firstname || ' ' || lastname) LIKE k.value))
  AND ($9::timestamptz IS NULL OR created_at >= $9)
  AND ($10::timestamptz IS NULL OR created_at <= $10)
  AND ($11::timestamptz IS NULL OR updated_at >= $11) AND ($12::timestamptz IS NULL OR updated_at <= $12)
ORDER BY /*ORDER*/ LIMIT $13 OFFSET $14;

-- name: ItemCreate
INSERT INTO items (id, merchant_id, item, code, category, details, is_active, is_taxable, is_service,
    is_discount, price, in_stock, low_stock_alert, meta, created_at, updated_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16);

-- name: ItemGet
SELECT id, merchant_id, item, code, category, details, is_active, is_taxable, is_service, is_discount,
    price, in_stock, low_stock_alert, meta, created_at, updated_at, deleted_at
FROM items WHERE merchant_id = $1 AND id = $2;

-- name: ItemUpdate
-- $15 (created_at) is part of the shared argument list and unused here.
UPDATE items SET item = $3, code = $4, category = $5, details = $6, is_active = $7, is_taxable = $8,
    is_service = $9, is_discount = $10, price = $11, in_stock = $12, low_stock_alert = $13, meta = $14,
    updated_at = $16
WHERE merchant_id = $2 AND id = $1 AND deleted_at IS NULL AND $15::timestamptz IS NOT NULL;

-- name: ItemDelete
UPDATE items SET deleted_at = $3, updated_at = $3
WHERE merchant_id = $1 AND id = $2 AND deleted_at IS NULL;

-- name: ItemList
-- ItemCount, its count, is generated from it (counts in sqldb).
SELECT id, merchant_id, item, code, category, details, is_active, is_taxable, is_service, is_discount,
    price, in_stock, low_stock_alert, meta, created_at, updated_at, deleted_at
FROM items
WHERE merchant_id = $1 AND deleted_at IS NULL
  --SEARCH AND search_text LIKE $12
  AND ($2::text = '' OR category = $2)
  AND ($3::text = '' OR code = $3)
  AND ($4::int = -1 OR is_active = ($4::int = 1))
  AND NOT EXISTS (SELECT 1 FROM jsonb_array_elements_text($5::jsonb) k(value) WHERE NOT (
        lower(item) LIKE k.value OR lower(code) LIKE k.value
     OR lower(category) LIKE k.value OR lower(details) LIKE k.value))
  AND ($6::timestamptz IS NULL OR created_at >= $6) AND ($7::timestamptz IS NULL OR created_at <= $7)
  AND ($8::timestamptz IS NULL OR updated_at >= $8) AND ($9::timestamptz IS NULL OR updated_at <= $9)
ORDER BY /*ORDER*/ LIMIT $10 OFFSET $11;

-- name: EventInsert
-- Queued for the webhook relay (EventsToRelay) in the same statement,
-- with its header (migration 037).
WITH e AS (
    INSERT INTO events (id, merchant_id, name, object_type, object_id, payload, created_at)
    VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING seq, id, merchant_id, name, object_type, object_id, created_at
)
INSERT INTO event_outbox (seq, id, merchant_id, name, object_type, object_id, created_at)
SELECT seq, id, merchant_id, name, object_type, object_id, created_at FROM e;

-- name: EventsAfter
-- A merchant's events after the seq $2, by seq: the read of GET
-- /event/stream, which keeps $2 recent, so the primary key's range from $2
-- is short.
SELECT seq, id, merchant_id, name, object_type, object_id, payload, created_at FROM events
WHERE merchant_id = $1 AND seq > $2
ORDER BY seq LIMIT $3;

-- name: EventMaxSeq
SELECT coalesce(max(seq), 0) FROM events;

-- name: EventListSince
SELECT id, merchant_id, name, object_type, object_id, payload, created_at FROM events
WHERE merchant_id = $1 AND ($2::timestamptz IS NULL OR created_at > $2)
ORDER BY seq LIMIT $3;
-- name: PaymentMethodCreate
INSERT INTO payment_methods (id, merchant_id, customer_id, method, nickname, person_name, card_type,
    card_last_four, card_exp, bin_type, has_cvv, is_default, bank_name, bank_type, bank_holder_type,
    address_1, address_2, address_city, address_state, address_zip, address_country, meta,
    is_usable_in_vt, fingerprint, created_at, updated_at, sealed_number, sealed_cvv, bank_routing, deleted_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20,
    $21, $22, $23, $24, $25, $26, $27, $28, $29, $30);

-- name: PaymentMethodGet
SELECT id, merchant_id, customer_id, method, nickname, person_name, card_type, card_last_four, card_exp,
    bin_type, has_cvv, is_default, bank_name, bank_type, bank_holder_type, address_1, address_2,
    address_city, address_state, address_zip, address_country, meta, is_usable_in_vt, fingerprint,
    created_at, updated_at, deleted_at
FROM payment_methods WHERE merchant_id = $1 AND id = $2;

-- name: PaymentMethodUpdate
-- $3, $4, $24 and $25 are part of the shared argument list and not changed here.
UPDATE payment_methods SET nickname = $5, person_name = $6, card_type = $7, card_last_four = $8,
    card_exp = $9, bin_type = $10, has_cvv = $11, is_default = $12, bank_name = $13, bank_type = $14,
    bank_holder_type = $15, address_1 = $16, address_2 = $17, address_city = $18, address_state = $19,
    address_zip = $20, address_country = $21, meta = $22, is_usable_in_vt = $23, updated_at = $26
WHERE merchant_id = $2 AND id = $1 AND deleted_at IS NULL
  AND $3::text IS NOT NULL AND $4::text IS NOT NULL AND $24::text IS NOT NULL AND $25::timestamptz IS NOT NULL;

-- name: PaymentMethodDelete
UPDATE payment_methods SET deleted_at = $3, updated_at = $3, is_default = false
WHERE merchant_id = $1 AND id = $2 AND deleted_at IS NULL;

-- name: PaymentMethodList
-- PaymentMethodCount, its count, is generated from it (counts in sqldb).
SELECT id, merchant_id, customer_id, method, nickname, person_name, card_type, card_last_four, card_exp,
    bin_type, has_cvv, is_default, bank_name, bank_type, bank_holder_type, address_1, address_2,
    address_city, address_state, address_zip, address_country, meta, is_usable_in_vt, fingerprint,
    created_at, updated_at, deleted_at
FROM payment_methods
WHERE merchant_id = $1 AND deleted_at IS NULL AND ($2::text = '' OR customer_id = CAST(nullif($2::text, '') AS uuid)) AND ($3::text = '' OR method = $3)
  --BYCUSTOMER AND customer_id = CAST(nullif($2::text, '') AS uuid)
  AND ($4::timestamptz IS NULL OR created_at >= $4) AND ($5::timestamptz IS NULL OR created_at <= $5)
  AND ($6::timestamptz IS NULL OR updated_at >= $6) AND ($7::timestamptz IS NULL OR updated_at <= $7)
ORDER BY /*ORDER*/ LIMIT $8 OFFSET $9;

-- name: PaymentMethodsOfCustomer
SELECT id, merchant_id, customer_id, method, nickname, person_name, card_type, card_last_four, card_exp,
    bin_type, has_cvv, is_default, bank_name, bank_type, bank_holder_type, address_1, address_2,
    address_city, address_state, address_zip, address_country, meta, is_usable_in_vt, fingerprint,
    created_at, updated_at, deleted_at
FROM payment_methods
WHERE merchant_id = $1 AND customer_id = $2 AND deleted_at IS NULL
ORDER BY created_at DESC, id DESC;

-- name: PaymentMethodClearDefault
UPDATE payment_methods SET is_default = false, updated_at = $4
WHERE merchant_id = $1 AND customer_id = $2 AND id::text <> $3 AND is_default = true;

-- name: PaymentMethodEraseCVV
UPDATE payment_methods SET sealed_cvv = '', has_cvv = false, updated_at = $2 WHERE id = $1 AND sealed_cvv <> '';

-- name: PaymentMethodSecretsPage
SELECT id, sealed_number, sealed_cvv, bank_routing FROM payment_methods WHERE id > $1::uuid ORDER BY id LIMIT $2;

-- name: PaymentMethodSetSealed
UPDATE payment_methods SET sealed_number = $2, sealed_cvv = $3 WHERE id = $1;

-- name: TransactionCreate
INSERT INTO transactions (id, merchant_id, parent_id, invoice_id, customer_id, payment_method_id, type,
    source, method, success, status, message, total, captured, total_refunded, pending_refunds, surcharge,
    pre_auth, is_captured, is_voided, cancelled, pending_op, last_four, meta, batch_id, batched_at,
    settled_at, gateway_ref, auth_code, decline_code, gateway_unknown, idempotency_id, created_at, updated_at,
    avs_code, avs_message, cvv_result)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21,
    $22, $23, $24, $25, $26, $27, $28, $29, $30, $31, $32, $33, $34, $35, $36, $37);

-- name: TransactionCreateClaimed
-- TransactionCreate ($1-$37) with the idempotency key claimed for it
-- ($38-$47, as IdempotencyInsert) in one statement: a taken key fails the
-- whole statement with a unique violation, and then neither row is written.
WITH claim AS (
    INSERT INTO idempotency_keys (merchant_id, scope, idem_key, request_hash, state, outcome, response,
        transaction_id, created_at, updated_at)
    VALUES ($38, $39, $40, $41, $42, $43, $44, $45, $46, $47)
)
{{TransactionCreate}};

-- name: TransactionCreateDecided
-- A payment its processor decided at once, in one statement:
-- TransactionCreate ($1-$37) with its idempotency key, already done
-- ($38-$47, as IdempotencyInsert; none when $38 is null), the processor's
-- ledger entry ($48-$58, as SandboxInsert) and the event ($59-$65, as
-- EventInsert, queued for the relay). A taken key (or ledger key) fails
-- the whole statement with a unique violation, and then nothing is written.
-- With $66 not null, every insert is made only while payment method $66
-- and its customer are as read (PaymentMethodUnchanged, $66-$68 its
-- $2-$4): otherwise no row is inserted, and the statement counts 0.
WITH g AS (
    SELECT WHERE $66::uuid IS NULL OR EXISTS (SELECT 1 FROM payment_methods p
        JOIN customers c ON c.id = p.customer_id AND c.merchant_id = p.merchant_id
        WHERE p.merchant_id = $2 AND p.id = $66 AND p.deleted_at IS NULL AND p.updated_at = $67::timestamptz
            AND c.deleted_at IS NULL AND c.updated_at = $68::timestamptz)
), claim AS (
    INSERT INTO idempotency_keys (merchant_id, scope, idem_key, request_hash, state, outcome, response,
        transaction_id, created_at, updated_at)
    SELECT $38::uuid, $39::text, $40::text, $41::text, $42::text, $43::text, $44::text, $45::text,
        $46::timestamptz, $47::timestamptz
    FROM g WHERE $38::uuid IS NOT NULL
), l AS (
    INSERT INTO sandbox_ledger (op_key, op, ref, parent_ref, amount, approved, message, decline_code, auth_code,
        return_code, created_at)
    SELECT $48, $49, $50, $51, $52, $53, $54, $55, $56, $57, $58 FROM g
), e AS (
    INSERT INTO events (id, merchant_id, name, object_type, object_id, payload, created_at)
    SELECT $59, $60, $61, $62, $63, $64, $65 FROM g
    RETURNING seq, id, merchant_id, name, object_type, object_id, created_at
), o AS (
    INSERT INTO event_outbox (seq, id, merchant_id, name, object_type, object_id, created_at)
    SELECT seq, id, merchant_id, name, object_type, object_id, created_at FROM e
)
INSERT INTO transactions (id, merchant_id, parent_id, invoice_id, customer_id, payment_method_id, type,
    source, method, success, status, message, total, captured, total_refunded, pending_refunds, surcharge,
    pre_auth, is_captured, is_voided, cancelled, pending_op, last_four, meta, batch_id, batched_at,
    settled_at, gateway_ref, auth_code, decline_code, gateway_unknown, idempotency_id, created_at, updated_at,
    avs_code, avs_message, cvv_result)
SELECT $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21,
    $22, $23, $24, $25, $26, $27, $28, $29, $30, $31, $32, $33, $34, $35, $36, $37 FROM g;

-- name: TransactionFinalize
-- A payment's outcome in one statement (no BEGIN and COMMIT round trips):
-- TransactionUpdatePending ($1-$37) and, only when it updated the row, the
-- event ($38-$44, as EventInsert, queued for the relay) and the idempotent
-- response ($45-$47, as IdempotencyCompleteByTransaction). It counts the
-- updated rows: 0 when the row was no longer PENDING, and then nothing is
-- written.
WITH t AS (
    {{TransactionUpdatePending}}
    RETURNING id
), e AS (
    INSERT INTO events (id, merchant_id, name, object_type, object_id, payload, created_at)
    SELECT $38::uuid, $39::uuid, $40::text, $41::text, $42::text, $43::json, $44::timestamptz FROM t
    RETURNING seq, id, merchant_id, name, object_type, object_id, created_at
), o AS (
    INSERT INTO event_outbox (seq, id, merchant_id, name, object_type, object_id, created_at)
    SELECT seq, id, merchant_id, name, object_type, object_id, created_at FROM e
), i AS (
    UPDATE idempotency_keys SET state = 'done', outcome = $45, response = $46, updated_at = $47
    WHERE transaction_id IN (SELECT id::text FROM t) AND state = 'in_flight'
)
SELECT count(*) FROM t;

-- name: TransactionGet
SELECT id, merchant_id, parent_id, invoice_id, customer_id, payment_method_id, type, source, method,
    success, status, message, total, captured, total_refunded, pending_refunds, surcharge, pre_auth,
    is_captured, is_voided, cancelled, pending_op, last_four, meta, batch_id, batched_at, settled_at,
    gateway_ref, auth_code, decline_code, gateway_unknown, idempotency_id, created_at, updated_at, avs_code, avs_message, cvv_result
FROM transactions WHERE merchant_id = $1 AND id = $2;

-- name: TransactionGetForUpdate
SELECT id, merchant_id, parent_id, invoice_id, customer_id, payment_method_id, type, source, method,
    success, status, message, total, captured, total_refunded, pending_refunds, surcharge, pre_auth,
    is_captured, is_voided, cancelled, pending_op, last_four, meta, batch_id, batched_at, settled_at,
    gateway_ref, auth_code, decline_code, gateway_unknown, idempotency_id, created_at, updated_at, avs_code, avs_message, cvv_result
FROM transactions WHERE merchant_id = $1 AND id = $2 FOR UPDATE;

-- name: TransactionUpdate
-- Identity columns ($2-$4, $7-$9, $33) are part of the shared argument list and not changed here;
-- the customer and payment method are set when a terminal reads the card.
-- The row is found by its primary key alone: the merchant is a check on
-- it, compared as text so that no (merchant_id, ...) index can serve it.
-- Otherwise the generic plan of a finalize (TransactionUpdatePending, "and
-- still PENDING") reads transactions_merchant_status for the merchant's
-- PENDING entries, every dead one a finished charge left since the last
-- vacuum among them (3.1 ms and 3,516 buffers a finalize, measured).
UPDATE transactions SET customer_id = $5::text, payment_method_id = $6::text, success = $10, status = $11, message = $12, total = $13, captured = $14,
    total_refunded = $15, pending_refunds = $16, surcharge = $17, pre_auth = $18, is_captured = $19,
    is_voided = $20, cancelled = $21, pending_op = $22, last_four = $23, meta = $24, batch_id = $25,
    batched_at = $26, settled_at = $27, gateway_ref = $28, auth_code = $29, decline_code = $30,
    gateway_unknown = $31, idempotency_id = $32, updated_at = $34, avs_code = $35, avs_message = $36,
    cvv_result = $37
WHERE id = $1 AND merchant_id::text = $2::text
  AND coalesce($3::text, '') = coalesce(parent_id::text, '') AND $4::text IS NOT NULL AND $5::text IS NOT NULL
  AND $6::text IS NOT NULL AND $7::text IS NOT NULL AND $8::text IS NOT NULL AND $9::text IS NOT NULL
  AND $33::timestamptz IS NOT NULL;

-- name: TransactionChildren
SELECT id, merchant_id, parent_id, invoice_id, customer_id, payment_method_id, type, source, method,
    success, status, message, total, captured, total_refunded, pending_refunds, surcharge, pre_auth,
    is_captured, is_voided, cancelled, pending_op, last_four, meta, batch_id, batched_at, settled_at,
    gateway_ref, auth_code, decline_code, gateway_unknown, idempotency_id, created_at, updated_at, avs_code, avs_message, cvv_result
FROM transactions
-- merchant_id only filters (compared as text, so the planner, even with
-- stale statistics, cannot AND in the merchant index and scan every row).
WHERE parent_id = ANY (ARRAY(SELECT jsonb_array_elements_text($2::jsonb)::uuid)) AND merchant_id::text = $1::text
ORDER BY created_at, id;

-- name: TransactionList
-- TransactionCount, its count, is generated from it (counts in sqldb).
SELECT id, merchant_id, parent_id, invoice_id, customer_id, payment_method_id, type, source, method,
    success, status, message, total, captured, total_refunded, pending_refunds, surcharge, pre_auth,
    is_captured, is_voided, cancelled, pending_op, last_four, meta, batch_id, batched_at, settled_at,
    gateway_ref, auth_code, decline_code, gateway_unknown, idempotency_id, created_at, updated_at, avs_code, avs_message, cvv_result
FROM transactions
WHERE merchant_id = $1
  --SEARCH AND search_text LIKE $19
  AND ($2::text = '' OR type = $2) AND ($3::text = '' OR method = $3) AND ($4::text = '' OR status = $4)
  AND ($5::int = -1 OR success = ($5::int = 1)) AND ($6::text = '' OR customer_id = $6) AND ($7::text = '' OR payment_method_id = $7)
  AND ($8::text = '' OR invoice_id = $8)
  AND ($9::timestamptz IS NULL OR created_at >= $9) AND ($10::timestamptz IS NULL OR created_at <= $10)
  AND ($11::text = '' OR invoice_id IN (SELECT id::text FROM invoices WHERE merchant_id = $1 AND schedule_id::text = $11))
  AND ($12::timestamptz IS NULL OR updated_at >= $12) AND ($13::timestamptz IS NULL OR updated_at <= $13)
  AND ($14::bigint = -1 OR total >= $14) AND ($15::bigint = -1 OR total <= $15)
  AND NOT EXISTS (SELECT 1 FROM jsonb_array_elements_text($16::jsonb) k(value) WHERE NOT (
        lower(last_four) LIKE k.value OR lower(message) LIKE k.value OR lower(type) LIKE k.value
     OR lower(method) LIKE k.value OR lower(coalesce(meta->>'reference', '')) LIKE k.value))
ORDER BY /*ORDER*/ LIMIT $17 OFFSET $18;

-- name: TransactionPage
-- The default list (newest first, no filter) in O(page) (migration 010):
-- the queued, not numbered yet (the newest), first, then the numbered by
-- position; each row carries the total. $2 limit, $3 offset. The positions
-- are the filtered lists' dim '' (migration 015); transaction_positions,
-- which held the same, is gone (migration 036).
WITH u AS (SELECT count(*) AS n FROM transaction_position_queue WHERE merchant_id = $1),
m AS (SELECT coalesce(max(pos), 0) AS n FROM transaction_filter_positions WHERE merchant_id = $1 AND dim = '' AND val = ''),
page AS (
    SELECT * FROM (SELECT transaction_id, 0 AS g, 0 AS pos, created_at FROM transaction_position_queue
        WHERE merchant_id = $1 ORDER BY created_at DESC, transaction_id DESC LIMIT $2 OFFSET $3) AS fresh
    UNION ALL
    SELECT * FROM (SELECT transaction_id, 1 AS g, pos, NULL::timestamptz AS created_at FROM transaction_filter_positions
        WHERE merchant_id = $1 AND dim = '' AND val = '' AND pos <= (SELECT n FROM m) - GREATEST($3 - (SELECT n FROM u), 0)
        ORDER BY pos DESC LIMIT $2) AS numbered)
SELECT t.id, t.merchant_id, t.parent_id, t.invoice_id, t.customer_id, t.payment_method_id, t.type,
    t.source, t.method, t.success, t.status, t.message, t.total, t.captured, t.total_refunded,
    t.pending_refunds, t.surcharge, t.pre_auth, t.is_captured, t.is_voided, t.cancelled,
    t.pending_op, t.last_four, t.meta, t.batch_id, t.batched_at, t.settled_at, t.gateway_ref,
    t.auth_code, t.decline_code, t.gateway_unknown, t.idempotency_id, t.created_at, t.updated_at, t.avs_code, t.avs_message, t.cvv_result, (SELECT n FROM u) + (SELECT n FROM m)
FROM page JOIN transactions t ON t.id = page.transaction_id
ORDER BY page.g, page.pos DESC, page.created_at DESC, page.transaction_id DESC LIMIT $2;

-- name: TransactionPageTotal
SELECT (SELECT count(*) FROM transaction_position_queue WHERE merchant_id = $1)
    + (SELECT coalesce(max(pos), 0) FROM transaction_filter_positions WHERE merchant_id = $1 AND dim = '' AND val = '');

-- name: TransactionPositionsLock
-- One numberer at a time (per schema: advisory locks are database-wide).
SELECT pg_try_advisory_xact_lock(hashtext('tender_transaction_positions:' || current_schema()));

-- name: TransactionPositionsDequeue
-- Takes up to $2 queued transactions created before $1 out of the queue,
-- oldest first, in one statement (the numberer sorts them: RETURNING keeps
-- no order), each with what places it in its lists: its merchant, and its
-- customer and payment method (NULL for a row queued before migration
-- 038). A read of the batch and a delete of it by id took two; the delete
-- finds the rows the read found by their ctids (a heap page each), not by
-- descending the primary key. The numberer's advisory lock keeps other
-- numberers, which would delete the same rows, out.
DELETE FROM transaction_position_queue q WHERE q.ctid = ANY (ARRAY(
    SELECT ctid FROM transaction_position_queue WHERE created_at < $1
    ORDER BY created_at, transaction_id LIMIT $2))
RETURNING q.transaction_id::text, q.created_at, q.merchant_id::text, q.customer_id, q.payment_method_id;

-- name: TransactionsPending
SELECT id, merchant_id, parent_id, invoice_id, customer_id, payment_method_id, type, source, method,
    success, status, message, total, captured, total_refunded, pending_refunds, surcharge, pre_auth,
    is_captured, is_voided, cancelled, pending_op, last_four, meta, batch_id, batched_at, settled_at,
    gateway_ref, auth_code, decline_code, gateway_unknown, idempotency_id, created_at, updated_at, avs_code, avs_message, cvv_result
FROM transactions WHERE status = 'PENDING' AND created_at < $1::timestamptz
ORDER BY created_at LIMIT $2;

-- name: TransactionsUnsettled
-- Keyset: after the (created_at, id) of the previous page's last row ($3 = '': from the start).
SELECT id, merchant_id, parent_id, invoice_id, customer_id, payment_method_id, type, source, method,
    success, status, message, total, captured, total_refunded, pending_refunds, surcharge, pre_auth,
    is_captured, is_voided, cancelled, pending_op, last_four, meta, batch_id, batched_at, settled_at,
    gateway_ref, auth_code, decline_code, gateway_unknown, idempotency_id, created_at, updated_at, avs_code, avs_message, cvv_result
FROM transactions
WHERE settled_at IS NULL AND success AND NOT is_voided AND pending_op = ''
  AND type IN ('charge', 'pre_auth', 'credit') AND (type <> 'pre_auth' OR is_captured)
  AND ($1::text = '' OR merchant_id::text = $1) AND created_at < $2::timestamptz
  AND ($3::text = '' OR (created_at, id) > ($4::timestamptz, NULLIF($3::text, '')::uuid))
ORDER BY created_at, id LIMIT $5;

-- name: IdempotencyInsert
INSERT INTO idempotency_keys (merchant_id, scope, idem_key, request_hash, state, outcome, response,
    transaction_id, created_at, updated_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10);

-- name: IdempotencyGet
SELECT merchant_id, scope, idem_key, request_hash, state, outcome, response, transaction_id, created_at, updated_at
FROM idempotency_keys WHERE merchant_id = $1 AND scope = $2 AND idem_key = $3;

-- name: IdempotencyComplete
UPDATE idempotency_keys SET state = 'done', outcome = $4, response = $5, transaction_id = $6, updated_at = $7
WHERE merchant_id = $1 AND scope = $2 AND idem_key = $3;

-- name: IdempotencyCompleteByTransaction
UPDATE idempotency_keys SET state = 'done', outcome = $2, response = $3, updated_at = $4
WHERE transaction_id = $1 AND state = 'in_flight';

-- name: IdempotencyDelete
DELETE FROM idempotency_keys WHERE merchant_id = $1 AND scope = $2 AND idem_key = $3 AND state = 'in_flight';

-- name: SandboxInsert
INSERT INTO sandbox_ledger (op_key, op, ref, parent_ref, amount, approved, message, decline_code, auth_code,
    return_code, created_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
ON CONFLICT (op_key) DO NOTHING;

-- name: SandboxGet
SELECT op_key, op, ref, parent_ref, amount, approved, message, decline_code, auth_code, return_code, created_at
FROM sandbox_ledger WHERE op_key = $1;

-- name: SandboxGetByRef
SELECT op_key, op, ref, parent_ref, amount, approved, message, decline_code, auth_code, return_code, created_at
FROM sandbox_ledger WHERE ref = $1 AND ref <> '';

-- name: SandboxSums
SELECT coalesce(sum(CASE WHEN op = 'capture' THEN amount ELSE 0 END), 0),
       coalesce(sum(CASE WHEN op = 'refund' THEN amount ELSE 0 END), 0),
       count(CASE WHEN op = 'void' THEN 1 END)
FROM sandbox_ledger WHERE parent_ref = $1 AND parent_ref <> '' AND approved;

-- name: PaymentMethodCustomerHasAny
SELECT EXISTS (SELECT 1 FROM payment_methods WHERE merchant_id = $1 AND customer_id = $2 AND deleted_at IS NULL);

-- name: WebhookCreate
INSERT INTO webhooks (id, merchant_id, partner_id, target_url, event, secret, max_attempts, retry_base_seconds, created_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9);

-- name: WebhookGet
SELECT id, merchant_id, partner_id, target_url, event, secret, max_attempts, retry_base_seconds, created_at, deleted_at
FROM webhooks WHERE id = $1;

-- name: WebhookList
SELECT id, merchant_id, partner_id, target_url, event, secret, max_attempts, retry_base_seconds, created_at, deleted_at
FROM webhooks WHERE deleted_at IS NULL AND (merchant_id::text = $1 OR partner_id::text = $2)
ORDER BY created_at, id;

-- name: WebhookDelete
UPDATE webhooks SET deleted_at = $2 WHERE id = $1 AND deleted_at IS NULL;

-- name: DeliveryCreate
INSERT INTO webhook_deliveries (id, webhook_id, merchant_id, event_id, event_name, object_id, status, attempts,
    last_status_code, last_error, created_at, updated_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12);

-- name: DeliveryGet
SELECT seq, id, webhook_id, merchant_id, event_id, event_name, object_id, status, attempts, last_status_code,
    last_error, delivered_at, created_at, updated_at
FROM webhook_deliveries WHERE id = $1;

-- name: DeliveryUpdate
UPDATE webhook_deliveries SET status = $2, attempts = $3, last_status_code = $4, last_error = $5,
    delivered_at = $6, updated_at = $7
WHERE id = $1;

-- name: DeliveryCount
SELECT count(*) FROM webhook_deliveries WHERE webhook_id = $1;

-- name: DeliveryList
SELECT seq, id, webhook_id, merchant_id, event_id, event_name, object_id, status, attempts, last_status_code,
    last_error, delivered_at, created_at, updated_at
FROM webhook_deliveries WHERE webhook_id = $1
ORDER BY seq DESC LIMIT $2 OFFSET $3;

-- name: DeliveryBlocked
SELECT EXISTS (SELECT 1 FROM webhook_deliveries
    WHERE webhook_id = $1 AND object_id = $2 AND seq < $3 AND status = 'pending');

-- name: EventGet
SELECT id, merchant_id, name, object_type, object_id, payload, created_at FROM events WHERE id = $1;
-- name: DeliveriesToEnqueue
-- SKIP LOCKED: two relays (two server processes) take disjoint batches.
SELECT id FROM webhook_deliveries
WHERE NOT enqueued
ORDER BY seq LIMIT $1
FOR UPDATE SKIP LOCKED;

-- name: DeliveriesMarkEnqueued
UPDATE webhook_deliveries SET enqueued = true WHERE id = ANY (ARRAY(SELECT jsonb_array_elements_text($1::jsonb)));

-- name: InvoiceCreate
INSERT INTO invoices (id, merchant_id, customer_id, payment_method_id, total, meta, status, url, sent_at,
    viewed_at, paid_at, due_at, balance_due, total_paid, pending_payments, payment_attempt_failed,
    payment_attempt_message, is_partial_payment_enabled, stock_applied, schedule_id, occurrence,
    autopay_done, created_at, updated_at, deleted_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21,
    $22, $23, $24, $25);

-- name: InvoiceGet
SELECT id, merchant_id, customer_id, payment_method_id, total, meta, status, url, sent_at, viewed_at,
    paid_at, due_at, balance_due, total_paid, pending_payments, payment_attempt_failed,
    payment_attempt_message, is_partial_payment_enabled, stock_applied, schedule_id, occurrence,
    autopay_done, created_at, updated_at, deleted_at
FROM invoices WHERE merchant_id = $1 AND id = $2;

-- name: InvoiceGetForUpdate
SELECT id, merchant_id, customer_id, payment_method_id, total, meta, status, url, sent_at, viewed_at,
    paid_at, due_at, balance_due, total_paid, pending_payments, payment_attempt_failed,
    payment_attempt_message, is_partial_payment_enabled, stock_applied, schedule_id, occurrence,
    autopay_done, created_at, updated_at, deleted_at
FROM invoices WHERE merchant_id = $1 AND id = $2 FOR UPDATE;

-- name: InvoiceUpdate
-- $20, $21 and $23 (schedule, occurrence, created_at) are part of the shared argument list and unused here.
UPDATE invoices SET customer_id = $3, payment_method_id = $4, total = $5, meta = $6, status = $7, url = $8,
    sent_at = $9, viewed_at = $10, paid_at = $11, due_at = $12, balance_due = $13, total_paid = $14,
    pending_payments = $15, payment_attempt_failed = $16, payment_attempt_message = $17,
    is_partial_payment_enabled = $18, stock_applied = $19, autopay_done = $22, updated_at = $24,
    deleted_at = $25
WHERE merchant_id = $2 AND id = $1 AND ($20::uuid IS NULL OR true) AND ($21::timestamptz IS NULL OR true)
  AND $23::timestamptz IS NOT NULL;

-- name: InvoiceList
-- InvoiceCount, its count, is generated from it (counts in sqldb).
SELECT id, merchant_id, customer_id, payment_method_id, total, meta, status, url, sent_at, viewed_at,
    paid_at, due_at, balance_due, total_paid, pending_payments, payment_attempt_failed,
    payment_attempt_message, is_partial_payment_enabled, stock_applied, schedule_id, occurrence,
    autopay_done, created_at, updated_at, deleted_at
FROM invoices
WHERE merchant_id = $1
  --SEARCH AND search_text LIKE $16
  AND ($2::text = '' OR status = $2) AND ($3::text = '' OR customer_id = CAST(nullif($3::text, '') AS uuid))
  AND ($4::text = '' OR schedule_id::text = $4)
  --BYCUSTOMER AND customer_id = CAST(nullif($3::text, '') AS uuid)
  AND ($5::timestamptz IS NULL OR created_at >= $5) AND ($6::timestamptz IS NULL OR created_at <= $6)
  AND ($2::text = 'DELETED' OR deleted_at IS NULL)
  AND NOT EXISTS (SELECT 1 FROM jsonb_array_elements_text($7::jsonb) k(value) WHERE NOT (
        lower(coalesce(meta->>'memo', '')) LIKE k.value OR lower(coalesce(meta->>'reference', '')) LIKE k.value
     OR lower(status) LIKE k.value))
  AND ($8::timestamptz IS NULL OR updated_at >= $8) AND ($9::timestamptz IS NULL OR updated_at <= $9)
  AND ($10::timestamptz IS NULL OR due_at >= $10) AND ($11::timestamptz IS NULL OR due_at <= $11)
  AND ($12::bigint = -1 OR total >= $12) AND ($13::bigint = -1 OR total <= $13)
ORDER BY /*ORDER*/ LIMIT $14 OFFSET $15;

-- name: InvoicePaid
-- What an invoice's payments hold: captured less refunded, voided ones excluded.
SELECT coalesce(sum(captured - total_refunded), 0)::bigint FROM transactions
WHERE invoice_id = $2 AND invoice_id <> '' AND merchant_id::text = $1::text AND coalesce(parent_id::text, '') = '' AND success AND NOT is_voided
  AND type IN ('charge', 'pre_auth');

-- name: ItemTakeStock
UPDATE items SET in_stock = greatest(in_stock - $3, 0), updated_at = $4
WHERE merchant_id = $1 AND id = $2;

-- name: FundingInsert
INSERT INTO transaction_funding (transaction_id, position, account_id, amount) VALUES ($1, $2, $3, $4);

-- name: FundingOf
SELECT transaction_id, account_id, amount FROM transaction_funding
WHERE transaction_id IN (SELECT value::uuid FROM jsonb_array_elements_text($1::jsonb) v(value))
ORDER BY transaction_id, position;

-- name: MessageCreate
INSERT INTO messages (id, merchant_id, channel, kind, recipient, subject, text_body, html_body, object_type,
    object_id, status, attempts, last_error, next_attempt_at, created_at, sent_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16);

-- name: MessageUpdate
UPDATE messages SET status = $2, attempts = $3, last_error = $4, next_attempt_at = $5, sent_at = $6
WHERE id = $1;

-- name: MessageList
-- MessageCount, its count, is generated from it (counts in sqldb).
SELECT id, merchant_id, channel, kind, recipient, subject, text_body, html_body, object_type, object_id,
    status, attempts, last_error, next_attempt_at, created_at, sent_at
FROM messages WHERE merchant_id = $1
ORDER BY /*ORDER*/ LIMIT $2 OFFSET $3;

-- name: MessagesClaim
-- SKIP LOCKED: concurrent relays take different messages. The lease ($2)
-- makes a message whose sender died claimable again.
UPDATE messages SET status = 'SENDING', attempts = attempts + 1, next_attempt_at = $2
WHERE id IN (SELECT id FROM messages WHERE status IN ('QUEUED', 'SENDING') AND next_attempt_at <= $1
             ORDER BY next_attempt_at LIMIT $3 FOR UPDATE SKIP LOCKED)
RETURNING id, merchant_id, channel, kind, recipient, subject, text_body, html_body, object_type, object_id,
    status, attempts, last_error, next_attempt_at, created_at, sent_at;

-- name: ScheduleCreate
INSERT INTO schedules (id, merchant_id, customer_id, payment_method_id, rule, total, url, meta, email_notification, active, status, next_run_at, last_run_at, runs, created_at, updated_at, deleted_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17);

-- name: ScheduleGet
SELECT id, merchant_id, customer_id, payment_method_id, rule, total, url, meta, email_notification, active, status, next_run_at, last_run_at, runs, created_at, updated_at, deleted_at FROM schedules WHERE merchant_id = $1 AND id = $2;

-- name: ScheduleGetForUpdate
SELECT id, merchant_id, customer_id, payment_method_id, rule, total, url, meta, email_notification, active, status, next_run_at, last_run_at, runs, created_at, updated_at, deleted_at FROM schedules WHERE merchant_id = $1 AND id = $2 FOR UPDATE;

-- name: ScheduleUpdate
-- $15 (created_at) is part of the shared argument list and unused here.
UPDATE schedules SET customer_id = $3, payment_method_id = $4, rule = $5, total = $6, url = $7, meta = $8,
    email_notification = $9, active = $10, status = $11, next_run_at = $12, last_run_at = $13, runs = $14,
    updated_at = $16, deleted_at = $17
WHERE merchant_id = $2 AND id = $1 AND $15::timestamptz IS NOT NULL;

-- name: ScheduleList
-- ScheduleCount, its count, is generated from it (counts in sqldb).
SELECT id, merchant_id, customer_id, payment_method_id, rule, total, url, meta, email_notification, active, status, next_run_at, last_run_at, runs, created_at, updated_at, deleted_at FROM schedules
WHERE merchant_id = $1 AND ($2::text = '' OR status = $2) AND ($3::text = '' OR customer_id = CAST(nullif($3::text, '') AS uuid))
  --BYCUSTOMER AND customer_id = CAST(nullif($3::text, '') AS uuid)
  AND ($2::text = 'DELETED' OR deleted_at IS NULL)
  AND ($4::timestamptz IS NULL OR created_at >= $4) AND ($5::timestamptz IS NULL OR created_at <= $5)
  AND ($6::timestamptz IS NULL OR updated_at >= $6) AND ($7::timestamptz IS NULL OR updated_at <= $7)
ORDER BY /*ORDER*/ LIMIT $8 OFFSET $9;

-- name: SchedulesDue
-- Every merchant's active schedules whose next occurrence is due at $1.
SELECT merchant_id, id FROM schedules
WHERE active AND deleted_at IS NULL AND next_run_at <= $1
ORDER BY next_run_at LIMIT $2;

-- name: InvoicesAutopayDue
-- Scheduled invoices whose autopay charge has not been attempted.
SELECT merchant_id, id FROM invoices
WHERE schedule_id IS NOT NULL AND NOT autopay_done AND deleted_at IS NULL AND created_at <= $1
ORDER BY created_at LIMIT $2;

-- name: InvoiceByID
-- For the public hosted page: the invoice id is the capability.
SELECT id, merchant_id, customer_id, payment_method_id, total, meta, status, url, sent_at, viewed_at,
    paid_at, due_at, balance_due, total_paid, pending_payments, payment_attempt_failed,
    payment_attempt_message, is_partial_payment_enabled, stock_applied, schedule_id, occurrence,
    autopay_done, created_at, updated_at, deleted_at
FROM invoices WHERE id = $1;

-- name: TransactionsOfInvoice
-- "invoice_id <> ''" lets the partial index transactions_invoice serve it.
SELECT id, merchant_id, parent_id, invoice_id, customer_id, payment_method_id, type, source, method,
    success, status, message, total, captured, total_refunded, pending_refunds, surcharge, pre_auth,
    is_captured, is_voided, cancelled, pending_op, last_four, meta, batch_id, batched_at, settled_at,
    gateway_ref, auth_code, decline_code, gateway_unknown, idempotency_id, created_at, updated_at, avs_code, avs_message, cvv_result
FROM transactions
WHERE invoice_id = $2 AND invoice_id <> '' AND merchant_id::text = $1::text AND coalesce(parent_id::text, '') = ''
ORDER BY created_at, id;

-- name: OnceClaim
-- A one-time step (the sandbox bootstrap) claimed by one process, in the
-- transaction that performs it: the loser's insert waits for the winner's
-- commit and then does nothing.
INSERT INTO tender_migrations (version, applied_at) VALUES ($1, $2) ON CONFLICT (version) DO NOTHING;

-- name: PaymentMethodWithSecret
-- A payment method with its sealed number, CVV and routing number, and its
-- customer (a charge: one round trip). Every payment method has a customer
-- (NOT NULL, foreign key, customers are only soft-deleted).
SELECT p.id, p.merchant_id, p.customer_id, p.method, p.nickname, p.person_name, p.card_type, p.card_last_four,
    p.card_exp, p.bin_type, p.has_cvv, p.is_default, p.bank_name, p.bank_type, p.bank_holder_type, p.address_1,
    p.address_2, p.address_city, p.address_state, p.address_zip, p.address_country, p.meta, p.is_usable_in_vt,
    p.fingerprint, p.created_at, p.updated_at, p.deleted_at, p.sealed_number, p.sealed_cvv, p.bank_routing,
    c.id, c.merchant_id, c.firstname, c.lastname, c.company, c.email, c.cc_emails, c.phone, c.address_1,
    c.address_2, c.address_city, c.address_state, c.address_zip, c.address_country, c.notes, c.reference,
    c.allow_invoice_cc, c.created_at, c.updated_at, c.deleted_at
FROM payment_methods p JOIN customers c ON c.id = p.customer_id AND c.merchant_id = p.merchant_id
WHERE p.merchant_id = $1 AND p.id = $2;

-- --- terminals ---


-- name: PaymentMethodUnchanged
-- Whether a payment method ($2) of merchant $1 and its customer are live
-- and as read: updated_at $3 and $4 (store.Unchanged).
SELECT EXISTS (SELECT 1 FROM payment_methods p JOIN customers c ON c.id = p.customer_id AND c.merchant_id = p.merchant_id
    WHERE p.merchant_id = $1 AND p.id = $2 AND p.deleted_at IS NULL AND p.updated_at = $3
        AND c.deleted_at IS NULL AND c.updated_at = $4);
-- name: RegisterCreate
-- register_num is the merchant's next number; two concurrent creates may
-- pick the same one, and the unique key then refuses the second.
INSERT INTO registers (id, merchant_id, register_num, serial, nickname, type, tip_enabled, batch_time, last_batch_at, last_seen_at, paired_at, device_token_hash, pairing_code_hash, pairing_expires_at, created_at, updated_at, deleted_at)
VALUES ($1, $2, (SELECT COALESCE(MAX(register_num), 0) + 1 FROM registers WHERE merchant_id = $2), $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)
RETURNING register_num;

-- name: RegisterGet
SELECT id, merchant_id, register_num, serial, nickname, type, tip_enabled, batch_time, last_batch_at, last_seen_at, paired_at, device_token_hash, pairing_code_hash, pairing_expires_at, created_at, updated_at, deleted_at
FROM registers WHERE merchant_id = $1 AND id = $2;

-- name: RegisterGetForUpdate
SELECT id, merchant_id, register_num, serial, nickname, type, tip_enabled, batch_time, last_batch_at, last_seen_at, paired_at, device_token_hash, pairing_code_hash, pairing_expires_at, created_at, updated_at, deleted_at
FROM registers WHERE merchant_id = $1 AND id = $2 FOR UPDATE;

-- name: RegisterGetByNum
SELECT id, merchant_id, register_num, serial, nickname, type, tip_enabled, batch_time, last_batch_at, last_seen_at, paired_at, device_token_hash, pairing_code_hash, pairing_expires_at, created_at, updated_at, deleted_at
FROM registers WHERE merchant_id = $1 AND register_num = $2;

-- name: RegisterByDeviceToken
SELECT id, merchant_id, register_num, serial, nickname, type, tip_enabled, batch_time, last_batch_at, last_seen_at, paired_at, device_token_hash, pairing_code_hash, pairing_expires_at, created_at, updated_at, deleted_at
FROM registers WHERE device_token_hash = $1 AND deleted_at IS NULL;

-- name: RegisterByPairingCode
SELECT id, merchant_id, register_num, serial, nickname, type, tip_enabled, batch_time, last_batch_at, last_seen_at, paired_at, device_token_hash, pairing_code_hash, pairing_expires_at, created_at, updated_at, deleted_at
FROM registers WHERE pairing_code_hash = $1 AND deleted_at IS NULL FOR UPDATE;

-- name: RegisterUpdate
-- $3 and $15 (register_num, created_at) are part of the shared argument list and unused here.
UPDATE registers SET serial = $4, nickname = $5, type = $6, tip_enabled = $7, batch_time = $8, last_batch_at = $9,
    last_seen_at = $10, paired_at = $11, device_token_hash = $12, pairing_code_hash = $13, pairing_expires_at = $14,
    updated_at = $16, deleted_at = $17
WHERE merchant_id = $2 AND id = $1 AND $3::integer IS NOT NULL AND $15::timestamptz IS NOT NULL;

-- name: RegisterTouch
UPDATE registers SET last_seen_at = $2 WHERE id = $1 AND (last_seen_at IS NULL OR last_seen_at < $2);

-- name: RegisterList
SELECT id, merchant_id, register_num, serial, nickname, type, tip_enabled, batch_time, last_batch_at, last_seen_at, paired_at, device_token_hash, pairing_code_hash, pairing_expires_at, created_at, updated_at, deleted_at
FROM registers WHERE merchant_id = $1 AND deleted_at IS NULL ORDER BY register_num;

-- name: TerminalRequestCreate
INSERT INTO terminal_requests (id, merchant_id, register_id, transaction_id, kind, amount, params, state, result, created_at, delivered_at, done_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12);

-- name: TerminalRequestGet
SELECT id, merchant_id, register_id, transaction_id, kind, amount, params, state, result, created_at, delivered_at, done_at
FROM terminal_requests WHERE merchant_id = $1 AND id = $2;

-- name: TerminalRequestGetForUpdate
SELECT id, merchant_id, register_id, transaction_id, kind, amount, params, state, result, created_at, delivered_at, done_at
FROM terminal_requests WHERE merchant_id = $1 AND id = $2 FOR UPDATE;

-- name: TerminalRequestByTransaction
SELECT id, merchant_id, register_id, transaction_id, kind, amount, params, state, result, created_at, delivered_at, done_at
FROM terminal_requests WHERE transaction_id = $1 ORDER BY created_at DESC LIMIT 1;

-- name: TerminalRequestClaim
-- The oldest queued request of the register created after $3, moved to
-- delivered by exactly one claimant; a concurrent claimant skips the row
-- being claimed and takes the next.
UPDATE terminal_requests SET state = 'delivered', delivered_at = $2
WHERE id = (SELECT id FROM terminal_requests WHERE register_id = $1 AND state = 'queued' AND created_at > $3
            ORDER BY created_at LIMIT 1 FOR UPDATE SKIP LOCKED)
  AND state = 'queued'
RETURNING id, merchant_id, register_id, transaction_id, kind, amount, params, state, result, created_at, delivered_at, done_at;

-- name: TerminalRequestsOpen
-- Requests the device has been given and not answered (resent when it
-- reconnects), created after $2.
SELECT id, merchant_id, register_id, transaction_id, kind, amount, params, state, result, created_at, delivered_at, done_at
FROM terminal_requests WHERE register_id = $1 AND state IN ('delivered', 'authorizing') AND created_at > $2
ORDER BY created_at;

-- name: TerminalRequestUpdate
UPDATE terminal_requests SET state = $3, result = $4, done_at = $5 WHERE merchant_id = $1 AND id = $2;

-- name: TerminalRequestsExpire
-- Requests not answered within the resolution window.
UPDATE terminal_requests SET state = 'expired'
WHERE state IN ('queued', 'delivered', 'authorizing') AND created_at <= $1;

-- name: TerminalTransactionsUnsettled
-- A register's successful, unsettled payments: driven by the small
-- transactions_unsettled index, joined to the requests that made them.
-- Keyset: after the (created_at, id) of the previous page's last row ($4 = '': from the start).
SELECT t.id, t.merchant_id, t.parent_id, t.invoice_id, t.customer_id, t.payment_method_id, t.type, t.source, t.method,
    t.success, t.status, t.message, t.total, t.captured, t.total_refunded, t.pending_refunds, t.surcharge, t.pre_auth,
    t.is_captured, t.is_voided, t.cancelled, t.pending_op, t.last_four, t.meta, t.batch_id, t.batched_at, t.settled_at,
    t.gateway_ref, t.auth_code, t.decline_code, t.gateway_unknown, t.idempotency_id, t.created_at, t.updated_at, t.avs_code, t.avs_message, t.cvv_result
FROM transactions t
JOIN terminal_requests r ON r.transaction_id = t.id AND r.kind IN ('sale', 'pre_auth', 'credit')
WHERE t.settled_at IS NULL AND t.success AND NOT t.is_voided AND t.pending_op = '' AND t.parent_id IS NULL
  AND t.type IN ('charge', 'pre_auth', 'credit') AND (t.type <> 'pre_auth' OR t.is_captured)
  AND t.merchant_id = $1::uuid AND r.register_id = $2 AND t.created_at < $3::timestamptz
  AND ($4::text = '' OR (t.created_at, t.id) > ($5::timestamptz, NULLIF($4::text, '')::uuid))
ORDER BY t.created_at, t.id LIMIT $6;

-- name: DeliveriesWork
-- DeliveryWork for a batch (or one), in delivery order; a delivery is blocked by an
-- earlier pending delivery of the same object to the webhook outside the
-- batch (the batch sends its own in order).
SELECT d.seq, d.id, d.webhook_id, d.merchant_id, d.event_id, d.event_name, d.object_id, d.status, d.attempts,
    d.last_status_code, d.last_error, d.delivered_at, d.created_at, d.updated_at,
    w.id, w.merchant_id, w.partner_id, w.target_url, w.event, w.secret, w.max_attempts, w.retry_base_seconds,
    w.created_at, w.deleted_at,
    e.payload,
    EXISTS (SELECT 1 FROM webhook_deliveries p WHERE p.webhook_id = d.webhook_id AND p.object_id = d.object_id
        AND p.seq < d.seq AND p.status = 'pending' AND p.id <> ALL (ARRAY(SELECT jsonb_array_elements_text($1::jsonb))))
FROM webhook_deliveries d
JOIN webhooks w ON w.id = d.webhook_id
JOIN events e ON e.id = d.event_id::uuid
WHERE d.id = ANY (ARRAY(SELECT jsonb_array_elements_text($1::jsonb)))
ORDER BY d.seq;

-- name: RelayLease
-- Takes the relay's lease for holder $1 until $2 when it is $1's already or
-- has expired (at $3); one row changed means $1 holds it.
UPDATE webhook_relay SET holder = $1, expires_at = $2 WHERE id = 1 AND (holder = $1 OR expires_at < $3);

-- name: EventsToRelay
-- The outbox's first $1 events, each with its merchant's partner, and with
-- its payload when $2 (else EventPayloads reads those it needs). An outbox
-- row carries its event's header (migration 037), so events is read only
-- for payloads, and for the header of a row the release before queued
-- (seq alone); otherwise its lookup stops at a one-time filter. The
-- lookup is a lateral subquery kept apart (OFFSET 0) so that it is one
-- primary-key probe a row: as a join, the planner may hash every event.
WITH b AS MATERIALIZED (
    SELECT seq, id, merchant_id, name, object_type, object_id, created_at
    FROM event_outbox ORDER BY seq LIMIT $1
)
SELECT b.seq, coalesce(b.id, e.id), coalesce(b.merchant_id, e.merchant_id), coalesce(b.name, e.name),
    coalesce(b.object_type, e.object_type), coalesce(b.object_id, e.object_id),
    coalesce(b.created_at, e.created_at), m.partner_id, e.payload
FROM b LEFT JOIN LATERAL (
    SELECT id, merchant_id, name, object_type, object_id, created_at, CASE WHEN $2::boolean THEN payload END AS payload
    FROM events WHERE seq = b.seq AND ($2::boolean OR b.id IS NULL) OFFSET 0
) e ON true
JOIN merchants m ON m.id = coalesce(b.merchant_id, e.merchant_id)
ORDER BY b.seq;

-- name: EventPayloads
-- The payloads of the events whose seqs are $1 (a JSON array), for the
-- events a webhook receives: the others' are not read (nor detoasted).
SELECT seq, payload FROM events WHERE seq = ANY (ARRAY(SELECT jsonb_array_elements_text($1::jsonb)::bigint));

-- name: WebhooksOf
-- The live webhooks of the merchants $1 and the partners $2 (JSON arrays).
SELECT id, merchant_id, partner_id, target_url, event, secret, max_attempts, retry_base_seconds, created_at, deleted_at
FROM webhooks
WHERE deleted_at IS NULL AND (merchant_id = ANY (ARRAY(SELECT jsonb_array_elements_text($1::jsonb)::uuid))
    OR partner_id = ANY (ARRAY(SELECT jsonb_array_elements_text($2::jsonb)::uuid)))
ORDER BY created_at, id;

-- name: DeliveriesPendingOf
-- Which of the webhooks $1 have a pending delivery of one of the objects $2.
SELECT DISTINCT webhook_id, object_id FROM webhook_deliveries
WHERE status = 'pending' AND webhook_id = ANY (ARRAY(SELECT jsonb_array_elements_text($1::jsonb)::uuid))
  AND object_id = ANY (ARRAY(SELECT jsonb_array_elements_text($2::jsonb)));

-- name: DeliveriesInsert
-- Deliveries written once, with their first outcome. The store runs it with
-- several rows of VALUES at a time (see multiRow), in order: their seq keeps
-- each object's order.
INSERT INTO webhook_deliveries (id, webhook_id, merchant_id, event_id, event_name, object_id, status, attempts,
    last_status_code, last_error, delivered_at, created_at, updated_at, enqueued)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, true);

-- name: EventsMarkRelayed
-- $1: the relayed events' seqs.
DELETE FROM event_outbox WHERE seq = ANY (ARRAY(SELECT jsonb_array_elements_text($1::jsonb)::bigint));

-- name: DeliveriesUpdate
-- DeliveryUpdate for a batch: $1 is a JSON array of the new values.
UPDATE webhook_deliveries d SET status = j.status, attempts = j.attempts, last_status_code = j.code,
    last_error = j.error, delivered_at = j.delivered_at, updated_at = j.updated_at
FROM jsonb_to_recordset($1::jsonb) AS j(id text, status text, attempts integer, code integer, error text,
    delivered_at timestamptz, updated_at timestamptz)
WHERE d.id = ANY (ARRAY(SELECT jsonb_array_elements($1::jsonb) ->> 'id')) AND d.id = j.id;

-- name: TransactionFilterPage
-- A list filtered by a created_at range and at most one of customer and
-- payment method, newest first, in O(page) (migration 015): the range's
-- first (lo) and last (hi) positions in the dimension's list are found by
-- created_at, the queued (not numbered yet, the newest) matching ones come
-- first, then the numbered by position. Each row carries the total.
-- $2 limit, $3 offset, $4 dim ('', 'customer', 'payment_method'), $5 its
-- value, $6..$7 the created_at range (closed; open ends are far dates).
-- TransactionFilterPageAsc, its --ASC lines in place of the --DESC ones,
-- is the same oldest first: the numbered by position from lo, then the
-- queued (directed in sqldb).
WITH u AS (SELECT count(*) AS n FROM transaction_position_queue q JOIN transactions t ON t.id = q.transaction_id
    WHERE q.merchant_id = $1 AND q.created_at >= $6::timestamptz AND q.created_at <= $7::timestamptz
          AND ($4::text = '' OR ($4::text = 'customer' AND t.customer_id = $5::text)
               OR ($4::text = 'payment_method' AND t.payment_method_id = $5::text))),
hi AS (SELECT coalesce((SELECT pos FROM transaction_filter_positions
    WHERE merchant_id = $1 AND dim = $4 AND val = $5 AND created_at <= $7::timestamptz
    ORDER BY created_at DESC, pos DESC LIMIT 1), 0) AS n),
lo AS (SELECT coalesce((SELECT pos FROM transaction_filter_positions
    WHERE merchant_id = $1 AND dim = $4 AND val = $5 AND created_at >= $6::timestamptz
    ORDER BY created_at, pos LIMIT 1), 1000000000000000000) AS n),
m AS (SELECT GREATEST((SELECT n FROM hi) - (SELECT n FROM lo) + 1, 0) AS n),
page AS (
--DESC     SELECT * FROM (SELECT q.transaction_id, 0 AS g, 0 AS pos, q.created_at FROM transaction_position_queue q
--DESC         JOIN transactions t ON t.id = q.transaction_id
--DESC         WHERE q.merchant_id = $1 AND q.created_at >= $6::timestamptz AND q.created_at <= $7::timestamptz
--DESC           AND ($4::text = '' OR ($4::text = 'customer' AND t.customer_id = $5::text)
--DESC                OR ($4::text = 'payment_method' AND t.payment_method_id = $5::text))
--DESC         ORDER BY q.created_at DESC, q.transaction_id DESC LIMIT $2 OFFSET $3) AS fresh
--DESC     UNION ALL
--DESC     SELECT * FROM (SELECT transaction_id, 1 AS g, pos, NULL::timestamptz AS created_at FROM transaction_filter_positions
--DESC         WHERE merchant_id = $1 AND dim = $4 AND val = $5 AND pos >= (SELECT n FROM lo)
--DESC           AND pos <= (SELECT n FROM hi) - GREATEST($3 - (SELECT n FROM u), 0)
--DESC         ORDER BY pos DESC LIMIT $2) AS numbered)
--ASC      SELECT * FROM (SELECT transaction_id, 0 AS g, pos, NULL::timestamptz AS created_at FROM transaction_filter_positions
--ASC          WHERE merchant_id = $1 AND dim = $4 AND val = $5 AND pos >= (SELECT n FROM lo) + $3
--ASC            AND pos <= (SELECT n FROM hi)
--ASC          ORDER BY pos LIMIT $2) AS numbered
--ASC      UNION ALL
--ASC      SELECT * FROM (SELECT q.transaction_id, 1 AS g, 0 AS pos, q.created_at FROM transaction_position_queue q
--ASC          JOIN transactions t ON t.id = q.transaction_id
--ASC          WHERE q.merchant_id = $1 AND q.created_at >= $6::timestamptz AND q.created_at <= $7::timestamptz
--ASC            AND ($4::text = '' OR ($4::text = 'customer' AND t.customer_id = $5::text)
--ASC                 OR ($4::text = 'payment_method' AND t.payment_method_id = $5::text))
--ASC          ORDER BY q.created_at, q.transaction_id LIMIT $2 OFFSET GREATEST($3 - (SELECT n FROM m), 0)) AS fresh)
SELECT t.id, t.merchant_id, t.parent_id, t.invoice_id, t.customer_id, t.payment_method_id, t.type,
    t.source, t.method, t.success, t.status, t.message, t.total, t.captured, t.total_refunded,
    t.pending_refunds, t.surcharge, t.pre_auth, t.is_captured, t.is_voided, t.cancelled,
    t.pending_op, t.last_four, t.meta, t.batch_id, t.batched_at, t.settled_at, t.gateway_ref,
    t.auth_code, t.decline_code, t.gateway_unknown, t.idempotency_id, t.created_at, t.updated_at, t.avs_code, t.avs_message, t.cvv_result, (SELECT n FROM u) + (SELECT n FROM m)
FROM page JOIN transactions t ON t.id = page.transaction_id
--DESC ORDER BY page.g, page.pos DESC, page.created_at DESC, page.transaction_id DESC
--ASC  ORDER BY page.g, page.pos, page.created_at, page.transaction_id
LIMIT $2;

-- name: TransactionFilterPageTotal
-- TransactionFilterPage's total alone; $2 dim, $3 value, $4..$5 the range.
SELECT (SELECT count(*) FROM transaction_position_queue q JOIN transactions t ON t.id = q.transaction_id
        WHERE q.merchant_id = $1 AND q.created_at >= $4::timestamptz AND q.created_at <= $5::timestamptz
          AND ($2::text = '' OR ($2::text = 'customer' AND t.customer_id = $3::text)
               OR ($2::text = 'payment_method' AND t.payment_method_id = $3::text)))
    + GREATEST(coalesce((SELECT pos FROM transaction_filter_positions
        WHERE merchant_id = $1 AND dim = $2 AND val = $3 AND created_at <= $5::timestamptz
        ORDER BY created_at DESC, pos DESC LIMIT 1), 0)
      - coalesce((SELECT pos FROM transaction_filter_positions
        WHERE merchant_id = $1 AND dim = $2 AND val = $3 AND created_at >= $4::timestamptz
        ORDER BY created_at, pos LIMIT 1), 1000000000000000000) + 1, 0);

-- name: TransactionFilterPositionsSet
-- The numbered transactions' positions in their merchant's filtered lists
-- (migration 015) and, dim '', in the whole list: after each list's highest,
-- in the order created. $1: a JSON array of {"id", "merchant_id",
-- "customer_id", "payment_method_id", "created_at"} as dequeued; a row
-- queued before migration 038 has no customer_id, and its transaction is
-- read for it (a lateral subquery kept apart, OFFSET 0: a primary-key
-- probe for those rows, a one-time filter for the others). Each list's
-- highest is read once (top, MATERIALIZED so that the planner does not
-- fold the read back into each row), before any of that list's rows go in. Read per row as the rows
-- went in, each read stepped back over the statement's own new index
-- entries, invisible to it, checking each in the heap: quadratic in a
-- batch's rows of one list (240,600 heap fetches and 108 ms for 400
-- charges of one customer).
WITH q AS (
    SELECT j.id, coalesce(t.merchant_id, j.merchant_id) AS merchant_id,
        coalesce(t.customer_id, j.customer_id) AS customer_id,
        coalesce(t.payment_method_id, j.payment_method_id) AS payment_method_id,
        coalesce(t.created_at, j.created_at) AS created_at
    FROM jsonb_to_recordset($1::jsonb)
        AS j(id uuid, merchant_id uuid, customer_id text, payment_method_id text, created_at timestamptz)
    LEFT JOIN LATERAL (SELECT merchant_id, customer_id, payment_method_id, created_at FROM transactions
        WHERE id = j.id AND j.customer_id IS NULL OFFSET 0) t ON true
), x AS (
    SELECT q.id, q.merchant_id, d.dim,
        CASE d.dim WHEN 'customer' THEN q.customer_id WHEN 'payment_method' THEN q.payment_method_id ELSE '' END AS val,
        q.created_at
    FROM q CROSS JOIN (VALUES (''), ('customer'), ('payment_method')) AS d(dim)
), lists AS (
    SELECT DISTINCT merchant_id, dim, val FROM x WHERE dim = '' OR val <> ''
), top AS MATERIALIZED (
    SELECT l.merchant_id, l.dim, l.val,
        coalesce((SELECT max(p.pos) FROM transaction_filter_positions p
            WHERE p.merchant_id = l.merchant_id AND p.dim = l.dim AND p.val = l.val), 0) AS pos
    FROM lists l
)
INSERT INTO transaction_filter_positions (merchant_id, dim, val, pos, transaction_id, created_at)
SELECT x.merchant_id, x.dim, x.val,
    top.pos + row_number() OVER (PARTITION BY x.merchant_id, x.dim, x.val ORDER BY x.created_at, x.id),
    x.id, x.created_at
FROM x JOIN top ON top.merchant_id = x.merchant_id AND top.dim = x.dim AND top.val = x.val;

-- name: ItemAdjustStock
-- Adds $3 (negative: takes) to a live item's in_stock in one statement,
-- unless the stock would go below zero: no row then. Concurrent changes
-- of one item wait on its row lock and re-check the condition.
UPDATE items SET in_stock = in_stock + $3::bigint, updated_at = $4
WHERE merchant_id = $1 AND id = $2 AND deleted_at IS NULL AND in_stock + $3::bigint >= 0
RETURNING id, merchant_id, item, code, category, details, is_active, is_taxable, is_service, is_discount,
    price, in_stock, low_stock_alert, meta, created_at, updated_at, deleted_at;

-- name: TransactionByGatewayRef
-- The payment (or child) an inbound processor event names, read on the
-- write connection: the caller decides inside its transaction.
SELECT id, merchant_id, parent_id, invoice_id, customer_id, payment_method_id, type, source, method,
    success, status, message, total, captured, total_refunded, pending_refunds, surcharge, pre_auth,
    is_captured, is_voided, cancelled, pending_op, last_four, meta, batch_id, batched_at, settled_at,
    gateway_ref, auth_code, decline_code, gateway_unknown, idempotency_id, created_at, updated_at, avs_code, avs_message, cvv_result
FROM transactions WHERE merchant_id = $1 AND gateway_ref = $2
ORDER BY created_at, id LIMIT 1;

-- name: ProcessorEventInsert
INSERT INTO processor_events (id, merchant_id, processor, event_id, kind, transaction_id, child_ref, amount,
    reason, status, message, created_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12);

-- name: ProcessorEventsOf
SELECT id, merchant_id, processor, event_id, kind, transaction_id, child_ref, amount, reason, status, message,
    created_at
FROM processor_events WHERE merchant_id = $1 AND transaction_id = $2
ORDER BY created_at, id;

-- name: APIKeyListMerchant
SELECT id, kind, merchant_id, partner_id, name, hash, prefix, expires_at, created_at, user_id
FROM api_keys WHERE merchant_id = $1 AND kind = 'merchant' AND (expires_at IS NULL OR expires_at > $2)
ORDER BY created_at, id;

-- name: APIKeyDelete
DELETE FROM api_keys WHERE merchant_id = $1 AND id = $2 AND kind = 'merchant';

-- name: RegisterSetPairingLocator
UPDATE registers SET pairing_locator = $2, pairing_failures = 0 WHERE id = $1;

-- name: RegisterPairingFailed
-- A wrong code counts against the live registers waiting with a code of the
-- same locator; at $2 failures the code is retired (the merchant re-pairs).
UPDATE registers SET pairing_failures = pairing_failures + 1,
    pairing_code_hash = CASE WHEN pairing_failures + 1 >= $2 THEN NULL ELSE pairing_code_hash END,
    pairing_expires_at = CASE WHEN pairing_failures + 1 >= $2 THEN NULL ELSE pairing_expires_at END,
    pairing_locator = CASE WHEN pairing_failures + 1 >= $2 THEN NULL ELSE pairing_locator END,
    updated_at = $3
WHERE pairing_locator = $1 AND pairing_code_hash IS NOT NULL AND deleted_at IS NULL;

-- name: VaultKeys
SELECT kid, fingerprint FROM vault_keys ORDER BY kid;

-- name: VaultKeyRecord
-- Records kid's fingerprint; a recorded one is replaced only when it is $4
-- (a stale record the caller checked no stored value depends on).
INSERT INTO vault_keys (kid, fingerprint, created_at) VALUES ($1, $2, $3)
ON CONFLICT (kid) DO UPDATE SET fingerprint = excluded.fingerprint, created_at = excluded.created_at
WHERE vault_keys.fingerprint = $4;

-- name: VaultSealedSample
-- One stored sealed value wrapped by master key $1 ('' for any key).
SELECT v FROM (
    SELECT sealed_number AS v FROM payment_methods
    WHERE $1::text = '' OR substr(sealed_number, 1, length($1::text) + 4) = 'v1.' || $1::text || '.'
    UNION ALL
    SELECT processor_credentials AS v FROM merchants
    WHERE processor_credentials <> '' AND ($1::text = '' OR substr(processor_credentials, 1, length($1::text) + 4) = 'v1.' || $1::text || '.')
) AS sealed LIMIT 1;

-- name: TransactionExtras
-- When each transaction's newest receipts were issued, and its invoice's
-- schedule (messages_object, migration 018, keeps it O(ids)).
SELECT t.id,
    (SELECT max(m.created_at) FROM messages m WHERE m.object_id = t.id::text AND m.object_type = 'transaction'
        AND m.kind = 'receipt' AND m.channel = 'email' AND m.status <> 'FAILED'),
    (SELECT max(m.created_at) FROM messages m WHERE m.object_id = t.id::text AND m.object_type = 'transaction'
        AND m.kind = 'receipt' AND m.channel = 'sms' AND m.status <> 'FAILED'),
    coalesce((SELECT i.schedule_id::text FROM invoices i WHERE i.id = nullif(t.invoice_id, '')::uuid), '')
FROM transactions t WHERE t.id IN (SELECT value::uuid FROM jsonb_array_elements_text($1::jsonb) v(value));

-- name: TeamUserCreate
INSERT INTO team_users (id, merchant_id, email, password_hash, role, disabled, created_at, updated_at, name,
    email_verified_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10);

-- name: TeamUserGet
SELECT id, merchant_id, email, password_hash, role, disabled, created_at, updated_at, name, email_verified_at
FROM team_users WHERE merchant_id = $1 AND id = $2;

-- name: TeamUserByID
SELECT id, merchant_id, email, password_hash, role, disabled, created_at, updated_at, name, email_verified_at
FROM team_users WHERE id = $1;

-- name: TeamUserByEmail
SELECT id, merchant_id, email, password_hash, role, disabled, created_at, updated_at, name, email_verified_at
FROM team_users WHERE email = $1;

-- name: TeamUserUpdate
UPDATE team_users SET role = $3, password_hash = $4, disabled = $5, updated_at = $6, name = $7, email = $8,
    email_verified_at = $9
WHERE id = $1 AND merchant_id = $2;

-- name: TeamUserList
-- A merchant's team, oldest first, by keyset on (created_at, id).
SELECT id, merchant_id, email, password_hash, role, disabled, created_at, updated_at, name, email_verified_at
FROM team_users WHERE merchant_id = $1 AND (created_at, id) > ($2, $3)
ORDER BY created_at, id LIMIT $4;

-- name: TeamOwnersLock
-- The merchant's enabled owners, locked until the transaction ends, so two
-- demotions cannot both see the other owner and leave none.
SELECT id FROM team_users WHERE merchant_id = $1 AND role = 'owner' AND NOT disabled
ORDER BY id FOR UPDATE;

-- name: TeamSessionsDeleteUser
-- Ends a user's sessions and unspent links (a password change or disabling).
DELETE FROM team_sessions WHERE user_id = $1;

-- name: TeamSessionCreate
INSERT INTO team_sessions (token_hash, kind, user_id, created_at, expires_at) VALUES ($1, $2, $3, $4, $5);

-- name: TeamSessionGet
-- The session and its user in one read (every dashboard request makes it).
SELECT s.token_hash, s.kind, s.user_id, s.created_at, s.expires_at,
    u.id, u.merchant_id, u.email, u.password_hash, u.role, u.disabled, u.created_at, u.updated_at, u.name,
    u.email_verified_at
FROM team_sessions s JOIN team_users u ON u.id = s.user_id
WHERE s.token_hash = $1 AND s.kind = 'session' AND s.expires_at > $2;

-- name: TeamLinkUse
-- Spent by the one UPDATE that finds it unspent: a second use finds no row.
UPDATE team_sessions SET used_at = $2
WHERE token_hash = $1 AND kind = 'link' AND used_at IS NULL AND expires_at > $2
RETURNING user_id;

-- name: TeamSessionDelete
DELETE FROM team_sessions WHERE token_hash = $1 AND kind = 'session';

-- name: TeamSessionsDeleteExpired
DELETE FROM team_sessions WHERE expires_at < $1;

-- name: TeamTokensDeleteExpired
DELETE FROM team_tokens WHERE expires_at < $1;

-- name: TeamTokensSupersede
-- A newer token of a kind replaces the user's unspent older ones.
DELETE FROM team_tokens WHERE user_id = $1 AND kind = $2 AND used_at IS NULL;

-- name: TeamTokenCreate
INSERT INTO team_tokens (token_hash, kind, user_id, email, created_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6);

-- name: TeamTokenGet
-- A live token and its user, without spending it.
SELECT t.kind, t.user_id, t.email, t.created_at, t.expires_at,
    u.id, u.merchant_id, u.email, u.password_hash, u.role, u.disabled, u.created_at, u.updated_at, u.name,
    u.email_verified_at
FROM team_tokens t JOIN team_users u ON u.id = t.user_id
WHERE t.token_hash = $1 AND t.kind = $2 AND t.used_at IS NULL AND t.expires_at > $3;

-- name: TeamTokenUse
-- Spent by the one UPDATE that finds it live: a second use finds no row.
UPDATE team_tokens SET used_at = $3
WHERE token_hash = $1 AND kind = $2 AND used_at IS NULL AND expires_at > $3
RETURNING user_id, email, created_at, expires_at;

-- name: EventList
-- EventCount, its count, is generated from it (counts in sqldb).
SELECT id, merchant_id, name, object_type, object_id, payload, created_at FROM events
WHERE merchant_id = $1
ORDER BY /*ORDER*/ LIMIT $2 OFFSET $3;

-- name: EventListByName
-- EventCountByName, its count, is generated from it (counts in sqldb).
SELECT id, merchant_id, name, object_type, object_id, payload, created_at FROM events
WHERE merchant_id = $1 AND name = $2
ORDER BY /*ORDER*/ LIMIT $3 OFFSET $4;

-- name: EventListByObject
-- EventCountByObject, its count, is generated from it (counts in sqldb).
SELECT id, merchant_id, name, object_type, object_id, payload, created_at FROM events
WHERE merchant_id = $1 AND object_id = $2 AND ($3 = '' OR name = $3)
ORDER BY /*ORDER*/ LIMIT $4 OFFSET $5;

-- name: TransactionVolume
-- Successful sales of a day (or any range), by transactions_merchant_created.
SELECT count(*), coalesce(sum(total), 0)::bigint FROM transactions
WHERE merchant_id = $1 AND created_at >= $2 AND created_at < $3 AND success AND NOT is_voided
    AND type IN ('charge', 'capture');

-- name: PaymentLinkCreate
INSERT INTO payment_links (id, merchant_id, name, description, total, meta, is_active, expires_at, max_uses,
    created_at, updated_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11);

-- name: PaymentLinkGet
SELECT id, merchant_id, name, description, total, meta, is_active, expires_at, max_uses, uses, views,
    created_at, updated_at, deleted_at
FROM payment_links WHERE merchant_id = $1 AND id = $2;

-- name: PaymentLinkUpdate
-- The link's own fields only: uses and views change by their own
-- statements, so an edit never undoes a concurrent payment or view. No row
-- when the link is deleted or the new max_uses is below uses. $10 (created_at)
-- is part of the shared argument list and unused here.
UPDATE payment_links SET name = $3, description = $4, total = $5, meta = $6, is_active = $7, expires_at = $8,
    max_uses = $9, updated_at = $11
WHERE id = $1 AND merchant_id = $2 AND deleted_at IS NULL AND ($9::bigint IS NULL OR uses <= $9::bigint)
  AND $10::timestamptz IS NOT NULL;

-- name: PaymentLinkDelete
UPDATE payment_links SET deleted_at = $3, updated_at = $3
WHERE merchant_id = $1 AND id = $2 AND deleted_at IS NULL;

-- name: PaymentLinkRecordView
-- One view, in one statement: concurrent views each count (they wait on
-- the row's lock and add to what the last one wrote).
UPDATE payment_links SET views = views + 1
WHERE merchant_id = $1 AND id = $2 AND deleted_at IS NULL
RETURNING id, merchant_id, name, description, total, meta, is_active, expires_at, max_uses, uses, views,
    created_at, updated_at, deleted_at;

-- name: PaymentLinkByID
-- For the public payment page: the link id is the capability.
SELECT id, merchant_id, name, description, total, meta, is_active, expires_at, max_uses, uses, views,
    created_at, updated_at, deleted_at
FROM payment_links WHERE id = $1;

-- name: PaymentLinkUse
-- Takes one use of a payable link, in one statement: the row's lock makes
-- concurrent payers wait, and the condition (with the table's CHECK behind
-- it) lets no more than max_uses of them through. No row: not payable.
UPDATE payment_links SET uses = uses + 1
WHERE merchant_id = $1 AND id = $2 AND deleted_at IS NULL AND is_active
  AND (expires_at IS NULL OR expires_at > $3) AND (max_uses IS NULL OR uses < max_uses)
RETURNING id, merchant_id, name, description, total, meta, is_active, expires_at, max_uses, uses, views,
    created_at, updated_at, deleted_at;

-- name: PaymentLinkReleaseUse
-- Gives back the use a declined payment took.
UPDATE payment_links SET uses = uses - 1 WHERE merchant_id = $1 AND id = $2 AND uses > 0;

-- name: PaymentLinkList
-- PaymentLinkCount, its count, is generated from it (counts in sqldb).
SELECT id, merchant_id, name, description, total, meta, is_active, expires_at, max_uses, uses, views,
    created_at, updated_at, deleted_at
FROM payment_links
WHERE merchant_id = $1 AND deleted_at IS NULL
  AND ($2::int = -1 OR is_active = ($2::int = 1))
  AND NOT EXISTS (SELECT 1 FROM jsonb_array_elements_text($3::jsonb) k(value) WHERE NOT (
        lower(name) LIKE k.value OR lower(description) LIKE k.value))
ORDER BY /*ORDER*/ LIMIT $4 OFFSET $5;
-- name: FileCreate
INSERT INTO files (id, merchant_id, name, tag, mime, size, width, height, sha256, invoice_id, item_id,
    transaction_id, created_at, updated_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14);

-- name: FileContentPut
-- A file's bytes, new or replaced (PUT /file/{id} with a new file).
INSERT INTO file_contents (file_id, data) VALUES ($1, $2)
ON CONFLICT (file_id) DO UPDATE SET data = excluded.data;

-- name: FileGet
-- Metadata only: never the bytes.
SELECT id, merchant_id, name, tag, mime, size, width, height, sha256, invoice_id, item_id, transaction_id,
    created_at, updated_at, deleted_at
FROM files WHERE merchant_id = $1 AND id = $2;

-- name: FileContent
-- A live file's metadata and bytes (the download).
SELECT f.id, f.merchant_id, f.name, f.tag, f.mime, f.size, f.width, f.height, f.sha256, f.invoice_id, f.item_id,
    f.transaction_id, f.created_at, f.updated_at, f.deleted_at, c.data
FROM files f JOIN file_contents c ON c.file_id = f.id
WHERE f.merchant_id = $1 AND f.id = $2 AND f.deleted_at IS NULL;

-- name: FileUpdate
UPDATE files SET name = $3, tag = $4, mime = $5, size = $6, width = $7, height = $8, sha256 = $9,
    invoice_id = $10, item_id = $11, transaction_id = $12, updated_at = $13
WHERE merchant_id = $2 AND id = $1 AND deleted_at IS NULL;

-- name: FileDelete
UPDATE files SET deleted_at = $3, updated_at = $3
WHERE merchant_id = $1 AND id = $2 AND deleted_at IS NULL;

-- name: FileContentDelete
-- A deleted file's bytes go with it (its metadata stays, as Stax shows it).
DELETE FROM file_contents WHERE file_id = $1;

-- name: FileList
-- FileCount, its count, is generated from it (counts in sqldb).
SELECT id, merchant_id, name, tag, mime, size, width, height, sha256, invoice_id, item_id, transaction_id,
    created_at, updated_at, deleted_at
FROM files
WHERE merchant_id = $1 AND deleted_at IS NULL
  AND ($2::text = '' OR tag = $2)
  AND ($3::uuid IS NULL OR invoice_id = $3)
  AND ($4::uuid IS NULL OR item_id = $4)
  AND ($5::uuid IS NULL OR transaction_id = $5)
ORDER BY /*ORDER*/ LIMIT $6 OFFSET $7;
