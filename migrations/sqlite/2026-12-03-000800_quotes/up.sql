-- SEP-38 firm quotes: bound to the SEP-10 account (and memo) that asked, held until
-- expires_at, and taken by at most one transaction (used_by_transaction).
CREATE TABLE quotes (
    id TEXT PRIMARY KEY NOT NULL,
    stellar_account TEXT NOT NULL,
    account_memo TEXT,
    muxed_account TEXT,
    context TEXT NOT NULL,
    sell_asset TEXT NOT NULL,
    sell_amount TEXT NOT NULL,
    sell_delivery_method TEXT,
    buy_asset TEXT NOT NULL,
    buy_amount TEXT NOT NULL,
    buy_delivery_method TEXT,
    price TEXT NOT NULL,
    total_price TEXT NOT NULL,
    fee TEXT NOT NULL,
    expires_at TIMESTAMP NOT NULL,
    used_by_transaction TEXT,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX quotes_owner ON quotes (stellar_account, account_memo, muxed_account);
