//! The traits an anchor implements, and the registry that holds them.
//!
//! Every trait takes `&self`, is `Send + Sync + 'static`, is async, and has default
//! methods where Polaris has a sensible default. Every method returns the same
//! [`IntegrationError`].

use std::sync::Arc;

mod customer;
mod error;
mod fee;
mod info;
mod interactive;
mod quote;
mod rails;
mod toml_hook;
mod transfer;

pub use customer::{
    CustomerCallback, CustomerData, CustomerInfo, CustomerIntegration, CustomerRequest,
    CustomerStatus, DeleteCustomer, PutCustomer, VerifyCustomer,
};
pub use error::{BoxError, IntegrationError};
pub use fee::{FeeIntegration, FeeParams};
pub use info::{AssetInfo, InfoIntegration, InfoRequest};
pub use interactive::{
    default_form, ContentRequest, FlowReturn, InteractiveIntegration, InteractiveRequest,
    PageContent, Sep9Request, Template, ValidatedForm,
};
pub use quote::{
    AssetsRequest, DeliveryMethod, FeeAsset, FirmRate, OffchainAsset, PriceRequest, QuoteAmount,
    QuoteIntegration, QuoteRequest, Rate,
};
pub use rails::{
    ExternalDepositOutcome, ExternalDepositUpdate, OutgoingOutcome, RailsIntegration,
    TransactionsRequest,
};
pub use toml_hook::{ScriptsIntegration, ScriptsRequest, TomlIntegration, TomlRequest};
pub use transfer::{
    Defaults, DepositIntegration, PatchRequest, Sep6Integration, Sep6Request, Sep6Response,
    Sep9Fields, TransactionRequest,
};

/// The integrations registered by the anchor. Absent ones take Polaris' defaults.
#[derive(Clone)]
pub struct Integrations {
    /// The SEP-24 interactive flow, for every kind of transaction.
    pub interactive: Arc<dyn InteractiveIntegration>,
    /// SEP-6 deposit and withdrawal decisions.
    pub sep6: Arc<dyn Sep6Integration>,
    /// Hooks on deposits (instructions, after completion).
    pub deposit: Arc<dyn DepositIntegration>,
    /// Bank rails for the background processes.
    pub rails: Option<Arc<dyn RailsIntegration>>,
    /// SEP-12 customers.
    pub customer: Option<Arc<dyn CustomerIntegration>>,
    /// A fee function replacing the asset-based default.
    pub fee: Option<Arc<dyn FeeIntegration>>,
    /// SEP-6 `/info` fields and types.
    pub info: Option<Arc<dyn InfoIntegration>>,
    /// Adds to or overrides the generated stellar.toml.
    pub toml: Option<Arc<dyn TomlIntegration>>,
    /// Serves this text verbatim as stellar.toml instead of generating one.
    pub static_toml: Option<Arc<str>>,
    /// Scripts for the interactive pages.
    pub scripts: Option<Arc<dyn ScriptsIntegration>>,
    /// SEP-38 quotes: off-chain assets, prices and firm quotes.
    pub quote: Option<Arc<dyn QuoteIntegration>>,
    /// Signers of the distribution accounts, asked in order after an asset's stored seed
    /// (see [`crate::custody`]). Empty: the stored seeds alone sign.
    pub signers: Vec<Arc<dyn crate::custody::Signer>>,
}

impl Default for Integrations {
    fn default() -> Self {
        Self {
            interactive: Arc::new(Defaults),
            sep6: Arc::new(Defaults),
            deposit: Arc::new(Defaults),
            rails: None,
            customer: None,
            fee: None,
            info: None,
            toml: None,
            static_toml: None,
            scripts: None,
            quote: None,
            signers: Vec::new(),
        }
    }
}

impl std::fmt::Debug for Integrations {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Integrations")
            .field("rails", &self.rails.is_some())
            .field("customer", &self.customer.is_some())
            .field("fee", &self.fee.is_some())
            .field("info", &self.info.is_some())
            .field("toml", &self.toml.is_some())
            .field("static_toml", &self.static_toml.is_some())
            .field("scripts", &self.scripts.is_some())
            .field("quote", &self.quote.is_some())
            .field("signers", &self.signers.len())
            .finish()
    }
}

/// How an integration's refusal or fault reaches a wallet: `Rejected` is a 400 with its
/// message, `Unavailable` a 503 (its source logged), anything else a 500 whose body says
/// nothing internal (the whole source chain is logged).
impl From<IntegrationError> for crate::error::ApiError {
    fn from(e: IntegrationError) -> Self {
        use IntegrationError::*;
        match e {
            Rejected(message) => Self::bad_request(message),
            Unavailable { message, source } => {
                if let Some(source) = &source {
                    tracing::warn!(%message, source = %source, "an integration is unavailable");
                }
                Self::unavailable(message)
            }
            other @ Other(_) => Self::internal(other.chain()),
        }
    }
}
