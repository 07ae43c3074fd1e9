//! The funding method of a SEP-6 request, checked against those its asset declares.

use crate::error::ApiError;
use crate::integrations::OffchainAsset;
use crate::model::{Asset, Kind};
use crate::params::Params;
use crate::transfer::assets::plural;
use crate::transfer::exchange::delivery_methods;

/// The funding method of a request (`funding_method`, or the older `type`), checked against
/// the methods the asset declares for `kind`: one of them must be named, or left out when
/// there is only one. An asset that declares none takes whatever the wallet sent.
pub(super) fn funding_method(
    asset: &Asset,
    kind: Kind,
    params: &Params,
) -> Result<Option<String>, ApiError> {
    let declared: Vec<&str> = asset
        .operation(kind)
        .funding_methods
        .iter()
        .map(|m| m.name.as_str())
        .collect();
    checked(asset, kind, &declared, params)
}

/// The funding method of an exchange with `offchain`: one of the off-chain asset's delivery
/// methods for that direction (SEP-38 `sell_delivery_methods` of a deposit's source,
/// `buy_delivery_methods` of a withdrawal's destination); when the quote desk declares
/// none, the Stellar asset's own funding methods, as for [`funding_method`].
pub(super) fn exchange_funding_method(
    asset: &Asset,
    kind: Kind,
    offchain: &OffchainAsset,
    params: &Params,
) -> Result<Option<String>, ApiError> {
    let declared = delivery_methods(offchain, kind);
    match declared.is_empty() {
        true => funding_method(asset, kind, params),
        false => checked(asset, kind, &declared, params),
    }
}

fn checked(
    asset: &Asset,
    kind: Kind,
    declared: &[&str],
    params: &Params,
) -> Result<Option<String>, ApiError> {
    let given = params.get("funding_method").or_else(|| params.get("type"));
    if declared.is_empty() {
        return Ok(given.map(str::to_string));
    }
    let names = || declared.join(", ");
    match given {
        Some(name) if declared.contains(&name) => Ok(Some(name.to_string())),
        Some(name) => Err(ApiError::bad_request(format!(
            "funding_method '{name}' is not offered for {} of {}: use one of {}",
            plural(kind),
            asset.code,
            names()
        ))),
        None if declared.len() == 1 => Ok(Some(declared[0].to_string())),
        None => Err(ApiError::bad_request(format!(
            "funding_method is required: one of {}",
            names()
        ))),
    }
}
