-- GET /query/statistics/teamSummary's hasHosted asks whether the merchant
-- has taken a hosted-page payment: source 'invoice' (the hosted invoice
-- page, transactions_merchant_hosted) or, since the public web payments
-- got their own source, 'webpayment'. The query's IN over both could use
-- neither partial index and read the merchant's every transaction (5 s at
-- 1M on SQLite): each source gets its index and its own EXISTS.
CREATE INDEX transactions_merchant_webpayment ON transactions (merchant_id) WHERE source = 'webpayment';
