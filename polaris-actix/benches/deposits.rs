//! Deposits completed per second by `process-pending-deposits` against the sandbox ledger
//! over HTTP, with 1 and 3 workers, and the memory of a run over 100,000 pending rows; then
//! deposits per ledger at the network's pace (the sandbox closing a ledger every
//! `LEDGER_CLOSE_MS`, with stellar-core's transaction queue: one transaction per source
//! account and ledger).
//!
//! ```text
//! cargo bench -p polaris-actix --bench deposits                 # SQLite
//! POLARIS_TEST_DATABASE_URL=postgres://postgres@127.0.0.1/test \
//!   cargo bench -p polaris-actix --bench deposits               # and PostgreSQL
//! ```
//! Knobs: `DEPOSITS` (default 2000), `PENDING_ROWS` (default 100000); at the network's pace
//! `LEDGER_CLOSE_MS` (default 5000), `PACED_DEPOSITS` (without memo, default 500),
//! `PACED_MEMO_DEPOSITS` (one memo each, default 6), `PACED_WORKERS` (default 1); then the
//! same with `PACED_CHANNELS` channel accounts (default 100; `0` skips),
//! `PACED_CHANNEL_DEPOSITS` (default 5000) and `PACED_CHANNEL_MEMO_DEPOSITS` (default 500),
//! once with the funds arriving in the run (the first round marks them all received) and
//! once with the deposits already received (only payments timed).
//! Then `PACED_WITHDRAWALS` users (default 1000; `0` skips) pay a withdrawal each in one
//! ledger and one `watch-transactions` round matching them all is timed.
//! `PACED=0` skips the runs at the network's pace, `INSTANT=0` the others.
#![allow(missing_docs)]

#[path = "support/withdrawals.rs"]
mod withdrawals;

use std::sync::Arc;
use std::time::{Duration, Instant};

use polaris_actix::sandbox::{self, SandboxConfig, SandboxHandle};
use polaris_core::integrations::{Integrations, RailsIntegration};
use polaris_core::model::{Asset, Kind, MemoType, Protocol, Stage, Status, Transaction};
use polaris_core::processors::channels::ensure_pool;
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
    insert_deposits_as(b, to, count, with_memo, false)
}

/// Inserts `count` deposits waiting for their funds, or with `received` already received
/// (`pending_anchor`, ready to pay: the backlog a worker meets after an outage).
fn insert_deposits_as(b: &Bench, to: &[KeyPair], count: usize, with_memo: bool, received: bool) {
    b.ctx
        .store
        .with_conn(|c| {
            for i in 0..count {
                let account = to[i % to.len()].public_key();
                let mut tx = Transaction::new(Kind::Deposit, Protocol::Sep24, b.asset.id, account);
                tx.status = Status::PendingUserTransferStart;
                tx.to_address = Some(account.to_string());
                tx.amount_expected = Some(Decimal::from(2));
                if received {
                    tx.status = Status::PendingAnchor;
                    tx.stage = Stage::ReadyToPay;
                    tx.amount_in = Some(Decimal::from(2));
                    tx.amount_fee = Some(Decimal::ZERO);
                    tx.amount_out = Some(Decimal::from(2));
                }
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

/// Completed deposits in the database (earlier runs on the same database included).
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
    let done_before = completed(&b);
    let pool: Vec<Worker> = (0..workers).map(|_| Worker::new()).collect();
    let started = Instant::now();
    loop {
        let runs = pool.iter().map(|w| run_once(&b.ctx, w));
        for r in futures::future::join_all(runs).await {
            r.unwrap();
        }
        if completed(&b) - done_before >= count {
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

/// What a run at the network's pace did.
struct Paced {
    deposits: usize,
    ledgers: u32,
    seconds: f64,
}

/// One run at the network's pace.
#[derive(Debug, Clone, Copy)]
struct PacedRun {
    workers: usize,
    channels: u32,
    count: usize,
    with_memo: bool,
    /// The deposits are already received when the run starts: only payments are timed.
    received: bool,
    close: Duration,
}

/// Runs `workers` workers at the network's pace (a ledger every `close`) until `count`
/// deposits are completed; accounts (and the channel pool) are set up at the instant pace
/// first.
async fn paced(db: &TestDatabase, run: PacedRun) -> Paced {
    let PacedRun {
        workers,
        channels,
        count,
        ..
    } = run;
    let mut b = setup(db, Arc::new(FakeRails::new(Arrivals::Expected))).await;
    if channels > 0 {
        let n = channels.to_string();
        let key = "7e".repeat(32);
        let extra = [
            ("CHANNEL_ACCOUNTS", n.as_str()),
            ("SEED_ENCRYPTION_KEY", &key),
        ];
        b.ctx.settings = Arc::new(polaris_core::testing::settings(&extra));
        ensure_pool(&b.ctx, channels).await.expect("channel pool");
    }
    let mut wallets = Vec::new();
    for _ in 0..10 {
        wallets.push(wallet(&b).await);
    }
    insert_deposits_as(&b, &wallets, count, run.with_memo, run.received);
    let done_before = completed(&b);
    let pool: Vec<Worker> = (0..workers).map(|_| Worker::new()).collect();
    b.sb.set_ledger_close(Some(run.close));
    let first = b.sb.latest_ledger();
    let started = Instant::now();
    // Each worker loops on its own, as `process-pending-deposits --loop` copies do: one
    // worker's database work overlaps another's wait for the ledger.
    let loops = pool.iter().map(|w| {
        let b = &b;
        async move {
            while completed(b) - done_before < count {
                run_once(&b.ctx, w).await.unwrap();
                assert!(
                    started.elapsed().as_secs() < 1800,
                    "deposits did not complete"
                );
            }
        }
    });
    futures::future::join_all(loops).await;
    let run = Paced {
        deposits: count,
        ledgers: b.sb.latest_ledger() - first,
        seconds: started.elapsed().as_secs_f64(),
    };
    b.sb.stop().await;
    run
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

/// The database engines measured; every run gets a fresh database of its engine, so no run
/// meets the rows of another (the memory run leaves 100,000 pending deposits behind).
#[derive(Debug, Clone, Copy)]
enum Engine {
    Sqlite,
    Postgres,
}

fn fresh(engine: Engine) -> TestDatabase {
    match engine {
        Engine::Sqlite => TestDatabase::sqlite(),
        Engine::Postgres => TestDatabase::postgres().expect("POLARIS_TEST_DATABASE_URL is set"),
    }
}

async fn instant_runs(engines: &[Engine]) {
    let count = env_usize("DEPOSITS", 2000);
    let rows = env_usize("PENDING_ROWS", 100_000);
    println!("| database | workers | memo | deposits | deposits/s |");
    println!("|---|---|---|---|---|");
    for &engine in engines {
        for (workers, with_memo) in [(1, false), (3, false), (1, true), (3, true)] {
            let n = if with_memo { count / 4 } else { count };
            let rate = throughput(&fresh(engine), workers, n, with_memo).await;
            let memo = if with_memo { "each" } else { "none" };
            println!("| {engine:?} | {workers} | {memo} | {n} | {rate:.0} |");
        }
    }
    for &engine in engines {
        let (before, after, seconds) = memory(&fresh(engine), rows).await;
        println!(
            "{engine:?}: one round over {rows} pending deposits in {seconds} s: RSS {} MiB before, {} MiB after (peak {} MiB)",
            before / 1024,
            after / 1024,
            status_kib("VmHWM:") / 1024
        );
    }
}

async fn paced_runs(engines: &[Engine]) {
    let close = Duration::from_millis(env_usize("LEDGER_CLOSE_MS", 5000) as u64);
    let workers = env_usize("PACED_WORKERS", 1);
    let plain = env_usize("PACED_DEPOSITS", 500);
    let memo = env_usize("PACED_MEMO_DEPOSITS", 6);
    let channels = env_usize("PACED_CHANNELS", 100) as u32;
    let channel_plain = env_usize("PACED_CHANNEL_DEPOSITS", 5000);
    let channel_memo = env_usize("PACED_CHANNEL_MEMO_DEPOSITS", 500);
    let run = |channels, count, with_memo, received| PacedRun {
        workers,
        channels,
        count,
        with_memo,
        received,
        close,
    };
    let mut runs = vec![run(0, plain, false, false), run(0, memo, true, false)];
    if channels > 0 {
        for received in [false, true] {
            runs.extend([
                run(channels, channel_plain, false, received),
                run(channels, channel_memo, true, received),
            ]);
        }
    }
    println!();
    println!(
        "At the network's pace: a ledger every {} ms",
        close.as_millis()
    );
    println!(
        "| database | workers | channels | memo | funds arrive | deposits | ledgers | deposits/ledger | deposits/s |"
    );
    println!("|---|---|---|---|---|---|---|---|---|");
    for &engine in engines {
        for &spec in &runs {
            let run = paced(&fresh(engine), spec).await;
            let per_ledger = run.deposits as f64 / f64::from(run.ledgers.max(1));
            println!(
                "| {engine:?} | {workers} | {} | {} | {} | {} | {} | {per_ledger:.1} | {:.2} |",
                spec.channels,
                if spec.with_memo { "each" } else { "none" },
                if spec.received {
                    "before"
                } else {
                    "in the run"
                },
                run.deposits,
                run.ledgers,
                run.deposits as f64 / run.seconds
            );
        }
    }
}

/// Withdrawals paid in one ledger and matched by one `watch-transactions` round.
async fn withdrawal_runs(engines: &[Engine]) {
    let count = env_usize("PACED_WITHDRAWALS", 1000);
    if count == 0 {
        return;
    }
    let close = Duration::from_millis(env_usize("LEDGER_CLOSE_MS", 5000) as u64);
    println!();
    println!(
        "Withdrawals paid at the network's pace, then matched by one watch-transactions round"
    );
    println!("| database | withdrawals | ledgers of the payments | matching round (s) |");
    println!("|---|---|---|---|");
    for &engine in engines {
        let run = withdrawals::matched(&fresh(engine), count, close).await;
        println!(
            "| {engine:?} | {} | {} | {:.2} |",
            run.count, run.ledgers, run.seconds
        );
    }
}

#[tokio::main]
async fn main() {
    let mut engines = vec![Engine::Sqlite];
    if std::env::var("POLARIS_TEST_DATABASE_URL").is_ok_and(|v| !v.is_empty()) {
        engines.push(Engine::Postgres);
    } else {
        eprintln!("PostgreSQL skipped: set POLARIS_TEST_DATABASE_URL to include it");
    }
    if std::env::var("INSTANT").as_deref() != Ok("0") {
        instant_runs(&engines).await;
    }
    if std::env::var("PACED").as_deref() != Ok("0") {
        paced_runs(&engines).await;
        withdrawal_runs(&engines).await;
    }
}
