//! SEP-6 `/info` fields and types.

use async_trait::async_trait;
use serde_json::{Map, Value};

use super::IntegrationError;
use crate::model::Asset;

/// The `fields` and `types` of one asset in SEP-6 `/info`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct AssetInfo {
    /// Deposit: `fields` (SEP-9 name → `{description, optional, choices}`).
    pub deposit_fields: Map<String, Value>,
    /// Withdrawal: `types` (type → `{fields: {...}}`).
    pub withdraw_types: Map<String, Value>,
}

/// What [`InfoIntegration::info`] is asked.
#[derive(Debug, Clone, Copy)]
#[non_exhaustive]
pub struct InfoRequest<'a> {
    /// The asset.
    pub asset: &'a Asset,
    /// The language of descriptions.
    pub lang: &'a str,
}

impl<'a> InfoRequest<'a> {
    /// The fields and types of `asset`, in `lang`.
    pub fn new(asset: &'a Asset, lang: &'a str) -> Self {
        Self { asset, lang }
    }
}

/// Describes what each asset's SEP-6 deposits and withdrawals ask for.
#[async_trait]
pub trait InfoIntegration: Send + Sync + 'static {
    /// The fields and types of `request.asset`, with descriptions in `request.lang`.
    /// Return `Rejected` for a language you do not support: the wallet gets a 400.
    async fn info(&self, request: &InfoRequest<'_>) -> Result<AssetInfo, IntegrationError>;
}
