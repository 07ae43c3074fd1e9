ALTER TABLE transactions DROP COLUMN resume_status;
