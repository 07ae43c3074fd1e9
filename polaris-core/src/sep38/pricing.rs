//! From an anchor's [`Rate`] to the numbers of a SEP-38 answer, so that SEP-38's price
//! formulas hold in every answer:
//!
//! - fee in the sold asset: `sell_amount - fee = price * buy_amount`, exactly;
//! - fee in the bought asset: `sell_amount = price * (buy_amount + fee)`, exactly;
//! - `total_price` is `sell_amount / buy_amount` rounded to [`TOTAL_PRICE_DECIMALS`] places
//!   (exact whenever the division ends within them);
//! - the fee's parts, when listed, add up to its total.
//!
//! Amounts are only ever derived by multiplication, never by division, so the first two are
//! exact: when the request fixes `buy_amount`, `sell_amount` follows from it; when it fixes
//! `sell_amount`, `buy_amount` is rounded down to a precision at which the product fits in
//! the ledger's 7 decimal places, and `sell_amount` is then recomputed from it (it may be a
//! little below the one asked, as SEP-38 allows). All arithmetic is checked.

use rust_decimal::{Decimal, RoundingStrategy};

use crate::error::ApiError;
use crate::integrations::{FeeAsset, QuoteAmount, Rate};
use crate::model::{AssetId, QuoteFee};
use crate::transfer::amount::STELLAR_DECIMALS;

/// Decimal places of `total_price`.
pub const TOTAL_PRICE_DECIMALS: u32 = 10;

/// The numbers of one priced pair, as a SEP-38 `GET /price` or quote answer shows them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Priced {
    /// Units sold per unit bought, without the fee.
    pub price: Decimal,
    /// Units sold per unit bought, fee included.
    pub total_price: Decimal,
    /// What the user delivers.
    pub sell_amount: Decimal,
    /// What the user receives.
    pub buy_amount: Decimal,
    /// The fee, in the sold or the bought asset.
    pub fee: QuoteFee,
}

/// Why a rate cannot price a request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PricingError {
    /// The amount does not cover the fee, or rounds to nothing.
    TooSmall,
    /// The amount is too large to compute with.
    TooLarge,
    /// `buy_amount` has more decimal places than the price of this pair allows.
    TooPrecise(u32),
    /// The anchor's rate is unusable (a fault of the integration, logged).
    BadRate(String),
}

impl From<PricingError> for ApiError {
    fn from(e: PricingError) -> Self {
        match e {
            PricingError::TooSmall => {
                ApiError::bad_request("the amount is too small to cover the fee")
            }
            PricingError::TooLarge => ApiError::bad_request("the amount is too large"),
            PricingError::TooPrecise(places) => ApiError::bad_request(format!(
                "buy_amount may have at most {places} decimal places for this pair"
            )),
            PricingError::BadRate(why) => {
                ApiError::internal(format!("the quote integration's rate: {why}"))
            }
        }
    }
}

/// Prices `amount` of the pair `sell` -> `buy` at `rate`; amounts of `buy` have
/// `buy_decimals` places.
pub fn price(
    rate: &Rate,
    amount: QuoteAmount,
    sell: &AssetId,
    buy: &AssetId,
    buy_decimals: u32,
) -> Result<Priced, PricingError> {
    check_rate(rate)?;
    let places = buy_decimals.min(STELLAR_DECIMALS.saturating_sub(rate.price.scale()));
    let (sell_amount, buy_amount) = match rate.fee_asset {
        FeeAsset::Sell => fee_in_sell(rate, amount, places)?,
        FeeAsset::Buy => fee_in_buy(rate, amount, places)?,
    };
    if sell_amount <= Decimal::ZERO || buy_amount <= Decimal::ZERO {
        return Err(PricingError::TooSmall);
    }
    let fee_asset = match rate.fee_asset {
        FeeAsset::Sell => sell.clone(),
        FeeAsset::Buy => buy.clone(),
    };
    Ok(Priced {
        price: rate.price.normalize(),
        total_price: total_price(sell_amount, buy_amount)?,
        sell_amount: sell_amount.normalize(),
        buy_amount: buy_amount.normalize(),
        fee: QuoteFee {
            total: rate.fee.normalize(),
            asset: fee_asset,
            details: rate.fee_details.clone(),
        },
    })
}

fn check_rate(rate: &Rate) -> Result<(), PricingError> {
    let bad = |why: &str| Err(PricingError::BadRate(why.to_string()));
    if rate.price <= Decimal::ZERO || rate.price.normalize().scale() > STELLAR_DECIMALS {
        return bad("the price must be positive with at most 7 decimal places");
    }
    if rate.fee < Decimal::ZERO || rate.fee.normalize().scale() > STELLAR_DECIMALS {
        return bad("the fee must not be negative and have at most 7 decimal places");
    }
    if rate.fee_details.iter().any(|d| d.amount < Decimal::ZERO) {
        return bad("a part of the fee is negative");
    }
    let parts = rate
        .fee_details
        .iter()
        .try_fold(Decimal::ZERO, |sum, d| sum.checked_add(d.amount));
    match parts {
        Some(sum) if rate.fee_details.is_empty() || sum == rate.fee => Ok(()),
        _ => bad("the fee's details do not add up to its total"),
    }
}

fn checked(v: Option<Decimal>) -> Result<Decimal, PricingError> {
    v.ok_or(PricingError::TooLarge)
}

/// How much of the bought asset `sold` buys at `price`, rounded down to `places`.
fn bought_with(sold: Decimal, price: Decimal, places: u32) -> Result<Decimal, PricingError> {
    let exact = checked(sold.checked_div(price))?;
    Ok(exact.round_dp_with_strategy(places, RoundingStrategy::ToZero))
}

fn fixed_buy(buy: Decimal, places: u32) -> Result<Decimal, PricingError> {
    match buy.normalize().scale() > places {
        true => Err(PricingError::TooPrecise(places)),
        false => Ok(buy),
    }
}

/// `sell - fee = price * buy`.
fn fee_in_sell(
    rate: &Rate,
    amount: QuoteAmount,
    places: u32,
) -> Result<(Decimal, Decimal), PricingError> {
    let buy = match amount {
        QuoteAmount::Buy(buy) => fixed_buy(buy, places)?,
        QuoteAmount::Sell(sell) => {
            let net = checked(sell.checked_sub(rate.fee))?;
            match net > Decimal::ZERO {
                true => bought_with(net, rate.price, places)?,
                false => return Err(PricingError::TooSmall),
            }
        }
    };
    let sell = checked(
        rate.price
            .checked_mul(buy)
            .and_then(|s| s.checked_add(rate.fee)),
    )?;
    Ok((sell, buy))
}

/// `sell = price * (buy + fee)`.
fn fee_in_buy(
    rate: &Rate,
    amount: QuoteAmount,
    places: u32,
) -> Result<(Decimal, Decimal), PricingError> {
    let gross = match amount {
        QuoteAmount::Buy(buy) => checked(fixed_buy(buy, places)?.checked_add(rate.fee))?,
        QuoteAmount::Sell(sell) => bought_with(sell, rate.price, places)?,
    };
    if gross.normalize().scale() > places {
        return Err(PricingError::BadRate(format!(
            "a fee in the bought asset may have at most {places} decimal places for this pair"
        )));
    }
    let buy = checked(gross.checked_sub(rate.fee))?;
    let sell = checked(rate.price.checked_mul(gross))?;
    Ok((sell, buy))
}

fn total_price(sell: Decimal, buy: Decimal) -> Result<Decimal, PricingError> {
    Ok(checked(sell.checked_div(buy))?
        .round_dp(TOTAL_PRICE_DECIMALS)
        .normalize())
}

/// Whether SEP-38's price formulas hold for `p` (see the module documentation): what every
/// answer of Polaris satisfies, and what tests assert.
pub fn formulas_hold(p: &Priced, sell: &AssetId) -> bool {
    let fee = p.fee.total;
    let fee_relation = match p.fee.asset == *sell {
        true => p.sell_amount.checked_sub(fee) == p.price.checked_mul(p.buy_amount),
        false => {
            Some(p.sell_amount)
                == p.buy_amount
                    .checked_add(fee)
                    .and_then(|g| g.checked_mul(p.price))
        }
    };
    let total = p
        .sell_amount
        .checked_div(p.buy_amount)
        .map(|t| t.round_dp(TOTAL_PRICE_DECIMALS));
    let parts = p
        .fee
        .details
        .iter()
        .try_fold(Decimal::ZERO, |sum, d| sum.checked_add(d.amount));
    fee_relation && total == Some(p.total_price) && (p.fee.details.is_empty() || parts == Some(fee))
}

#[cfg(test)]
mod tests;
