ALTER TABLE transactions DROP COLUMN payout_started_at;
