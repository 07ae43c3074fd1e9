//! The SEP-24 transaction object, serialized straight from the transaction (no
//! intermediate JSON tree), null fields left out.

use chrono::{DateTime, SecondsFormat, Utc};
use rust_decimal::Decimal;
use serde::Serialize;
use serde_json::Value;

use crate::model::{Asset, Kind, MemoType, Status, Transaction};
use crate::Settings;

/// The path of the more-info page under `HOST_URL`.
pub const MORE_INFO_PATH: &str = "sep24/transaction/more_info";

/// The more-info page URL of a transaction: a signed link anyone given it can open.
pub fn more_info_url(settings: &Settings, tx: &Transaction) -> String {
    crate::auth::links::sign(
        settings,
        MORE_INFO_PATH,
        &tx.id.to_string(),
        tx.started_at.timestamp(),
    )
}

fn time(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Secs, true)
}

fn amount(a: Option<Decimal>, decimals: u32) -> Option<String> {
    a.map(|a| super::info::fixed(a, decimals))
}

#[derive(Serialize)]
struct RefundPaymentObject<'a> {
    id: &'a str,
    id_type: &'a str,
    amount: String,
    fee: String,
}

/// The SEP-6/SEP-24 fee details object: the total fee and the asset it is counted in.
#[derive(Serialize)]
pub struct FeeDetails<'a> {
    /// The total fee, as a decimal string.
    pub total: String,
    /// The SEP-38 identifier of the asset the fee is counted in.
    pub asset: &'a str,
}

#[derive(Serialize)]
struct RefundsObject<'a> {
    amount_refunded: String,
    amount_fee: String,
    payments: Vec<RefundPaymentObject<'a>>,
}

/// A transaction as SEP-24 shows it to wallets.
#[derive(Serialize)]
pub struct TransactionObject<'a> {
    id: uuid::Uuid,
    kind: &'static str,
    status: Status,
    #[serde(skip_serializing_if = "Option::is_none")]
    status_eta: Option<i64>,
    more_info_url: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    amount_in: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    amount_in_asset: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    amount_out: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    amount_out_asset: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    amount_fee: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    amount_fee_asset: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    fee_details: Option<FeeDetails<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    quote_id: Option<&'a str>,
    started_at: String,
    updated_at: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    completed_at: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    user_action_required_by: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    stellar_transaction_id: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    external_transaction_id: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    message: Option<&'a str>,
    refunded: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    refunds: Option<RefundsObject<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    from: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    to: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    deposit_memo: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    deposit_memo_type: Option<MemoType>,
    #[serde(skip_serializing_if = "Option::is_none")]
    claimable_balance_id: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    withdraw_anchor_account: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    withdraw_memo: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    withdraw_memo_type: Option<MemoType>,
}

impl<'a> TransactionObject<'a> {
    /// The object of `tx`, whose asset id (`stellar:CODE:ISSUER`) is `asset_id`.
    pub fn new(settings: &Settings, tx: &'a Transaction, asset: &Asset, asset_id: &'a str) -> Self {
        let d = asset.significant_decimals;
        let withdrawal = tx.kind == Kind::Withdrawal;
        let memo = tx.memo.as_deref();
        let memo_type = memo.map(|_| tx.memo_type);
        let refunds = tx.refunds.as_ref().map(|r| RefundsObject {
            amount_refunded: super::info::fixed(r.amount_refunded, d),
            amount_fee: super::info::fixed(r.amount_fee, d),
            payments: r
                .payments
                .iter()
                .map(|p| RefundPaymentObject {
                    id: &p.id,
                    id_type: &p.id_type,
                    amount: super::info::fixed(p.amount, d),
                    fee: super::info::fixed(p.fee, d),
                })
                .collect(),
        });
        Self {
            id: tx.id,
            kind: if withdrawal { "withdrawal" } else { "deposit" },
            status: tx.status,
            status_eta: tx.status_eta,
            more_info_url: more_info_url(settings, tx),
            amount_in: amount(tx.amount_in, d),
            // Only the Stellar side is named: the off-chain side of a deposit's amount in
            // and of a withdrawal's amount out is not the Stellar asset.
            amount_in_asset: tx.amount_in.filter(|_| withdrawal).map(|_| asset_id),
            amount_out: amount(tx.amount_out, d),
            amount_out_asset: tx.amount_out.filter(|_| !withdrawal).map(|_| asset_id),
            amount_fee: amount(tx.amount_fee, d),
            amount_fee_asset: tx.amount_fee.map(|_| asset_id),
            fee_details: fee_details(tx, d, asset_id),
            quote_id: tx.quote_id.as_deref(),
            started_at: time(tx.started_at),
            updated_at: time(tx.updated_at),
            completed_at: tx.completed_at.map(time),
            user_action_required_by: user_action_required_by(tx).map(time),
            stellar_transaction_id: tx.stellar_transaction_id.as_deref(),
            external_transaction_id: tx.external_transaction_id.as_deref(),
            message: tx.status_message.as_deref().or(tx.message.as_deref()),
            refunded: tx.refunded,
            refunds,
            from: tx.from_address.as_deref(),
            to: tx.to_address.as_deref(),
            deposit_memo: memo.filter(|_| !withdrawal),
            deposit_memo_type: memo_type.filter(|_| !withdrawal),
            claimable_balance_id: tx.claimable_balance_id.as_deref().filter(|_| !withdrawal),
            withdraw_anchor_account: tx
                .receiving_anchor_account
                .as_deref()
                .filter(|_| withdrawal),
            withdraw_memo: memo.filter(|_| withdrawal),
            withdraw_memo_type: memo_type.filter(|_| withdrawal),
        }
    }
}

/// The fee details of `tx` (its fee counted in the Stellar asset `asset_id`), once the fee
/// is known.
pub fn fee_details<'a>(
    tx: &Transaction,
    decimals: u32,
    asset_id: &'a str,
) -> Option<FeeDetails<'a>> {
    tx.amount_fee.map(|fee| FeeDetails {
        total: super::info::fixed(fee, decimals),
        asset: asset_id,
    })
}

/// The deadline for the user, shown only while the transaction waits on the user.
pub fn user_action_required_by(tx: &Transaction) -> Option<DateTime<Utc>> {
    tx.user_action_required_by
        .filter(|_| tx.status.awaits_user())
}

/// The `stellar:CODE:ISSUER` id of an asset.
pub fn asset_id(asset: &Asset) -> String {
    format!("stellar:{}", asset.asset_id())
}

/// A transaction as SEP-24 shows it to wallets; null fields are left out.
pub fn transaction_json(settings: &Settings, tx: &Transaction, asset: &Asset) -> Value {
    let id = asset_id(asset);
    serde_json::to_value(TransactionObject::new(settings, tx, asset, &id)).unwrap_or(Value::Null)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Protocol;
    use chrono::Duration;
    use rust_decimal_macros::dec;

    fn deposit() -> (Settings, Transaction, Asset) {
        let settings = crate::testing::settings(&[]);
        let asset = Asset::new("SRT", "GISSUER");
        let mut tx = Transaction::new(Kind::Deposit, Protocol::Sep24, 1, "GACCOUNT");
        tx.status = Status::PendingUserTransferStart;
        tx.amount_in = Some(dec!(100));
        tx.amount_fee = Some(dec!(1.5));
        tx.amount_out = Some(dec!(98.5));
        tx.user_action_required_by = Some(tx.started_at + Duration::hours(1));
        (settings, tx, asset)
    }

    #[test]
    fn fee_details_and_the_user_deadline_are_shown() {
        let (settings, tx, asset) = deposit();
        let v = transaction_json(&settings, &tx, &asset);
        let id = "stellar:SRT:GISSUER";
        assert_eq!(
            v["fee_details"],
            serde_json::json!({"total": "1.50", "asset": id})
        );
        let deadline = tx.user_action_required_by.unwrap();
        assert_eq!(v["user_action_required_by"], time(deadline));
        // The deposit's amount in is off-chain money, not the Stellar asset.
        assert!(v.get("amount_in_asset").is_none(), "{v}");
        assert_eq!(v["amount_out_asset"], id);
    }

    #[test]
    fn the_deadline_is_hidden_once_the_user_has_acted() {
        let (settings, mut tx, asset) = deposit();
        tx.status = Status::PendingAnchor;
        let v = transaction_json(&settings, &tx, &asset);
        assert!(v.get("user_action_required_by").is_none(), "{v}");
    }

    #[test]
    fn a_withdrawal_names_only_its_stellar_side() {
        let (settings, mut tx, asset) = deposit();
        tx.kind = Kind::Withdrawal;
        let v = transaction_json(&settings, &tx, &asset);
        assert_eq!(v["amount_in_asset"], "stellar:SRT:GISSUER");
        assert!(v.get("amount_out_asset").is_none(), "{v}");
    }
}
