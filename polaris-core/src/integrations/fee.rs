//! The fee function, shared by SEP-6, SEP-24 and the forms.

use async_trait::async_trait;
use rust_decimal::Decimal;

use super::IntegrationError;
use crate::model::{Asset, Kind};

/// What a fee is asked for: the parameters of the SEP `/fee` endpoints.
#[derive(Debug, Clone, Copy)]
#[non_exhaustive]
pub struct FeeParams<'a> {
    /// The asset.
    pub asset: &'a Asset,
    /// Deposit or withdrawal.
    pub operation: Kind,
    /// The SEP `type` (e.g. `SEPA`), if given.
    pub kind: Option<&'a str>,
    /// The amount.
    pub amount: Decimal,
}

impl<'a> FeeParams<'a> {
    /// The fee of `amount` of `asset` for `operation`, with no SEP `type`.
    pub fn new(asset: &'a Asset, operation: Kind, amount: Decimal) -> Self {
        Self {
            asset,
            operation,
            kind: None,
            amount,
        }
    }

    /// The same request with a SEP `type` (e.g. `SEPA`).
    pub fn with_type(mut self, kind: Option<&'a str>) -> Self {
        self.kind = kind;
        self
    }
}

/// Computes fees. Replacing it makes `/info` stop publishing `fee_fixed` / `fee_percent`,
/// since they no longer describe the fee.
#[async_trait]
pub trait FeeIntegration: Send + Sync + 'static {
    /// The fee for `params`, in units of the asset.
    async fn calculate_fee(&self, params: &FeeParams<'_>) -> Result<Decimal, IntegrationError>;
}

/// The default fee: the asset's fixed fee plus its percent fee for the operation,
/// rounded to the asset's significant decimals. An amount too large to compute a fee for
/// is [`IntegrationError::Rejected`] (a 400 for the wallet).
pub fn default_fee(params: &FeeParams<'_>) -> Result<Decimal, IntegrationError> {
    let config = params.asset.operation(params.operation);
    let decimals = params.asset.significant_decimals;
    crate::transfer::amount::fixed_plus_percent(config, params.amount, decimals)
        .ok_or_else(too_large)
}

/// The error for an amount too large to compute with.
pub fn too_large() -> IntegrationError {
    IntegrationError::rejected("the amount is too large")
}

/// The fee for `params`: the anchor's fee function when it registered one, else [`default_fee`].
pub async fn calculate_fee(
    integrations: &super::Integrations,
    params: &FeeParams<'_>,
) -> Result<Decimal, IntegrationError> {
    match &integrations.fee {
        Some(f) => f.calculate_fee(params).await,
        None => default_fee(params),
    }
}
