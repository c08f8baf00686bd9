-- The finalize statement's plan with the partial index transactions_pending full
-- of dead entries (20,000 charges finished since the last vacuum): the
-- literal state (before) against a value the planner cannot see (after).
--   psql postgres://postgres@127.0.0.1:5432/test -f bench/finalize_plan.sql
DROP SCHEMA IF EXISTS planx CASCADE; CREATE SCHEMA planx; SET search_path=planx;
CREATE TABLE merchants (id uuid primary key);
CREATE TABLE transactions (id uuid PRIMARY KEY, merchant_id uuid NOT NULL, status text NOT NULL, message text NOT NULL DEFAULT '', created_at timestamptz NOT NULL);
CREATE INDEX transactions_merchant_created ON transactions (merchant_id, created_at, id);
CREATE INDEX transactions_pending ON transactions (status, created_at) WHERE status = 'PENDING';
INSERT INTO merchants VALUES ('00000000-0000-0000-0000-000000000001');
INSERT INTO transactions SELECT gen_random_uuid(), '00000000-0000-0000-0000-000000000001', 'SUCCESS', '', now() - i * interval '1 second' FROM generate_series(1,100000) i;
ANALYZE transactions;
ALTER TABLE transactions SET (autovacuum_enabled = off);
-- 20k charges go PENDING -> SUCCESS without a vacuum in between
INSERT INTO transactions SELECT gen_random_uuid(), '00000000-0000-0000-0000-000000000001', 'PENDING', '', now() + i * interval '1 ms' FROM generate_series(1,20000) i;
UPDATE transactions SET status='SUCCESS' WHERE status='PENDING';
INSERT INTO transactions VALUES ('00000000-0000-0000-0000-0000000000aa', '00000000-0000-0000-0000-000000000001', 'PENDING', '', now());
SET plan_cache_mode = force_generic_plan;
PREPARE f(uuid, uuid) AS UPDATE transactions SET message='x' WHERE id=$1 AND merchant_id=$2 AND status='PENDING';
EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) EXECUTE f('00000000-0000-0000-0000-0000000000aa','00000000-0000-0000-0000-000000000001');
PREPARE g(uuid, uuid) AS UPDATE transactions SET message='y' WHERE id=$1 AND merchant_id=$2 AND status=(SELECT 'PENDING');
EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) EXECUTE g('00000000-0000-0000-0000-0000000000aa','00000000-0000-0000-0000-000000000001');
SET plan_cache_mode = auto;
DROP SCHEMA planx CASCADE;
