-- Which authenticated account owns each SEP-12 customer id: the key to never showing
-- one account's KYC data to another.
CREATE TABLE customers (
    id TEXT PRIMARY KEY NOT NULL,
    stellar_account TEXT NOT NULL,
    account_memo TEXT,
    muxed_account TEXT,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX customers_owner ON customers (stellar_account, account_memo, muxed_account);
