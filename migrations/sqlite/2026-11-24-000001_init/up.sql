-- Polaris schema, SQLite flavour. Amounts are TEXT holding exact decimals.
CREATE TABLE assets (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    code TEXT NOT NULL,
    issuer TEXT NOT NULL,
    significant_decimals INTEGER NOT NULL DEFAULT 2,
    deposit_enabled BOOLEAN NOT NULL DEFAULT 1,
    deposit_fee_fixed TEXT,
    deposit_fee_percent TEXT,
    deposit_min_amount TEXT,
    deposit_max_amount TEXT,
    withdrawal_enabled BOOLEAN NOT NULL DEFAULT 1,
    withdrawal_fee_fixed TEXT,
    withdrawal_fee_percent TEXT,
    withdrawal_min_amount TEXT,
    withdrawal_max_amount TEXT,
    send_enabled BOOLEAN NOT NULL DEFAULT 0,
    send_fee_fixed TEXT,
    send_fee_percent TEXT,
    send_min_amount TEXT,
    send_max_amount TEXT,
    sep6_enabled BOOLEAN NOT NULL DEFAULT 0,
    sep24_enabled BOOLEAN NOT NULL DEFAULT 0,
    sep31_enabled BOOLEAN NOT NULL DEFAULT 0,
    symbol TEXT NOT NULL DEFAULT '$',
    distribution_seed TEXT,
    name TEXT,
    description TEXT,
    status TEXT NOT NULL DEFAULT 'test',
    display_decimals INTEGER,
    is_asset_anchored BOOLEAN NOT NULL DEFAULT 1,
    anchor_asset_type TEXT,
    anchor_asset TEXT,
    redemption_instructions TEXT,
    created_at TIMESTAMP NOT NULL,
    UNIQUE (code, issuer)
);

CREATE TABLE transactions (
    id TEXT PRIMARY KEY NOT NULL,
    kind TEXT NOT NULL,
    protocol TEXT NOT NULL,
    status TEXT NOT NULL,
    stage TEXT NOT NULL DEFAULT 'none',
    asset_id BIGINT NOT NULL REFERENCES assets (id),
    stellar_account TEXT NOT NULL,
    account_memo TEXT,
    muxed_account TEXT,
    client_domain TEXT,
    status_eta BIGINT,
    status_message TEXT,
    message TEXT,
    stellar_transaction_id TEXT,
    external_transaction_id TEXT,
    amount_expected TEXT,
    amount_in TEXT,
    amount_out TEXT,
    amount_fee TEXT,
    from_address TEXT,
    to_address TEXT,
    memo TEXT,
    memo_type TEXT NOT NULL DEFAULT 'text',
    receiving_anchor_account TEXT,
    refunded BOOLEAN NOT NULL DEFAULT 0,
    refunds TEXT,
    required_info_message TEXT,
    required_info_updates TEXT,
    claimable_balance_supported BOOLEAN NOT NULL DEFAULT 0,
    claimable_balance_id TEXT,
    on_change_callback TEXT,
    wallet_name TEXT,
    wallet_url TEXT,
    lang TEXT,
    quote_id TEXT,
    envelope_xdr TEXT,
    submission_hash TEXT,
    lease_owner TEXT,
    lease_expires_at TIMESTAMP,
    started_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    completed_at TIMESTAMP
);

CREATE INDEX transactions_account_asset_started ON transactions (stellar_account, asset_id, started_at);
CREATE INDEX transactions_stellar_transaction_id ON transactions (stellar_transaction_id);
CREATE INDEX transactions_external_transaction_id ON transactions (external_transaction_id);
CREATE INDEX transactions_memo ON transactions (memo);
CREATE INDEX transactions_kind_status ON transactions (kind, status, stage);

CREATE TABLE used_challenges (
    hash TEXT PRIMARY KEY NOT NULL,
    expires_at TIMESTAMP NOT NULL
);
CREATE INDEX used_challenges_expires_at ON used_challenges (expires_at);
