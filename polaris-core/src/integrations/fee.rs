//! The fee integration: an anchor's own fee function. Polaris' default, and the one
//! place that picks between the two, are in [`crate::transfer::fees`].

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
