//! The asset a transfer request names, by code and issuer, for a SEP and an operation.

use crate::context::Context;
use crate::error::ApiError;
use crate::model::{Asset, Kind, Protocol, Transaction};

/// How an operation is named in errors: "deposits of USDC are not enabled".
pub fn plural(kind: Kind) -> &'static str {
    match kind {
        Kind::Deposit => "deposits",
        Kind::Withdrawal => "withdrawals",
        Kind::Send => "sends",
    }
}

/// Whether `asset` is offered through `protocol`.
pub fn offered(asset: &Asset, protocol: Protocol) -> bool {
    match protocol {
        Protocol::Sep6 => asset.sep6_enabled,
        Protocol::Sep24 => asset.sep24_enabled,
        Protocol::Sep31 => asset.sep31_enabled,
    }
}

/// What a request names: `asset_code` (required) and `asset_issuer` (needed only when
/// several assets of the SEP share the code).
#[derive(Debug, Clone, Copy)]
pub struct AssetRef<'a> {
    /// The asset code, if the request gave one.
    pub code: Option<&'a str>,
    /// The issuer, if the request gave one.
    pub issuer: Option<&'a str>,
}

/// How a request may name an asset whose code several assets of the SEP share.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Naming {
    /// Reading (`/fee`, `/transactions`): without `asset_issuer`, the first of them.
    FirstOfCode,
    /// Starting a transfer, where money moves: `asset_issuer` is then required.
    Unique,
}

/// The asset `named` of `protocol`, refused with a 400 when it is not named, unknown, not
/// offered through `protocol`, ambiguous (see [`Naming`]), or (when `kind` is given) not
/// enabled for `kind`.
pub async fn find(
    ctx: &Context,
    protocol: Protocol,
    named: AssetRef<'_>,
    naming: Naming,
    kind: Option<Kind>,
) -> Result<Asset, ApiError> {
    let all = ctx.store.assets().await?;
    let asset = choose(&all, protocol, named, naming)?;
    if let Some(kind) = kind {
        check_enabled(asset, kind)?;
    }
    Ok(asset.clone())
}

/// [`find`] over a list of assets already at hand.
pub fn choose<'a>(
    all: &'a [Asset],
    protocol: Protocol,
    named: AssetRef<'_>,
    naming: Naming,
) -> Result<&'a Asset, ApiError> {
    let code = named
        .code
        .map(str::trim)
        .filter(|c| !c.is_empty())
        .ok_or_else(|| ApiError::bad_request("asset_code is required"))?;
    let issuer = named.issuer.map(str::trim).filter(|i| !i.is_empty());
    let mut candidates = all
        .iter()
        .filter(|a| a.code == code && offered(a, protocol))
        .filter(|a| issuer.is_none_or(|i| a.issuer == i));
    match (candidates.next(), candidates.next(), naming) {
        (Some(asset), None, _) | (Some(asset), Some(_), Naming::FirstOfCode) => Ok(asset),
        (None, _, _) => Err(ApiError::bad_request(format!(
            "unknown asset_code '{code}'"
        ))),
        (Some(_), Some(_), Naming::Unique) => Err(ApiError::bad_request(format!(
            "several assets have the code '{code}': give asset_issuer"
        ))),
    }
}

/// Refuses an asset whose operation `kind` is not enabled.
pub fn check_enabled(asset: &Asset, kind: Kind) -> Result<(), ApiError> {
    match asset.operation(kind).enabled {
        true => Ok(()),
        false => Err(ApiError::bad_request(format!(
            "{} of {} are not enabled",
            plural(kind),
            asset.code
        ))),
    }
}

/// The asset of a stored transaction (from the cached asset list).
pub async fn of_transaction(ctx: &Context, tx: &Transaction) -> Result<Asset, ApiError> {
    let all = ctx.store.assets().await?;
    all.iter()
        .find(|a| a.id == tx.asset_id)
        .cloned()
        .ok_or_else(|| ApiError::internal(format!("transaction {} has no asset", tx.id)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn assets() -> Vec<Asset> {
        let mut usdc = Asset::new("USDC", "GA");
        usdc.id = 1;
        let mut other = Asset::new("USDC", "GB");
        other.id = 2;
        other.sep24_enabled = false;
        let mut srt = Asset::new("SRT", "GC");
        srt.id = 3;
        srt.withdrawal.enabled = false;
        vec![usdc, other, srt]
    }

    fn named<'a>(code: &'a str, issuer: Option<&'a str>) -> AssetRef<'a> {
        AssetRef {
            code: Some(code),
            issuer,
        }
    }

    fn error(e: ApiError) -> String {
        e.body["error"].as_str().unwrap_or_default().to_string()
    }

    #[test]
    fn an_asset_is_found_by_code_and_issuer_within_its_sep() {
        let all = assets();
        let found =
            choose(&all, Protocol::Sep24, named("USDC", None), Naming::Unique).map(|a| a.id);
        assert_eq!(found.ok(), Some(1));
        let found = choose(
            &all,
            Protocol::Sep6,
            named("USDC", Some("GB")),
            Naming::Unique,
        )
        .map(|a| a.id);
        assert_eq!(found.ok(), Some(2));
        let first = choose(
            &all,
            Protocol::Sep6,
            named("USDC", None),
            Naming::FirstOfCode,
        );
        assert_eq!(first.map(|a| a.id).ok(), Some(1));
        let twice =
            choose(&all, Protocol::Sep6, named("USDC", None), Naming::Unique).map_err(error);
        assert_eq!(
            twice.err().as_deref(),
            Some("several assets have the code 'USDC': give asset_issuer")
        );
        let none = choose(
            &all,
            Protocol::Sep24,
            named("USDC", Some("GB")),
            Naming::Unique,
        )
        .map_err(error);
        assert_eq!(none.err().as_deref(), Some("unknown asset_code 'USDC'"));
        let sep31 =
            choose(&all, Protocol::Sep31, named("SRT", None), Naming::Unique).map_err(error);
        assert_eq!(sep31.err().as_deref(), Some("unknown asset_code 'SRT'"));
        let missing = AssetRef {
            code: Some(" "),
            issuer: None,
        };
        let missing = choose(&all, Protocol::Sep6, missing, Naming::FirstOfCode).map_err(error);
        assert_eq!(missing.err().as_deref(), Some("asset_code is required"));
    }

    #[test]
    fn each_operation_is_checked_on_its_own() {
        let all = assets();
        assert!(check_enabled(&all[2], Kind::Deposit).is_ok());
        let refused = check_enabled(&all[2], Kind::Withdrawal).map_err(error);
        assert_eq!(
            refused.err().as_deref(),
            Some("withdrawals of SRT are not enabled")
        );
    }
}
