//! process-pending-deposits and check-trustlines against the in-process sandbox ledger over
//! HTTP, on SQLite and PostgreSQL: every deposit paid exactly once, faults included.

mod support;

use std::sync::Arc;

use polaris_core::model::{Kind, Protocol, Status, Transaction};
use polaris_core::processors::deposits::{check_trustlines, run_once};
use polaris_core::processors::Worker;
use polaris_core::stellar::tx::Op;
use polaris_core::stellar::KeyPair;
use polaris_core::store::transactions;
use polaris_core::testing::{Arrivals, FakeRails, TestDatabase};
use rust_decimal::Decimal;
use support::{client, deposit, funded, load, op, setup as base_setup, srt_balance, Setup, SRT};

async fn setup(db: &TestDatabase) -> Setup {
    base_setup(db, Arc::new(FakeRails::new(Arrivals::Expected))).await
}

async fn wallet(s: &Setup, trust: bool) -> KeyPair {
    let user = funded(&s.sb).await;
    if trust {
        op(&client(&s.sb), &s.sb, &user, Op::trust(&s.stellar_asset))
            .await
            .unwrap();
    }
    user
}

/// The value of one series in the context's metrics text (0 when absent).
fn metric(s: &Setup, series: &str) -> f64 {
    s.ctx
        .metrics
        .encode()
        .lines()
        .find_map(|l| l.strip_prefix(series)?.trim().parse().ok())
        .unwrap_or(0.0)
}

#[tokio::test]
async fn deposits_are_paid_once_with_their_memo() {
    for db in TestDatabase::all() {
        let s = setup(&db).await;
        let user = wallet(&s, true).await;
        let tx = deposit(&s, user.public_key(), 100, Some(42));
        let worker = Worker::new();

        let summary = run_once(&s.ctx, &worker).await.unwrap();
        assert_eq!((summary.received, summary.completed), (1, 1), "{summary:?}");
        let done = load(&s, &tx);
        assert_eq!(done.status, Status::Completed);
        assert_eq!(done.amount_fee, Some(Decimal::ONE));
        assert_eq!(done.amount_out, Some(Decimal::from(99)));
        assert!(done.completed_at.is_some());
        assert_eq!(srt_balance(&s, user.public_key()).await, 99 * SRT);

        let hash = done.stellar_transaction_id.clone().unwrap();
        let record = s.ctx.horizon.transaction(&hash).await.unwrap().unwrap();
        assert_eq!(record.memo, polaris_core::stellar::Memo::Id(42));

        let again = run_once(&s.ctx, &worker).await.unwrap();
        assert_eq!(again.completed, 0);
        assert_eq!(
            srt_balance(&s, user.public_key()).await,
            99 * SRT,
            "never paid twice"
        );
        s.sb.stop().await;
    }
}

#[tokio::test]
async fn a_timeout_after_the_ledger_applied_is_settled_by_the_hash() {
    for db in TestDatabase::all() {
        let s = setup(&db).await;
        let user = wallet(&s, true).await;
        let tx = deposit(&s, user.public_key(), 10, None);
        let worker = Worker::new();
        s.sb.faults().timeout_after_apply(1);
        let first = run_once(&s.ctx, &worker).await.unwrap();
        assert_eq!(first.completed, 0, "the outcome was unknown: {first:?}");
        assert_eq!(load(&s, &tx).status, Status::PendingStellar);
        assert_eq!(
            srt_balance(&s, user.public_key()).await,
            9 * SRT,
            "the ledger applied it"
        );
        let second = run_once(&s.ctx, &worker).await.unwrap();
        assert_eq!(second.completed, 1, "{second:?}");
        assert_eq!(load(&s, &tx).status, Status::Completed);
        assert_eq!(
            srt_balance(&s, user.public_key()).await,
            9 * SRT,
            "paid exactly once"
        );
        s.sb.stop().await;
    }
}

#[tokio::test]
async fn a_timeout_before_the_ledger_resubmits_the_same_envelope() {
    for db in TestDatabase::all() {
        let s = setup(&db).await;
        let user = wallet(&s, true).await;
        let tx = deposit(&s, user.public_key(), 10, None);
        let worker = Worker::new();
        s.sb.faults().timeout_before_apply(1);
        run_once(&s.ctx, &worker).await.unwrap();
        let pending = load(&s, &tx);
        assert_eq!(pending.status, Status::PendingStellar);
        assert_eq!(srt_balance(&s, user.public_key()).await, 0);
        let unreachable = "polaris_payments_failed_total{reason=\"unreachable\"}";
        assert_eq!(metric(&s, "polaris_payments_submitted_total"), 1.0);
        assert_eq!(metric(&s, unreachable), 1.0);
        run_once(&s.ctx, &worker).await.unwrap();
        assert_eq!(metric(&s, "polaris_payments_submitted_total"), 2.0);
        assert_eq!(
            metric(&s, unreachable),
            1.0,
            "the resubmission went through"
        );
        let done = load(&s, &tx);
        assert_eq!(done.status, Status::Completed);
        assert_eq!(
            done.stellar_transaction_id, pending.submission_hash,
            "the same envelope"
        );
        assert_eq!(srt_balance(&s, user.public_key()).await, 9 * SRT);
        s.sb.stop().await;
    }
}

#[tokio::test]
async fn a_missing_trustline_waits_in_pending_trust() {
    let db = TestDatabase::sqlite();
    let s = setup(&db).await;
    let user = wallet(&s, false).await;
    let tx = deposit(&s, user.public_key(), 10, None);
    let worker = Worker::new();
    let summary = run_once(&s.ctx, &worker).await.unwrap();
    assert_eq!(summary.pending_trust, 1, "{summary:?}");
    assert_eq!(load(&s, &tx).status, Status::PendingTrust);
    assert_eq!(
        check_trustlines(&s.ctx, &worker).await.unwrap().completed,
        0
    );
    op(&client(&s.sb), &s.sb, &user, Op::trust(&s.stellar_asset))
        .await
        .unwrap();
    let summary = check_trustlines(&s.ctx, &worker).await.unwrap();
    assert_eq!(summary.completed, 1, "{summary:?} {:?}", load(&s, &tx));
    assert_eq!(srt_balance(&s, user.public_key()).await, 9 * SRT);
    s.sb.stop().await;
}

#[tokio::test]
async fn a_missing_account_is_created_then_paid_once_it_trusts() {
    let db = TestDatabase::sqlite();
    let s = setup(&db).await;
    let user = KeyPair::random();
    let tx = deposit(&s, user.public_key(), 10, None);
    let worker = Worker::new();
    let summary = run_once(&s.ctx, &worker).await.unwrap();
    assert_eq!(summary.pending_trust, 1, "{summary:?}");
    let stored = load(&s, &tx);
    assert_eq!(stored.status, Status::PendingTrust);
    let created = s
        .ctx
        .horizon
        .account(user.public_key())
        .await
        .unwrap()
        .expect("created");
    assert_eq!(
        created
            .balance(&polaris_core::stellar::Asset::Native)
            .map(|b| b.balance),
        Some(polaris_core::processors::delivery::STARTING_BALANCE)
    );
    // Another round does not create it again, nor pay without a trustline.
    run_once(&s.ctx, &worker).await.unwrap();
    assert_eq!(
        check_trustlines(&s.ctx, &worker).await.unwrap().completed,
        0
    );
    op(&client(&s.sb), &s.sb, &user, Op::trust(&s.stellar_asset))
        .await
        .unwrap();
    assert_eq!(
        check_trustlines(&s.ctx, &worker).await.unwrap().completed,
        1
    );
    assert_eq!(srt_balance(&s, user.public_key()).await, 9 * SRT);
    s.sb.stop().await;
}

fn claimable_deposit(s: &Setup, to: &str, amount: i64) -> Transaction {
    let tx = deposit(s, to, amount, None);
    let mut t = load(s, &tx);
    t.claimable_balance_supported = true;
    s.ctx
        .store
        .with_conn(|c| transactions::update_if_status(c, &t, Status::PendingUserTransferStart))
        .unwrap();
    t
}

#[tokio::test]
async fn wallets_with_claimable_balances_get_one_instead_of_waiting() {
    for db in TestDatabase::all() {
        let s = setup(&db).await;
        let no_trust = wallet(&s, false).await;
        let no_account = KeyPair::random();
        let a = claimable_deposit(&s, no_trust.public_key(), 10);
        let b = claimable_deposit(&s, no_account.public_key(), 5);
        let summary = run_once(&s.ctx, &Worker::new()).await.unwrap();
        assert_eq!(summary.completed, 2, "{summary:?}");
        for (tx, user, amount) in [(&a, &no_trust, 9), (&b, &no_account, 4)] {
            let done = load(&s, tx);
            assert_eq!(done.status, Status::Completed);
            let id = done
                .claimable_balance_id
                .clone()
                .expect("claimable balance id");
            // The user claims it after adding the trustline: exactly the amount out.
            op(&client(&s.sb), &s.sb, user, Op::trust(&s.stellar_asset))
                .await
                .unwrap();
            op(
                &client(&s.sb),
                &s.sb,
                user,
                Op::claim_claimable_balance(&id).unwrap(),
            )
            .await
            .unwrap();
            assert_eq!(srt_balance(&s, user.public_key()).await, amount * SRT);
        }
        s.sb.stop().await;
    }
}

#[tokio::test]
async fn workers_running_at_once_pay_each_deposit_once() {
    for db in TestDatabase::all() {
        let s = setup(&db).await;
        let user = wallet(&s, true).await;
        let txs: Vec<_> = (0..12)
            .map(|i| deposit(&s, user.public_key(), 10 + i, Some(i as u64)))
            .collect();
        let workers: Vec<Worker> = (0..3).map(|_| Worker::new()).collect();
        for _round in 0..6 {
            let runs = workers.iter().map(|w| run_once(&s.ctx, w));
            for r in futures::future::join_all(runs).await {
                r.unwrap();
            }
        }
        let expected: i64 = (0..12).map(|i| (10 + i - 1) * SRT).sum();
        for tx in &txs {
            assert_eq!(load(&s, tx).status, Status::Completed, "{}", tx.id);
        }
        assert_eq!(
            srt_balance(&s, user.public_key()).await,
            expected,
            "each paid exactly once"
        );
        s.sb.stop().await;
    }
}

/// Many pending deposits, three workers at once on each backend: each paid exactly once.
#[tokio::test]
async fn three_workers_pay_many_deposits_exactly_once() {
    const COUNT: i64 = 500;
    for db in TestDatabase::all() {
        let s = setup(&db).await;
        let user = wallet(&s, true).await;
        // Half with a memo (one envelope each), half without (batched in shared envelopes).
        for i in 0..COUNT {
            let memo = (i % 2 == 0).then_some(i as u64);
            deposit(&s, user.public_key(), 2, memo);
        }
        let workers: Vec<Worker> = (0..3).map(|_| Worker::new()).collect();
        let started = std::time::Instant::now();
        for _round in 0..400 {
            let runs = workers.iter().map(|w| run_once(&s.ctx, w));
            for r in futures::future::join_all(runs).await {
                r.unwrap();
            }
            let done = s
                .ctx
                .store
                .with_conn(|c| {
                    transactions::pending(c, Kind::Deposit, &[Status::Completed], None, None, 1000)
                })
                .unwrap();
            if done.len() as i64 == COUNT {
                break;
            }
        }
        eprintln!(
            "{COUNT} deposits paid by 3 workers on {:?} in {:?}",
            db.backend(),
            started.elapsed()
        );
        let done = s
            .ctx
            .store
            .with_conn(|c| {
                transactions::pending(c, Kind::Deposit, &[Status::Completed], None, None, 1000)
            })
            .unwrap();
        assert_eq!(done.len() as i64, COUNT);
        assert_eq!(
            srt_balance(&s, user.public_key()).await,
            COUNT * SRT,
            "each paid exactly once"
        );
        s.sb.stop().await;
    }
}

#[tokio::test]
async fn an_additive_fee_agreed_in_the_form_is_kept_and_the_amount_asked_is_paid() {
    let db = TestDatabase::sqlite();
    let s = base_setup(&db, Arc::new(FakeRails::new(Arrivals::AsStored))).await;
    let user = wallet(&s, true).await;
    // ADDITIVE_FEES_ENABLED: the user asked for 10, was told to send 10 + 1.
    let mut tx = Transaction::new(
        Kind::Deposit,
        Protocol::Sep24,
        s.asset.id,
        user.public_key(),
    );
    tx.status = Status::PendingUserTransferStart;
    tx.to_address = Some(user.public_key().to_string());
    tx.amount_expected = Some(Decimal::from(10));
    tx.amount_in = Some(Decimal::from(11));
    tx.amount_fee = Some(Decimal::ONE);
    tx.amount_out = Some(Decimal::from(10));
    s.ctx
        .store
        .with_conn(|c| transactions::insert(c, &tx))
        .unwrap();
    let summary = run_once(&s.ctx, &Worker::new()).await.unwrap();
    assert_eq!(summary.completed, 1, "{summary:?}");
    let done = load(&s, &tx);
    assert_eq!(
        (done.amount_in, done.amount_fee, done.amount_out),
        (
            Some(Decimal::from(11)),
            Some(Decimal::ONE),
            Some(Decimal::from(10))
        )
    );
    assert_eq!(srt_balance(&s, user.public_key()).await, 10 * SRT);
    s.sb.stop().await;
}
