//! `GET /sep6/info` and `GET /sep6/fee`.

use serde_json::{json, Map, Value};

use super::assets::{check_amount, fee_for, find, number};
use crate::context::Context;
use crate::error::ApiError;
use crate::integrations::AssetInfo;
use crate::model::{Asset, Kind, OperationConfig};
use crate::params::Params;

/// [`info`] as JSON text, kept per language as long as the asset list it was made from
/// (the info integration is asked again after that).
pub async fn info_text(ctx: &Context, params: &Params) -> Result<std::sync::Arc<str>, ApiError> {
    let lang = params.get("lang").unwrap_or("en").to_string();
    let cached = &ctx.store.caches().sep6_info;
    if let Some(text) = cached.get(&lang) {
        return Ok(text);
    }
    let generation = crate::store::cache::generation();
    let text: std::sync::Arc<str> = info(ctx, params).await?.to_string().into();
    cached.put(&lang, generation, text.clone());
    Ok(text)
}

/// `GET /sep6/info`: per asset, whether deposits and withdrawals are enabled, their
/// limits, their fees (only while fees come from the asset: a custom fee function hides
/// them), and the fields and types of the info integration; plus the other endpoints and features.
pub async fn info(ctx: &Context, params: &Params) -> Result<Value, ApiError> {
    let lang = params.get("lang").unwrap_or("en");
    let all = ctx.store.assets().await?;
    let mut deposit = Map::new();
    let mut withdraw = Map::new();
    for asset in all.iter().filter(|a| a.sep6_enabled) {
        let described = describe(ctx, asset, lang).await?;
        let fees = ctx.integrations.fee.is_none();
        let mut d = operation(&asset.deposit, fees);
        if asset.deposit.enabled {
            d.insert("fields".into(), Value::Object(described.deposit_fields));
        }
        deposit.insert(asset.code.clone(), Value::Object(d));
        let mut w = operation(&asset.withdrawal, fees);
        if asset.withdrawal.enabled {
            w.insert("types".into(), Value::Object(described.withdraw_types));
        }
        withdraw.insert(asset.code.clone(), Value::Object(w));
    }
    let endpoint = json!({ "enabled": true, "authentication_required": true });
    Ok(json!({
        "deposit": deposit,
        "withdraw": withdraw,
        "fee": { "enabled": true, "authentication_required": false },
        "transactions": endpoint,
        "transaction": endpoint,
        "features": { "account_creation": true, "claimable_balances": true },
    }))
}

async fn describe(ctx: &Context, asset: &Asset, lang: &str) -> Result<AssetInfo, ApiError> {
    match &ctx.integrations.info {
        Some(hook) => Ok(hook.info(asset, lang).await?),
        None => Ok(AssetInfo::default()),
    }
}

fn operation(cfg: &OperationConfig, fees: bool) -> Map<String, Value> {
    let mut m = Map::new();
    m.insert("enabled".into(), Value::Bool(cfg.enabled));
    if !cfg.enabled {
        return m;
    }
    m.insert("authentication_required".into(), Value::Bool(true));
    let mut put = |k: &str, v: Option<rust_decimal::Decimal>| {
        if let Some(v) = v {
            m.insert(k.into(), number(v));
        }
    };
    put("min_amount", cfg.min_amount);
    put("max_amount", cfg.max_amount);
    if fees {
        put("fee_fixed", cfg.fee_fixed);
        put("fee_percent", cfg.fee_percent);
    }
    m
}

/// `GET /sep6/fee?operation=deposit|withdraw&asset_code=&amount=&type=`: `{"fee": amount}`.
pub async fn fee(ctx: &Context, params: &Params) -> Result<Value, ApiError> {
    let kind = match params.required("operation")? {
        "deposit" => Kind::Deposit,
        "withdraw" => Kind::Withdrawal,
        other => {
            return Err(ApiError::bad_request(format!(
                "operation must be deposit or withdraw, got '{other}'"
            )))
        }
    };
    let amount = params
        .amount("amount")?
        .ok_or_else(|| ApiError::bad_request("amount is required"))?;
    let asset = find(ctx, params, kind).await?;
    check_amount(&asset, kind, amount)?;
    let fee = fee_for(ctx, &asset, kind, params.get("type"), amount).await?;
    Ok(json!({ "fee": number(fee) }))
}
