-- Stax.js customer matching looks customers up by email (any case), phone
-- and street address among a merchant's live customers.
CREATE INDEX customers_match_email ON customers (merchant_id, lower(email)) WHERE deleted_at IS NULL;
CREATE INDEX customers_match_phone ON customers (merchant_id, phone) WHERE deleted_at IS NULL;
CREATE INDEX customers_match_address ON customers (merchant_id, address_1) WHERE deleted_at IS NULL;
