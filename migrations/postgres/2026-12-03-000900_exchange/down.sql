ALTER TABLE transactions DROP COLUMN fee_details;
ALTER TABLE transactions DROP COLUMN amount_out_asset;
ALTER TABLE transactions DROP COLUMN amount_in_asset;
