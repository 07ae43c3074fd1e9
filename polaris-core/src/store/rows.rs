//! Database rows and their conversion to and from the model.
//!
//! Amounts are stored as TEXT holding exact decimals on both backends (SQLite has
//! no numeric type in diesel), timestamps as UTC without zone.

use std::str::FromStr;

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use rust_decimal::Decimal;

use super::schema::{assets, transactions};
use super::StoreError;
use crate::model::{Asset, OperationConfig, Transaction};
use crate::secret::Secret;

pub(crate) fn to_db_time(t: DateTime<Utc>) -> NaiveDateTime {
    t.naive_utc()
}

pub(crate) fn from_db_time(t: NaiveDateTime) -> DateTime<Utc> {
    t.and_utc()
}

fn dec(column: &str, v: Option<String>) -> Result<Option<Decimal>, StoreError> {
    v.map(|s| {
        Decimal::from_str(&s)
            .map_err(|_| StoreError::Corrupt(format!("{column}: '{s}' is not a decimal")))
    })
    .transpose()
}

fn text(v: Option<Decimal>) -> Option<String> {
    v.map(|d| d.normalize().to_string())
}

fn parse<T: FromStr>(column: &str, v: &str) -> Result<T, StoreError> {
    v.parse()
        .map_err(|_| StoreError::Corrupt(format!("{column}: unexpected value '{v}'")))
}

fn decimals(column: &str, v: i32) -> Result<u32, StoreError> {
    u32::try_from(v).map_err(|_| StoreError::Corrupt(format!("{column}: negative value {v}")))
}

/// The stored columns of an asset, without its id.
#[derive(Debug, Clone, Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = assets, treat_none_as_null = true)]
pub(crate) struct AssetValues {
    code: String,
    issuer: String,
    significant_decimals: i32,
    deposit_enabled: bool,
    deposit_fee_fixed: Option<String>,
    deposit_fee_percent: Option<String>,
    deposit_min_amount: Option<String>,
    deposit_max_amount: Option<String>,
    withdrawal_enabled: bool,
    withdrawal_fee_fixed: Option<String>,
    withdrawal_fee_percent: Option<String>,
    withdrawal_min_amount: Option<String>,
    withdrawal_max_amount: Option<String>,
    send_enabled: bool,
    send_fee_fixed: Option<String>,
    send_fee_percent: Option<String>,
    send_min_amount: Option<String>,
    send_max_amount: Option<String>,
    sep6_enabled: bool,
    sep24_enabled: bool,
    sep31_enabled: bool,
    symbol: String,
    distribution_seed: Option<String>,
    name: Option<String>,
    description: Option<String>,
    status: String,
    display_decimals: Option<i32>,
    is_asset_anchored: bool,
    anchor_asset_type: Option<String>,
    anchor_asset: Option<String>,
    redemption_instructions: Option<String>,
    created_at: NaiveDateTime,
    deposit_funding_methods: String,
    withdrawal_funding_methods: String,
    send_funding_methods: String,
    distribution_account: Option<String>,
}

/// A stored asset row.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = assets)]
pub(crate) struct AssetRow {
    id: i64,
    #[diesel(embed)]
    values: AssetValues,
}

fn op_config(
    prefix: &str,
    enabled: bool,
    cols: [Option<String>; 4],
    methods: &str,
) -> Result<OperationConfig, StoreError> {
    let [fixed, percent, min, max] = cols;
    let funding_methods = serde_json::from_str(methods)
        .map_err(|e| StoreError::Corrupt(format!("{prefix}_funding_methods: {e}")))?;
    Ok(OperationConfig {
        enabled,
        funding_methods,
        fee_fixed: dec(&format!("{prefix}_fee_fixed"), fixed)?,
        fee_percent: dec(&format!("{prefix}_fee_percent"), percent)?,
        min_amount: dec(&format!("{prefix}_min_amount"), min)?,
        max_amount: dec(&format!("{prefix}_max_amount"), max)?,
    })
}

/// The JSON text of an operation's funding methods.
fn methods(op: &OperationConfig) -> String {
    serde_json::to_string(&op.funding_methods).unwrap_or_else(|_| "[]".into())
}

impl TryFrom<AssetRow> for Asset {
    type Error = StoreError;
    fn try_from(row: AssetRow) -> Result<Self, StoreError> {
        let v = row.values;
        Ok(Asset {
            id: row.id,
            code: v.code,
            issuer: v.issuer,
            significant_decimals: decimals("significant_decimals", v.significant_decimals)?,
            deposit: op_config(
                "deposit",
                v.deposit_enabled,
                [
                    v.deposit_fee_fixed,
                    v.deposit_fee_percent,
                    v.deposit_min_amount,
                    v.deposit_max_amount,
                ],
                &v.deposit_funding_methods,
            )?,
            withdrawal: op_config(
                "withdrawal",
                v.withdrawal_enabled,
                [
                    v.withdrawal_fee_fixed,
                    v.withdrawal_fee_percent,
                    v.withdrawal_min_amount,
                    v.withdrawal_max_amount,
                ],
                &v.withdrawal_funding_methods,
            )?,
            send: op_config(
                "send",
                v.send_enabled,
                [
                    v.send_fee_fixed,
                    v.send_fee_percent,
                    v.send_min_amount,
                    v.send_max_amount,
                ],
                &v.send_funding_methods,
            )?,
            sep6_enabled: v.sep6_enabled,
            sep24_enabled: v.sep24_enabled,
            sep31_enabled: v.sep31_enabled,
            symbol: v.symbol,
            distribution_seed: v
                .distribution_seed
                .map(|s| super::seeds::open(&s).map(Secret::new))
                .transpose()?,
            distribution_account_id: v.distribution_account,
            name: v.name,
            description: v.description,
            status: v.status,
            display_decimals: v
                .display_decimals
                .map(|d| decimals("display_decimals", d))
                .transpose()?,
            is_asset_anchored: v.is_asset_anchored,
            anchor_asset_type: v.anchor_asset_type,
            anchor_asset: v.anchor_asset,
            redemption_instructions: v.redemption_instructions,
            created_at: from_db_time(v.created_at),
        })
    }
}

impl TryFrom<&Asset> for AssetValues {
    type Error = StoreError;
    fn try_from(a: &Asset) -> Result<Self, StoreError> {
        Ok(AssetValues {
            code: a.code.clone(),
            issuer: a.issuer.clone(),
            significant_decimals: a.significant_decimals.min(i32::MAX as u32) as i32,
            deposit_enabled: a.deposit.enabled,
            deposit_fee_fixed: text(a.deposit.fee_fixed),
            deposit_fee_percent: text(a.deposit.fee_percent),
            deposit_min_amount: text(a.deposit.min_amount),
            deposit_max_amount: text(a.deposit.max_amount),
            withdrawal_enabled: a.withdrawal.enabled,
            withdrawal_fee_fixed: text(a.withdrawal.fee_fixed),
            withdrawal_fee_percent: text(a.withdrawal.fee_percent),
            withdrawal_min_amount: text(a.withdrawal.min_amount),
            withdrawal_max_amount: text(a.withdrawal.max_amount),
            send_enabled: a.send.enabled,
            send_fee_fixed: text(a.send.fee_fixed),
            send_fee_percent: text(a.send.fee_percent),
            send_min_amount: text(a.send.min_amount),
            send_max_amount: text(a.send.max_amount),
            sep6_enabled: a.sep6_enabled,
            sep24_enabled: a.sep24_enabled,
            sep31_enabled: a.sep31_enabled,
            symbol: a.symbol.clone(),
            distribution_seed: a
                .distribution_seed
                .as_ref()
                .map(|s| super::seeds::seal(s.expose()))
                .transpose()?,
            name: a.name.clone(),
            description: a.description.clone(),
            status: a.status.clone(),
            display_decimals: a.display_decimals.map(|d| d.min(i32::MAX as u32) as i32),
            is_asset_anchored: a.is_asset_anchored,
            anchor_asset_type: a.anchor_asset_type.clone(),
            anchor_asset: a.anchor_asset.clone(),
            redemption_instructions: a.redemption_instructions.clone(),
            created_at: to_db_time(a.created_at),
            deposit_funding_methods: methods(&a.deposit),
            withdrawal_funding_methods: methods(&a.withdrawal),
            send_funding_methods: methods(&a.send),
            distribution_account: a.distribution_account_id.clone(),
        })
    }
}

/// A stored transaction row; also the transaction snapshot of a callback (as JSON).
#[derive(
    Debug,
    Clone,
    Queryable,
    Selectable,
    Insertable,
    AsChangeset,
    serde::Serialize,
    serde::Deserialize,
)]
#[diesel(table_name = transactions, treat_none_as_null = true)]
pub(crate) struct TransactionRow {
    pub id: String,
    kind: String,
    protocol: String,
    pub status: String,
    stage: String,
    asset_id: i64,
    stellar_account: String,
    account_memo: Option<String>,
    muxed_account: Option<String>,
    client_domain: Option<String>,
    status_eta: Option<i64>,
    status_message: Option<String>,
    message: Option<String>,
    stellar_transaction_id: Option<String>,
    external_transaction_id: Option<String>,
    amount_expected: Option<String>,
    amount_in: Option<String>,
    amount_out: Option<String>,
    amount_fee: Option<String>,
    from_address: Option<String>,
    to_address: Option<String>,
    memo: Option<String>,
    memo_type: String,
    receiving_anchor_account: Option<String>,
    refunded: bool,
    refunds: Option<String>,
    required_info_message: Option<String>,
    required_info_updates: Option<String>,
    claimable_balance_supported: bool,
    claimable_balance_id: Option<String>,
    on_change_callback: Option<String>,
    wallet_name: Option<String>,
    wallet_url: Option<String>,
    lang: Option<String>,
    quote_id: Option<String>,
    envelope_xdr: Option<String>,
    submission_hash: Option<String>,
    lease_owner: Option<String>,
    lease_expires_at: Option<NaiveDateTime>,
    started_at: NaiveDateTime,
    updated_at: NaiveDateTime,
    completed_at: Option<NaiveDateTime>,
    user_action_required_by: Option<NaiveDateTime>,
    payout_started_at: Option<NaiveDateTime>,
    resume_status: Option<String>,
    amount_in_asset: Option<String>,
    amount_out_asset: Option<String>,
    fee_details: Option<String>,
}

fn json<T: serde::de::DeserializeOwned>(
    column: &str,
    v: Option<String>,
) -> Result<Option<T>, StoreError> {
    v.map(|s| serde_json::from_str(&s).map_err(|e| StoreError::Corrupt(format!("{column}: {e}"))))
        .transpose()
}

impl TryFrom<TransactionRow> for Transaction {
    type Error = StoreError;
    fn try_from(r: TransactionRow) -> Result<Self, StoreError> {
        Ok(Transaction {
            id: parse("id", &r.id)?,
            kind: parse("kind", &r.kind)?,
            protocol: parse("protocol", &r.protocol)?,
            status: parse("status", &r.status)?,
            stage: parse("stage", &r.stage)?,
            asset_id: r.asset_id,
            stellar_account: r.stellar_account,
            account_memo: r.account_memo,
            muxed_account: r.muxed_account,
            client_domain: r.client_domain,
            status_eta: r.status_eta,
            status_message: r.status_message,
            message: r.message,
            stellar_transaction_id: r.stellar_transaction_id,
            external_transaction_id: r.external_transaction_id,
            amount_expected: dec("amount_expected", r.amount_expected)?,
            amount_in: dec("amount_in", r.amount_in)?,
            amount_out: dec("amount_out", r.amount_out)?,
            amount_fee: dec("amount_fee", r.amount_fee)?,
            from_address: r.from_address,
            to_address: r.to_address,
            memo: r.memo,
            memo_type: parse("memo_type", &r.memo_type)?,
            receiving_anchor_account: r.receiving_anchor_account,
            refunded: r.refunded,
            refunds: json("refunds", r.refunds)?,
            required_info_message: r.required_info_message,
            required_info_updates: json("required_info_updates", r.required_info_updates)?,
            claimable_balance_supported: r.claimable_balance_supported,
            claimable_balance_id: r.claimable_balance_id,
            on_change_callback: r.on_change_callback,
            wallet_name: r.wallet_name,
            wallet_url: r.wallet_url,
            lang: r.lang,
            quote_id: r.quote_id,
            envelope_xdr: r.envelope_xdr,
            submission_hash: r.submission_hash,
            lease_owner: r.lease_owner,
            lease_expires_at: r.lease_expires_at.map(from_db_time),
            started_at: from_db_time(r.started_at),
            updated_at: from_db_time(r.updated_at),
            completed_at: r.completed_at.map(from_db_time),
            user_action_required_by: r.user_action_required_by.map(from_db_time),
            payout_started_at: r.payout_started_at.map(from_db_time),
            resume_status: r
                .resume_status
                .map(|s| parse("resume_status", &s))
                .transpose()?,
            amount_in_asset: r.amount_in_asset,
            amount_out_asset: r.amount_out_asset,
            fee_details: json("fee_details", r.fee_details)?,
        })
    }
}

impl From<&Transaction> for TransactionRow {
    fn from(t: &Transaction) -> Self {
        TransactionRow {
            id: t.id.to_string(),
            kind: t.kind.to_string(),
            protocol: t.protocol.to_string(),
            status: t.status.to_string(),
            stage: t.stage.to_string(),
            asset_id: t.asset_id,
            stellar_account: t.stellar_account.clone(),
            account_memo: t.account_memo.clone(),
            muxed_account: t.muxed_account.clone(),
            client_domain: t.client_domain.clone(),
            status_eta: t.status_eta,
            status_message: t.status_message.clone(),
            message: t.message.clone(),
            stellar_transaction_id: t.stellar_transaction_id.clone(),
            external_transaction_id: t.external_transaction_id.clone(),
            amount_expected: text(t.amount_expected),
            amount_in: text(t.amount_in),
            amount_out: text(t.amount_out),
            amount_fee: text(t.amount_fee),
            from_address: t.from_address.clone(),
            to_address: t.to_address.clone(),
            memo: t.memo.clone(),
            memo_type: t.memo_type.to_string(),
            receiving_anchor_account: t.receiving_anchor_account.clone(),
            refunded: t.refunded,
            refunds: t
                .refunds
                .as_ref()
                .and_then(|r| serde_json::to_string(r).ok()),
            required_info_message: t.required_info_message.clone(),
            required_info_updates: t.required_info_updates.as_ref().map(|v| v.to_string()),
            claimable_balance_supported: t.claimable_balance_supported,
            claimable_balance_id: t.claimable_balance_id.clone(),
            on_change_callback: t.on_change_callback.clone(),
            wallet_name: t.wallet_name.clone(),
            wallet_url: t.wallet_url.clone(),
            lang: t.lang.clone(),
            quote_id: t.quote_id.clone(),
            envelope_xdr: t.envelope_xdr.clone(),
            submission_hash: t.submission_hash.clone(),
            lease_owner: t.lease_owner.clone(),
            lease_expires_at: t.lease_expires_at.map(to_db_time),
            started_at: to_db_time(t.started_at),
            updated_at: to_db_time(t.updated_at),
            completed_at: t.completed_at.map(to_db_time),
            user_action_required_by: t.user_action_required_by.map(to_db_time),
            payout_started_at: t.payout_started_at.map(to_db_time),
            resume_status: t.resume_status.map(|s| s.to_string()),
            amount_in_asset: t.amount_in_asset.clone(),
            amount_out_asset: t.amount_out_asset.clone(),
            fee_details: t
                .fee_details
                .as_ref()
                .and_then(|f| serde_json::to_string(f).ok()),
        }
    }
}
