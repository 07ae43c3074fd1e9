//! The one fee function, used by SEP-6 and SEP-24 `/fee`, their transfers, the interactive
//! amount form and its preview, and the processors.

use rust_decimal::Decimal;

use super::amount;
use super::assets::{self, AssetRef, Naming};
use crate::context::Context;
use crate::error::ApiError;
use crate::integrations::{FeeParams, IntegrationError, Integrations};
use crate::model::{json_number, Asset, Kind, OperationConfig, Protocol};
use crate::params::Params;

/// The fee for `params`: the anchor's `FeeIntegration` when it registered one, else the
/// asset's fixed plus percent fee for the operation, rounded to the asset's decimals. An
/// amount too large to compute with is [`IntegrationError::Rejected`] (a 400 for a wallet).
pub async fn fee(
    integrations: &Integrations,
    params: &FeeParams<'_>,
) -> Result<Decimal, IntegrationError> {
    match &integrations.fee {
        Some(f) => f.calculate_fee(params).await,
        None => default_fee(params),
    }
}

/// The default fee: the asset's fixed fee plus its percent fee for the operation, rounded to
/// the asset's significant decimals; an anchor's own `FeeIntegration` may call it for the
/// cases it does not handle. An amount too large to compute a fee for is [`too_large`].
pub fn default_fee(params: &FeeParams<'_>) -> Result<Decimal, IntegrationError> {
    let config = params.asset.operation(params.operation);
    let decimals = params.asset.significant_decimals;
    amount::fixed_plus_percent(config, params.amount, decimals).ok_or_else(too_large)
}

/// The error for an amount too large to compute with: [`IntegrationError::Rejected`], a 400
/// for the wallet.
pub fn too_large() -> IntegrationError {
    IntegrationError::rejected("the amount is too large")
}

/// Whether fees come from the assets' own configuration (no fee integration): only then do
/// `/info` answers publish `fee_fixed` and `fee_percent`, which would otherwise mislead.
pub fn published(integrations: &Integrations) -> bool {
    integrations.fee.is_none()
}

/// The limits and, while [`published`], the fees of an operation, as the `/info` answers of
/// SEP-6 and SEP-24 show them (JSON numbers); unset values are left out.
pub fn info_numbers(
    config: &OperationConfig,
    published: bool,
) -> Vec<(&'static str, serde_json::Value)> {
    let fees = [
        ("fee_fixed", config.fee_fixed),
        ("fee_percent", config.fee_percent),
    ];
    let limits = [
        ("min_amount", config.min_amount),
        ("max_amount", config.max_amount),
    ];
    let fees = fees.into_iter().filter(|_| published);
    limits
        .into_iter()
        .chain(fees)
        .filter_map(|(k, v)| v.map(|v| (k, json_number(v))))
        .collect()
}

/// The `operation` parameter of `GET /fee`: `deposit` or `withdraw`.
pub fn operation(params: &Params) -> Result<Kind, ApiError> {
    match params.required("operation")? {
        "deposit" => Ok(Kind::Deposit),
        "withdraw" => Ok(Kind::Withdrawal),
        other => Err(ApiError::bad_request(format!(
            "operation must be deposit or withdraw, got '{other}'"
        ))),
    }
}

/// A `GET /fee` request of SEP-6 or SEP-24, checked: the operation, an asset of the SEP
/// that enables it, and an amount within the asset's decimals and the operation's limits.
#[derive(Debug, Clone)]
pub struct FeeQuery {
    /// The asset.
    pub asset: Asset,
    /// Deposit or withdrawal.
    pub kind: Kind,
    /// The amount.
    pub amount: Decimal,
}

impl FeeQuery {
    /// Parses and checks `operation`, `asset_code`, `asset_issuer` and `amount`.
    pub async fn parse(
        ctx: &Context,
        protocol: Protocol,
        params: &Params,
    ) -> Result<Self, ApiError> {
        let kind = operation(params)?;
        let text = params.required("amount")?;
        let named = AssetRef {
            code: params.get("asset_code"),
            issuer: params.get("asset_issuer"),
        };
        let asset = assets::find(ctx, protocol, named, Naming::FirstOfCode, Some(kind)).await?;
        let amount = amount::parse("amount", text, &asset)?;
        amount::check_limits(asset.operation(kind), amount)?;
        Ok(Self {
            asset,
            kind,
            amount,
        })
    }

    /// The fee, for funding method `method`, rounded to the asset's significant decimals.
    pub async fn fee(&self, ctx: &Context, method: Option<&str>) -> Result<Decimal, ApiError> {
        let params = FeeParams::new(&self.asset, self.kind, self.amount).with_type(method);
        let fee = fee(&ctx.integrations, &params).await?;
        Ok(fee.round_dp(self.asset.significant_decimals))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::integrations::FeeIntegration;
    use rust_decimal_macros::dec;

    struct Flat;

    #[async_trait::async_trait]
    impl FeeIntegration for Flat {
        async fn calculate_fee(&self, _: &FeeParams<'_>) -> Result<Decimal, IntegrationError> {
            Ok(dec!(0.25))
        }
    }

    fn asset() -> Asset {
        let mut a = Asset::new("SRT", "GISSUER");
        a.significant_decimals = 2;
        a.deposit.fee_fixed = Some(dec!(1));
        a.deposit.fee_percent = Some(dec!(2));
        a.withdrawal.fee_fixed = Some(dec!(3));
        a
    }

    #[tokio::test]
    async fn the_asset_fee_applies_without_an_integration() {
        let integrations = Integrations::default();
        let a = asset();
        assert!(published(&integrations));
        let deposit = fee(&integrations, &FeeParams::new(&a, Kind::Deposit, dec!(100))).await;
        assert_eq!(deposit.ok(), Some(dec!(3)));
        let withdrawal = fee(
            &integrations,
            &FeeParams::new(&a, Kind::Withdrawal, dec!(100)),
        )
        .await;
        assert_eq!(withdrawal.ok(), Some(dec!(3)));
        let mut steep = asset();
        steep.deposit.fee_percent = Some(dec!(1000));
        let huge = fee(
            &integrations,
            &FeeParams::new(&steep, Kind::Deposit, Decimal::MAX),
        )
        .await;
        assert!(matches!(huge, Err(IntegrationError::Rejected(_))));
    }

    #[tokio::test]
    async fn the_fee_integration_replaces_the_asset_fee() {
        let integrations = Integrations {
            fee: Some(std::sync::Arc::new(Flat)),
            ..Integrations::default()
        };
        let a = asset();
        assert!(!published(&integrations));
        let answer = fee(&integrations, &FeeParams::new(&a, Kind::Deposit, dec!(100))).await;
        assert_eq!(answer.ok(), Some(dec!(0.25)));
    }
}
