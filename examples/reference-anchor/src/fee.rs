//! A custom fee function for one asset: SRT deposits above 1,000 pay a lower percentage on
//! the part above. Every other case keeps the asset's own fixed + percent fee.

use async_trait::async_trait;
use polaris_core::integrations::{FeeIntegration, FeeParams, IntegrationError};
use polaris_core::model::Kind;
use polaris_core::transfer::fees::{default_fee, too_large};
use rust_decimal::Decimal;

/// Above this amount, SRT deposits pay [`REDUCED_PERCENT`] on the excess.
const TIER: Decimal = Decimal::from_parts(1000, 0, 0, false, 0);
/// Percent paid on the part of an SRT deposit above [`TIER`]: 0.5 %.
const REDUCED_PERCENT: Decimal = Decimal::from_parts(5, 0, 0, false, 1);

/// Tiered deposit fees for SRT.
pub struct TieredFee;

#[async_trait]
impl FeeIntegration for TieredFee {
    async fn calculate_fee(&self, params: &FeeParams<'_>) -> Result<Decimal, IntegrationError> {
        if params.asset.code != "SRT" || params.operation != Kind::Deposit || params.amount <= TIER
        {
            return default_fee(params);
        }
        let below = FeeParams::new(params.asset, params.operation, TIER).with_type(params.kind);
        let excess = (params.amount - TIER)
            .checked_mul(REDUCED_PERCENT)
            .map(|e| e / Decimal::ONE_HUNDRED)
            .ok_or_else(too_large)?;
        let fee = default_fee(&below)?
            .checked_add(excess)
            .ok_or_else(too_large)?;
        Ok(fee.round_dp(params.asset.significant_decimals))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use polaris_core::model::{Asset, OperationConfig};

    fn srt() -> Asset {
        let mut a = Asset::new("SRT", "GISSUER");
        a.significant_decimals = 2;
        a.deposit = OperationConfig {
            enabled: true,
            fee_fixed: Some(Decimal::ONE),
            fee_percent: Some(Decimal::ONE),
            min_amount: None,
            max_amount: None,
            funding_methods: Vec::new(),
        };
        a.withdrawal = a.deposit.clone();
        a
    }

    async fn fee(asset: &Asset, operation: Kind, amount: i64) -> Decimal {
        let params = FeeParams::new(asset, operation, Decimal::from(amount));
        TieredFee.calculate_fee(&params).await.unwrap()
    }

    #[tokio::test]
    async fn deposits_above_the_tier_pay_less_on_the_excess() {
        let a = srt();
        assert_eq!(fee(&a, Kind::Deposit, 100).await, Decimal::from(2));
        assert_eq!(fee(&a, Kind::Deposit, 1000).await, Decimal::from(11));
        assert_eq!(fee(&a, Kind::Deposit, 3000).await, Decimal::from(21));
        assert_eq!(fee(&a, Kind::Withdrawal, 3000).await, Decimal::from(31));
    }
}
