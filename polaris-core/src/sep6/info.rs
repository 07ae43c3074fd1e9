//! `GET /sep6/info` and `GET /sep6/fee`.

use serde_json::{json, Map, Value};

use super::funding::funding_method;
use crate::context::Context;
use crate::error::ApiError;
use crate::integrations::{AssetInfo, AssetsRequest, InfoRequest};
use crate::model::{json_number, Asset, FieldSpec, FundingMethod, Kind, OperationConfig, Protocol};
use crate::params::Params;
use crate::transfer::exchange::delivery_methods;
use crate::transfer::fees::{self, FeeQuery};

/// [`info`] as JSON text, kept per language as long as the asset list it was made from
/// (the info integration is asked again after that).
pub async fn info_text(ctx: &Context, params: &Params) -> Result<std::sync::Arc<str>, ApiError> {
    let lang = crate::sep24::check_lang(&ctx.settings, params.get("lang"))?;
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
/// them), the funding methods the asset declares with their fields (also as the deprecated
/// deposit `fields` and withdraw `types`, unless the info integration describes those); plus
/// the other endpoints and features.
pub async fn info(ctx: &Context, params: &Params) -> Result<Value, ApiError> {
    let lang = crate::sep24::check_lang(&ctx.settings, params.get("lang"))?;
    let lang = lang.as_str();
    let all = ctx.store.assets().await?;
    let mut deposit = Map::new();
    let mut withdraw = Map::new();
    let mut deposit_exchange = Map::new();
    let mut withdraw_exchange = Map::new();
    let exchanges = ctx.integrations.quote.is_some();
    let (deposit_methods, withdraw_methods) = exchange_methods(ctx).await?;
    for asset in all.iter().filter(|a| a.sep6_enabled) {
        let described = describe(ctx, asset, lang).await?;
        let published = fees::published(&ctx.integrations);
        let mut d = operation(&asset.deposit, published);
        if asset.deposit.enabled {
            let fields = match described.deposit_fields.is_empty() {
                true => all_fields(&asset.deposit.funding_methods),
                false => described.deposit_fields,
            };
            put_object(&mut d, "fields", fields);
        }
        if exchanges && asset.deposit.enabled {
            deposit_exchange.insert(asset.code.clone(), exchange(&d, &deposit_methods));
        }
        deposit.insert(asset.code.clone(), Value::Object(d));
        let mut w = operation(&asset.withdrawal, published);
        if asset.withdrawal.enabled {
            let types = match described.withdraw_types.is_empty() {
                true => types(&asset.withdrawal.funding_methods),
                false => described.withdraw_types,
            };
            put_object(&mut w, "types", types);
        }
        if exchanges && asset.withdrawal.enabled {
            withdraw_exchange.insert(asset.code.clone(), exchange(&w, &withdraw_methods));
        }
        withdraw.insert(asset.code.clone(), Value::Object(w));
    }
    let endpoint = json!({ "enabled": true, "authentication_required": true });
    let mut body = json!({
        "deposit": deposit,
        "withdraw": withdraw,
        "fee": { "enabled": true, "authentication_required": false },
        "transactions": endpoint,
        "transaction": endpoint,
        "features": { "account_creation": true, "claimable_balances": true },
    });
    if exchanges {
        body["deposit-exchange"] = Value::Object(deposit_exchange);
        body["withdraw-exchange"] = Value::Object(withdraw_exchange);
    }
    Ok(body)
}

/// The funding methods of exchanges: every delivery method of the quote desk's off-chain
/// assets, those a user delivers with (deposits) and those a user receives by (withdrawals).
async fn exchange_methods(ctx: &Context) -> Result<(Vec<String>, Vec<String>), ApiError> {
    let Some(desk) = ctx.integrations.quote.as_deref() else {
        return Ok(Default::default());
    };
    let offered = desk.offchain_assets(&AssetsRequest::new(None)).await?;
    let names = |kind| {
        let mut all: Vec<String> = Vec::new();
        for name in offered.iter().flat_map(|a| delivery_methods(a, kind)) {
            if !all.iter().any(|n| n == name) {
                all.push(name.to_string());
            }
        }
        all
    };
    Ok((names(Kind::Deposit), names(Kind::Withdrawal)))
}

/// An asset's entry under `deposit-exchange` or `withdraw-exchange`: its operation's entry
/// without `enabled` (listed means offered), the deprecated `fields`/`types`, and the
/// asset's fees (an exchange's fee is its quote's); its funding methods are the off-chain
/// assets' delivery `methods`, when the quote desk declares any.
fn exchange(operation: &Map<String, Value>, methods: &[String]) -> Value {
    let mut m = operation.clone();
    if !methods.is_empty() {
        m.insert("funding_methods".into(), json!(methods));
    }
    for key in [
        "enabled",
        "fields",
        "types",
        "fee_fixed",
        "fee_percent",
        "fee_minimum",
    ] {
        m.remove(key);
    }
    Value::Object(m)
}

async fn describe(ctx: &Context, asset: &Asset, lang: &str) -> Result<AssetInfo, ApiError> {
    match &ctx.integrations.info {
        Some(hook) => Ok(hook.info(&InfoRequest::new(asset, lang)).await?),
        None => Ok(AssetInfo::default()),
    }
}

fn put_object(m: &mut Map<String, Value>, key: &str, value: Map<String, Value>) {
    if !value.is_empty() {
        m.insert(key.into(), Value::Object(value));
    }
}

fn field(spec: &FieldSpec) -> Value {
    serde_json::to_value(spec).unwrap_or(Value::Null)
}

/// Every field of every method, for the deprecated deposit `fields`.
fn all_fields(methods: &[FundingMethod]) -> Map<String, Value> {
    methods
        .iter()
        .flat_map(|m| &m.fields)
        .map(|(name, spec)| (name.clone(), field(spec)))
        .collect()
}

/// The deprecated withdraw `types`: each method with its fields.
fn types(methods: &[FundingMethod]) -> Map<String, Value> {
    let fields = |m: &FundingMethod| -> Map<String, Value> {
        m.fields
            .iter()
            .map(|(name, spec)| (name.clone(), field(spec)))
            .collect()
    };
    methods
        .iter()
        .map(|m| (m.name.clone(), json!({ "fields": fields(m) })))
        .collect()
}

fn operation(cfg: &OperationConfig, published: bool) -> Map<String, Value> {
    let mut m = Map::new();
    m.insert("enabled".into(), Value::Bool(cfg.enabled));
    if !cfg.enabled {
        return m;
    }
    m.insert("authentication_required".into(), Value::Bool(true));
    if !cfg.funding_methods.is_empty() {
        let names: Vec<&str> = cfg
            .funding_methods
            .iter()
            .map(|f| f.name.as_str())
            .collect();
        m.insert("funding_methods".into(), json!(names));
    }
    for (k, v) in fees::info_numbers(cfg, published) {
        m.insert(k.into(), v);
    }
    m
}

/// `GET /sep6/fee?operation=deposit|withdraw&asset_code=&amount=&type=`: `{"fee": amount}`.
pub async fn fee(ctx: &Context, params: &Params) -> Result<Value, ApiError> {
    let query = FeeQuery::parse(ctx, Protocol::Sep6, params).await?;
    let method = funding_method(&query.asset, query.kind, params)?;
    let fee = query.fee(ctx, method.as_deref()).await?;
    Ok(json!({ "fee": json_number(fee) }))
}
