//! Deposit and withdrawal integrations, shared by SEP-6 and SEP-24.

use std::collections::BTreeMap;

use async_trait::async_trait;

use serde_json::Value;

use super::IntegrationError;
use crate::model::{Asset, Transaction};
use crate::params::Params;

/// SEP-9 KYC fields a wallet passed along with a request, by SEP-9 name.
pub type Sep9Fields = BTreeMap<String, String>;

/// A SEP-6 `GET /deposit` or `GET /withdraw` request, after Polaris validated it.
#[derive(Debug, Clone)]
pub struct Sep6Request<'a> {
    /// Every request parameter, as sent (e.g. `type`, `dest`, `email_address`).
    pub params: &'a Params,
    /// The asset asked for.
    pub asset: &'a Asset,
    /// The language of messages for the user.
    pub lang: &'a str,
}

/// What the anchor answers to a SEP-6 deposit or withdrawal request.
#[derive(Debug, Clone, PartialEq)]
pub enum Sep6Response {
    /// The transaction can proceed. Polaris stores it and fills `id`, `eta`, limits, fees
    /// and, for withdrawals, `account_id`, `memo_type` and `memo`.
    Success {
        /// Deposit: how to send the funds (a short text such as a bank account).
        how: Option<String>,
        /// Deposit: SEP-6 `instructions`, a map of SEP-9 field names to `{value, description}`.
        instructions: Option<Value>,
        /// Extra information for the user, e.g. `{"message": "..."}`.
        extra_info: Option<Value>,
        /// Estimated seconds until the transfer completes.
        eta: Option<i64>,
    },
    /// KYC fields are missing: the wallet must send them through SEP-12 (answered as a 403).
    CustomerInfoNeeded {
        /// SEP-9 names of the fields needed.
        fields: Vec<String>,
    },
    /// KYC was sent and is `pending` or `denied` (answered as a 403).
    CustomerInfoStatus {
        /// `pending` or `denied`.
        status: String,
        /// A page where the user can see more.
        more_info_url: Option<String>,
        /// Estimated seconds until the status changes.
        eta: Option<i64>,
    },
}

/// The anchor's deposit logic. Every method has a default, so an anchor implements
/// only what its flows need.
#[async_trait]
pub trait DepositIntegration: Send + Sync + 'static {
    /// Instructions (text or HTML) shown on the more-info page of a pending deposit.
    async fn instructions_for_pending_deposit(
        &self,
        _transaction: &Transaction,
    ) -> Result<Option<String>, IntegrationError> {
        Ok(None)
    }

    /// Called once a deposit is completed on Stellar. Errors are logged, never undo the deposit.
    async fn after_deposit(&self, _transaction: &Transaction) -> Result<(), IntegrationError> {
        Ok(())
    }

    /// Stores SEP-9 fields a wallet sent for `account`; `Rejected` becomes a 400 with its message.
    async fn save_sep9_fields(
        &self,
        _account: &str,
        _fields: &Sep9Fields,
        _lang: &str,
    ) -> Result<(), IntegrationError> {
        Ok(())
    }

    /// Decides a SEP-6 deposit request. `transaction` is not stored yet: Polaris stores it
    /// only when the answer is [`Sep6Response::Success`]. The default refuses SEP-6 deposits.
    async fn process_sep6_request(
        &self,
        _request: &Sep6Request<'_>,
        _transaction: &Transaction,
    ) -> Result<Sep6Response, IntegrationError> {
        Err(IntegrationError::Rejected(
            "SEP-6 deposits are not supported by this anchor".into(),
        ))
    }

    /// Receives the fields a wallet sent through SEP-6 `PATCH /transactions/:id` for a
    /// transaction in `pending_transaction_info_update` (only fields the anchor asked for in
    /// `required_info_updates`). Polaris then moves the transaction to `pending_anchor`.
    /// `Rejected` becomes a 400 and leaves the transaction as it was.
    async fn patch_transaction(
        &self,
        _transaction: &Transaction,
        _fields: &Sep9Fields,
    ) -> Result<(), IntegrationError> {
        Ok(())
    }
}

/// The anchor's withdrawal logic. Every method has a default.
#[async_trait]
pub trait WithdrawalIntegration: Send + Sync + 'static {
    /// Stores SEP-9 fields a wallet sent for `account`; `Rejected` becomes a 400 with its message.
    async fn save_sep9_fields(
        &self,
        _account: &str,
        _fields: &Sep9Fields,
        _lang: &str,
    ) -> Result<(), IntegrationError> {
        Ok(())
    }

    /// Decides a SEP-6 withdrawal request. `transaction` is not stored yet: Polaris stores it
    /// only when the answer is [`Sep6Response::Success`]. The default refuses SEP-6 withdrawals.
    async fn process_sep6_request(
        &self,
        _request: &Sep6Request<'_>,
        _transaction: &Transaction,
    ) -> Result<Sep6Response, IntegrationError> {
        Err(IntegrationError::Rejected(
            "SEP-6 withdrawals are not supported by this anchor".into(),
        ))
    }

    /// Receives the fields a wallet sent through SEP-6 `PATCH /transactions/:id` for a
    /// transaction in `pending_transaction_info_update` (only fields the anchor asked for in
    /// `required_info_updates`). Polaris then moves the transaction to `pending_anchor`.
    /// `Rejected` becomes a 400 and leaves the transaction as it was.
    async fn patch_transaction(
        &self,
        _transaction: &Transaction,
        _fields: &Sep9Fields,
    ) -> Result<(), IntegrationError> {
        Ok(())
    }
}

/// Deposits with every default: no instructions, nothing after the deposit.
#[derive(Debug, Clone, Copy, Default)]
pub struct DefaultDeposit;

impl DepositIntegration for DefaultDeposit {}

/// Withdrawals with every default.
#[derive(Debug, Clone, Copy, Default)]
pub struct DefaultWithdrawal;

impl WithdrawalIntegration for DefaultWithdrawal {}
