//! `GET /prices` and `GET /price`: indicative prices.

use serde_json::{json, Value};

use super::catalog::{integration, Catalog};
use super::pricing::{self, Priced, PricingError};
use super::request::{self, Pair, Use};
use crate::auth::Subject;
use crate::context::Context;
use crate::error::ApiError;
use crate::integrations::{IntegrationError, PriceRequest, QuoteAmount, QuoteIntegration, Rate};
use crate::model::AssetId;
use crate::params::Params;

/// The integration's request for `pair`, asked by `client`.
pub(crate) fn price_request<'a>(pair: &'a Pair, client: Option<&'a Subject>) -> PriceRequest<'a> {
    PriceRequest {
        sell_delivery_method: pair.sell_delivery_method.as_deref(),
        buy_delivery_method: pair.buy_delivery_method.as_deref(),
        country_code: pair.country_code.as_deref(),
        context: pair.context,
        client,
        ..PriceRequest::new(&pair.sell_asset, &pair.buy_asset, pair.amount)
    }
}

/// The SEP-38 `GET /price` answer of `p`.
pub(crate) fn price_json(p: &Priced) -> Value {
    json!({
        "total_price": p.total_price.to_string(),
        "price": p.price.to_string(),
        "sell_amount": p.sell_amount.to_string(),
        "buy_amount": p.buy_amount.to_string(),
        "fee": p.fee.to_json(),
    })
}

/// `GET /price`: the indicative price of one pair for one amount.
pub async fn price(
    ctx: &Context,
    client: Option<&Subject>,
    params: &Params,
) -> Result<Value, ApiError> {
    let quotes = integration(ctx)?;
    let catalog = Catalog::load(ctx, quotes, client).await?;
    let pair = request::pair(params, &catalog, Use::Indicative)?;
    let rate = quotes
        .price(&price_request(&pair, client))
        .await?
        .ok_or_else(|| {
            ApiError::bad_request(format!(
                "{} is not traded for {}: see GET /prices",
                pair.sell_asset, pair.buy_asset
            ))
        })?;
    let decimals = catalog.decimals(&pair.buy_asset).unwrap_or_default();
    let priced = pricing::price(
        &rate,
        pair.amount,
        &pair.sell_asset,
        &pair.buy_asset,
        decimals,
    )?;
    Ok(price_json(&priced))
}

/// Which side `GET /prices` fixes: the asset sold, or the asset bought.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Side {
    Sell,
    Buy,
}

fn side(params: &Params) -> Result<Side, ApiError> {
    match (params.get("sell_asset"), params.get("buy_asset")) {
        (Some(_), None) => Ok(Side::Sell),
        (None, Some(_)) => Ok(Side::Buy),
        (Some(_), Some(_)) => Err(ApiError::bad_request(
            "give sell_asset or buy_asset, not both",
        )),
        (None, None) => Err(ApiError::bad_request("sell_asset or buy_asset is required")),
    }
}

/// `GET /prices`: the indicative prices of every asset traded against one, for one amount.
pub async fn prices(
    ctx: &Context,
    client: Option<&Subject>,
    params: &Params,
) -> Result<Value, ApiError> {
    let quotes = integration(ctx)?;
    let catalog = Catalog::load(ctx, quotes, client).await?;
    let side = side(params)?;
    let (fixed, amount) = fixed_asset(params, &catalog, side)?;
    let mut listed = Vec::new();
    for (counter, decimals) in catalog.ids() {
        if *counter == fixed {
            continue;
        }
        let pair = match counter_pair(params, &catalog, side, &fixed, counter, amount) {
            Some(pair) => pair,
            None => continue,
        };
        if let Some(p) = priced_or_skipped(quotes, &pair, client, &catalog).await? {
            listed.push(json!({
                "asset": counter.to_string(),
                "price": p.total_price.to_string(),
                "decimals": decimals,
            }));
        }
    }
    Ok(match side {
        Side::Sell => json!({ "buy_assets": listed }),
        Side::Buy => json!({ "sell_assets": listed }),
    })
}

/// The asset `GET /prices` fixes, with its amount and delivery method checked.
fn fixed_asset(
    params: &Params,
    catalog: &Catalog,
    side: Side,
) -> Result<(AssetId, QuoteAmount), ApiError> {
    let (name, other) = match side {
        Side::Sell => ("sell", "buy"),
        Side::Buy => ("buy", "sell"),
    };
    let asset = request::asset(params, &format!("{name}_asset"), catalog)?;
    if params.get(&format!("{other}_amount")).is_some() {
        return Err(ApiError::bad_request(format!(
            "{other}_amount goes with {other}_asset, not with {name}_asset"
        )));
    }
    let amount = request::amount_of(params, &format!("{name}_amount"), &asset, catalog)?
        .ok_or_else(|| ApiError::bad_request(format!("{name}_amount is required")))?;
    request::delivery_method(params, name, &asset, catalog, false)?;
    request::country_code(params, [&asset, &asset], catalog)?;
    let amount = match side {
        Side::Sell => QuoteAmount::Sell(amount),
        Side::Buy => QuoteAmount::Buy(amount),
    };
    Ok((asset, amount))
}

/// The pair of `fixed` and `counter`, or `None` when the counter asset does not offer the
/// delivery method or country asked for.
fn counter_pair(
    params: &Params,
    catalog: &Catalog,
    side: Side,
    fixed: &AssetId,
    counter: &AssetId,
    amount: QuoteAmount,
) -> Option<Pair> {
    let (sell_asset, buy_asset) = match side {
        Side::Sell => (fixed.clone(), counter.clone()),
        Side::Buy => (counter.clone(), fixed.clone()),
    };
    let sell_method = request::delivery_method(params, "sell", &sell_asset, catalog, false);
    let buy_method = request::delivery_method(params, "buy", &buy_asset, catalog, false);
    Some(Pair {
        sell_delivery_method: sell_method.ok()?,
        buy_delivery_method: buy_method.ok()?,
        country_code: request::country_code(params, [&sell_asset, &buy_asset], catalog).ok()?,
        context: None,
        sell_asset,
        buy_asset,
        amount,
    })
}

/// The priced pair, or `None` when the anchor does not trade it, refuses it, or the amount
/// cannot be priced; faults still fail the request.
async fn priced_or_skipped(
    quotes: &dyn QuoteIntegration,
    pair: &Pair,
    client: Option<&Subject>,
    catalog: &Catalog,
) -> Result<Option<Priced>, ApiError> {
    let rate: Option<Rate> = match quotes.price(&price_request(pair, client)).await {
        Ok(rate) => rate,
        Err(IntegrationError::Rejected(_)) => None,
        Err(e) => return Err(e.into()),
    };
    let Some(rate) = rate else {
        return Ok(None);
    };
    let decimals = catalog.decimals(&pair.buy_asset).unwrap_or_default();
    match pricing::price(
        &rate,
        pair.amount,
        &pair.sell_asset,
        &pair.buy_asset,
        decimals,
    ) {
        Ok(p) => Ok(Some(p)),
        Err(e @ PricingError::BadRate(_)) => Err(e.into()),
        Err(PricingError::TooSmall | PricingError::TooLarge | PricingError::TooPrecise(_)) => {
            Ok(None)
        }
    }
}
