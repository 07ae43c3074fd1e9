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

/// Describes what each asset's SEP-6 deposits and withdrawals ask for.
#[async_trait]
pub trait InfoIntegration: Send + Sync + 'static {
    /// The fields and types of `asset`, with descriptions in `lang`.
    /// Return `Rejected` for a language you do not support: the wallet gets a 400.
    async fn info(&self, asset: &Asset, lang: &str) -> Result<AssetInfo, IntegrationError>;
}
