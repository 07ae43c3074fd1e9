//! Finding the asset a SEP-6 request names, and its fees and limits.

use rust_decimal::Decimal;

use crate::context::Context;
use crate::error::ApiError;
use crate::integrations::{calculate_fee, FeeParams};
use crate::model::{Asset, Kind, Transaction};
use crate::params::Params;

fn verb(kind: Kind) -> &'static str {
    match kind {
        Kind::Deposit => "deposits",
        Kind::Withdrawal => "withdrawals",
        Kind::Send => "sends",
    }
}

/// The SEP-6 asset named by `asset_code` (and `asset_issuer` when several share the code),
/// refused with a 400 when unknown, not offered through SEP-6, or not enabled for `kind`.
pub(super) async fn find(ctx: &Context, params: &Params, kind: Kind) -> Result<Asset, ApiError> {
    let code = params.required("asset_code")?.to_string();
    let all = ctx.store.assets().await?;
    let found: Vec<_> = all.iter().filter(|a| a.code == code).cloned().collect();
    let code = params.required("asset_code")?;
    let mut candidates: Vec<Asset> = found.into_iter().filter(|a| a.sep6_enabled).collect();
    if let Some(issuer) = params.get("asset_issuer") {
        candidates.retain(|a| a.issuer == issuer);
    }
    let asset = match candidates.len() {
        0 => {
            return Err(ApiError::bad_request(format!(
                "unknown asset_code '{code}'"
            )))
        }
        1 => candidates.remove(0),
        _ => {
            return Err(ApiError::bad_request(format!(
                "several assets have the code '{code}': give asset_issuer"
            )))
        }
    };
    if !asset.operation(kind).enabled {
        return Err(ApiError::bad_request(format!(
            "{} of {code} are not enabled",
            verb(kind)
        )));
    }
    Ok(asset)
}

/// The fee for `amount`: the anchor's fee function if it has one, else the asset's fees.
pub(super) async fn fee_for(
    ctx: &Context,
    asset: &Asset,
    kind: Kind,
    kind_type: Option<&str>,
    amount: Decimal,
) -> Result<Decimal, ApiError> {
    let params = FeeParams {
        asset,
        operation: kind,
        kind: kind_type,
        amount,
    };
    Ok(calculate_fee(&ctx.integrations, &params).await?)
}

/// Checks `amount` against the asset's bounds and decimals.
pub(super) fn check_amount(asset: &Asset, kind: Kind, amount: Decimal) -> Result<(), ApiError> {
    let cfg = asset.operation(kind);
    if amount.normalize().scale() > asset.significant_decimals {
        return Err(ApiError::bad_request(format!(
            "amount has more than {} decimal places",
            asset.significant_decimals
        )));
    }
    if let Some(min) = cfg.min_amount.filter(|m| amount < *m) {
        return Err(ApiError::bad_request(format!(
            "amount is below the minimum of {min}"
        )));
    }
    if let Some(max) = cfg.max_amount.filter(|m| amount > *m) {
        return Err(ApiError::bad_request(format!(
            "amount is above the maximum of {max}"
        )));
    }
    Ok(())
}

/// The asset of a stored transaction (from the cached asset list).
pub(super) async fn of_transaction(ctx: &Context, tx: &Transaction) -> Result<Asset, ApiError> {
    let all = ctx.store.assets().await?;
    all.iter()
        .find(|a| a.id == tx.asset_id)
        .cloned()
        .ok_or_else(|| ApiError::internal(format!("transaction {} has no asset", tx.id)))
}

/// The funding method of a request (`funding_method`, or the older `type`), checked against
/// the methods the asset declares for `kind`: one of them must be named, or left out when
/// there is only one. An asset that declares none takes whatever the wallet sent.
pub(super) fn funding_method(
    asset: &Asset,
    kind: Kind,
    params: &Params,
) -> Result<Option<String>, ApiError> {
    let given = params.get("funding_method").or_else(|| params.get("type"));
    let declared = &asset.operation(kind).funding_methods;
    if declared.is_empty() {
        return Ok(given.map(str::to_string));
    }
    let names = || {
        let all: Vec<&str> = declared.iter().map(|m| m.name.as_str()).collect();
        all.join(", ")
    };
    match given {
        Some(name) if declared.iter().any(|m| m.name == name) => Ok(Some(name.to_string())),
        Some(name) => Err(ApiError::bad_request(format!(
            "funding_method '{name}' is not offered for {} of {}: use one of {}",
            verb(kind),
            asset.code,
            names()
        ))),
        None if declared.len() == 1 => Ok(Some(declared[0].name.clone())),
        None => Err(ApiError::bad_request(format!(
            "funding_method is required: one of {}",
            names()
        ))),
    }
}
