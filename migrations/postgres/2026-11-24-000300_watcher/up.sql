-- Where watch-transactions stopped, per distribution account, and the payments it could not match.
CREATE TABLE stream_cursors (
    account TEXT PRIMARY KEY NOT NULL,
    cursor TEXT NOT NULL,
    updated_at TIMESTAMP NOT NULL
);

CREATE TABLE unmatched_payments (
    paging_token TEXT PRIMARY KEY NOT NULL,
    account TEXT NOT NULL,
    from_address TEXT NOT NULL,
    asset TEXT NOT NULL,
    amount TEXT NOT NULL,
    memo TEXT,
    transaction_hash TEXT NOT NULL,
    reason TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);
