//! Deposit and withdrawal integrations, shared by SEP-6 and SEP-24.

use std::collections::BTreeMap;

use async_trait::async_trait;

use serde_json::Value;

use super::interactive::{InteractiveRequest, PageContent, Template};
use super::IntegrationError;
use crate::forms::Form;
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
    /// The funding method asked for (`funding_method`, or the older `type`), already
    /// checked against the asset's declared methods when it declares any.
    pub funding_method: Option<&'a str>,
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
    /// Instructions (plain text, escaped when shown) on the more-info page of a deposit
    /// waiting for the user's transfer (`pending_user_transfer_start`).
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

    /// The form to show next on the SEP-24 interactive page of `transaction`, which is
    /// `incomplete`. Called on every visit and post of the page. `None` (with no content
    /// from [`content_for_template`](Self::content_for_template)) ends the flow: Polaris
    /// moves the transaction to `pending_user_transfer_start`. The default asks for the
    /// amount ([`Form::transaction`]) until `amount_in` is known.
    async fn form_for_transaction(
        &self,
        request: &InteractiveRequest<'_>,
        transaction: &Transaction,
    ) -> Result<Option<Form>, IntegrationError> {
        Ok(default_form(request, transaction))
    }

    /// Title, guidance and icon of an interactive page. Returned while
    /// `form_for_transaction` gives no form, the page shows this content alone and the
    /// flow waits (e.g. "confirm your email, then reload this page").
    async fn content_for_template(
        &self,
        _request: &InteractiveRequest<'_>,
        _template: Template,
        _form: Option<&Form>,
        _transaction: &Transaction,
    ) -> Result<Option<PageContent>, IntegrationError> {
        Ok(None)
    }

    /// Called with a posted form that validated. For the amount form Polaris has already
    /// filled `amount_in`, `amount_fee` and `amount_out` in `transaction` and stores them
    /// when this returns `Ok`. `Rejected` shows its message as a form error.
    async fn after_form_validation(
        &self,
        _request: &InteractiveRequest<'_>,
        _form: &Form,
        _transaction: &Transaction,
    ) -> Result<(), IntegrationError> {
        Ok(())
    }

    /// A URL of the anchor's own web app to send the user to instead of Polaris' forms.
    /// That app ends by sending the user to
    /// `/sep24/transactions/<deposit|withdraw>/interactive/complete?transaction_id=...`,
    /// where Polaris asks [`after_interactive_flow`](Self::after_interactive_flow)
    /// whether the flow is really done.
    async fn interactive_url(
        &self,
        _request: &InteractiveRequest<'_>,
        _transaction: &Transaction,
    ) -> Result<Option<String>, IntegrationError> {
        Ok(None)
    }

    /// The user is back from the external app of [`interactive_url`](Self::interactive_url)
    /// at `.../interactive/complete`. That return is a plain GET anyone can make (a user
    /// skipping the app, or another site through the user's browser), so it proves nothing:
    /// answer `Ok(true)` only when the anchor's own records say the user finished the app's
    /// steps, after filling in `transaction` what the app agreed (`amount_in`,
    /// `amount_fee`, `amount_out`, `amount_expected`). Polaris then stores it and moves it to
    /// `pending_user_transfer_start`. `Ok(false)` shows "not finished" and changes nothing.
    /// The default, `Ok(false)`, never completes a transaction.
    async fn after_interactive_flow(
        &self,
        _request: &InteractiveRequest<'_>,
        _transaction: &mut Transaction,
    ) -> Result<bool, IntegrationError> {
        Ok(false)
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

    /// The next form of a withdrawal's interactive page; see
    /// [`DepositIntegration::form_for_transaction`].
    async fn form_for_transaction(
        &self,
        request: &InteractiveRequest<'_>,
        transaction: &Transaction,
    ) -> Result<Option<Form>, IntegrationError> {
        Ok(default_form(request, transaction))
    }

    /// Page content of a withdrawal; see [`DepositIntegration::content_for_template`].
    async fn content_for_template(
        &self,
        _request: &InteractiveRequest<'_>,
        _template: Template,
        _form: Option<&Form>,
        _transaction: &Transaction,
    ) -> Result<Option<PageContent>, IntegrationError> {
        Ok(None)
    }

    /// A withdrawal form validated; see [`DepositIntegration::after_form_validation`].
    async fn after_form_validation(
        &self,
        _request: &InteractiveRequest<'_>,
        _form: &Form,
        _transaction: &Transaction,
    ) -> Result<(), IntegrationError> {
        Ok(())
    }

    /// An external app for a withdrawal; see [`DepositIntegration::interactive_url`].
    async fn interactive_url(
        &self,
        _request: &InteractiveRequest<'_>,
        _transaction: &Transaction,
    ) -> Result<Option<String>, IntegrationError> {
        Ok(None)
    }

    /// Whether the user finished a withdrawal's external app; see
    /// [`DepositIntegration::after_interactive_flow`]. The default, `Ok(false)`, refuses.
    async fn after_interactive_flow(
        &self,
        _request: &InteractiveRequest<'_>,
        _transaction: &mut Transaction,
    ) -> Result<bool, IntegrationError> {
        Ok(false)
    }
}

/// The default form: the amount until it is known, then none.
pub fn default_form(request: &InteractiveRequest<'_>, transaction: &Transaction) -> Option<Form> {
    transaction
        .amount_in
        .is_none()
        .then(|| Form::transaction(request.asset, transaction.kind, request.amount))
}

/// Deposits with every default: no instructions, nothing after the deposit.
#[derive(Debug, Clone, Copy, Default)]
pub struct DefaultDeposit;

impl DepositIntegration for DefaultDeposit {}

/// Withdrawals with every default.
#[derive(Debug, Clone, Copy, Default)]
pub struct DefaultWithdrawal;

impl WithdrawalIntegration for DefaultWithdrawal {}
