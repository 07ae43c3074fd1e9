//! Deposits completed per second by `process-pending-deposits` against the sandbox ledger
//! over HTTP, with 1 and 3 workers, and the memory of a run over 100,000 pending rows.
//!
//! ```text
//! cargo bench -p polaris-actix --bench deposits                 # SQLite
//! POLARIS_TEST_DATABASE_URL=postgres://postgres@127.0.0.1/test \
//!   cargo bench -p polaris-actix --bench deposits               # and PostgreSQL
//! ```
//! Knobs: `DEPOSITS` (default 2000), `PENDING_ROWS` (default 100000).
#![allow(missing_docs)]

use std::sync::Arc;
use std::time::Instant;

use polaris_actix::sandbox::{self, SandboxConfig, SandboxHandle};
use polaris_core::integrations::{Integrations, RailsIntegration};
use polaris_core::model::{Asset, Kind, MemoType, Protocol, Status, Transaction};
use polaris_core::processors::deposits::run_once;
use polaris_core::processors::Worker;
use polaris_core::stellar::bootstrap::{ensure_asset, AssetSetup};
use polaris_core::stellar::tx::{Op, TransactionBuilder};
use polaris_core::stellar::{
    encode_xdr, fund_with_friendbot, Asset as StellarAsset, Horizon, HorizonClient, KeyPair,
};
use polaris_core::store::transactions;
use polaris_core::testing::{context, store_asset, Arrivals, FakeRails, TestDatabase};
use polaris_core::Context;
use rust_decimal::Decimal;

struct Bench {
    sb: SandboxHandle,
    ctx: Context,
    asset: Asset,
    stellar_asset: StellarAsset,
}

fn env_usize(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// A memory figure of this process from /proc/self/status (`VmRSS`, `VmHWM`), in KiB.
fn status_kib(field: &str) -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find_map(|l| l.strip_prefix(field))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        })
        .unwrap_or(0)
}

async fn setup(db: &TestDatabase, rails: Arc<dyn RailsIntegration>) -> Bench {
    let config = SandboxConfig {
        workers: 1,
        ..Default::default()
    };
    let sb = sandbox::start("127.0.0.1:0".parse().unwrap(), config)
        .await
        .unwrap();
    let horizon = HorizonClient::new(sb.url()).unwrap();
    let (issuer, distribution) = (KeyPair::random(), KeyPair::random());
    let setup = AssetSetup {
        code: "SRT",
        issuer: &issuer,
        distribution: &distribution,
        supply: 100_000_000 * 10_000_000,
        passphrase: &sb.passphrase(),
    };
    let stellar_asset = ensure_asset(&horizon, &sb.friendbot_url(), &setup)
        .await
        .unwrap();
    let mut asset = Asset::new("SRT", issuer.public_key());
    asset.distribution_seed = Some(distribution.seed());
    asset.deposit.fee_fixed = Some(Decimal::ONE);
    let asset = store_asset(&db.store, &asset);
    let integrations = Integrations {
        rails: Some(rails),
        ..Default::default()
    };
    let mut ctx = context(&db.store, integrations);
    ctx.horizon = Arc::new(horizon) as Arc<dyn Horizon>;
    Bench {
        sb,
        ctx,
        asset,
        stellar_asset,
    }
}

/// A funded account trusting the asset.
async fn wallet(b: &Bench) -> KeyPair {
    let k = KeyPair::random();
    fund_with_friendbot(&b.sb.friendbot_url(), k.public_key())
        .await
        .unwrap();
    let seq = b
        .ctx
        .horizon
        .load_account(k.public_key())
        .await
        .unwrap()
        .unwrap()
        .sequence
        + 1;
    let env = TransactionBuilder::new(k.public_key(), seq, 100)
        .unwrap()
        .op(Op::trust(&b.stellar_asset))
        .sign(&[&k], &b.sb.passphrase())
        .unwrap();
    b.ctx.horizon.submit(&encode_xdr(&env)).await.unwrap();
    k
}

fn insert_deposits(b: &Bench, to: &[KeyPair], count: usize, with_memo: bool) {
    b.ctx
        .store
        .with_conn(|c| {
            for i in 0..count {
                let account = to[i % to.len()].public_key();
                let mut tx = Transaction::new(Kind::Deposit, Protocol::Sep24, b.asset.id, account);
                tx.status = Status::PendingUserTransferStart;
                tx.to_address = Some(account.to_string());
                tx.amount_expected = Some(Decimal::from(2));
                if with_memo {
                    tx.memo = Some(i.to_string());
                    tx.memo_type = MemoType::Id;
                }
                transactions::insert(c, &tx)?;
            }
            Ok(())
        })
        .unwrap();
}

fn completed(b: &Bench) -> usize {
    b.ctx
        .store
        .with_conn(|c| {
            transactions::pending(c, Kind::Deposit, &[Status::Completed], None, None, i64::MAX)
        })
        .unwrap()
        .len()
}

/// Runs `workers` workers until `count` deposits are completed; deposits per second.
async fn throughput(db: &TestDatabase, workers: usize, count: usize, with_memo: bool) -> f64 {
    let b = setup(db, Arc::new(FakeRails::new(Arrivals::Expected))).await;
    let mut wallets = Vec::new();
    for _ in 0..10 {
        wallets.push(wallet(&b).await);
    }
    insert_deposits(&b, &wallets, count, with_memo);
    let pool: Vec<Worker> = (0..workers).map(|_| Worker::new()).collect();
    let started = Instant::now();
    loop {
        let runs = pool.iter().map(|w| run_once(&b.ctx, w));
        for r in futures::future::join_all(runs).await {
            r.unwrap();
        }
        if completed(&b) >= count {
            break;
        }
        assert!(
            started.elapsed().as_secs() < 600,
            "deposits did not complete"
        );
    }
    let rate = count as f64 / started.elapsed().as_secs_f64();
    b.sb.stop().await;
    rate
}

/// Peak memory before and after a round over `rows` pending deposits none of which arrived.
async fn memory(db: &TestDatabase, rows: usize) -> (u64, u64, u64) {
    let b = setup(db, Arc::new(FakeRails::new(Arrivals::None))).await;
    let wallets = vec![KeyPair::random()];
    insert_deposits(&b, &wallets, rows, false);
    let before = status_kib("VmRSS:");
    let worker = Worker::new();
    let started = Instant::now();
    run_once(&b.ctx, &worker).await.unwrap();
    let seconds = started.elapsed().as_secs();
    let after = status_kib("VmRSS:");
    b.sb.stop().await;
    (before, after, seconds)
}

#[tokio::main]
async fn main() {
    let count = env_usize("DEPOSITS", 2000);
    let rows = env_usize("PENDING_ROWS", 100_000);
    let mut dbs = vec![TestDatabase::sqlite()];
    if let Some(pg) = TestDatabase::postgres() {
        dbs.push(pg);
    } else {
        eprintln!("PostgreSQL skipped: set POLARIS_TEST_DATABASE_URL to include it");
    }
    println!("| database | workers | memo | deposits | deposits/s |");
    println!("|---|---|---|---|---|");
    for db in &dbs {
        for (workers, with_memo) in [(1, false), (3, false), (1, true), (3, true)] {
            let n = if with_memo { count / 4 } else { count };
            let rate = throughput(db, workers, n, with_memo).await;
            let memo = if with_memo { "each" } else { "none" };
            println!(
                "| {:?} | {workers} | {memo} | {n} | {rate:.0} |",
                db.backend()
            );
        }
    }
    for db in &dbs {
        let (before, after, seconds) = memory(db, rows).await;
        println!(
            "{:?}: one round over {rows} pending deposits in {seconds} s: RSS {} MiB before, {} MiB after (peak {} MiB)",
            db.backend(),
            before / 1024,
            after / 1024,
            status_kib("VmHWM:") / 1024
        );
    }
}
