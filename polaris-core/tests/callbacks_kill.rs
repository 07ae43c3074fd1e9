//! Kill test of `deliver-callbacks`: a delivery worker process is killed with SIGKILL again
//! and again while a slow wallet answers, so kills land between a wallet's answer and its
//! record. In the end every change of every transaction reached the wallet, signed, in
//! order (a change may come twice in a row: delivery is at least once), and the outbox is
//! empty. On SQLite and PostgreSQL.
//!
//! The worker is this test binary itself, re-run with `POLARIS_CALLBACK_WORKER=1` (see
//! `worker_process`).

mod wallet;

use std::process::{Command, Stdio};
use std::sync::Arc;
use std::time::Duration;

use polaris_core::integrations::Integrations;
use polaris_core::model::{Protocol, Status};
use polaris_core::processors::callbacks::run_once;
use polaris_core::processors::Worker;
use polaris_core::store::{callbacks, Store};
use polaris_core::testing::TestDatabase;
use wallet::{context, move_through, transaction, Answer, Wallet};

use Status::*;

const TRANSACTIONS: usize = 40;
const CHANGES: [Status; 4] = [
    PendingUserTransferStart,
    PendingAnchor,
    PendingStellar,
    Completed,
];
const TRIALS: u64 = 6;

/// The worker process: rounds of deliver-callbacks until killed.
#[tokio::test]
#[ignore = "run by killed_delivery_workers_lose_no_callback as a child process"]
async fn worker_process() {
    if std::env::var("POLARIS_CALLBACK_WORKER").as_deref() != Ok("1") {
        return;
    }
    let url = std::env::var("KILL_DATABASE_URL").unwrap();
    let seed = std::env::var("KILL_SIGNING_SEED").unwrap();
    let store = Store::connect(&url, 2).unwrap();
    let mut ctx = polaris_core::testing::context(&store, Integrations::default());
    ctx.settings = Arc::new(polaris_core::testing::settings(&[
        ("LOCAL_MODE", "true"),
        ("HOST_URL", "http://localhost:8000"),
        ("SIGNING_SEED", &seed),
        ("CALLBACK_REQUEST_TIMEOUT", "1"),
        ("CALLBACK_RETRY_BASE_SECONDS", "1"),
        ("CALLBACK_RETRY_MAX_SECONDS", "1"),
        ("CALLBACK_MAX_ATTEMPTS", "50"),
    ]));
    let worker = Worker {
        lease: Duration::from_millis(300),
        ..Worker::new()
    };
    loop {
        let _ = run_once(&ctx, &worker).await;
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

#[tokio::test]
async fn killed_delivery_workers_lose_no_callback() {
    for db in TestDatabase::all() {
        kill_trials(db).await;
    }
}

async fn kill_trials(db: TestDatabase) {
    let (ctx, asset) = context(&db, 50);
    let wallet = Wallet::start(&ctx.settings.signing_key).await;
    // Each answer takes a while, so kills land while requests are in flight.
    let slow = vec![Answer::Delayed(Duration::from_millis(150)); TRANSACTIONS * CHANGES.len()];
    wallet.plan(&slow);
    let mut ids = Vec::new();
    for _ in 0..TRANSACTIONS {
        let mut tx = transaction(&ctx, &asset, Protocol::Sep24, Some(&wallet.url));
        move_through(&ctx, &mut tx, &CHANGES);
        ids.push(tx.id.to_string());
    }

    let me = std::env::current_exe().unwrap();
    let seed = ctx.settings.signing_key.seed();
    for trial in 0..TRIALS {
        let mut child = Command::new(&me)
            .args(["--exact", "worker_process", "--ignored", "--test-threads=1"])
            .env("POLARIS_CALLBACK_WORKER", "1")
            .env("KILL_DATABASE_URL", &db.url)
            .env("KILL_SIGNING_SEED", seed.expose())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        tokio::time::sleep(Duration::from_millis(300 + spread(trial) % 500)).await;
        child.kill().unwrap();
        child.wait().unwrap();
    }
    let by_children = wallet.requests();
    eprintln!(
        "{:?}: {by_children} requests from {TRIALS} killed workers",
        db.backend()
    );
    assert!(by_children > 0, "the killed workers made progress");

    // A last worker finishes what is left once the killed workers' leases expired.
    let worker = Worker::new();
    let pending = || {
        ctx.store
            .with_conn(callbacks::pending_count)
            .expect("count the outbox")
    };
    for _ in 0..60 {
        run_once(&ctx, &worker).await.expect("a round");
        if pending() == 0 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
    assert_eq!(pending(), 0, "every callback delivered");
    assert_eq!(wallet.bad_signatures(), 0);
    let expected: Vec<&str> = CHANGES.iter().map(|s| s.as_str()).collect();
    for id in &ids {
        let mut seen = wallet.statuses_of(id);
        seen.dedup();
        let rows = ctx
            .store
            .with_conn(|c| callbacks::of_subject(c, callbacks::Topic::Transaction, id))
            .expect("the outbox rows");
        assert_eq!(
            seen, expected,
            "transaction {id}: in order, none lost: {rows:?}"
        );
    }
}

/// A spread of kill delays that differs per trial without a random-number dependency.
fn spread(trial: u64) -> u64 {
    let seed = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| u64::from(d.subsec_nanos()))
        .unwrap_or(0);
    seed.wrapping_mul(6364136223846793005).wrapping_add(trial) >> 33
}
