//! The reference anchor's SEP-38 quote desk: a fixed table of rates between its USD token
//! (`SRT`) and two currencies held off-chain.
//!
//! - US dollars trade 1:1 with the token; the anchor keeps 1.00 USD a trade, taken from the
//!   dollars (delivered by the user, or paid out to them).
//! - Euros buy tokens at 0.92 EUR a token, with a 0.50 EUR fee in two parts; tokens buy
//!   euros at 1.09 tokens a euro, with a fee of 0.25 token.
//!
//! Firm quotes are held five minutes, or until the client's `expire_after` if it is within
//! an hour. A real anchor would ask its market data and reserve liquidity here.

use async_trait::async_trait;
use chrono::{DateTime, Duration, Utc};
use polaris_core::integrations::{
    AssetsRequest, FeeAsset, FirmRate, IntegrationError, OffchainAsset, PriceRequest,
    QuoteIntegration, QuoteRequest, Rate,
};
use polaris_core::model::{AssetId, FeeDetail};
use polaris_core::stellar::Asset as StellarAsset;
use rust_decimal::Decimal;

/// The code of the anchor's USD token.
const TOKEN: &str = "SRT";
/// How long a firm quote is held by default.
const HELD_MINUTES: i64 = 5;
/// The longest a client may ask a quote to be held.
const LONGEST_HOLD_MINUTES: i64 = 60;

/// The fixed-rate quote desk.
#[derive(Debug, Clone, Copy, Default)]
pub struct FixedRates;

/// The two currencies, with the funding methods of the token's SEP-6 deposits (`WIRE`) and
/// withdrawals (`bank_account`) as delivery methods for dollars.
fn currencies() -> Vec<OffchainAsset> {
    vec![
        OffchainAsset::new("USD", 2)
            .country("US")
            .sell_method("WIRE", "Send dollars by wire to the anchor's bank account")
            .buy_method("bank_account", "Receive dollars in your bank account"),
        OffchainAsset::new("EUR", 2)
            .country("DE")
            .country("FR")
            .country("NL")
            .sell_method(
                "SEPA",
                "Send euros by SEPA transfer to the anchor's account",
            )
            .buy_method("SEPA", "Receive euros by SEPA transfer"),
    ]
}

fn is_token(id: &AssetId) -> bool {
    matches!(id, AssetId::Stellar(StellarAsset::Credit { code, .. }) if code == TOKEN)
}

fn currency(id: &AssetId) -> Option<&str> {
    match id {
        AssetId::Iso4217(code) => Some(code),
        AssetId::Stellar(_) => None,
    }
}

fn service_fee(amount: Decimal, asset: FeeAsset) -> Rate {
    Rate::new(Decimal::ONE)
        .with_fee(amount, asset)
        .with_detail(FeeDetail::new("Service fee", amount))
}

/// The table: the rate of selling `sell` for `buy`, if the pair is traded.
fn rate(sell: &AssetId, buy: &AssetId) -> Option<Rate> {
    let cents = |c: i64| Decimal::new(c, 2);
    match (currency(sell), currency(buy), is_token(sell), is_token(buy)) {
        (Some("USD"), None, false, true) => Some(service_fee(cents(100), FeeAsset::Sell)),
        (None, Some("USD"), true, false) => Some(service_fee(cents(100), FeeAsset::Buy)),
        (Some("EUR"), None, false, true) => Some(
            Rate::new(cents(92))
                .with_fee(cents(50), FeeAsset::Sell)
                .with_detail(FeeDetail::new("SEPA fee", cents(30)).described("Charged by the bank"))
                .with_detail(FeeDetail::new("Service fee", cents(20))),
        ),
        (None, Some("EUR"), true, false) => Some(
            Rate::new(cents(109))
                .with_fee(cents(25), FeeAsset::Sell)
                .with_detail(FeeDetail::new("Service fee", cents(25))),
        ),
        _ => None,
    }
}

/// Five minutes from now, or the client's wish when it lies within the hour.
fn expiry(wished: Option<DateTime<Utc>>) -> Result<DateTime<Utc>, IntegrationError> {
    let now = Utc::now();
    let held = now + Duration::minutes(HELD_MINUTES);
    match wished {
        Some(at) if at > now + Duration::minutes(LONGEST_HOLD_MINUTES) => Err(
            IntegrationError::rejected("quotes are held at most one hour"),
        ),
        Some(at) => Ok(at.max(held)),
        None => Ok(held),
    }
}

#[async_trait]
impl QuoteIntegration for FixedRates {
    async fn offchain_assets(
        &self,
        _request: &AssetsRequest<'_>,
    ) -> Result<Vec<OffchainAsset>, IntegrationError> {
        Ok(currencies())
    }

    async fn price(&self, request: &PriceRequest<'_>) -> Result<Option<Rate>, IntegrationError> {
        Ok(rate(request.sell_asset, request.buy_asset))
    }

    async fn firm_quote(&self, request: &QuoteRequest<'_>) -> Result<FirmRate, IntegrationError> {
        let pair = &request.pair;
        let rate = rate(pair.sell_asset, pair.buy_asset)
            .ok_or_else(|| IntegrationError::rejected("this pair is not traded"))?;
        Ok(FirmRate::new(rate, expiry(request.expire_after)?))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use polaris_core::integrations::QuoteAmount;
    use polaris_core::sep38::pricing::{formulas_hold, price};

    const ISSUER: &str = "GCZJM35NKGVK47BB4SPBDV25477PZYIYPVVG453LPYFNXLS3FGHDXOCM";

    fn token() -> AssetId {
        AssetId::parse(&format!("stellar:SRT:{ISSUER}")).unwrap()
    }

    #[test]
    fn every_traded_pair_prices_within_the_formulas() {
        let (usd, eur) = (AssetId::fiat("USD").unwrap(), AssetId::fiat("EUR").unwrap());
        let pairs = [
            (usd.clone(), token()),
            (token(), usd.clone()),
            (eur.clone(), token()),
            (token(), eur.clone()),
        ];
        for (sell, buy) in &pairs {
            let r = rate(sell, buy).expect("traded");
            for amount in [
                QuoteAmount::Sell(Decimal::new(10_000, 2)),
                QuoteAmount::Buy(Decimal::new(4_210, 2)),
            ] {
                let p = price(&r, amount, sell, buy, 2).unwrap();
                assert!(formulas_hold(&p, sell), "{sell} -> {buy}: {p:?}");
            }
        }
        assert!(rate(&usd, &eur).is_none());
        assert!(rate(&token(), &token()).is_none());
    }

    #[test]
    fn firm_quotes_are_held_five_minutes_or_as_wished_within_the_hour() {
        let now = Utc::now();
        assert!(expiry(None).unwrap() > now + Duration::minutes(4));
        let wish = now + Duration::minutes(30);
        assert_eq!(expiry(Some(wish)).unwrap(), wish);
        assert!(expiry(Some(now + Duration::hours(2))).is_err());
    }
}
