//! The Horizon operations Polaris needs, behind one small trait.

use async_trait::async_trait;

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

/// The Horizon operations Polaris uses.
#[async_trait]
pub trait Horizon: Send + Sync + 'static {
    /// Loads an account; `Ok(None)` when it does not exist.
    async fn load_account(&self, account_id: &str) -> Result<Option<AccountInfo>, HorizonError>;
}
