//! The stellar.toml hook.

use async_trait::async_trait;

use super::IntegrationError;

/// Adds to or overrides the stellar.toml Polaris generates.
///
/// Top-level keys replace generated ones; tables such as `DOCUMENTATION` are merged
/// key by key; a `CURRENCIES` entry with the same `code` and `issuer` as a generated
/// one is merged into it, others are appended.
#[async_trait]
pub trait TomlIntegration: Send + Sync + 'static {
    /// The entries to add or override. Polaris keeps the rendered file for a few seconds
    /// (`store::cache::ASSET_CACHE_SECONDS`), so this is not called on every request.
    async fn toml(&self) -> Result<toml::Table, IntegrationError>;
}
