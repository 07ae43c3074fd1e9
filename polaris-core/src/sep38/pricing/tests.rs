use rust_decimal::Decimal;
use rust_decimal_macros::dec;

use super::*;
use crate::model::FeeDetail;

const ISSUER: &str = "GCZJM35NKGVK47BB4SPBDV25477PZYIYPVVG453LPYFNXLS3FGHDXOCM";

fn usd() -> AssetId {
    AssetId::fiat("USD").unwrap()
}

fn token() -> AssetId {
    AssetId::parse(&format!("stellar:USDC:{ISSUER}")).unwrap()
}

fn rate(price: Decimal, fee: Decimal, asset: FeeAsset) -> Rate {
    Rate::new(price).with_fee(fee, asset)
}

#[test]
fn the_spec_example_with_a_fee_in_the_sold_asset() {
    // Selling BRL for 100 USDC at 5 BRL per USDC with a fee of 42 BRL.
    let r = rate(dec!(5), dec!(42), FeeAsset::Sell);
    let p = price(&r, QuoteAmount::Buy(dec!(100)), &usd(), &token(), 2).unwrap();
    assert_eq!(p.sell_amount, dec!(542));
    assert_eq!(p.total_price, dec!(5.42));
    assert_eq!(p.fee.asset, usd());
    assert!(formulas_hold(&p, &usd()));
    let p = price(&r, QuoteAmount::Sell(dec!(542)), &usd(), &token(), 2).unwrap();
    assert_eq!((p.sell_amount, p.buy_amount), (dec!(542), dec!(100)));
}

#[test]
fn the_spec_example_with_a_fee_in_the_bought_asset() {
    // Selling 100 USDC for BRL at 0.18 USDC per BRL, the fee taken from the BRL.
    let r = rate(dec!(0.18), dec!(55.55), FeeAsset::Buy);
    let p = price(&r, QuoteAmount::Buy(dec!(500)), &token(), &usd(), 2).unwrap();
    assert_eq!(p.sell_amount, dec!(99.999));
    assert_eq!(p.fee.asset, usd());
    assert!(formulas_hold(&p, &token()));
}

#[test]
fn a_fixed_sell_amount_buys_what_it_can_and_never_more() {
    let r = rate(dec!(1.08), dec!(1), FeeAsset::Sell);
    let p = price(&r, QuoteAmount::Sell(dec!(100)), &usd(), &token(), 2).unwrap();
    // (100 - 1) / 1.08 = 91.666.. -> 91.66; 1.08 * 91.66 + 1 = 99.9928.
    assert_eq!(p.buy_amount, dec!(91.66));
    assert_eq!(p.sell_amount, dec!(99.9928));
    assert!(p.sell_amount <= dec!(100));
    assert_eq!(p.total_price, dec!(1.0909098844));
    assert!(formulas_hold(&p, &usd()));
}

#[test]
fn the_formulas_hold_across_prices_fees_and_amounts() {
    let prices = [
        dec!(1),
        dec!(0.92),
        dec!(1.0875),
        dec!(5.4213),
        dec!(0.00012),
        dec!(3),
    ];
    let fees = [dec!(0), dec!(0.5), dec!(1.25), dec!(3)];
    let amounts = [dec!(1), dec!(7.77), dec!(100), dec!(12345.67), dec!(0.01)];
    let mut priced = 0;
    for price_ in prices {
        for fee in fees {
            for asset in [FeeAsset::Sell, FeeAsset::Buy] {
                let r = rate(price_, fee, asset).with_detail(FeeDetail::new("service", fee));
                for amount in amounts {
                    for fixed in [QuoteAmount::Sell(amount), QuoteAmount::Buy(amount)] {
                        match price(&r, fixed, &usd(), &token(), 2) {
                            Ok(p) => {
                                assert!(formulas_hold(&p, &usd()), "{r:?} {fixed:?}: {p:?}");
                                assert!(p.sell_amount.scale() <= 7 && p.buy_amount.scale() <= 7);
                                priced += 1;
                            }
                            Err(PricingError::TooSmall | PricingError::TooPrecise(_)) => {}
                            Err(e) => panic!("{r:?} {fixed:?}: {e:?}"),
                        }
                    }
                }
            }
        }
    }
    assert!(priced > 300, "{priced}");
}

#[test]
fn unusable_rates_and_amounts_are_refused_without_a_panic() {
    let sell = QuoteAmount::Sell(dec!(10));
    let bad = |r: Rate| {
        matches!(
            price(&r, sell, &usd(), &token(), 2),
            Err(PricingError::BadRate(_))
        )
    };
    assert!(bad(Rate::new(Decimal::ZERO)));
    assert!(bad(Rate::new(dec!(-1))));
    assert!(bad(Rate::new(dec!(0.123456789))));
    assert!(bad(rate(dec!(1), dec!(-1), FeeAsset::Sell)));
    assert!(bad(
        rate(dec!(1), dec!(2), FeeAsset::Sell).with_detail(FeeDetail::new("a", dec!(1)))
    ));
    let r = rate(dec!(1), dec!(10), FeeAsset::Sell);
    assert_eq!(
        price(&r, sell, &usd(), &token(), 2),
        Err(PricingError::TooSmall)
    );
    let r = rate(dec!(1.5), dec!(0), FeeAsset::Sell);
    assert_eq!(
        price(&r, QuoteAmount::Buy(dec!(1.001)), &usd(), &token(), 2),
        Err(PricingError::TooPrecise(2))
    );
    let r = rate(dec!(1000000), dec!(0), FeeAsset::Sell);
    assert_eq!(
        price(&r, QuoteAmount::Buy(Decimal::MAX), &usd(), &token(), 2),
        Err(PricingError::TooLarge)
    );
    assert_eq!(
        price(&r, QuoteAmount::Sell(dec!(0.01)), &usd(), &token(), 2),
        Err(PricingError::TooSmall)
    );
}
