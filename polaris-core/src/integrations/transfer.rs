//! SEP-6 decisions and the deposit hooks.

use std::collections::BTreeMap;

use async_trait::async_trait;

use serde_json::Value;

use super::IntegrationError;
use crate::model::{Asset, Transaction};
use crate::params::Params;

/// SEP-9 KYC fields a wallet passed along with a request, by SEP-9 name.
pub type Sep9Fields = BTreeMap<String, String>;

/// One transaction an integration is told about.
#[derive(Debug, Clone, Copy)]
#[non_exhaustive]
pub struct TransactionRequest<'a> {
    /// The transaction.
    pub transaction: &'a Transaction,
}

impl<'a> TransactionRequest<'a> {
    /// A request about `transaction`.
    pub fn new(transaction: &'a Transaction) -> Self {
        Self { transaction }
    }
}

/// A SEP-6 `GET /deposit` or `GET /withdraw` request, after Polaris validated it.
#[derive(Debug, Clone, Copy)]
#[non_exhaustive]
pub struct Sep6Request<'a> {
    /// The transaction Polaris would store. It is not stored yet: Polaris stores it only
    /// when the answer is [`Sep6Response::Success`].
    pub transaction: &'a Transaction,
    /// Every request parameter, as sent (e.g. `type`, `dest`, `email_address`).
    pub params: &'a Params,
    /// The asset asked for.
    pub asset: &'a Asset,
    /// The language of messages for the user.
    pub lang: &'a str,
    /// The funding method asked for (`funding_method`, or the older `type`), already
    /// checked against the asset's declared methods when it declares any.
    pub funding_method: Option<&'a str>,
}

impl<'a> Sep6Request<'a> {
    /// A request for `transaction` of `asset`, with no funding method.
    pub fn new(
        transaction: &'a Transaction,
        asset: &'a Asset,
        params: &'a Params,
        lang: &'a str,
    ) -> Self {
        Self {
            transaction,
            params,
            asset,
            lang,
            funding_method: None,
        }
    }

    /// The same request with a funding method.
    pub fn with_funding_method(mut self, funding_method: Option<&'a str>) -> Self {
        self.funding_method = funding_method;
        self
    }
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

/// The fields a wallet sent through SEP-6 `PATCH /transactions/:id`.
#[derive(Debug, Clone, Copy)]
#[non_exhaustive]
pub struct PatchRequest<'a> {
    /// The transaction, in `pending_transaction_info_update`.
    pub transaction: &'a Transaction,
    /// The fields, only those the anchor asked for in `required_info_updates`.
    pub fields: &'a Sep9Fields,
}

impl<'a> PatchRequest<'a> {
    /// `fields` sent for `transaction`.
    pub fn new(transaction: &'a Transaction, fields: &'a Sep9Fields) -> Self {
        Self {
            transaction,
            fields,
        }
    }
}

/// The anchor's SEP-6 decisions. Every method has a default.
#[async_trait]
pub trait Sep6Integration: Send + Sync + 'static {
    /// Decides a SEP-6 deposit request. The default refuses SEP-6 deposits.
    async fn process_deposit(
        &self,
        _request: &Sep6Request<'_>,
    ) -> Result<Sep6Response, IntegrationError> {
        Err(IntegrationError::rejected(
            "SEP-6 deposits are not supported by this anchor",
        ))
    }

    /// Decides a SEP-6 withdrawal request. The default refuses SEP-6 withdrawals.
    async fn process_withdrawal(
        &self,
        _request: &Sep6Request<'_>,
    ) -> Result<Sep6Response, IntegrationError> {
        Err(IntegrationError::rejected(
            "SEP-6 withdrawals are not supported by this anchor",
        ))
    }

    /// Receives the fields a wallet sent through SEP-6 `PATCH /transactions/:id` for a
    /// transaction in `pending_transaction_info_update`. Polaris then moves the
    /// transaction to `pending_anchor`. `Rejected` becomes a 400 and leaves the transaction
    /// as it was. The default accepts the fields.
    async fn patch_transaction(&self, _request: &PatchRequest<'_>) -> Result<(), IntegrationError> {
        Ok(())
    }
}

/// The anchor's hooks on deposits, SEP-6 and SEP-24 alike. Every method has a default.
#[async_trait]
pub trait DepositIntegration: Send + Sync + 'static {
    /// Instructions (plain text, escaped when shown) on the more-info page of a deposit
    /// waiting for the user's transfer (`pending_user_transfer_start`). The default: none.
    async fn instructions_for_pending_deposit(
        &self,
        _request: &TransactionRequest<'_>,
    ) -> Result<Option<String>, IntegrationError> {
        Ok(None)
    }

    /// Called once a deposit is completed on Stellar. Errors are logged, never undo the deposit.
    async fn after_deposit(
        &self,
        _request: &TransactionRequest<'_>,
    ) -> Result<(), IntegrationError> {
        Ok(())
    }
}

/// Every default: Polaris' forms for the interactive flow, SEP-6 refused, no deposit hooks.
#[derive(Debug, Clone, Copy, Default)]
pub struct Defaults;

impl Sep6Integration for Defaults {}

impl DepositIntegration for Defaults {}

impl super::InteractiveIntegration for Defaults {}
