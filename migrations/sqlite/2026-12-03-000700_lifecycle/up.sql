-- The status a transaction returns to once the anchor releases it from `on_hold` or the
-- user answers an info request (`pending_transaction_info_update`,
-- `pending_customer_info_update`). Its stage is kept as it was meanwhile.
ALTER TABLE transactions ADD COLUMN resume_status TEXT;
