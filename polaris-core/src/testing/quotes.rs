//! A quote desk for tests: off-chain assets and a fixed table of rates.

use async_trait::async_trait;
use chrono::{DateTime, Duration, Utc};

use crate::integrations::{
    AssetsRequest, FirmRate, IntegrationError, OffchainAsset, PriceRequest, QuoteIntegration,
    QuoteRequest, Rate,
};
use crate::model::AssetId;

/// Off-chain assets and one rate per traded pair (in one direction each); firm quotes live
/// [`RateTable::lifetime`] and are held at most one day.
#[derive(Debug, Clone)]
pub struct RateTable {
    offchain: Vec<OffchainAsset>,
    rates: Vec<(AssetId, AssetId, Rate)>,
    lifetime: Duration,
}

impl RateTable {
    /// A table trading nothing yet, offering `offchain`; firm quotes live five minutes.
    pub fn new(offchain: Vec<OffchainAsset>) -> Self {
        Self {
            offchain,
            rates: Vec::new(),
            lifetime: Duration::minutes(5),
        }
    }

    /// The same table also selling `buy` for `sell` at `rate`.
    pub fn rate(mut self, sell: AssetId, buy: AssetId, rate: Rate) -> Self {
        self.rates.push((sell, buy, rate));
        self
    }

    /// The same table with firm quotes living `lifetime`.
    pub fn lifetime(mut self, lifetime: Duration) -> Self {
        self.lifetime = lifetime;
        self
    }

    fn find(&self, request: &PriceRequest<'_>) -> Option<Rate> {
        self.rates
            .iter()
            .find(|(s, b, _)| s == request.sell_asset && b == request.buy_asset)
            .map(|(_, _, r)| r.clone())
    }

    fn expiry(&self, wished: Option<DateTime<Utc>>) -> Result<DateTime<Utc>, IntegrationError> {
        let now = Utc::now();
        match wished {
            Some(at) if at > now + Duration::days(1) => Err(IntegrationError::rejected(
                "quotes are held at most one day",
            )),
            Some(at) => Ok(at.max(now + self.lifetime)),
            None => Ok(now + self.lifetime),
        }
    }
}

#[async_trait]
impl QuoteIntegration for RateTable {
    async fn offchain_assets(
        &self,
        _request: &AssetsRequest<'_>,
    ) -> Result<Vec<OffchainAsset>, IntegrationError> {
        Ok(self.offchain.clone())
    }

    async fn price(&self, request: &PriceRequest<'_>) -> Result<Option<Rate>, IntegrationError> {
        Ok(self.find(request))
    }

    async fn firm_quote(&self, request: &QuoteRequest<'_>) -> Result<FirmRate, IntegrationError> {
        let rate = self
            .find(&request.pair)
            .ok_or_else(|| IntegrationError::rejected("this pair is not traded"))?;
        Ok(FirmRate::new(rate, self.expiry(request.expire_after)?))
    }
}
