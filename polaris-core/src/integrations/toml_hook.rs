//! The stellar.toml and page-script hooks.

use async_trait::async_trait;

use super::{IntegrationError, Template};
use crate::model::{Asset, Transaction};

/// What [`TomlIntegration::toml`] is asked: the file Polaris generated, and the assets it
/// was generated from.
#[derive(Debug, Clone, Copy)]
#[non_exhaustive]
pub struct TomlRequest<'a> {
    /// The generated stellar.toml, before the hook's entries are merged in.
    pub generated: &'a toml::Table,
    /// Every stored asset.
    pub assets: &'a [Asset],
}

impl<'a> TomlRequest<'a> {
    /// The hook's view of a file generated from `assets`.
    pub fn new(generated: &'a toml::Table, assets: &'a [Asset]) -> Self {
        Self { generated, assets }
    }
}

/// Adds to or overrides the stellar.toml Polaris generates.
///
/// Top-level keys replace generated ones; tables such as `DOCUMENTATION` are merged
/// key by key; a `CURRENCIES` entry with the same `code` and `issuer` as a generated
/// one is merged into it, others are appended.
#[async_trait]
pub trait TomlIntegration: Send + Sync + 'static {
    /// The entries to add or override. Polaris keeps the rendered file as long as the
    /// asset list it was made from, so this is not called on every request.
    async fn toml(&self, request: &TomlRequest<'_>) -> Result<toml::Table, IntegrationError>;
}

/// What [`ScriptsIntegration::scripts`] is asked: the page being rendered.
#[derive(Debug, Clone, Copy)]
#[non_exhaustive]
pub struct ScriptsRequest<'a> {
    /// The page.
    pub template: Template,
    /// The transaction the page shows.
    pub transaction: &'a Transaction,
    /// The page's language.
    pub lang: &'a str,
}

impl<'a> ScriptsRequest<'a> {
    /// The scripts of `template` showing `transaction` in `lang`.
    pub fn new(template: Template, transaction: &'a Transaction, lang: &'a str) -> Self {
        Self {
            template,
            transaction,
            lang,
        }
    }
}

/// A hook that adds custom `<script>` content to the interactive pages.
#[async_trait]
pub trait ScriptsIntegration: Send + Sync + 'static {
    /// HTML script elements placed at the end of the page's body.
    async fn scripts(&self, request: &ScriptsRequest<'_>) -> Result<Vec<String>, IntegrationError> {
        let _ = request;
        Ok(Vec::new())
    }
}
