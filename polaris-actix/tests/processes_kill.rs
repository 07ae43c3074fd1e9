//! Kill tests: a deposit worker process is killed with SIGKILL at random moments, again and
//! again, while the sandbox holds every submission for a while after applying it (so many
//! kills land between the payment and the database update). In the end every deposit is
//! completed, paid exactly once, and none is falsely in error. On SQLite and PostgreSQL.
//!
//! With channel accounts (`CHANNEL_ACCOUNTS=4`) the kills also land while the worker creates
//! the channel pool, leases channels, binds them to envelopes and pays from them; then every
//! envelope came from a channel, and no channel stays bound.
//!
//! The worker is this test binary itself, re-run with `POLARIS_KILL_WORKER=1` (see
//! `worker_process`). The scenarios run one at a time, so their timings do not mix.

use std::process::{Command, Stdio};
use std::sync::Arc;
use std::time::Duration;

use polaris_actix::sandbox::testing::{client, funded, op, sandbox};
use polaris_actix::sandbox::SandboxHandle;
use polaris_core::integrations::Integrations;
use polaris_core::model::{Asset, Kind, MemoType, Protocol, Status, Transaction};
use polaris_core::processors::deposits::run_once;
use polaris_core::processors::Worker;
use polaris_core::stellar::bootstrap::{ensure_asset, AssetSetup};
use polaris_core::stellar::tx::Op;
use polaris_core::stellar::{Horizon, HorizonClient, KeyPair};
use polaris_core::store::{assets, channels, transactions, Store};
use polaris_core::testing::{Arrivals, FakeRails, TestDatabase};
use polaris_core::Context;
use rust_decimal::Decimal;
use uuid::Uuid;

/// How one kill test runs.
#[derive(Debug, Clone, Copy)]
struct Scenario {
    /// `CHANNEL_ACCOUNTS` of the workers (0: none).
    channels: usize,
    /// Deposits to pay, half of them with a memo.
    deposits: i64,
    /// Each worker lives `base_ms` plus up to `spread_ms` before it is killed.
    base_ms: u64,
    spread_ms: u64,
}

const PLAIN: Scenario = Scenario {
    channels: 0,
    deposits: 20,
    base_ms: 60,
    spread_ms: 400,
};

const CHANNELS: Scenario = Scenario {
    channels: 4,
    deposits: 40,
    base_ms: 100,
    spread_ms: 600,
};

const TRIALS: usize = 24;
const SRT: i64 = 10_000_000;

/// One scenario at a time: both share the machine's cores and their kills are timed.
static ONE_AT_A_TIME: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

fn context(store: Store, horizon: Arc<dyn Horizon>, channels: usize) -> Context {
    let integrations = Integrations {
        rails: Some(Arc::new(FakeRails::new(Arrivals::Expected))),
        ..Default::default()
    };
    let mut ctx = polaris_core::testing::context(&store, integrations);
    ctx.horizon = horizon;
    if channels > 0 {
        let n = channels.to_string();
        ctx.settings = Arc::new(polaris_core::testing::settings(&[
            ("CHANNEL_ACCOUNTS", n.as_str()),
            ("SEED_ENCRYPTION_KEY", &"7e".repeat(32)),
        ]));
    }
    ctx
}

fn short_lease_worker() -> Worker {
    Worker {
        lease: Duration::from_millis(300),
        ..Worker::new()
    }
}

/// The worker process: rounds of process-pending-deposits until killed.
#[actix_web::test]
#[ignore = "run by the kill tests as a child process"]
async fn worker_process() {
    if std::env::var("POLARIS_KILL_WORKER").as_deref() != Ok("1") {
        return;
    }
    let store = Store::connect(&std::env::var("KILL_DATABASE_URL").unwrap(), 2)
        .unwrap()
        .with_seed_key(Some(polaris_core::testing::seed_key()));
    let horizon =
        Arc::new(HorizonClient::new(&std::env::var("KILL_HORIZON_URL").unwrap()).unwrap());
    let channels = std::env::var("KILL_CHANNELS").unwrap().parse().unwrap();
    let ctx = context(store, horizon, channels);
    let worker = short_lease_worker();
    loop {
        let _ = run_once(&ctx, &worker).await;
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

#[actix_web::test]
async fn killed_workers_pay_every_deposit_exactly_once() {
    let _turn = ONE_AT_A_TIME.lock().await;
    for db in TestDatabase::all() {
        let run = kill_trials(&db, PLAIN).await;
        run.sb.stop().await;
    }
}

#[actix_web::test]
async fn killed_workers_pay_every_deposit_exactly_once_from_channels() {
    let _turn = ONE_AT_A_TIME.lock().await;
    for db in TestDatabase::all() {
        let run = kill_trials(&db, CHANNELS).await;
        // The next round releases the channels of settled envelopes: none stays bound.
        run_once(&run.ctx, &short_lease_worker()).await.unwrap();
        let pool = db.store.with_conn(channels::all).unwrap();
        assert_eq!(pool.len(), CHANNELS.channels, "the pool was made once");
        assert!(pool.iter().all(|c| c.bound_hash.is_none()), "{pool:?}");
        let keys: Vec<&str> = pool.iter().map(|c| c.public_key()).collect();
        for id in &run.ids {
            let tx = stored(&db, *id);
            let record = run
                .ctx
                .horizon
                .transaction(tx.stellar_transaction_id.as_deref().unwrap())
                .await
                .unwrap()
                .unwrap();
            assert!(
                keys.contains(&record.source_account.as_str()),
                "sent from a channel"
            );
        }
        run.sb.stop().await;
    }
}

/// What a scenario leaves for its own checks.
struct Run {
    sb: SandboxHandle,
    ctx: Context,
    ids: Vec<Uuid>,
}

fn stored(db: &TestDatabase, id: Uuid) -> Transaction {
    db.store
        .with_conn(|c| transactions::by_id(c, id))
        .unwrap()
        .unwrap()
}

/// Kills `TRIALS` workers, then lets a last one finish, and checks that every deposit is
/// completed and paid exactly once. Half the deposits carry a memo (an envelope each), half
/// do not (sharing envelopes), so kills land in single and batched payments alike.
async fn kill_trials(db: &TestDatabase, scenario: Scenario) -> Run {
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
    let srt = ensure_asset(&horizon, &sb.friendbot_url(), &setup)
        .await
        .unwrap();
    let user = funded(&sb).await;
    op(&horizon, &sb, &user, Op::trust(&srt)).await.unwrap();
    let mut asset = Asset::new("SRT", issuer.public_key());
    asset.distribution_seed = Some(distribution.seed());
    let asset = db.store.with_conn(|c| assets::upsert(c, &asset)).unwrap();
    let ids = insert_deposits(db, &asset, &user, scenario.deposits);
    sb.faults()
        .set_latency_after_apply(Duration::from_millis(120));
    kill_workers(db, &sb, scenario).await;

    let by_status = |status| {
        db.store
            .with_conn(|c| transactions::pending(c, Kind::Deposit, &[status], None, None, 1000))
            .unwrap()
            .len()
    };
    let (completed, in_flight) = (
        by_status(Status::Completed),
        by_status(Status::PendingStellar),
    );
    eprintln!(
        "{:?}, {scenario:?}: after {TRIALS} killed workers: {completed} completed, {in_flight} left in pending_stellar",
        db.backend()
    );
    assert!(completed > 0, "the killed workers made progress");
    // A last worker, once the killed workers' leases expired, finishes what is left.
    sb.faults().set_latency_after_apply(Duration::ZERO);
    let ctx = context(db.store.clone(), Arc::new(client(&sb)), scenario.channels);
    let worker = short_lease_worker();
    for _ in 0..20 {
        tokio::time::sleep(Duration::from_millis(350)).await;
        run_once(&ctx, &worker).await.unwrap();
        if by_status(Status::Completed) as i64 == scenario.deposits {
            break;
        }
    }
    for id in &ids {
        let tx = stored(db, *id);
        assert_eq!(tx.status, Status::Completed, "{tx:?}");
    }
    let paid = horizon.account(user.public_key()).await.unwrap().unwrap();
    let balance = paid.balance(&srt).map_or(0, |b| b.balance);
    let expected: i64 = (1..=scenario.deposits).map(|a| a * SRT).sum();
    assert_eq!(balance, expected, "every deposit paid exactly once");
    Run { sb, ctx, ids }
}

fn insert_deposits(db: &TestDatabase, asset: &Asset, user: &KeyPair, count: i64) -> Vec<Uuid> {
    let mut ids = Vec::new();
    for i in 0..count {
        let mut tx = Transaction::new(Kind::Deposit, Protocol::Sep24, asset.id, user.public_key());
        tx.status = Status::PendingUserTransferStart;
        tx.to_address = Some(user.public_key().to_string());
        tx.amount_expected = Some(Decimal::from(i + 1));
        if i % 2 == 0 {
            tx.memo = Some(i.to_string());
            tx.memo_type = MemoType::Id;
        }
        db.store
            .with_conn(|c| transactions::insert(c, &tx))
            .unwrap();
        ids.push(tx.id);
    }
    ids
}

/// Starts `TRIALS` worker processes one after the other, each killed after a random while.
async fn kill_workers(db: &TestDatabase, sb: &SandboxHandle, scenario: Scenario) {
    let me = std::env::current_exe().unwrap();
    for trial in 0..TRIALS {
        let mut child = Command::new(&me)
            .args(["--exact", "worker_process", "--ignored", "--test-threads=1"])
            .env("POLARIS_KILL_WORKER", "1")
            .env("KILL_DATABASE_URL", &db.url)
            .env("KILL_HORIZON_URL", sb.url())
            .env("KILL_CHANNELS", scenario.channels.to_string())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let wait = scenario.base_ms + (rand_ms(trial) % scenario.spread_ms);
        tokio::time::sleep(Duration::from_millis(wait)).await;
        child.kill().unwrap();
        child.wait().unwrap();
    }
}

/// A spread of kill delays that differs per trial without a random-number dependency.
fn rand_ms(trial: usize) -> u64 {
    let seed = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos() as u64)
        .unwrap_or(0);
    seed.wrapping_mul(6364136223846793005)
        .wrapping_add(trial as u64)
        >> 33
}
