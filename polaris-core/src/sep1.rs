//! SEP-1: the stellar.toml file, generated from settings and assets.
//!
//! <https://github.com/stellar/stellar-protocol/blob/master/ecosystem/sep-0001.md>

use toml::{Table, Value};

use crate::context::Context;
use crate::error::ApiError;
use crate::integrations::TomlRequest;
use crate::model::Asset;
use crate::settings::{Sep, Settings};
use std::sync::Arc;

/// The stellar.toml text for this anchor: the static file if one is configured,
/// otherwise generated and merged with the toml integration's entries. A generated file
/// is kept as long as the asset list it was made from.
pub async fn stellar_toml(ctx: &Context) -> Result<Arc<str>, ApiError> {
    if let Some(text) = &ctx.integrations.static_toml {
        return Ok(text.clone());
    }
    let cached = &ctx.store.caches().stellar_toml;
    if let Some(text) = cached.get() {
        return Ok(text);
    }
    let generation = crate::store::cache::generation();
    let all = ctx.store.assets().await?;
    let mut table = generate(&ctx.settings, &all);
    if let Some(hook) = &ctx.integrations.toml {
        let additions = hook.toml(&TomlRequest::new(&table, &all)).await?;
        merge(&mut table, additions);
    }
    let text: Arc<str> = toml::to_string(&table).map_err(ApiError::internal)?.into();
    cached.put(generation, text.clone());
    Ok(text)
}

/// The generated stellar.toml: network, keys, the endpoints of active SEPs and the currencies.
pub fn generate(settings: &Settings, assets: &[Asset]) -> Table {
    let mut t = Table::new();
    let s = |v: &str| Value::String(v.to_string());
    t.insert("NETWORK_PASSPHRASE".into(), s(&settings.network_passphrase));
    let accounts: Vec<Value> = assets
        .iter()
        .filter_map(Asset::distribution_account)
        .map(Value::String)
        .collect();
    if !accounts.is_empty() {
        t.insert("ACCOUNTS".into(), Value::Array(accounts));
    }
    if settings.is_active(Sep::Sep10) {
        t.insert("SIGNING_KEY".into(), s(settings.signing_key.public_key()));
        t.insert("WEB_AUTH_ENDPOINT".into(), s(&settings.url("auth")));
    }
    if settings.is_active(Sep::Sep6) {
        t.insert("TRANSFER_SERVER".into(), s(&settings.url("sep6")));
    }
    if settings.is_active(Sep::Sep24) {
        t.insert("TRANSFER_SERVER_SEP0024".into(), s(&settings.url("sep24")));
    }
    if settings.is_active(Sep::Sep12) {
        t.insert("KYC_SERVER".into(), s(&settings.url("kyc")));
    }
    if settings.is_active(Sep::Sep38) {
        t.insert("ANCHOR_QUOTE_SERVER".into(), s(&settings.url("sep38")));
    }
    t.insert("DOCUMENTATION".into(), Value::Table(Table::new()));
    let currencies: Vec<Value> = assets.iter().map(|a| Value::Table(currency(a))).collect();
    if !currencies.is_empty() {
        t.insert("CURRENCIES".into(), Value::Array(currencies));
    }
    t
}

fn currency(a: &Asset) -> Table {
    let mut c = Table::new();
    let mut put = |k: &str, v: Option<Value>| {
        if let Some(v) = v {
            c.insert(k.to_string(), v);
        }
    };
    let text = |v: &Option<String>| v.clone().map(Value::String);
    put("code", Some(Value::String(a.code.clone())));
    put("issuer", Some(Value::String(a.issuer.clone())));
    put("status", Some(Value::String(a.status.clone())));
    put(
        "display_decimals",
        Some(Value::Integer(
            a.display_decimals.unwrap_or(a.significant_decimals).into(),
        )),
    );
    put("name", text(&a.name));
    put("desc", text(&a.description));
    put(
        "is_asset_anchored",
        Some(Value::Boolean(a.is_asset_anchored)),
    );
    put("anchor_asset_type", text(&a.anchor_asset_type));
    put("anchor_asset", text(&a.anchor_asset));
    put("redemption_instructions", text(&a.redemption_instructions));
    c
}

/// Merges `extra` into `base` as described on [`crate::integrations::TomlIntegration`].
pub fn merge(base: &mut Table, extra: Table) {
    for (key, value) in extra {
        match (base.get_mut(&key), value) {
            (Some(Value::Table(b)), Value::Table(e)) => b.extend(e),
            (Some(Value::Array(b)), Value::Array(e)) if key == "CURRENCIES" => {
                merge_currencies(b, e)
            }
            (_, value) => {
                base.insert(key, value);
            }
        }
    }
}

fn merge_currencies(base: &mut Vec<Value>, extra: Vec<Value>) {
    for entry in extra {
        let Value::Table(e) = entry else {
            base.push(entry);
            continue;
        };
        let same = |b: &Value| {
            b.as_table().is_some_and(|b| {
                b.get("code") == e.get("code") && b.get("issuer") == e.get("issuer")
            })
        };
        match base.iter_mut().find(|b| same(b)) {
            Some(Value::Table(b)) => b.extend(e),
            _ => base.push(Value::Table(e)),
        }
    }
}

#[cfg(test)]
mod tests;
