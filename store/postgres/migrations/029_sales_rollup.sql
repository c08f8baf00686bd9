-- The dashboard's sales rollup (jobs/sales_rollup.go, store.Store's
-- SalesRollup and SalesVolume): per merchant and UTC hour, the count and
-- total of its successful sales created in that hour, exactly what
-- TransactionVolume sums (success, not voided, charge or capture). Hours
-- rather than days, so that a day's live part (what the rollup does not
-- cover yet) is at most the last hour or two of transactions, not a whole
-- day's. Rows are recomputed in full from transactions by the periodic
-- job, never written on the payment path. A missing row of a covered hour
-- is zero sales.
CREATE TABLE sales_hours (
    merchant_id  uuid NOT NULL,
    hour         timestamptz NOT NULL,
    sales        bigint NOT NULL,
    total        bigint NOT NULL,
    PRIMARY KEY (merchant_id, hour)
);

-- The rollup's one watermark: every change to a transaction with
-- updated_at before it is reflected in sales_hours for the hours before
-- its hour. NULL until the first run.
CREATE TABLE sales_rollup (
    id         integer PRIMARY KEY CHECK (id = 1),
    watermark  timestamptz
);
INSERT INTO sales_rollup (id, watermark) VALUES (1, NULL);

-- The rollup finds the transactions changed since its watermark, over all
-- merchants.
CREATE INDEX transactions_updated ON transactions (updated_at);
