//! The parameters of SEP-38 requests, checked against the assets offered: asset
//! identifiers, exactly one amount, delivery methods, country code, context and expiry.

use chrono::{DateTime, Utc};
use serde_json::Value;

use super::catalog::Catalog;
use crate::error::ApiError;
use crate::integrations::{DeliveryMethod, OffchainAsset, QuoteAmount};
use crate::model::{AssetId, Protocol};
use crate::params::Params;
use crate::transfer::amount;

/// How strictly a pair is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Use {
    /// `GET /price`: `context` required, delivery methods optional.
    Indicative,
    /// `POST /quote`: `context` required, and a delivery method of an off-chain asset
    /// offering several must be named.
    Firm,
}

/// A checked request to price a pair.
#[derive(Debug, Clone)]
pub(crate) struct Pair {
    pub sell_asset: AssetId,
    pub buy_asset: AssetId,
    pub amount: QuoteAmount,
    pub sell_delivery_method: Option<String>,
    pub buy_delivery_method: Option<String>,
    pub country_code: Option<String>,
    pub context: Option<Protocol>,
}

/// The offered asset named by parameter `name`.
pub(crate) fn asset(params: &Params, name: &str, catalog: &Catalog) -> Result<AssetId, ApiError> {
    let text = params.required(name)?;
    let id = AssetId::parse(text).map_err(|e| ApiError::bad_request(format!("{name}: {e}")))?;
    match catalog.decimals(&id) {
        Some(_) => Ok(id),
        None => Err(ApiError::bad_request(format!(
            "{name} '{id}' is not offered: see GET /info"
        ))),
    }
}

/// `name` as an amount of `id`, with at most its decimal places.
pub(crate) fn amount_of(
    params: &Params,
    name: &str,
    id: &AssetId,
    catalog: &Catalog,
) -> Result<Option<rust_decimal::Decimal>, ApiError> {
    let decimals = catalog.decimals(id).unwrap_or(amount::STELLAR_DECIMALS);
    params
        .get(name)
        .map(|text| amount::parse_decimals(name, text, decimals))
        .transpose()
}

/// `GET /price` and `POST /quote`: both assets, exactly one amount, and the rest.
pub(crate) fn pair(params: &Params, catalog: &Catalog, usage: Use) -> Result<Pair, ApiError> {
    let sell_asset = asset(params, "sell_asset", catalog)?;
    let buy_asset = asset(params, "buy_asset", catalog)?;
    if sell_asset == buy_asset {
        return Err(ApiError::bad_request(
            "sell_asset and buy_asset are the same",
        ));
    }
    let sell = amount_of(params, "sell_amount", &sell_asset, catalog)?;
    let buy = amount_of(params, "buy_amount", &buy_asset, catalog)?;
    let amount = one_amount(sell, buy)?;
    let firm = usage == Use::Firm;
    let sell_delivery_method = delivery_method(params, "sell", &sell_asset, catalog, firm)?;
    let buy_delivery_method = delivery_method(params, "buy", &buy_asset, catalog, firm)?;
    let country_code = country_code(params, [&sell_asset, &buy_asset], catalog)?;
    Ok(Pair {
        context: Some(context(params)?),
        sell_asset,
        buy_asset,
        amount,
        sell_delivery_method,
        buy_delivery_method,
        country_code,
    })
}

/// Exactly one of `sell_amount` and `buy_amount`.
pub(crate) fn one_amount(
    sell: Option<rust_decimal::Decimal>,
    buy: Option<rust_decimal::Decimal>,
) -> Result<QuoteAmount, ApiError> {
    match (sell, buy) {
        (Some(s), None) => Ok(QuoteAmount::Sell(s)),
        (None, Some(b)) => Ok(QuoteAmount::Buy(b)),
        (Some(_), Some(_)) => Err(ApiError::bad_request(
            "give sell_amount or buy_amount, not both",
        )),
        (None, None) => Err(ApiError::bad_request(
            "sell_amount or buy_amount is required",
        )),
    }
}

fn methods<'a>(side: &str, asset: &'a OffchainAsset) -> &'a [DeliveryMethod] {
    match side {
        "sell" => &asset.sell_delivery_methods,
        _ => &asset.buy_delivery_methods,
    }
}

/// `{side}_delivery_method`: one of the off-chain asset's methods; required for a firm
/// quote when the asset offers several.
pub(crate) fn delivery_method(
    params: &Params,
    side: &str,
    id: &AssetId,
    catalog: &Catalog,
    firm: bool,
) -> Result<Option<String>, ApiError> {
    let name = format!("{side}_delivery_method");
    let given = params.get(&name);
    let Some(offchain) = catalog.offchain(id) else {
        return match given {
            Some(_) => Err(ApiError::bad_request(format!(
                "{name} is only for an off-chain {side}_asset"
            ))),
            None => Ok(None),
        };
    };
    let known = methods(side, offchain);
    match given {
        Some(m) if known.iter().any(|k| k.name == m) => Ok(Some(m.to_string())),
        Some(m) => Err(ApiError::bad_request(format!(
            "{name} '{m}' is not offered for {id}: see GET /info"
        ))),
        None if firm && known.len() > 1 => Err(ApiError::bad_request(format!(
            "{name} is required: {id} has several"
        ))),
        None => Ok(None),
    }
}

/// Whether `code` is ISO 3166-1 alpha-2 (`BR`) or ISO 3166-2 (`BR-SP`).
fn is_country_code(code: &str) -> bool {
    let (country, region) = match code.split_once('-') {
        Some((c, r)) => (c, Some(r)),
        None => (code, None),
    };
    let upper = |s: &str| {
        s.bytes()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
    };
    country.len() == 2
        && country.bytes().all(|b| b.is_ascii_uppercase())
        && region.is_none_or(|r| (1..=3).contains(&r.len()) && upper(r))
}

fn country_part(code: &str) -> &str {
    code.split('-').next().unwrap_or(code)
}

/// `country_code`, well formed and among the countries of the pair's off-chain assets.
pub(crate) fn country_code(
    params: &Params,
    ids: [&AssetId; 2],
    catalog: &Catalog,
) -> Result<Option<String>, ApiError> {
    let Some(code) = params.get("country_code") else {
        return Ok(None);
    };
    if !is_country_code(code) {
        return Err(ApiError::bad_request(format!(
            "country_code must be an ISO 3166-1 alpha-2 or ISO 3166-2 code, got '{code}'"
        )));
    }
    for id in ids {
        let Some(offchain) = catalog.offchain(id) else {
            continue;
        };
        let served = offchain.country_codes.is_empty()
            || offchain
                .country_codes
                .iter()
                .any(|c| country_part(c) == country_part(code));
        if !served {
            return Err(ApiError::bad_request(format!(
                "country_code '{code}' is not served for {id}: see GET /info"
            )));
        }
    }
    Ok(Some(code.to_string()))
}

/// `context`: `sep6`, `sep24` or `sep31` (required).
pub(crate) fn context(params: &Params) -> Result<Protocol, ApiError> {
    let text = params.required("context")?;
    text.parse().map_err(|_| {
        ApiError::bad_request(format!(
            "context must be sep6, sep24 or sep31, got '{text}'"
        ))
    })
}

/// `expire_after`: a UTC ISO 8601 date and time not in the past.
pub(crate) fn expire_after(
    params: &Params,
    now: DateTime<Utc>,
) -> Result<Option<DateTime<Utc>>, ApiError> {
    let Some(text) = params.get("expire_after") else {
        return Ok(None);
    };
    let at = DateTime::parse_from_rfc3339(text)
        .map(|t| t.with_timezone(&Utc))
        .map_err(|_| {
            ApiError::bad_request(format!(
                "expire_after must be an ISO 8601 date and time, got '{text}'"
            ))
        })?;
    match at <= now {
        true => Err(ApiError::bad_request("expire_after is in the past")),
        false => Ok(Some(at)),
    }
}

/// The fields of a JSON request body as parameters: strings as they are, numbers as their
/// text, `null` as absent; anything else is refused.
pub(crate) fn json_params(body: &Value) -> Result<Params, ApiError> {
    let Value::Object(fields) = body else {
        return Err(ApiError::bad_request("the body must be a JSON object"));
    };
    let mut map = std::collections::HashMap::new();
    for (name, value) in fields {
        let text = match value {
            Value::String(s) => s.clone(),
            Value::Number(n) => n.to_string(),
            Value::Null => continue,
            Value::Bool(_) | Value::Array(_) | Value::Object(_) => {
                return Err(ApiError::bad_request(format!("{name} must be a string")))
            }
        };
        map.insert(name.clone(), text);
    }
    Ok(Params::from_map(map))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn country_codes_are_alpha_2_or_iso_3166_2() {
        for good in ["BR", "US", "BR-SP", "GB-ENG", "FR-75"] {
            assert!(is_country_code(good), "{good}");
        }
        for bad in [
            "", "B", "BRA", "br", "BR-", "BR-ABCD", "BR-sp", "12", "BR SP",
        ] {
            assert!(!is_country_code(bad), "{bad}");
        }
    }

    #[test]
    fn exactly_one_amount() {
        use rust_decimal::Decimal;
        assert!(one_amount(Some(Decimal::ONE), None).is_ok());
        assert!(one_amount(None, Some(Decimal::ONE)).is_ok());
        assert!(one_amount(Some(Decimal::ONE), Some(Decimal::ONE)).is_err());
        assert!(one_amount(None, None).is_err());
    }

    #[test]
    fn json_bodies_become_parameters() {
        let p = json_params(&serde_json::json!({"a": "x", "n": 10.5, "z": null})).unwrap();
        assert_eq!(
            (p.get("a"), p.get("n"), p.get("z")),
            (Some("x"), Some("10.5"), None)
        );
        assert!(json_params(&serde_json::json!({"a": true})).is_err());
        assert!(json_params(&serde_json::json!(["a"])).is_err());
    }

    #[test]
    fn expiry_wishes_must_lie_ahead() {
        let now = Utc::now();
        let p = Params::parse("expire_after=2000-01-01T00:00:00Z");
        assert!(expire_after(&p, now).is_err());
        let p = Params::parse("expire_after=tomorrow");
        assert!(expire_after(&p, now).is_err());
        let p = Params::parse("expire_after=2999-01-01T00:00:00Z");
        assert!(expire_after(&p, now).unwrap().is_some());
    }
}
