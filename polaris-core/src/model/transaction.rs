//! The transaction: one deposit, withdrawal or send, as the SEPs describe it.

use chrono::{DateTime, Utc};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::enums::{Kind, MemoType, Protocol, Stage, Status};

/// One refund payment of a transaction, as in SEP-24's `refunds.payments`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RefundPayment {
    /// Stellar transaction hash or external reference.
    pub id: String,
    /// `stellar` or `external`.
    pub id_type: String,
    /// The amount returned.
    pub amount: Decimal,
    /// The fee charged for the refund.
    pub fee: Decimal,
}

/// The refunds of a transaction, as in SEP-24's `refunds` object.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct Refunds {
    /// Total amount refunded.
    pub amount_refunded: Decimal,
    /// Total fees charged for refunds.
    pub amount_fee: Decimal,
    /// Each refund payment.
    pub payments: Vec<RefundPayment>,
}

/// A deposit, withdrawal or send handled by the anchor.
///
/// `status` is exactly the SEP status; `stage` is Polaris' own bookkeeping (see [`Stage`]).
#[derive(Debug, Clone, PartialEq)]
pub struct Transaction {
    /// The transaction id shown to wallets.
    pub id: Uuid,
    /// Deposit, withdrawal or send.
    pub kind: Kind,
    /// The SEP that created it.
    pub protocol: Protocol,
    /// The SEP status.
    pub status: Status,
    /// Polaris' internal stage.
    pub stage: Stage,
    /// The asset's database id.
    pub asset_id: i64,
    /// The authenticated Stellar account (`G...`) that owns the transaction.
    pub stellar_account: String,
    /// The SEP-10 memo of the authenticated account, if any (a u64 as text).
    pub account_memo: Option<String>,
    /// The authenticated muxed account (`M...`), if the wallet used one.
    pub muxed_account: Option<String>,
    /// The wallet's SEP-10 client domain.
    pub client_domain: Option<String>,
    /// Estimated seconds until the status changes.
    pub status_eta: Option<i64>,
    /// A human-readable explanation of the status (errors especially).
    pub status_message: Option<String>,
    /// A message for the user (SEP-6 `message`).
    pub message: Option<String>,
    /// Hash of the Stellar transaction that moved the funds.
    pub stellar_transaction_id: Option<String>,
    /// The anchor's reference in its own systems.
    pub external_transaction_id: Option<String>,
    /// The amount the wallet said the user would send.
    pub amount_expected: Option<Decimal>,
    /// The amount received by the anchor.
    pub amount_in: Option<Decimal>,
    /// The amount sent to the user.
    pub amount_out: Option<Decimal>,
    /// The fee charged.
    pub amount_fee: Option<Decimal>,
    /// Where the funds came from (Stellar account or off-chain reference).
    pub from_address: Option<String>,
    /// Where the funds go (Stellar account or off-chain reference).
    pub to_address: Option<String>,
    /// The memo of the Stellar payment (deposit: to the user; withdrawal: to the anchor).
    pub memo: Option<String>,
    /// The memo's type.
    pub memo_type: MemoType,
    /// The account a withdrawal must be paid to.
    pub receiving_anchor_account: Option<String>,
    /// Whether the funds were refunded.
    pub refunded: bool,
    /// The refund details.
    pub refunds: Option<Refunds>,
    /// What the anchor asks the user to update.
    pub required_info_message: Option<String>,
    /// The fields to update (JSON).
    pub required_info_updates: Option<serde_json::Value>,
    /// The wallet accepts claimable balances.
    pub claimable_balance_supported: bool,
    /// The claimable balance created for a deposit.
    pub claimable_balance_id: Option<String>,
    /// The wallet's callback URL for status changes.
    pub on_change_callback: Option<String>,
    /// The wallet's name.
    pub wallet_name: Option<String>,
    /// The wallet's URL.
    pub wallet_url: Option<String>,
    /// The language the user chose.
    pub lang: Option<String>,
    /// A SEP-38 quote id.
    pub quote_id: Option<String>,
    /// The signed Stellar envelope, stored before submission.
    pub envelope_xdr: Option<String>,
    /// The hash of `envelope_xdr`.
    pub submission_hash: Option<String>,
    /// The worker holding the lease on this transaction.
    pub lease_owner: Option<String>,
    /// When that lease ends.
    pub lease_expires_at: Option<DateTime<Utc>>,
    /// When the transaction was created.
    pub started_at: DateTime<Utc>,
    /// When it last changed.
    pub updated_at: DateTime<Utc>,
    /// When it completed.
    pub completed_at: Option<DateTime<Utc>>,
    /// The time by which the user must act (send the funds, finish the form, update their
    /// information). Shown to wallets as `user_action_required_by` only while the status
    /// waits on the user (see [`Status::awaits_user`]).
    pub user_action_required_by: Option<DateTime<Utc>>,
    /// When `execute-outgoing-transactions` handed this withdrawal to the rails (stage
    /// `paying_out`): recorded before the call, so the rails are never called twice for it.
    pub payout_started_at: Option<DateTime<Utc>>,
    /// The status to return to when the anchor releases the transaction from `on_hold`, or
    /// when the user answered an info request (`pending_transaction_info_update`,
    /// `pending_customer_info_update`). The stage is left as it was meanwhile, so a
    /// transaction whose funds had arrived is paid once it resumes.
    pub resume_status: Option<Status>,
    /// The SEP-38 id of the asset the anchor receives, for an exchange (a transfer with a
    /// quote); `None` when it is the transaction's own asset.
    pub amount_in_asset: Option<String>,
    /// The SEP-38 id of the asset the anchor delivers, for an exchange.
    pub amount_out_asset: Option<String>,
    /// The quote's fee (total, asset, parts), for an exchange.
    pub fee_details: Option<super::QuoteFee>,
}

impl Transaction {
    /// The user this transaction belongs to, as [`super::user_key`] spells it: tells apart
    /// the users of one shared account (by memo) and muxed users (by `M...` address).
    pub fn user(&self) -> String {
        super::user_key(
            &self.stellar_account,
            self.account_memo.as_deref(),
            self.muxed_account.as_deref(),
        )
    }

    /// A new transaction in status `incomplete` for an account and asset.
    pub fn new(
        kind: Kind,
        protocol: Protocol,
        asset_id: i64,
        stellar_account: impl Into<String>,
    ) -> Self {
        let now = super::now();
        Self {
            id: Uuid::new_v4(),
            kind,
            protocol,
            status: Status::Incomplete,
            stage: Stage::None,
            asset_id,
            stellar_account: stellar_account.into(),
            account_memo: None,
            muxed_account: None,
            client_domain: None,
            status_eta: None,
            status_message: None,
            message: None,
            stellar_transaction_id: None,
            external_transaction_id: None,
            amount_expected: None,
            amount_in: None,
            amount_out: None,
            amount_fee: None,
            from_address: None,
            to_address: None,
            memo: None,
            memo_type: MemoType::Text,
            receiving_anchor_account: None,
            refunded: false,
            refunds: None,
            required_info_message: None,
            required_info_updates: None,
            claimable_balance_supported: false,
            claimable_balance_id: None,
            on_change_callback: None,
            wallet_name: None,
            wallet_url: None,
            lang: None,
            quote_id: None,
            envelope_xdr: None,
            submission_hash: None,
            lease_owner: None,
            lease_expires_at: None,
            started_at: now,
            updated_at: now,
            completed_at: None,
            user_action_required_by: None,
            payout_started_at: None,
            resume_status: None,
            amount_in_asset: None,
            amount_out_asset: None,
            fee_details: None,
        }
    }
}
