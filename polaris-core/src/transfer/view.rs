//! The one transaction view: every field SEP-6 and SEP-24 transaction objects share, built
//! from the transaction and its asset. Each SEP serializes it flattened into its own object,
//! adding only its own fields (SEP-24 `more_info_url`; SEP-6 `required_info_*` ...).
//! Absent values are left out.

use chrono::{DateTime, SecondsFormat, Utc};
use rust_decimal::Decimal;
use serde::Serialize;

use super::amount;
use crate::model::{Asset, Kind, MemoType, Status, Transaction};

/// Which side of a transaction is on the Stellar network: the amount out of a deposit, the
/// amount in of a withdrawal or a send.
fn stellar_side_is_in(kind: Kind) -> bool {
    match kind {
        Kind::Deposit => false,
        Kind::Withdrawal | Kind::Send => true,
    }
}

fn time(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Secs, true)
}

/// The SEP-6/SEP-24 fee details object: the total fee, the asset it is counted in, and
/// for an exchange the parts its quote listed.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct FeeDetails<'a> {
    /// The total fee, padded to the asset's significant decimals (as the quote wrote it for
    /// an exchange).
    pub total: String,
    /// The SEP-38 identifier of the asset the fee is counted in.
    pub asset: String,
    /// The parts of the fee, when a quote listed them (SEP-6's name).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub details: Vec<FeeDetailView<'a>>,
    /// The same parts under SEP-24's name (the SEP-24 object moves them here).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub breakdown: Vec<FeeDetailView<'a>>,
}

/// One part of an exchange's fee.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct FeeDetailView<'a> {
    /// The part's name.
    pub name: &'a str,
    /// What it is for.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<&'a str>,
    /// Its amount.
    pub amount: String,
}

/// One refund payment.
#[derive(Debug, Clone, Serialize)]
pub struct RefundPaymentView<'a> {
    /// Stellar transaction hash or external reference.
    pub id: &'a str,
    /// `stellar` or `external`.
    pub id_type: &'a str,
    /// The amount returned.
    pub amount: String,
    /// The fee charged for the refund.
    pub fee: String,
}

/// The refunds of a transaction.
#[derive(Debug, Clone, Serialize)]
pub struct RefundsView<'a> {
    /// Total amount refunded.
    pub amount_refunded: String,
    /// Total fees charged for refunds.
    pub amount_fee: String,
    /// Each refund payment.
    pub payments: Vec<RefundPaymentView<'a>>,
}

/// Every field the SEP-6 and SEP-24 transaction objects share.
#[derive(Debug, Clone, Serialize)]
pub struct TransactionView<'a> {
    /// Polaris' id of the transaction.
    pub id: uuid::Uuid,
    /// `deposit`, `withdrawal` (or `send`).
    pub kind: Kind,
    /// The SEP status.
    pub status: Status,
    /// Seconds until the status is expected to change.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status_eta: Option<i64>,
    /// The amount received by the anchor.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub amount_in: Option<String>,
    /// The asset of `amount_in`, when it is the Stellar asset.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub amount_in_asset: Option<&'a str>,
    /// The amount sent by the anchor.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub amount_out: Option<String>,
    /// The asset of `amount_out`, when it is the Stellar asset.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub amount_out_asset: Option<&'a str>,
    /// The fee.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub amount_fee: Option<String>,
    /// The asset of `amount_fee`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub amount_fee_asset: Option<String>,
    /// The fee and its asset, once the fee is known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fee_details: Option<FeeDetails<'a>>,
    /// The SEP-38 quote, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub quote_id: Option<&'a str>,
    /// When the transaction started (UTC, ISO 8601).
    pub started_at: String,
    /// When it last changed.
    pub updated_at: String,
    /// When it completed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub completed_at: Option<String>,
    /// The user's deadline, shown only while the transaction waits on the user.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub user_action_required_by: Option<String>,
    /// The Stellar transaction hash.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stellar_transaction_id: Option<&'a str>,
    /// The anchor's own id.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub external_transaction_id: Option<&'a str>,
    /// What the wallet should tell the user: the status message, else the anchor's message.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message: Option<&'a str>,
    /// Whether the transaction was refunded in full.
    pub refunded: bool,
    /// The refunds, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub refunds: Option<RefundsView<'a>>,
    /// The sending account or reference.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub from: Option<&'a str>,
    /// The receiving account or reference.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub to: Option<&'a str>,
    /// A deposit's memo.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub deposit_memo: Option<&'a str>,
    /// The type of `deposit_memo`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub deposit_memo_type: Option<MemoType>,
    /// The claimable balance a deposit was paid into.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub claimable_balance_id: Option<&'a str>,
    /// The account a withdrawal pays to.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub withdraw_anchor_account: Option<&'a str>,
    /// The memo a withdrawal's payment carries.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub withdraw_memo: Option<&'a str>,
    /// The type of `withdraw_memo`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub withdraw_memo_type: Option<MemoType>,
}

impl<'a> TransactionView<'a> {
    /// The view of `tx`, of `asset` whose SEP-38 id (`stellar:CODE:ISSUER`) is `asset_id`.
    pub fn new(tx: &'a Transaction, asset: &Asset, asset_id: &'a str) -> Self {
        let d = asset.significant_decimals;
        let text = |v: Option<Decimal>| v.map(|v| amount::display(v, d));
        let stellar_in = stellar_side_is_in(tx.kind);
        let memo = tx.memo.as_deref();
        let memo_type = memo.map(|_| tx.memo_type);
        Self {
            id: tx.id,
            kind: tx.kind,
            status: tx.status,
            status_eta: tx.status_eta,
            amount_in: text(tx.amount_in),
            amount_in_asset: tx
                .amount_in_asset
                .as_deref()
                .or(tx.amount_in.filter(|_| stellar_in).map(|_| asset_id)),
            amount_out: text(tx.amount_out),
            amount_out_asset: tx
                .amount_out_asset
                .as_deref()
                .or(tx.amount_out.filter(|_| !stellar_in).map(|_| asset_id)),
            amount_fee: text(tx.amount_fee),
            amount_fee_asset: match &tx.fee_details {
                Some(fee) => tx.amount_fee.map(|_| fee.asset.to_string()),
                None => tx.amount_fee.map(|_| asset_id.to_string()),
            },
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
            refunds: refunds(tx, d),
            from: tx.from_address.as_deref(),
            to: tx.to_address.as_deref(),
            deposit_memo: memo.filter(|_| !stellar_in),
            deposit_memo_type: memo_type.filter(|_| !stellar_in),
            claimable_balance_id: tx.claimable_balance_id.as_deref().filter(|_| !stellar_in),
            withdraw_anchor_account: tx
                .receiving_anchor_account
                .as_deref()
                .filter(|_| stellar_in),
            withdraw_memo: memo.filter(|_| stellar_in),
            withdraw_memo_type: memo_type.filter(|_| stellar_in),
        }
    }
}

fn refunds(tx: &Transaction, d: u32) -> Option<RefundsView<'_>> {
    tx.refunds.as_ref().map(|r| RefundsView {
        amount_refunded: amount::display(r.amount_refunded, d),
        amount_fee: amount::display(r.amount_fee, d),
        payments: r
            .payments
            .iter()
            .map(|p| RefundPaymentView {
                id: &p.id,
                id_type: &p.id_type,
                amount: amount::display(p.amount, d),
                fee: amount::display(p.fee, d),
            })
            .collect(),
    })
}

/// The fee details of `tx`: an exchange's are its quote's fee; otherwise its fee counted in
/// the Stellar asset `asset_id`, once the fee is known.
pub fn fee_details<'a>(
    tx: &'a Transaction,
    decimals: u32,
    asset_id: &'a str,
) -> Option<FeeDetails<'a>> {
    if let Some(fee) = &tx.fee_details {
        return Some(FeeDetails {
            total: fee.total.normalize().to_string(),
            asset: fee.asset.to_string(),
            details: fee
                .details
                .iter()
                .map(|d| FeeDetailView {
                    name: &d.name,
                    description: d.description.as_deref(),
                    amount: d.amount.normalize().to_string(),
                })
                .collect(),
            breakdown: Vec::new(),
        });
    }
    tx.amount_fee.map(|fee| FeeDetails {
        total: amount::display(fee, decimals),
        asset: asset_id.to_string(),
        details: Vec::new(),
        breakdown: Vec::new(),
    })
}

/// The deadline for the user, shown only while the transaction waits on the user.
pub fn user_action_required_by(tx: &Transaction) -> Option<DateTime<Utc>> {
    tx.user_action_required_by
        .filter(|_| tx.status.awaits_user())
}

/// The SEP-38 id of an asset: `stellar:CODE:ISSUER`.
pub fn asset_id(asset: &Asset) -> String {
    format!("stellar:{}", asset.asset_id())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Protocol, RefundPayment, Refunds};
    use chrono::Duration;
    use rust_decimal_macros::dec;
    use serde_json::{json, Value};

    fn deposit() -> (Transaction, Asset) {
        let asset = Asset::new("SRT", "GISSUER");
        let mut tx = Transaction::new(Kind::Deposit, Protocol::Sep24, 1, "GACCOUNT");
        tx.status = Status::PendingUserTransferStart;
        tx.amount_in = Some(dec!(100));
        tx.amount_fee = Some(dec!(1.5));
        tx.amount_out = Some(dec!(98.5));
        tx.memo = Some("42".into());
        tx.memo_type = MemoType::Id;
        tx.claimable_balance_id = Some("CB".into());
        tx.user_action_required_by = Some(tx.started_at + Duration::hours(1));
        (tx, asset)
    }

    fn view(tx: &Transaction, asset: &Asset) -> Value {
        let id = asset_id(asset);
        serde_json::to_value(TransactionView::new(tx, asset, &id)).unwrap_or_default()
    }

    #[test]
    fn a_deposit_names_its_stellar_side_and_its_memo() {
        let (tx, asset) = deposit();
        let v = view(&tx, &asset);
        let id = "stellar:SRT:GISSUER";
        assert_eq!(v["kind"], "deposit");
        assert_eq!(v["fee_details"], json!({"total": "1.50", "asset": id}));
        assert_eq!(
            (&v["amount_in"], &v["amount_out"]),
            (&json!("100.00"), &json!("98.50"))
        );
        assert!(v.get("amount_in_asset").is_none(), "{v}");
        assert_eq!(v["amount_out_asset"], id);
        assert_eq!(
            (&v["deposit_memo"], &v["deposit_memo_type"]),
            (&json!("42"), &json!("id"))
        );
        assert_eq!(v["claimable_balance_id"], "CB");
        assert!(v.get("withdraw_memo").is_none(), "{v}");
        assert_eq!(
            v["user_action_required_by"],
            time(tx.started_at + Duration::hours(1))
        );
    }

    #[test]
    fn a_withdrawal_names_its_stellar_side_and_its_memo() {
        let (mut tx, asset) = deposit();
        tx.kind = Kind::Withdrawal;
        tx.memo_type = MemoType::Hash;
        tx.receiving_anchor_account = Some("GANCHOR".into());
        tx.status = Status::PendingAnchor;
        let v = view(&tx, &asset);
        assert_eq!(v["kind"], "withdrawal");
        assert_eq!(
            (&v["amount_in"], &v["amount_fee"]),
            (&json!("100.00"), &json!("1.50"))
        );
        assert_eq!(v["amount_in_asset"], "stellar:SRT:GISSUER");
        assert!(v.get("amount_out_asset").is_none(), "{v}");
        assert_eq!(v["withdraw_anchor_account"], "GANCHOR");
        assert_eq!(
            (&v["withdraw_memo"], &v["withdraw_memo_type"]),
            (&json!("42"), &json!("hash"))
        );
        assert!(v.get("deposit_memo").is_none() && v.get("claimable_balance_id").is_none());
        assert!(v.get("user_action_required_by").is_none(), "{v}");
    }

    #[test]
    fn the_status_message_comes_first_and_refunds_are_written_like_amounts() {
        let (mut tx, asset) = deposit();
        tx.message = Some("anchor".into());
        assert_eq!(view(&tx, &asset)["message"], "anchor");
        tx.status_message = Some("held".into());
        tx.refunds = Some(Refunds {
            amount_refunded: dec!(10),
            amount_fee: dec!(1),
            payments: vec![RefundPayment {
                id: "h".into(),
                id_type: "stellar".into(),
                amount: dec!(10),
                fee: dec!(1),
            }],
        });
        let v = view(&tx, &asset);
        assert_eq!(v["message"], "held");
        assert_eq!(v["refunds"]["payments"][0]["amount"], "10.00");
        assert_eq!(v["refunds"]["amount_refunded"], "10.00");
        assert_eq!(v["fee_details"]["total"], "1.50");
    }

    #[test]
    fn amounts_are_padded_to_the_asset_decimals_and_never_rounded() {
        let (mut tx, asset) = deposit();
        tx.amount_in = Some(dec!(100.000));
        tx.amount_fee = Some(dec!(1.234));
        tx.amount_out = Some(dec!(98.766));
        let v = view(&tx, &asset);
        assert_eq!(
            (&v["amount_in"], &v["amount_fee"], &v["amount_out"]),
            (&json!("100.00"), &json!("1.234"), &json!("98.766"))
        );
        assert_eq!(v["fee_details"]["total"], "1.234");
    }
}
