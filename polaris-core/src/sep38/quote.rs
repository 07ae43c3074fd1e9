//! `POST /quote` and `GET /quote/:id`: firm quotes, stored for the account that asked.

use chrono::{SecondsFormat, SubsecRound};
use serde_json::{json, Value};

use super::catalog::{integration, Catalog};
use super::prices::price_request;
use super::pricing::{self, Priced};
use super::request::{self, Pair, Use};
use crate::auth::Subject;
use crate::context::Context;
use crate::error::ApiError;
use crate::integrations::{FirmRate, QuoteRequest};
use crate::model::{now, Protocol, Quote};
use crate::store::quotes;

/// The SEP-38 quote object of `q` (the answer of both endpoints).
pub fn quote_json(q: &Quote) -> Value {
    let mut v = json!({
        "id": q.id,
        "expires_at": q.expires_at.to_rfc3339_opts(SecondsFormat::AutoSi, true),
        "total_price": q.total_price.normalize().to_string(),
        "price": q.price.normalize().to_string(),
        "sell_asset": q.sell_asset.to_string(),
        "sell_amount": q.sell_amount.normalize().to_string(),
        "buy_asset": q.buy_asset.to_string(),
        "buy_amount": q.buy_amount.normalize().to_string(),
        "fee": q.fee.to_json(),
    });
    if let Some(m) = &q.sell_delivery_method {
        v["sell_delivery_method"] = json!(m);
    }
    if let Some(m) = &q.buy_delivery_method {
        v["buy_delivery_method"] = json!(m);
    }
    v
}

/// `POST /quote` by `subject` with the JSON `body`: a firm quote, stored, as its object
/// (the frontend answers 201).
pub async fn post_quote(ctx: &Context, subject: &Subject, body: &Value) -> Result<Value, ApiError> {
    let params = request::json_params(body)?;
    let quotes = integration(ctx)?;
    let catalog = Catalog::load(ctx, quotes, Some(subject)).await?;
    let pair = request::pair(&params, &catalog, Use::Firm)?;
    let asked_at = now();
    let expire_after = request::expire_after(&params, asked_at)?;
    let firm = quotes
        .firm_quote(&QuoteRequest {
            expire_after,
            ..QuoteRequest::new(price_request(&pair, Some(subject)))
        })
        .await?;
    check_expiry(&firm, expire_after, asked_at)?;
    let decimals = catalog.decimals(&pair.buy_asset).unwrap_or_default();
    let priced = pricing::price(
        &firm.rate,
        pair.amount,
        &pair.sell_asset,
        &pair.buy_asset,
        decimals,
    )?;
    let quote = new_quote(subject, pair, priced, &firm, asked_at);
    let stored = quote.clone();
    ctx.store.run(move |c| quotes::insert(c, &stored)).await?;
    Ok(quote_json(&quote))
}

fn check_expiry(
    firm: &FirmRate,
    expire_after: Option<chrono::DateTime<chrono::Utc>>,
    asked_at: chrono::DateTime<chrono::Utc>,
) -> Result<(), ApiError> {
    if firm.expires_at <= asked_at {
        return Err(ApiError::internal(
            "the quote integration gave a firm quote that has already expired",
        ));
    }
    match expire_after {
        Some(after) if firm.expires_at < after => Err(ApiError::bad_request(format!(
            "no quote can be held until {}",
            after.to_rfc3339_opts(SecondsFormat::Secs, true)
        ))),
        _ => Ok(()),
    }
}

fn new_quote(
    subject: &Subject,
    pair: Pair,
    priced: Priced,
    firm: &FirmRate,
    asked_at: chrono::DateTime<chrono::Utc>,
) -> Quote {
    let owner = subject.owner();
    Quote {
        id: uuid::Uuid::new_v4().to_string(),
        account: owner.account,
        memo: owner.memo,
        muxed_account: owner.muxed,
        context: pair.context.unwrap_or(Protocol::Sep6),
        sell_asset: pair.sell_asset,
        sell_amount: priced.sell_amount,
        sell_delivery_method: pair.sell_delivery_method,
        buy_asset: pair.buy_asset,
        buy_amount: priced.buy_amount,
        buy_delivery_method: pair.buy_delivery_method,
        price: priced.price,
        total_price: priced.total_price,
        fee: priced.fee,
        expires_at: firm.expires_at.trunc_subsecs(6),
        used_by_transaction: None,
        created_at: asked_at,
    }
}

/// `GET /quote/:id` by `subject`: its own quote, expired or not; another account's quote
/// is a 404, as an unknown one is.
pub async fn get_quote(ctx: &Context, subject: &Subject, id: &str) -> Result<Value, ApiError> {
    let owner = subject.owner();
    let id = id.to_string();
    let found = ctx
        .store
        .run(move |c| quotes::find_owned(c, &id, &owner))
        .await?;
    found
        .map(|q| quote_json(&q))
        .ok_or_else(|| ApiError::not_found("quote not found"))
}
