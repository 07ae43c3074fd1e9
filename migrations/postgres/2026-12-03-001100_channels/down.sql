ALTER TABLE assets DROP COLUMN distribution_account;
DROP TABLE channels;
