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
#[derive(Debug, Clone)]
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

impl CustomerRequest<'_> {
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

/// The anchor's KYC store behind SEP-12. Polaris keeps which account owns which customer
/// id and never calls these methods for a customer of another account.
#[async_trait]
pub trait CustomerIntegration: Send + Sync + 'static {
    /// What is known and needed of the customer (`request.id` is `None` for a new one).
    async fn get(&self, request: &CustomerRequest<'_>) -> Result<CustomerInfo, IntegrationError>;

    /// Stores `data` for the customer, creating it when `request.id` is `None`; returns the
    /// customer id. `Rejected` becomes a 400 with its message.
    async fn put(
        &self,
        request: &CustomerRequest<'_>,
        data: &CustomerData,
    ) -> Result<String, IntegrationError>;

    /// Checks verification codes (`<field>_verification` → code) the user received, e.g.
    /// for `mobile_number`; answers the customer as `get` does. The default refuses.
    async fn verify(
        &self,
        _request: &CustomerRequest<'_>,
        _codes: &Sep9Fields,
    ) -> Result<CustomerInfo, IntegrationError> {
        Err(IntegrationError::Rejected(
            "this anchor does not verify fields".into(),
        ))
    }

    /// Registers `url` to receive the customer's status changes. The default refuses.
    async fn set_callback(
        &self,
        _request: &CustomerRequest<'_>,
        _url: &str,
    ) -> Result<(), IntegrationError> {
        Err(IntegrationError::Rejected(
            "this anchor does not send customer callbacks".into(),
        ))
    }

    /// Deletes every piece of data of the customer.
    async fn delete(&self, customer_id: &str) -> Result<(), IntegrationError>;
}
