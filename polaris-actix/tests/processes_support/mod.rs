//! Shared setup of the process tests: a sandbox with the asset SRT issued, a store, a context.
#![allow(dead_code)]

use std::sync::Arc;

use polaris_actix::sandbox::SandboxHandle;
use polaris_core::integrations::{Integrations, RailsIntegration};
use polaris_core::model::Asset;
use polaris_core::stellar::bootstrap::{ensure_asset, AssetSetup};
use polaris_core::stellar::{Asset as StellarAsset, Horizon, KeyPair};
use polaris_core::testing::{context, store_asset, TestDatabase};
use polaris_core::Context;
use rust_decimal::Decimal;

use crate::sandbox_support::{client, sandbox};

pub const SRT: i64 = 10_000_000;

pub struct Setup {
    pub sb: SandboxHandle,
    pub ctx: Context,
    pub asset: Asset,
    pub stellar_asset: StellarAsset,
    pub distribution: KeyPair,
}

/// A sandbox with SRT issued (fixed fee 1), the asset stored in `db`, and a context using `rails`.
pub async fn setup(db: &TestDatabase, rails: Arc<dyn RailsIntegration>) -> Setup {
    let sb = sandbox().await;
    let horizon = client(&sb);
    let (issuer, distribution) = (KeyPair::random(), KeyPair::random());
    let setup = AssetSetup {
        code: "SRT",
        issuer: &issuer,
        distribution: &distribution,
        supply: 1_000_000 * SRT,
        passphrase: &sb.passphrase(),
    };
    let stellar_asset = ensure_asset(&horizon, &sb.friendbot_url(), &setup)
        .await
        .unwrap();
    let mut asset = Asset::new("SRT", issuer.public_key());
    asset.distribution_seed = Some(distribution.seed());
    asset.deposit.fee_fixed = Some(Decimal::ONE);
    asset.withdrawal.fee_fixed = Some(Decimal::ONE);
    let asset = store_asset(&db.store, &asset);
    let integrations = Integrations {
        rails: Some(rails),
        ..Default::default()
    };
    let mut ctx = context(&db.store, integrations);
    ctx.horizon = Arc::new(horizon) as Arc<dyn Horizon>;
    Setup {
        sb,
        ctx,
        asset,
        stellar_asset,
        distribution,
    }
}
