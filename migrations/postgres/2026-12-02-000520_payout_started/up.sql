-- When `execute-outgoing-transactions` handed a withdrawal to the rails: written, with the
-- stage `paying_out`, before the rails hook is called, so no second worker ever calls it again.
ALTER TABLE transactions ADD COLUMN payout_started_at TIMESTAMP;
