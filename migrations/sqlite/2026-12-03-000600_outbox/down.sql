ALTER TABLE customers DROP COLUMN callback_url;
DROP TABLE callbacks;
