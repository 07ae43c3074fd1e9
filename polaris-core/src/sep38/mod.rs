//! SEP-38: quotes for exchanging off-chain assets with Stellar assets
//! ([spec](https://github.com/stellar/stellar-protocol/blob/master/ecosystem/sep-0038.md)).
//!
//! The anchor's [`QuoteIntegration`](crate::integrations::QuoteIntegration) names the
//! off-chain assets it trades and gives a rate (price and fee) for each pair and amount;
//! Polaris checks every request against the assets offered, computes the amounts and
//! `total_price` so that SEP-38's price formulas hold ([`pricing`]), and stores firm quotes
//! for the SEP-10 account that asked ([`crate::store::quotes`]), where an exchange takes
//! each of them at most once.

mod catalog;
pub mod endpoints;
mod prices;
pub mod pricing;
mod quote;
mod request;

use serde_json::Value;

use crate::auth::Subject;
use crate::context::Context;
use crate::error::ApiError;

pub use prices::{price, prices};
pub use quote::{get_quote, post_quote, quote_json};

/// `GET /info`: the Stellar and off-chain assets offered to `client`.
pub async fn info(ctx: &Context, client: Option<&Subject>) -> Result<Value, ApiError> {
    let quotes = catalog::integration(ctx)?;
    let catalog = catalog::Catalog::load(ctx, quotes, client).await?;
    Ok(catalog.info_json())
}
