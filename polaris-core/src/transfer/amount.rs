//! Amounts: parsing, limits, checked arithmetic, rounding and their text.
//!
//! Every amount Polaris handles is a [`Decimal`]. Arithmetic is checked: an amount too
//! large to compute with is `None` here and a 400 for the wallet, never a panic. Stroops
//! (the 7-decimal integers of the Stellar ledger) are converted here too; the text form
//! Horizon uses for them is in [`crate::stellar::amount`].

use rust_decimal::prelude::ToPrimitive;
use rust_decimal::Decimal;

use crate::error::ApiError;
use crate::model::{Asset, OperationConfig};

/// Decimal places of the Stellar ledger: one unit is 10,000,000 stroops.
pub const STELLAR_DECIMALS: u32 = 7;

/// Parses the text of a client's amount: a positive decimal number with at most the
/// asset's significant decimals. The 400 names the parameter `name`.
pub fn parse(name: &str, text: &str, asset: &Asset) -> Result<Decimal, ApiError> {
    let amount = positive(name, text)?;
    check_decimals(asset, amount)?;
    Ok(amount)
}

/// Parses the text of a client's amount: a positive decimal number with at most `decimals`
/// decimal places (an asset that is not stored, e.g. an off-chain currency of SEP-38). The
/// 400 names the parameter `name`.
pub fn parse_decimals(name: &str, text: &str, decimals: u32) -> Result<Decimal, ApiError> {
    let amount = positive(name, text)?;
    if amount.normalize().scale() > decimals {
        return Err(ApiError::bad_request(format!(
            "{name} has more than {decimals} decimal places"
        )));
    }
    Ok(amount)
}

fn positive(name: &str, text: &str) -> Result<Decimal, ApiError> {
    let amount: Decimal = text.trim().parse().map_err(|_| {
        ApiError::bad_request(format!("{name} must be a decimal number, got '{text}'"))
    })?;
    if amount <= Decimal::ZERO {
        return Err(ApiError::bad_request(format!("{name} must be positive")));
    }
    Ok(amount)
}

/// Refuses an amount with more decimal places than the asset's significant decimals.
pub fn check_decimals(asset: &Asset, amount: Decimal) -> Result<(), ApiError> {
    if amount.normalize().scale() > asset.significant_decimals {
        return Err(ApiError::bad_request(format!(
            "amount has more than {} decimal places",
            asset.significant_decimals
        )));
    }
    Ok(())
}

/// Refuses an amount outside the operation's `min_amount` / `max_amount`.
pub fn check_limits(config: &OperationConfig, amount: Decimal) -> Result<(), ApiError> {
    if let Some(min) = config.min_amount.filter(|m| amount < *m) {
        return Err(ApiError::bad_request(format!(
            "amount is below the minimum of {min}"
        )));
    }
    if let Some(max) = config.max_amount.filter(|m| amount > *m) {
        return Err(ApiError::bad_request(format!(
            "amount is above the maximum of {max}"
        )));
    }
    Ok(())
}

/// Refuses an amount above the operation's `max_amount` only (a fee preview while the
/// user is still typing accepts amounts below the minimum).
pub fn check_max(config: &OperationConfig, amount: Decimal) -> Result<(), ApiError> {
    match config.max_amount {
        Some(max) if amount > max => Err(ApiError::bad_request(format!(
            "amount is above the maximum of {max}"
        ))),
        Some(_) | None => Ok(()),
    }
}

/// Whether `amount` lies within the operation's limits.
pub fn within_limits(config: &OperationConfig, amount: Decimal) -> bool {
    check_limits(config, amount).is_ok()
}

/// The asset's own fee for `amount`: its fixed part plus its percent part, rounded to
/// `decimals`; `None` when it does not fit in a decimal (an absurdly large amount).
pub fn fixed_plus_percent(
    config: &OperationConfig,
    amount: Decimal,
    decimals: u32,
) -> Option<Decimal> {
    let fixed = config.fee_fixed.unwrap_or_default();
    let percent = config.fee_percent.unwrap_or_default();
    let part = amount
        .checked_mul(percent)?
        .checked_div(Decimal::ONE_HUNDRED)?;
    Some(fixed.checked_add(part)?.round_dp(decimals))
}

/// What the user gets of `amount_in` once `fee` is taken (`fee + out = in`); `None` when
/// the fee takes it all or more, or on overflow.
pub fn net_of_fee(amount_in: Decimal, fee: Decimal) -> Option<Decimal> {
    amount_in
        .checked_sub(fee)
        .filter(|out| *out > Decimal::ZERO)
}

/// What the user must send so that `amount_out` arrives after `fee` (`in = out + fee`);
/// `None` on overflow.
pub fn gross_of_fee(amount_out: Decimal, fee: Decimal) -> Option<Decimal> {
    amount_out.checked_add(fee)
}

/// `amount` rounded and padded to `decimals` places, as text: `fixed(1.5, 2) == "1.50"`.
pub fn fixed(amount: Decimal, decimals: u32) -> String {
    let mut a = amount.round_dp(decimals);
    a.rescale(decimals);
    a.to_string()
}

/// `amount` as a transaction object shows it: padded to the asset's `decimals`
/// (`"100.00"`), never rounded (a fee of `1.234` on a 2-decimal asset stays `"1.234"`),
/// so `amount_in - amount_fee = amount_out` holds in the text as in the records.
pub fn display(amount: Decimal, decimals: u32) -> String {
    let mut a = amount.normalize();
    if a.scale() < decimals {
        a.rescale(decimals);
    }
    a.to_string()
}

/// `amount` rounded to the ledger's 7 decimals.
pub fn round_to_ledger(amount: Decimal) -> Decimal {
    amount.round_dp(STELLAR_DECIMALS)
}

/// Stroops of a positive amount with at most 7 decimals; `None` otherwise or on overflow.
pub fn to_stroops(amount: Decimal) -> Option<i64> {
    let scaled = amount.checked_mul(Decimal::from(10_000_000))?;
    (scaled.fract().is_zero() && scaled > Decimal::ZERO)
        .then(|| scaled.to_i64())
        .flatten()
}

/// The decimal amount of `stroops`, without trailing zeros.
pub fn from_stroops(stroops: i64) -> Decimal {
    Decimal::new(stroops, STELLAR_DECIMALS).normalize()
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal_macros::dec;

    fn asset() -> Asset {
        let mut a = Asset::new("SRT", "GISSUER");
        a.significant_decimals = 2;
        a.deposit.min_amount = Some(dec!(1));
        a.deposit.max_amount = Some(dec!(1000));
        a
    }

    fn error(e: ApiError) -> String {
        e.body["error"].as_str().unwrap_or_default().to_string()
    }

    #[test]
    fn display_pads_to_the_decimals_and_keeps_every_digit() {
        assert_eq!(display(dec!(100), 2), "100.00");
        assert_eq!(display(dec!(100.0000000), 2), "100.00");
        assert_eq!(display(dec!(1.5), 2), "1.50");
        assert_eq!(display(dec!(1.234), 2), "1.234");
        assert_eq!(display(dec!(0.0000001), 7), "0.0000001");
        assert_eq!(display(dec!(3), 0), "3");
    }

    #[test]
    fn parsing_wants_a_positive_number_within_the_decimals() {
        let a = asset();
        assert_eq!(parse("amount", " 10.5 ", &a).ok(), Some(dec!(10.5)));
        assert_eq!(parse("amount", "10.50000", &a).ok(), Some(dec!(10.5)));
        let e = |t: &str| parse("amount", t, &a).map_err(error).err();
        assert_eq!(
            e("x").as_deref(),
            Some("amount must be a decimal number, got 'x'")
        );
        assert_eq!(e("0").as_deref(), Some("amount must be positive"));
        assert_eq!(e("-3").as_deref(), Some("amount must be positive"));
        assert_eq!(
            e("1.234").as_deref(),
            Some("amount has more than 2 decimal places")
        );
    }

    #[test]
    fn limits_are_inclusive_and_unset_ones_admit_everything() {
        let a = asset();
        assert!(check_limits(&a.deposit, dec!(1)).is_ok());
        assert!(check_limits(&a.deposit, dec!(1000)).is_ok());
        let low = check_limits(&a.deposit, dec!(0.5)).map_err(error);
        assert_eq!(
            low.err().as_deref(),
            Some("amount is below the minimum of 1")
        );
        let high = check_limits(&a.deposit, dec!(1000.01)).map_err(error);
        assert_eq!(
            high.err().as_deref(),
            Some("amount is above the maximum of 1000")
        );
        assert!(check_max(&a.deposit, dec!(0.5)).is_ok());
        assert!(check_max(&a.deposit, dec!(1001)).is_err());
        assert!(within_limits(&OperationConfig::enabled(), Decimal::MAX));
        assert!(!within_limits(&a.deposit, dec!(0.5)));
    }

    #[test]
    fn fees_combine_fixed_and_percent_and_refuse_overflow() {
        let mut op = OperationConfig::enabled();
        op.fee_fixed = Some(dec!(5));
        op.fee_percent = Some(dec!(1));
        assert_eq!(fixed_plus_percent(&op, dec!(200), 2), Some(dec!(7)));
        assert_eq!(fixed_plus_percent(&op, dec!(0.333), 2), Some(dec!(5.00)));
        let none = OperationConfig::enabled();
        assert_eq!(fixed_plus_percent(&none, dec!(200), 2), Some(dec!(0)));
        op.fee_percent = Some(dec!(1000));
        assert_eq!(fixed_plus_percent(&op, Decimal::MAX, 2), None);
    }

    #[test]
    fn fee_and_out_add_up_to_in_without_overflow() {
        assert_eq!(net_of_fee(dec!(100), dec!(2)), Some(dec!(98)));
        assert_eq!(net_of_fee(dec!(2), dec!(2)), None);
        assert_eq!(net_of_fee(dec!(1), dec!(2)), None);
        assert_eq!(net_of_fee(Decimal::MIN, Decimal::MAX), None);
        assert_eq!(gross_of_fee(dec!(98), dec!(2)), Some(dec!(100)));
        assert_eq!(gross_of_fee(Decimal::MAX, dec!(1)), None);
    }

    #[test]
    fn text_and_rounding() {
        assert_eq!(fixed(dec!(1.5), 2), "1.50");
        assert_eq!(fixed(dec!(1.555), 2), "1.56");
        assert_eq!(fixed(dec!(7), 0), "7");
        assert_eq!(round_to_ledger(dec!(1.123456789)), dec!(1.1234568));
    }

    #[test]
    fn stroops_round_trip_and_refuse_what_the_ledger_cannot_hold() {
        assert_eq!(to_stroops(dec!(12.34)), Some(123_400_000));
        assert_eq!(to_stroops(dec!(0.0000001)), Some(1));
        assert_eq!(to_stroops(dec!(0.00000001)), None);
        assert_eq!(to_stroops(dec!(0)), None);
        assert_eq!(to_stroops(dec!(-1)), None);
        assert_eq!(to_stroops(Decimal::MAX), None);
        assert_eq!(to_stroops(dec!(1000000000000)), None);
        assert_eq!(from_stroops(123_400_000), dec!(12.34));
        assert_eq!(from_stroops(123_400_000).to_string(), "12.34");
    }
}
