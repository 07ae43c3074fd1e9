ALTER TABLE assets DROP COLUMN send_funding_methods;
ALTER TABLE assets DROP COLUMN withdrawal_funding_methods;
ALTER TABLE assets DROP COLUMN deposit_funding_methods;
