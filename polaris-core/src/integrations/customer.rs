//! SEP-12 customers (KYC).

use async_trait::async_trait;
use serde_json::{Map, Value};

use super::{IntegrationError, Sep9Fields};

/// A customer's KYC status, as SEP-12 names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CustomerStatus {
    /// All required information was provided and approved.
    Accepted,
    /// Information is being reviewed.
    Processing,
    /// More information is needed (see `fields`).
    NeedsInfo,
    /// The customer was refused.
    Rejected,
}

impl CustomerStatus {
    /// The SEP-12 string, e.g. `NEEDS_INFO`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Accepted => "ACCEPTED",
            Self::Processing => "PROCESSING",
            Self::NeedsInfo => "NEEDS_INFO",
            Self::Rejected => "REJECTED",
        }
    }
}

/// Who asks about which customer. Polaris has already checked that `id`, when given,
/// belongs to the authenticated account.
#[derive(Debug, Clone, Copy)]
#[non_exhaustive]
pub struct CustomerRequest<'a> {
    /// The customer id, when the account has one.
    pub id: Option<&'a str>,
    /// The authenticated account (`G...`).
    pub account: &'a str,
    /// The authenticated memo, for shared accounts.
    pub memo: Option<&'a str>,
    /// The authenticated muxed address (`M...`), when the wallet used one.
    pub muxed_account: Option<&'a str>,
    /// The SEP-12 `type` of customer (e.g. `sep6-deposit`).
    pub customer_type: Option<&'a str>,
    /// The language of field descriptions.
    pub lang: &'a str,
}

impl<'a> CustomerRequest<'a> {
    /// A request of `account` (no memo, no muxed address, no id, no type) in `lang`.
    pub fn new(account: &'a str, lang: &'a str) -> Self {
        Self {
            id: None,
            account,
            memo: None,
            muxed_account: None,
            customer_type: None,
            lang,
        }
    }

    /// The same request about customer `id`.
    pub fn with_id(mut self, id: Option<&'a str>) -> Self {
        self.id = id;
        self
    }

    /// The same request from the user of a shared account told apart by `memo`.
    pub fn with_memo(mut self, memo: Option<&'a str>) -> Self {
        self.memo = memo;
        self
    }

    /// The same request from a muxed address (`M...`).
    pub fn with_muxed_account(mut self, muxed_account: Option<&'a str>) -> Self {
        self.muxed_account = muxed_account;
        self
    }

    /// The same request for a SEP-12 `type` of customer.
    pub fn with_type(mut self, customer_type: Option<&'a str>) -> Self {
        self.customer_type = customer_type;
        self
    }

    /// The user asking, as [`crate::model::user_key`] spells it. Users of one shared `G...`
    /// account (told apart by memo) and muxed users (`M...`) are different customers: key
    /// customer records by this value, never by `account` alone.
    pub fn user(&self) -> String {
        crate::model::user_key(self.account, self.memo, self.muxed_account)
    }
}

/// What the anchor knows of a customer.
#[derive(Debug, Clone, PartialEq)]
pub struct CustomerInfo {
    /// The KYC status.
    pub status: CustomerStatus,
    /// Fields still needed: SEP-9 name → `{type, description, optional, choices}`.
    pub fields: Map<String, Value>,
    /// Fields already provided: SEP-9 name → `{type, description, status, error}`.
    pub provided_fields: Map<String, Value>,
    /// A message for the user.
    pub message: Option<String>,
}

/// KYC data a wallet sent: SEP-9 text fields and files (e.g. `photo_id_front`).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CustomerData {
    /// Text fields by SEP-9 name, values checked against their SEP-9 kind.
    pub fields: Sep9Fields,
    /// Files by SEP-9 name.
    pub files: std::collections::BTreeMap<String, Vec<u8>>,
}

/// What [`CustomerIntegration::put`] is asked to store.
#[derive(Debug, Clone, Copy)]
#[non_exhaustive]
pub struct PutCustomer<'a> {
    /// Who asks, about which customer (`id` is `None` for a new one).
    pub customer: CustomerRequest<'a>,
    /// The data sent.
    pub data: &'a CustomerData,
}

impl<'a> PutCustomer<'a> {
    /// Store `data` for `customer`.
    pub fn new(customer: CustomerRequest<'a>, data: &'a CustomerData) -> Self {
        Self { customer, data }
    }
}

/// What [`CustomerIntegration::verify`] is asked to check.
#[derive(Debug, Clone, Copy)]
#[non_exhaustive]
pub struct VerifyCustomer<'a> {
    /// Who asks, about which customer.
    pub customer: CustomerRequest<'a>,
    /// `<field>_verification` → code.
    pub codes: &'a Sep9Fields,
}

impl<'a> VerifyCustomer<'a> {
    /// Check `codes` for `customer`.
    pub fn new(customer: CustomerRequest<'a>, codes: &'a Sep9Fields) -> Self {
        Self { customer, codes }
    }
}

/// What [`CustomerIntegration::set_callback`] is asked to register.
#[derive(Debug, Clone, Copy)]
#[non_exhaustive]
pub struct CustomerCallback<'a> {
    /// Who asks, about which customer.
    pub customer: CustomerRequest<'a>,
    /// The URL to send status changes to.
    pub url: &'a str,
}

impl<'a> CustomerCallback<'a> {
    /// Send `customer`'s status changes to `url`.
    pub fn new(customer: CustomerRequest<'a>, url: &'a str) -> Self {
        Self { customer, url }
    }
}

/// What [`CustomerIntegration::delete`] is asked to delete.
#[derive(Debug, Clone, Copy)]
#[non_exhaustive]
pub struct DeleteCustomer<'a> {
    /// The customer id.
    pub id: &'a str,
    /// Who asks.
    pub customer: CustomerRequest<'a>,
}

impl<'a> DeleteCustomer<'a> {
    /// Delete customer `id`, asked by `customer`.
    pub fn new(id: &'a str, customer: CustomerRequest<'a>) -> Self {
        Self { id, customer }
    }
}

/// The anchor's KYC store behind SEP-12. Polaris keeps which account owns which customer
/// id and never calls these methods for a customer of another account.
#[async_trait]
pub trait CustomerIntegration: Send + Sync + 'static {
    /// What is known and needed of the customer (`request.id` is `None` for a new one).
    async fn get(&self, request: &CustomerRequest<'_>) -> Result<CustomerInfo, IntegrationError>;

    /// Stores `request.data` for the customer, creating it when `request.customer.id` is
    /// `None`; returns the customer id. `Rejected` becomes a 400 with its message.
    async fn put(&self, request: &PutCustomer<'_>) -> Result<String, IntegrationError>;

    /// Checks verification codes (`<field>_verification` → code) the user received, e.g.
    /// for `mobile_number`; answers the customer as `get` does. The default refuses.
    async fn verify(
        &self,
        _request: &VerifyCustomer<'_>,
    ) -> Result<CustomerInfo, IntegrationError> {
        Err(IntegrationError::rejected(
            "this anchor does not verify fields",
        ))
    }

    /// Registers `request.url` to receive the customer's status changes. The default refuses.
    async fn set_callback(&self, _request: &CustomerCallback<'_>) -> Result<(), IntegrationError> {
        Err(IntegrationError::rejected(
            "this anchor does not send customer callbacks",
        ))
    }

    /// Deletes every piece of data of customer `request.id`.
    async fn delete(&self, request: &DeleteCustomer<'_>) -> Result<(), IntegrationError>;
}
