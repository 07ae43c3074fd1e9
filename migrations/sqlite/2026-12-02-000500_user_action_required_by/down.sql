ALTER TABLE transactions DROP COLUMN user_action_required_by;
