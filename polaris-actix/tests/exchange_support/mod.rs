//! What the exchange tests of SEP-6 and SEP-24 share: a SEP-6 integration that accepts every
//! transfer, a quote desk from a fixed rate table, and a context with a stored asset.
#![allow(dead_code)]

use async_trait::async_trait;
use polaris_core::integrations::{
    FeeAsset, IntegrationError, Integrations, OffchainAsset, Rate, Sep6Integration, Sep6Request,
    Sep6Response,
};
use polaris_core::model::{Asset, AssetId};
use polaris_core::stellar::KeyPair;
use polaris_core::testing::{store_asset, RateTable, TestDatabase};
use polaris_core::Context;
use rust_decimal::Decimal;

/// Accepts every deposit and withdrawal.
pub struct Accept;

#[async_trait]
impl Sep6Integration for Accept {
    async fn process_deposit(
        &self,
        _request: &Sep6Request<'_>,
    ) -> Result<Sep6Response, IntegrationError> {
        Ok(success())
    }

    async fn process_withdrawal(
        &self,
        _request: &Sep6Request<'_>,
    ) -> Result<Sep6Response, IntegrationError> {
        Ok(success())
    }
}

pub fn success() -> Sep6Response {
    Sep6Response::Success {
        how: None,
        instructions: None,
        extra_info: None,
        eta: None,
    }
}

pub fn d(text: &str) -> Decimal {
    text.parse().expect("a decimal")
}

/// USD against the token 1:1, a 1 USD fee on the way in, 1 USD on the way out; EUR offered
/// but never priced against the token.
pub fn desk(token: &AssetId) -> RateTable {
    let offchain = vec![
        OffchainAsset::new("USD", 2)
            .sell_method("WIRE", "a wire")
            .buy_method("bank_account", "to your bank account"),
        OffchainAsset::new("EUR", 2),
    ];
    RateTable::new(offchain)
        .rate(
            AssetId::fiat("USD").unwrap(),
            token.clone(),
            Rate::new(d("1")).with_fee(d("1"), FeeAsset::Sell),
        )
        .rate(
            token.clone(),
            AssetId::fiat("USD").unwrap(),
            Rate::new(d("1")).with_fee(d("1"), FeeAsset::Buy),
        )
}

/// A context with a stored token, with or without the quote desk.
pub struct Setup {
    /// The context.
    pub ctx: Context,
    /// The stored asset.
    pub asset: Asset,
    /// Its SEP-38 id.
    pub token: AssetId,
}

pub fn setup(db: &TestDatabase, quotes: bool) -> Setup {
    setup_with(db, quotes, |_| {})
}

/// [`setup`] with the asset changed by `edit` before it is stored.
pub fn setup_with(db: &TestDatabase, quotes: bool, edit: impl FnOnce(&mut Asset)) -> Setup {
    let mut asset = Asset::new("SRT", KeyPair::random().public_key());
    asset.distribution_seed = Some(KeyPair::random().seed());
    edit(&mut asset);
    let asset = store_asset(&db.store, &asset);
    let token = AssetId::of_asset(&asset);
    let integrations = Integrations {
        quote: quotes.then(|| std::sync::Arc::new(desk(&token)) as _),
        sep6: std::sync::Arc::new(Accept),
        ..Default::default()
    };
    Setup {
        ctx: polaris_core::testing::context(&db.store, integrations),
        asset,
        token,
    }
}
