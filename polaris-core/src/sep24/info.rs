//! `GET /sep24/info` and `GET /sep24/fee`.

use serde_json::{json, Map, Value};

use crate::model::{json_number, OperationConfig, Protocol};
use crate::params::Params;
use crate::transfer::fees::{self, FeeQuery};
use crate::{ApiError, Context};

fn operation_json(op: &OperationConfig, fee_replaced: bool) -> Value {
    let mut m = Map::new();
    m.insert("enabled".into(), json!(op.enabled));
    for (k, v) in fees::info_numbers(op, !fee_replaced) {
        m.insert(k.into(), v);
    }
    Value::Object(m)
}

/// The `/info` document as JSON text, kept as long as the asset list it was made from.
pub async fn info_text(ctx: &Context) -> Result<std::sync::Arc<str>, ApiError> {
    let cached = &ctx.store.caches().sep24_info;
    if let Some(text) = cached.get() {
        return Ok(text);
    }
    let generation = crate::store::cache::generation();
    let text: std::sync::Arc<str> = info(ctx).await?.to_string().into();
    cached.put(generation, text.clone());
    Ok(text)
}

/// The `/info` document: every SEP-24 asset with its deposit and withdrawal configuration.
pub async fn info(ctx: &Context) -> Result<Value, ApiError> {
    let all = ctx.store.assets().await?;
    let replaced = !fees::published(&ctx.integrations);
    let (mut deposit, mut withdraw) = (Map::new(), Map::new());
    for a in all.iter().filter(|a| a.sep24_enabled) {
        deposit.insert(a.code.clone(), operation_json(&a.deposit, replaced));
        withdraw.insert(a.code.clone(), operation_json(&a.withdrawal, replaced));
    }
    Ok(json!({
        "deposit": deposit,
        "withdraw": withdraw,
        "fee": { "enabled": true, "authentication_required": true },
        "features": { "account_creation": true, "claimable_balances": true },
    }))
}

/// `GET /sep24/fee?operation=deposit|withdraw&asset_code=&amount=&type=`: `{"fee": number}`,
/// rounded to the asset's decimals.
pub async fn fee(ctx: &Context, params: &Params) -> Result<Value, ApiError> {
    let query = FeeQuery::parse(ctx, Protocol::Sep24, params).await?;
    let fee = query.fee(ctx, params.get("type")).await?;
    Ok(json!({ "fee": json_number(fee) }))
}
