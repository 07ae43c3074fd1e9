-- What an exchange (a transfer with a SEP-38 quote) records from its quote: the SEP-38 ids
-- of the asset received and the asset delivered, and the quote's fee object (JSON).
ALTER TABLE transactions ADD COLUMN amount_in_asset TEXT;
ALTER TABLE transactions ADD COLUMN amount_out_asset TEXT;
ALTER TABLE transactions ADD COLUMN fee_details TEXT;
