//! The in-process Horizon of the processor tests.
//!
//! The sandbox server runs inside the test process on an ephemeral port and the real
//! [`HorizonClient`] talks HTTP to it, exactly as it talks to testnet: nothing replaces the
//! client. On top of it, [`setup`] issues an asset with a distribution account and builds a
//! [`Context`] over a throw-away store (SQLite or PostgreSQL, from [`TestDatabase`]).

#![allow(dead_code)]

use std::sync::Arc;

use polaris_core::integrations::{Integrations, RailsIntegration};
use polaris_core::model::Asset;
use polaris_core::stellar::bootstrap::{ensure_asset, AssetSetup};
use polaris_core::stellar::tx::{Op, TransactionBuilder};
use polaris_core::stellar::{
    encode_xdr, fund_with_friendbot, Asset as StellarAsset, Horizon, HorizonClient, HorizonError,
    KeyPair, TransactionRecord,
};
use polaris_core::store::assets;
use polaris_core::testing::TestDatabase;
use polaris_core::Context;
use polaris_sandbox::{start, SandboxConfig, SandboxHandle};
use rust_decimal::Decimal;

/// One unit of the test asset SRT, in stroops.
pub const SRT: i64 = 10_000_000;

/// A sandbox on an ephemeral port of this process.
pub async fn sandbox() -> SandboxHandle {
    let config = SandboxConfig {
        workers: 2,
        ..Default::default()
    };
    start("127.0.0.1:0".parse().unwrap(), config).await.unwrap()
}

/// The Horizon client every Polaris component uses, pointed at the sandbox.
pub fn client(sb: &SandboxHandle) -> HorizonClient {
    HorizonClient::new(sb.url()).unwrap()
}

/// A new account funded by the sandbox friendbot.
pub async fn funded(sb: &SandboxHandle) -> KeyPair {
    let k = KeyPair::random();
    fund_with_friendbot(&sb.friendbot_url(), k.public_key())
        .await
        .unwrap();
    k
}

/// A transaction builder for `source` at its next sequence number.
pub async fn builder(h: &HorizonClient, source: &KeyPair) -> TransactionBuilder {
    let seq = h
        .load_account(source.public_key())
        .await
        .unwrap()
        .map_or(1, |a| a.sequence + 1);
    TransactionBuilder::new(source.public_key(), seq, 100).unwrap()
}

/// Signs `b` and submits it over HTTP.
pub async fn send(
    h: &HorizonClient,
    sb: &SandboxHandle,
    b: TransactionBuilder,
    signers: &[&KeyPair],
) -> Result<TransactionRecord, HorizonError> {
    let envelope = b.sign(signers, &sb.passphrase()).unwrap();
    h.submit(&encode_xdr(&envelope)).await
}

/// Submits one operation of `source`.
pub async fn op(
    h: &HorizonClient,
    sb: &SandboxHandle,
    source: &KeyPair,
    op: Op,
) -> Result<TransactionRecord, HorizonError> {
    let b = builder(h, source).await.op(op);
    send(h, sb, b, &[source]).await
}

/// A sandbox with SRT issued, its asset row and a context whose store and Horizon are real.
pub struct Setup {
    /// The running sandbox.
    pub sb: SandboxHandle,
    /// Settings, store, Horizon client and the rails under test.
    pub ctx: Context,
    /// SRT as stored (fixed fee 1 on deposits and withdrawals).
    pub asset: Asset,
    /// SRT on the ledger.
    pub stellar_asset: StellarAsset,
    /// The distribution account holding the supply.
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
    let asset = db.store.with_conn(|c| assets::upsert(c, &asset)).unwrap();
    let ctx = Context {
        settings: Arc::new(polaris_core::testing::settings(&[])),
        store: db.store.clone(),
        horizon: Arc::new(horizon) as Arc<dyn Horizon>,
        integrations: Integrations {
            rails: Some(rails),
            ..Default::default()
        },
    };
    Setup {
        sb,
        ctx,
        asset,
        stellar_asset,
        distribution,
    }
}

/// The SRT balance of `account`, in stroops (0 without a trustline), read over Horizon.
pub async fn srt_balance(s: &Setup, account: &str) -> i64 {
    let details = s.ctx.horizon.account(account).await.unwrap().unwrap();
    details.balance(&s.stellar_asset).map_or(0, |b| b.balance)
}
