//! The Horizon operations Polaris needs, behind one small trait.
//!
//! [`HorizonClient`](super::client::HorizonClient) implements it over HTTP; tests may implement
//! only the methods they need: every method but [`Horizon::load_account`] has a default that
//! answers [`HorizonError::Other`].

use std::collections::BTreeMap;

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use futures::stream::BoxStream;

use super::asset::Asset;
use super::memo::Memo;

/// An account as Horizon reports it: what SEP-10 and the processors need.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccountInfo {
    /// The account id (`G...`).
    pub account_id: String,
    /// The current sequence number.
    pub sequence: i64,
    /// The account's signers (the master key included, with its weight).
    pub signers: Vec<AccountSigner>,
    /// The low, medium and high thresholds.
    pub thresholds: Thresholds,
}

/// One signer of an account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccountSigner {
    /// The signer key (`G...` for ed25519 keys).
    pub key: String,
    /// Its weight, 0 to 255.
    pub weight: u8,
}

/// An account's operation thresholds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Thresholds {
    /// Low threshold.
    pub low: u8,
    /// Medium threshold.
    pub med: u8,
    /// High threshold.
    pub high: u8,
}

/// What can go wrong when talking to Horizon.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum HorizonError {
    /// The resource does not exist.
    #[error("not found on Horizon")]
    NotFound,
    /// Horizon refused the transaction, with its result codes.
    #[error("transaction failed: {transaction} {operations:?}")]
    Failed {
        /// The transaction result code, e.g. `tx_bad_seq`.
        transaction: String,
        /// The operation result codes, e.g. `["op_no_trust"]`.
        operations: Vec<String>,
    },
    /// The outcome is unknown (timeout, 5xx): look the hash up before doing anything else.
    #[error("outcome unknown: {0}")]
    Unknown(String),
    /// Any other error (bad request, unparsable answer).
    #[error("horizon error: {0}")]
    Other(String),
}

/// One balance of an account: XLM or a trustline.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Balance {
    /// The asset held.
    pub asset: Asset,
    /// The amount held, in stroops.
    pub balance: i64,
    /// The trustline limit in stroops (`None` for XLM).
    pub limit: Option<i64>,
    /// Whether the issuer authorized the trustline (always true for XLM).
    pub is_authorized: bool,
}

/// An account with its balances and data: what the processors need.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccountDetails {
    /// Sequence, signers and thresholds.
    pub info: AccountInfo,
    /// XLM first, then trustlines.
    pub balances: Vec<Balance>,
    /// Data entries, values decoded from base64.
    pub data: BTreeMap<String, Vec<u8>>,
    /// Number of sub-entries (trustlines, signers, data entries ...).
    pub subentry_count: u32,
    /// The home domain, if set.
    pub home_domain: Option<String>,
}

impl AccountDetails {
    /// The balance of `asset`, `None` when the account holds no trustline for it.
    pub fn balance(&self, asset: &Asset) -> Option<&Balance> {
        self.balances.iter().find(|b| &b.asset == asset)
    }
}

/// A transaction as Horizon records it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TransactionRecord {
    /// The transaction hash (hex).
    pub hash: String,
    /// The ledger that included it.
    pub ledger: u32,
    /// Whether it succeeded (failed transactions are recorded too, with their fee charged).
    pub successful: bool,
    /// Its paging token (cursor).
    pub paging_token: String,
    /// The source account (`G...`).
    pub source_account: String,
    /// The fee charged, in stroops.
    pub fee_charged: i64,
    /// The memo.
    pub memo: Memo,
    /// The envelope, base64 XDR.
    pub envelope_xdr: String,
    /// The result, base64 XDR.
    pub result_xdr: String,
    /// When its ledger closed.
    pub created_at: DateTime<Utc>,
}

/// What kind of operation moved funds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PaymentKind {
    /// `create_account`.
    CreateAccount,
    /// `payment`.
    Payment,
    /// `path_payment_strict_receive`.
    PathPaymentStrictReceive,
    /// `path_payment_strict_send`.
    PathPaymentStrictSend,
    /// `account_merge`.
    AccountMerge,
    /// Anything else Horizon lists among payments (e.g. a Soroban transfer).
    Other,
}

/// A payment-like operation as Horizon's `/payments` endpoints list it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PaymentRecord {
    /// The operation id.
    pub id: String,
    /// Its paging token (cursor).
    pub paging_token: String,
    /// The operation type.
    pub kind: PaymentKind,
    /// The sender (`G...`).
    pub from: String,
    /// The receiver (`G...`).
    pub to: String,
    /// The receiver's muxed address (`M...`), when paid to one.
    pub to_muxed: Option<String>,
    /// The asset received.
    pub asset: Asset,
    /// The amount received, in stroops.
    pub amount: i64,
    /// The hash of the transaction holding the operation.
    pub transaction_hash: String,
    /// Whether that transaction succeeded.
    pub transaction_successful: bool,
    /// The transaction's memo, when Horizon joined the transaction in (the client always asks).
    pub memo: Option<Memo>,
    /// When its ledger closed.
    pub created_at: DateTime<Utc>,
}

/// Record order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Order {
    /// Oldest first.
    #[default]
    Asc,
    /// Newest first.
    Desc,
}

/// Which page of records to read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PageQuery {
    /// Start after this paging token (`None`: from the start, or the end for `Desc`).
    pub cursor: Option<String>,
    /// At most this many records (Horizon allows 1-200).
    pub limit: u32,
    /// The order.
    pub order: Order,
}

impl Default for PageQuery {
    fn default() -> Self {
        Self {
            cursor: None,
            limit: 10,
            order: Order::Asc,
        }
    }
}

/// A page of records.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Page<T> {
    /// The records.
    pub records: Vec<T>,
    /// The cursor of the next page: the last record's paging token, if any.
    pub next_cursor: Option<String>,
}

/// Fee statistics, in stroops.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FeeStats {
    /// The last closed ledger.
    pub last_ledger: u32,
    /// Its base fee per operation.
    pub last_ledger_base_fee: i64,
    /// The 90th percentile of the fees charged recently, per operation.
    pub fee_charged_p90: i64,
    /// The 90th percentile of the max fees offered recently, per operation.
    pub max_fee_p90: i64,
}

/// A live stream of records; errors are items, and the stream reconnects after them.
pub type RecordStream<T> = BoxStream<'static, Result<T, HorizonError>>;

fn unsupported<T>(what: &str) -> Result<T, HorizonError> {
    Err(HorizonError::Other(format!(
        "{what} is not supported by this Horizon implementation"
    )))
}

/// The Horizon operations Polaris uses.
#[async_trait]
pub trait Horizon: Send + Sync + 'static {
    /// Loads an account; `Ok(None)` when it does not exist.
    async fn load_account(&self, account_id: &str) -> Result<Option<AccountInfo>, HorizonError>;

    /// Loads an account with its balances and data; `Ok(None)` when it does not exist.
    async fn account(&self, _account_id: &str) -> Result<Option<AccountDetails>, HorizonError> {
        unsupported("account")
    }

    /// Submits a signed envelope (base64 XDR) and waits for its ledger.
    ///
    /// [`HorizonError::Failed`] carries the result codes; [`HorizonError::Unknown`] means the
    /// transaction may or may not have been applied: look its hash up with
    /// [`Horizon::transaction`] before building anything new.
    async fn submit(&self, _envelope_xdr: &str) -> Result<TransactionRecord, HorizonError> {
        unsupported("submit")
    }

    /// A transaction by hash; `Ok(None)` when Horizon does not know it.
    async fn transaction(&self, _hash: &str) -> Result<Option<TransactionRecord>, HorizonError> {
        unsupported("transaction")
    }

    /// A page of an account's payments (create_account, payment, path payments, merges).
    async fn payments(
        &self,
        _account_id: &str,
        _query: &PageQuery,
    ) -> Result<Page<PaymentRecord>, HorizonError> {
        unsupported("payments")
    }

    /// A page of an account's successful transactions.
    async fn transactions(
        &self,
        _account_id: &str,
        _query: &PageQuery,
    ) -> Result<Page<TransactionRecord>, HorizonError> {
        unsupported("transactions")
    }

    /// Streams an account's payments after `cursor` (a paging token or `now`).
    fn stream_payments(&self, _account_id: &str, _cursor: &str) -> RecordStream<PaymentRecord> {
        Box::pin(futures::stream::once(async {
            unsupported("stream_payments")
        }))
    }

    /// Streams an account's transactions after `cursor` (a paging token or `now`).
    fn stream_transactions(
        &self,
        _account_id: &str,
        _cursor: &str,
    ) -> RecordStream<TransactionRecord> {
        Box::pin(futures::stream::once(async {
            unsupported("stream_transactions")
        }))
    }

    /// Current fee statistics.
    async fn fee_stats(&self) -> Result<FeeStats, HorizonError> {
        unsupported("fee_stats")
    }
}

/// The base fee per operation to offer: the recent 90th percentile of fees charged, at least
/// the ledger's base fee, at most `max_fee` (e.g. the `MAX_TRANSACTION_FEE_STROOPS` setting).
///
/// When fee stats cannot be read, `max_fee` is used.
pub async fn base_fee(horizon: &dyn Horizon, max_fee: u32) -> u32 {
    match horizon.fee_stats().await {
        Ok(stats) => {
            let fee = stats
                .fee_charged_p90
                .max(stats.last_ledger_base_fee)
                .max(100);
            u32::try_from(fee).unwrap_or(u32::MAX).min(max_fee)
        }
        Err(e) => {
            tracing::warn!(error = %e, "fee stats unavailable, offering the maximum fee");
            max_fee
        }
    }
}
