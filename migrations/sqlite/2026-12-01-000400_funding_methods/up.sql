-- The SEP-6 funding methods (the `type` of older wallets) each operation of an asset offers,
-- with the fields a request of each method takes: a JSON array, empty when none are declared.
ALTER TABLE assets ADD COLUMN deposit_funding_methods TEXT NOT NULL DEFAULT '[]';
ALTER TABLE assets ADD COLUMN withdrawal_funding_methods TEXT NOT NULL DEFAULT '[]';
ALTER TABLE assets ADD COLUMN send_funding_methods TEXT NOT NULL DEFAULT '[]';
