//! The diesel schema, shared by both backends (see `migrations/`).
#![allow(missing_docs)]

diesel::table! {
    assets (id) {
        id -> BigInt,
        code -> Text,
        issuer -> Text,
        significant_decimals -> Integer,
        deposit_enabled -> Bool,
        deposit_fee_fixed -> Nullable<Text>,
        deposit_fee_percent -> Nullable<Text>,
        deposit_min_amount -> Nullable<Text>,
        deposit_max_amount -> Nullable<Text>,
        withdrawal_enabled -> Bool,
        withdrawal_fee_fixed -> Nullable<Text>,
        withdrawal_fee_percent -> Nullable<Text>,
        withdrawal_min_amount -> Nullable<Text>,
        withdrawal_max_amount -> Nullable<Text>,
        send_enabled -> Bool,
        send_fee_fixed -> Nullable<Text>,
        send_fee_percent -> Nullable<Text>,
        send_min_amount -> Nullable<Text>,
        send_max_amount -> Nullable<Text>,
        sep6_enabled -> Bool,
        sep24_enabled -> Bool,
        sep31_enabled -> Bool,
        symbol -> Text,
        distribution_seed -> Nullable<Text>,
        name -> Nullable<Text>,
        description -> Nullable<Text>,
        status -> Text,
        display_decimals -> Nullable<Integer>,
        is_asset_anchored -> Bool,
        anchor_asset_type -> Nullable<Text>,
        anchor_asset -> Nullable<Text>,
        redemption_instructions -> Nullable<Text>,
        created_at -> Timestamp,
        deposit_funding_methods -> Text,
        withdrawal_funding_methods -> Text,
        send_funding_methods -> Text,
        distribution_account -> Nullable<Text>,
    }
}

diesel::table! {
    transactions (id) {
        id -> Text,
        kind -> Text,
        protocol -> Text,
        status -> Text,
        stage -> Text,
        asset_id -> BigInt,
        stellar_account -> Text,
        account_memo -> Nullable<Text>,
        muxed_account -> Nullable<Text>,
        client_domain -> Nullable<Text>,
        status_eta -> Nullable<BigInt>,
        status_message -> Nullable<Text>,
        message -> Nullable<Text>,
        stellar_transaction_id -> Nullable<Text>,
        external_transaction_id -> Nullable<Text>,
        amount_expected -> Nullable<Text>,
        amount_in -> Nullable<Text>,
        amount_out -> Nullable<Text>,
        amount_fee -> Nullable<Text>,
        from_address -> Nullable<Text>,
        to_address -> Nullable<Text>,
        memo -> Nullable<Text>,
        memo_type -> Text,
        receiving_anchor_account -> Nullable<Text>,
        refunded -> Bool,
        refunds -> Nullable<Text>,
        required_info_message -> Nullable<Text>,
        required_info_updates -> Nullable<Text>,
        claimable_balance_supported -> Bool,
        claimable_balance_id -> Nullable<Text>,
        on_change_callback -> Nullable<Text>,
        wallet_name -> Nullable<Text>,
        wallet_url -> Nullable<Text>,
        lang -> Nullable<Text>,
        quote_id -> Nullable<Text>,
        envelope_xdr -> Nullable<Text>,
        submission_hash -> Nullable<Text>,
        lease_owner -> Nullable<Text>,
        lease_expires_at -> Nullable<Timestamp>,
        started_at -> Timestamp,
        updated_at -> Timestamp,
        completed_at -> Nullable<Timestamp>,
        user_action_required_by -> Nullable<Timestamp>,
        payout_started_at -> Nullable<Timestamp>,
        resume_status -> Nullable<Text>,
        amount_in_asset -> Nullable<Text>,
        amount_out_asset -> Nullable<Text>,
        fee_details -> Nullable<Text>,
    }
}

diesel::table! {
    used_challenges (hash) {
        hash -> Text,
        expires_at -> Timestamp,
    }
}

diesel::joinable!(transactions -> assets (asset_id));
diesel::allow_tables_to_appear_in_same_query!(
    assets,
    transactions,
    used_challenges,
    customers,
    stream_cursors,
    unmatched_payments,
    callbacks,
    quotes,
    channels,
    transaction_events,
    unmatched_resolutions
);

diesel::table! {
    customers (id) {
        id -> Text,
        stellar_account -> Text,
        account_memo -> Nullable<Text>,
        muxed_account -> Nullable<Text>,
        created_at -> Timestamp,
        callback_url -> Nullable<Text>,
    }
}

diesel::table! {
    stream_cursors (account) {
        account -> Text,
        cursor -> Text,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    unmatched_payments (paging_token) {
        paging_token -> Text,
        account -> Text,
        from_address -> Text,
        asset -> Text,
        amount -> Text,
        memo -> Nullable<Text>,
        transaction_hash -> Text,
        reason -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    callbacks (id) {
        id -> BigInt,
        topic -> Text,
        subject -> Text,
        sequence -> BigInt,
        url -> Text,
        payload -> Text,
        attempts -> Integer,
        next_attempt_at -> Timestamp,
        lease_owner -> Nullable<Text>,
        lease_expires_at -> Nullable<Timestamp>,
        delivered_at -> Nullable<Timestamp>,
        given_up_at -> Nullable<Timestamp>,
        last_error -> Nullable<Text>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    quotes (id) {
        id -> Text,
        stellar_account -> Text,
        account_memo -> Nullable<Text>,
        muxed_account -> Nullable<Text>,
        context -> Text,
        sell_asset -> Text,
        sell_amount -> Text,
        sell_delivery_method -> Nullable<Text>,
        buy_asset -> Text,
        buy_amount -> Text,
        buy_delivery_method -> Nullable<Text>,
        price -> Text,
        total_price -> Text,
        fee -> Text,
        expires_at -> Timestamp,
        used_by_transaction -> Nullable<Text>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    channels (public_key) {
        public_key -> Text,
        seed -> Text,
        funded_at -> Nullable<Timestamp>,
        bound_hash -> Nullable<Text>,
        lease_owner -> Nullable<Text>,
        lease_expires_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    transaction_events (id) {
        id -> BigInt,
        transaction_id -> Text,
        from_status -> Nullable<Text>,
        to_status -> Text,
        stage -> Text,
        status_message -> Nullable<Text>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    unmatched_resolutions (paging_token) {
        paging_token -> Text,
        resolution -> Text,
        transaction_id -> Nullable<Text>,
        reference -> Nullable<Text>,
        resolved_at -> Timestamp,
    }
}
