//! The SEP-24 interactive hooks: one trait for every kind of transaction.
//!
//! Each hook receives one request struct carrying the transaction, whose `kind` tells a
//! deposit from a withdrawal. The structs are `#[non_exhaustive]`: Polaris may add fields
//! without breaking implementers.

use async_trait::async_trait;
use rust_decimal::Decimal;
use serde_json::{Map, Value};

use super::{IntegrationError, Sep9Fields};
use crate::forms::Form;
use crate::model::{Asset, Kind, Transaction};
use crate::params::Params;

/// What an interactive hook knows of the page it serves and of its transaction.
#[derive(Debug, Clone, Copy)]
#[non_exhaustive]
pub struct InteractiveRequest<'a> {
    /// The transaction (`incomplete` on the deposit and withdrawal pages); its `kind`
    /// tells a deposit from a withdrawal.
    pub transaction: &'a Transaction,
    /// The page language (`en`, `es`, `fr` or one the anchor added).
    pub lang: &'a str,
    /// The transaction's asset.
    pub asset: &'a Asset,
    /// The amount the wallet sent when it started the transaction, to pre-fill a form.
    pub amount: Option<Decimal>,
    /// The wallet's `callback`: `postMessage` or a URL, when it gave one.
    pub callback: Option<&'a str>,
    /// The query of the page, as sent.
    pub params: &'a Params,
}

impl<'a> InteractiveRequest<'a> {
    /// The request of a page of `transaction` (of `asset`) with no callback; `amount` is
    /// the transaction's `amount_expected`.
    pub fn new(
        transaction: &'a Transaction,
        asset: &'a Asset,
        lang: &'a str,
        params: &'a Params,
    ) -> Self {
        Self {
            transaction,
            lang,
            asset,
            amount: transaction.amount_expected,
            callback: None,
            params,
        }
    }

    /// The same request with the wallet's `callback`.
    pub fn with_callback(mut self, callback: Option<&'a str>) -> Self {
        self.callback = callback;
        self
    }

    /// The same request about another version of the transaction (e.g. with amounts filled).
    pub fn for_transaction(mut self, transaction: &'a Transaction) -> Self {
        self.transaction = transaction;
        self
    }
}

/// The page `content_for_template` is asked to fill.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Template {
    /// The deposit page (`sep24/deposit.html`).
    Deposit,
    /// The withdrawal page (`sep24/withdraw.html`).
    Withdraw,
    /// The more-info page (`sep24/more_info.html`).
    MoreInfo,
}

impl Template {
    /// The interactive page of a kind of transaction; `None` for SEP-31 sends, which have
    /// no interactive page.
    pub fn of(kind: Kind) -> Option<Self> {
        match kind {
            Kind::Deposit => Some(Self::Deposit),
            Kind::Withdrawal => Some(Self::Withdraw),
            Kind::Send => None,
        }
    }

    /// The template file Polaris renders.
    pub fn file(self) -> &'static str {
        match self {
            Self::Deposit => "sep24/deposit.html",
            Self::Withdraw => "sep24/withdraw.html",
            Self::MoreInfo => "sep24/more_info.html",
        }
    }
}

/// Text and images for a page. Each `None` keeps Polaris' default.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PageContent {
    /// The page heading.
    pub title: Option<String>,
    /// A paragraph of guidance above the form (or alone, when there is no form).
    pub guidance: Option<String>,
    /// The alt text of the icon.
    pub icon_label: Option<String>,
    /// The icon's path or URL; default: the stellar.toml `ORG_LOGO`, then Polaris' logo.
    pub icon_path: Option<String>,
    /// More values for templates the anchor replaced, available as `extra.<name>`.
    pub extra: Map<String, Value>,
}

/// What [`InteractiveIntegration::content_for_template`] is asked.
#[derive(Debug, Clone, Copy)]
#[non_exhaustive]
pub struct ContentRequest<'a> {
    /// The page and its transaction.
    pub interactive: InteractiveRequest<'a>,
    /// The page to fill.
    pub template: Template,
    /// The form shown on the page, if any (with its errors after a post).
    pub form: Option<&'a Form>,
}

impl<'a> ContentRequest<'a> {
    /// Content for `template` of the page `interactive`, showing `form`.
    pub fn new(
        interactive: InteractiveRequest<'a>,
        template: Template,
        form: Option<&'a Form>,
    ) -> Self {
        Self {
            interactive,
            template,
            form,
        }
    }
}

/// What [`InteractiveIntegration::after_form_validation`] is told.
#[derive(Debug, Clone, Copy)]
#[non_exhaustive]
pub struct ValidatedForm<'a> {
    /// The page; its transaction has the amounts the amount form filled in.
    pub interactive: InteractiveRequest<'a>,
    /// The posted form, valid.
    pub form: &'a Form,
}

impl<'a> ValidatedForm<'a> {
    /// `form` validated on the page `interactive`.
    pub fn new(interactive: InteractiveRequest<'a>, form: &'a Form) -> Self {
        Self { interactive, form }
    }
}

/// What [`InteractiveIntegration::after_interactive_flow`] is told, and what it fills.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct FlowReturn<'a> {
    /// The page; its transaction is the one stored, unchanged.
    pub interactive: InteractiveRequest<'a>,
    /// A copy of the transaction for the hook to fill with what the anchor's app agreed
    /// (`amount_in`, `amount_fee`, `amount_out`, `amount_expected`). Polaris keeps the
    /// stored `id`, `kind` and `status`.
    pub transaction: Transaction,
}

impl<'a> FlowReturn<'a> {
    /// The return from the external app of the page `interactive`.
    pub fn new(interactive: InteractiveRequest<'a>) -> Self {
        Self {
            transaction: interactive.transaction.clone(),
            interactive,
        }
    }
}

/// SEP-9 fields a wallet sent with a SEP-24 deposit or withdrawal request.
#[derive(Debug, Clone, Copy)]
#[non_exhaustive]
pub struct Sep9Request<'a> {
    /// The authenticated user, as the SEP-10 token's `sub` spells it.
    pub account: &'a str,
    /// Deposit or withdrawal.
    pub kind: Kind,
    /// The fields, by SEP-9 name.
    pub fields: &'a Sep9Fields,
    /// The language of messages for the user.
    pub lang: &'a str,
}

impl<'a> Sep9Request<'a> {
    /// `fields` sent by `account` with a request of `kind`.
    pub fn new(account: &'a str, kind: Kind, fields: &'a Sep9Fields, lang: &'a str) -> Self {
        Self {
            account,
            kind,
            fields,
            lang,
        }
    }
}

/// The anchor's SEP-24 interactive flow, for deposits and withdrawals alike. Every method
/// has a default, so an anchor implements only what its flow needs.
#[async_trait]
pub trait InteractiveIntegration: Send + Sync + 'static {
    /// Stores SEP-9 fields a wallet sent with a SEP-24 deposit or withdrawal request;
    /// `Rejected` becomes a 400 with its message. The default ignores them.
    async fn save_sep9_fields(&self, _request: &Sep9Request<'_>) -> Result<(), IntegrationError> {
        Ok(())
    }

    /// The form to show next on the interactive page of `request.transaction`, which is
    /// `incomplete`. Called on every visit and post of the page. `None` (with no content
    /// from [`content_for_template`](Self::content_for_template)) ends the flow: Polaris
    /// moves the transaction to `pending_user_transfer_start`. The default asks for the
    /// amount ([`Form::transaction`]) until `amount_in` is known.
    async fn form_for_transaction(
        &self,
        request: &InteractiveRequest<'_>,
    ) -> Result<Option<Form>, IntegrationError> {
        Ok(default_form(request))
    }

    /// Title, guidance and icon of an interactive page. Returned while
    /// `form_for_transaction` gives no form, the page shows this content alone and the
    /// flow waits (e.g. "confirm your email, then reload this page"). The default: none.
    async fn content_for_template(
        &self,
        _request: &ContentRequest<'_>,
    ) -> Result<Option<PageContent>, IntegrationError> {
        Ok(None)
    }

    /// Called with a posted form that validated. For the amount form Polaris has already
    /// filled `amount_in`, `amount_fee` and `amount_out` in the request's transaction and
    /// stores them when this returns `Ok`. `Rejected` shows its message as a form error.
    async fn after_form_validation(
        &self,
        _request: &ValidatedForm<'_>,
    ) -> Result<(), IntegrationError> {
        Ok(())
    }

    /// A URL of the anchor's own web app to send the user to instead of Polaris' forms.
    /// That app ends by sending the user to
    /// `/sep24/transactions/<deposit|withdraw>/interactive/complete?transaction_id=...`,
    /// where Polaris asks [`after_interactive_flow`](Self::after_interactive_flow)
    /// whether the flow is really done. The default: none, Polaris' forms are used.
    async fn interactive_url(
        &self,
        _request: &InteractiveRequest<'_>,
    ) -> Result<Option<String>, IntegrationError> {
        Ok(None)
    }

    /// The user is back from the external app of [`interactive_url`](Self::interactive_url)
    /// at `.../interactive/complete`. That return is a plain GET anyone can make (a user
    /// skipping the app, or another site through the user's browser), so it proves nothing:
    /// answer `Ok(true)` only when the anchor's own records say the user finished the app's
    /// steps, after filling in `request.transaction` what the app agreed (`amount_in`,
    /// `amount_fee`, `amount_out`, `amount_expected`). Polaris then stores it and moves it to
    /// `pending_user_transfer_start`. `Ok(false)` shows "not finished" and changes nothing.
    /// The default, `Ok(false)`, never completes a transaction.
    async fn after_interactive_flow(
        &self,
        _request: &mut FlowReturn<'_>,
    ) -> Result<bool, IntegrationError> {
        Ok(false)
    }
}

/// The default form: the amount until it is known, then none.
pub fn default_form(request: &InteractiveRequest<'_>) -> Option<Form> {
    let tx = request.transaction;
    tx.amount_in
        .is_none()
        .then(|| Form::transaction(request.asset, tx.kind, request.amount))
}
