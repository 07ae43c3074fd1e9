//! `GET /sep24/info` and `GET /sep24/fee`.

use rust_decimal::Decimal;
use serde::Deserialize;
use serde_json::{json, Map, Value};

use crate::integrations::{default_fee, FeeParams};
use crate::model::{json_number, Asset, Kind, OperationConfig};
use crate::{ApiError, Context};

/// The query of `GET /sep24/fee`.
#[derive(Debug, Clone, Deserialize)]
pub struct FeeQuery {
    /// `deposit` or `withdraw`.
    pub operation: Option<String>,
    /// The SEP `type` of deposit or withdrawal.
    #[serde(rename = "type")]
    pub kind: Option<String>,
    /// The asset code.
    pub asset_code: Option<String>,
    /// The amount, as a decimal string.
    pub amount: Option<String>,
}

fn operation_json(op: &OperationConfig, fee_replaced: bool) -> Value {
    let mut m = Map::new();
    m.insert("enabled".into(), json!(op.enabled));
    if !fee_replaced {
        if let Some(f) = op.fee_fixed {
            m.insert("fee_fixed".into(), json_number(f));
        }
        if let Some(p) = op.fee_percent {
            m.insert("fee_percent".into(), json_number(p));
        }
    }
    if let Some(min) = op.min_amount {
        m.insert("min_amount".into(), json_number(min));
    }
    if let Some(max) = op.max_amount {
        m.insert("max_amount".into(), json_number(max));
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
    let replaced = ctx.integrations.fee.is_some();
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

/// Finds an enabled SEP-24 asset by code (and issuer, when given).
pub async fn sep24_asset(
    ctx: &Context,
    code: Option<&str>,
    issuer: Option<&str>,
) -> Result<Asset, ApiError> {
    let code = code
        .filter(|c| !c.is_empty())
        .ok_or_else(|| ApiError::bad_request("asset_code is required"))?
        .to_string();
    let all = ctx.store.assets().await?;
    let found: Vec<_> = all.iter().filter(|a| a.code == code).cloned().collect();
    found
        .into_iter()
        .filter(|a| a.sep24_enabled)
        .find(|a| issuer.is_none_or(|i| i.is_empty() || i == a.issuer))
        .ok_or_else(|| ApiError::bad_request("unknown or unsupported asset"))
}

/// Parses a positive amount with at most the asset's significant decimals.
pub fn parse_amount(text: &str, asset: &Asset) -> Result<Decimal, ApiError> {
    let amount: Decimal = text
        .trim()
        .parse()
        .map_err(|_| ApiError::bad_request("invalid 'amount'"))?;
    if amount <= Decimal::ZERO {
        return Err(ApiError::bad_request("'amount' must be positive"));
    }
    if amount.normalize().scale() > asset.significant_decimals {
        return Err(ApiError::bad_request(format!(
            "'amount' has more than {} decimals",
            asset.significant_decimals
        )));
    }
    Ok(amount)
}

/// The fee for `amount` of `asset`: the anchor's fee integration, or the asset's fees.
pub async fn compute_fee(
    ctx: &Context,
    asset: &Asset,
    operation: Kind,
    kind: Option<&str>,
    amount: Decimal,
) -> Result<Decimal, ApiError> {
    let params = FeeParams {
        asset,
        operation,
        kind,
        amount,
    };
    match &ctx.integrations.fee {
        Some(f) => Ok(f.calculate_fee(&params).await?),
        None => Ok(default_fee(&params)?),
    }
}

/// The `/fee` answer: `{"fee": <number>}`, rounded to the asset's decimals.
pub async fn fee(ctx: &Context, q: &FeeQuery) -> Result<Value, ApiError> {
    let operation = match q.operation.as_deref() {
        Some("deposit") => Kind::Deposit,
        Some("withdraw") => Kind::Withdrawal,
        _ => {
            return Err(ApiError::bad_request(
                "'operation' must be 'deposit' or 'withdraw'",
            ))
        }
    };
    let asset = sep24_asset(ctx, q.asset_code.as_deref(), None).await?;
    let config = asset.operation(operation);
    if !config.enabled {
        return Err(ApiError::bad_request(
            "operation not enabled for this asset",
        ));
    }
    let amount = parse_amount(
        q.amount
            .as_deref()
            .ok_or_else(|| ApiError::bad_request("'amount' is required"))?,
        &asset,
    )?;
    check_max(config, amount)?;
    let fee = compute_fee(ctx, &asset, operation, q.kind.as_deref(), amount).await?;
    Ok(json!({ "fee": json_number(fee.round_dp(asset.significant_decimals)) }))
}

/// Refuses an amount above the operation's `max_amount`: no fee is quoted for an amount
/// the anchor would not accept.
pub(crate) fn check_max(config: &OperationConfig, amount: Decimal) -> Result<(), ApiError> {
    match config.max_amount {
        Some(max) if amount > max => Err(ApiError::bad_request(format!(
            "the amount is above the maximum of {max}"
        ))),
        _ => Ok(()),
    }
}

/// `amount` rounded and padded to `decimals` places, as text.
pub fn fixed(amount: Decimal, decimals: u32) -> String {
    let mut a = amount.round_dp(decimals);
    a.rescale(decimals);
    a.to_string()
}
