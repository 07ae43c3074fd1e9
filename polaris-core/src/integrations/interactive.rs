//! The types of the SEP-24 interactive hooks of the deposit and withdrawal integrations.

use rust_decimal::Decimal;
use serde_json::{Map, Value};

use crate::model::Asset;
use crate::params::Params;

/// What an interactive hook knows of the request it serves.
#[derive(Debug, Clone, Copy)]
pub struct InteractiveRequest<'a> {
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
