//! The funding method of a SEP-6 request, checked against those its asset declares.

use crate::error::ApiError;
use crate::model::{Asset, Kind};
use crate::params::Params;
use crate::transfer::assets::plural;

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
            plural(kind),
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
