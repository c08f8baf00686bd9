-- The whole list's positions (migration 010) are also the filtered lists'
-- dim '' (migration 015): the numberer wrote each transaction's position
-- twice, a row and two index entries more a charge. The whole list now
-- reads dim '' (TransactionPage). Any position only the old table held
-- (none should: both were written in the numberer's one transaction since
-- 015, which copied the old table's) is copied over first.
INSERT OR IGNORE INTO transaction_filter_positions (merchant_id, dim, val, pos, transaction_id, created_at)
SELECT p.merchant_id, '', '', p.pos, p.transaction_id, t.created_at
FROM transaction_positions p JOIN transactions t ON t.id = p.transaction_id;
DROP TABLE transaction_positions;
