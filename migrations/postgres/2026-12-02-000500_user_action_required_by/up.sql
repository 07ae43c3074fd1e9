-- When the user must act by (SEP-6/24 `user_action_required_by`): set by the anchor for the
-- statuses that wait on the user, shown to wallets only in those statuses.
ALTER TABLE transactions ADD COLUMN user_action_required_by TIMESTAMP;
