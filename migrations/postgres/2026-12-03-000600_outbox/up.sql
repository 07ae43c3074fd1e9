-- The callback outbox: every notification a wallet is owed, written in the same database
-- transaction as the change it reports, then delivered (and retried) by `deliver-callbacks`.
-- `topic` says what changed (`transaction` or `customer`), `subject` which one (the
-- transaction id or the customer id); `sequence` orders the rows of one subject, which are
-- delivered one after the other.
CREATE TABLE callbacks (
    id BIGSERIAL PRIMARY KEY,
    topic TEXT NOT NULL,
    subject TEXT NOT NULL,
    sequence BIGINT NOT NULL,
    url TEXT NOT NULL,
    payload TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TIMESTAMP NOT NULL,
    lease_owner TEXT,
    lease_expires_at TIMESTAMP,
    delivered_at TIMESTAMP,
    given_up_at TIMESTAMP,
    last_error TEXT,
    created_at TIMESTAMP NOT NULL,
    UNIQUE (topic, subject, sequence)
);
CREATE INDEX callbacks_due ON callbacks (next_attempt_at)
    WHERE delivered_at IS NULL AND given_up_at IS NULL;

-- The URL a wallet gave in SEP-12 `PUT /customer/callback`.
ALTER TABLE customers ADD COLUMN callback_url TEXT;
