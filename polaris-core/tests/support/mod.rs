//! The in-process Horizon of the processor tests.
//!
//! The sandbox server runs inside the test process on an ephemeral port and the real
//! [`HorizonClient`] talks HTTP to it, exactly as it talks to testnet: nothing replaces the
//! client. On top of it, [`setup`] issues an asset with a distribution account and builds a
//! [`Context`] over a throw-away store (SQLite or PostgreSQL, from [`TestDatabase`]).

#![allow(dead_code)]

use std::sync::Arc;

use polaris_core::integrations::{Integrations, RailsIntegration};
use polaris_core::model::{Asset, Kind, MemoType, Protocol, Status, Transaction};
use polaris_core::stellar::bootstrap::{ensure_asset, AssetSetup};
use polaris_core::stellar::{Asset as StellarAsset, Horizon, KeyPair};
use polaris_core::store::{assets, transactions};
use polaris_core::testing::TestDatabase;
use polaris_core::Context;
#[allow(unused_imports)] // each test binary uses some of them
pub use polaris_sandbox::testing::{builder, client, funded, op, sandbox, send};
use polaris_sandbox::SandboxHandle;
use rust_decimal::Decimal;

/// One unit of the test asset SRT, in stroops.
pub const SRT: i64 = 10_000_000;

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
        metrics: Default::default(),
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

/// A SEP-24 deposit of `amount` SRT to `to`, waiting for the user's transfer, with an id
/// memo when given.
pub fn deposit(s: &Setup, to: &str, amount: i64, memo: Option<u64>) -> Transaction {
    let mut tx = Transaction::new(Kind::Deposit, Protocol::Sep24, s.asset.id, to);
    tx.status = Status::PendingUserTransferStart;
    tx.to_address = Some(to.to_string());
    tx.amount_expected = Some(Decimal::from(amount));
    if let Some(m) = memo {
        tx.memo = Some(m.to_string());
        tx.memo_type = MemoType::Id;
    }
    s.ctx
        .store
        .with_conn(|c| transactions::insert(c, &tx))
        .unwrap();
    tx
}

/// `tx` as stored now.
pub fn load(s: &Setup, tx: &Transaction) -> Transaction {
    s.ctx
        .store
        .with_conn(|c| transactions::by_id(c, tx.id))
        .unwrap()
        .unwrap()
}
