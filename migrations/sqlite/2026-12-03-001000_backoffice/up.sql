-- The history of every transaction's status: one row per change, written in the same
-- database transaction as the change itself (see polaris-core's state module), plus one
-- row when the transaction is created (from_status NULL). Shown by the back office.
CREATE TABLE transaction_events (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    transaction_id TEXT NOT NULL,
    from_status TEXT,
    to_status TEXT NOT NULL,
    stage TEXT NOT NULL,
    status_message TEXT,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX transaction_events_by_transaction ON transaction_events (transaction_id, id);

-- What an operator decided about an unmatched payment: matched to a transaction, or
-- refunded. One row at most per payment (its primary key), so two operators can never
-- both resolve the same payment.
CREATE TABLE unmatched_resolutions (
    paging_token TEXT PRIMARY KEY NOT NULL,
    resolution TEXT NOT NULL,
    transaction_id TEXT,
    reference TEXT,
    resolved_at TIMESTAMP NOT NULL
);
