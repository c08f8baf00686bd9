-- Payment links (/query/payment-links): a shareable page that takes a fixed
-- total. uses counts the payments taken through the link and views the
-- times its page was shown; the database keeps uses within max_uses (NULL:
-- unlimited), so no number of concurrent payers can take one more. Money in
-- cents. Listed in O(page) by migration 012's list positions.
CREATE TABLE payment_links (
    id           uuid PRIMARY KEY,
    merchant_id  uuid NOT NULL REFERENCES merchants (id),
    name         text NOT NULL,
    description  text NOT NULL DEFAULT '',
    total        bigint NOT NULL CHECK (total > 0),
    meta         jsonb NOT NULL DEFAULT '{}',
    is_active    boolean NOT NULL DEFAULT true,
    expires_at   timestamptz,
    max_uses     bigint CHECK (max_uses > 0),
    uses         bigint NOT NULL DEFAULT 0 CHECK (uses >= 0 AND (max_uses IS NULL OR uses <= max_uses)),
    views        bigint NOT NULL DEFAULT 0 CHECK (views >= 0),
    created_at   timestamptz NOT NULL,
    updated_at   timestamptz NOT NULL,
    deleted_at   timestamptz
);
CREATE INDEX payment_links_merchant_created ON payment_links (merchant_id, created_at, id);

CREATE TRIGGER payment_links_list_insert AFTER INSERT ON payment_links
    FOR EACH ROW EXECUTE FUNCTION list_insert('payment_links');
CREATE TRIGGER payment_links_list_delete AFTER UPDATE OF deleted_at ON payment_links
    FOR EACH ROW WHEN (OLD.deleted_at IS NULL AND NEW.deleted_at IS NOT NULL) EXECUTE FUNCTION list_live('payment_links', 'false');
CREATE TRIGGER payment_links_list_restore AFTER UPDATE OF deleted_at ON payment_links
    FOR EACH ROW WHEN (OLD.deleted_at IS NOT NULL AND NEW.deleted_at IS NULL) EXECUTE FUNCTION list_live('payment_links', 'true');
