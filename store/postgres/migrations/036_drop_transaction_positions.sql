-- Step 3 of dropping transaction_positions (docs/postgres-operations.md,
-- "Contractions"). Migration 015 made the filtered lists' dim
-- '' rows hold the same positions; the release of step 1 read the whole
-- list from them, the release of step 2 stopped writing this table, so no
-- instance of the release before this one reads or writes it. Its rows
-- stop at the last position step 1's release gave; every one of them is
-- also a dim '' row (both were written in the numberer's one transaction
-- since 015, which copied this table's rows), so nothing is lost.
DROP TABLE IF EXISTS transaction_positions;
