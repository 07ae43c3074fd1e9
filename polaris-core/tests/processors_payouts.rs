//! The payout round (execute-outgoing-transactions) over withdrawals whose payments the
//! watcher matched on the in-process sandbox ledger, on SQLite and PostgreSQL: workers racing
//! each other pay each withdrawal out exactly once, and a refused payout ends in `error`.

mod support;

use std::sync::Arc;

use polaris_core::integrations::OutgoingOutcome;
use polaris_core::model::{Kind, MemoType, Protocol, Stage, Status, Transaction};
use polaris_core::processors::withdrawals::{execute_outgoing, watch_once};
use polaris_core::processors::Worker;
use polaris_core::sep6::withdraw_memo;
use polaris_core::stellar::tx::Op;
use polaris_core::stellar::{KeyPair, Memo};
use polaris_core::store::transactions;
use polaris_core::testing::{FakeRails, TestDatabase};
use rust_decimal::Decimal;
use support::{builder, client, funded, load, op, send, setup, srt_balance, Setup, SRT};

/// A bank that answers every payout with `outcome` and records what it was asked to pay.
fn bank(outcome: OutgoingOutcome) -> Arc<FakeRails> {
    Arc::new(FakeRails::default().with_payout(outcome))
}

/// A user holding 100 SRT, and the watcher's cursor set to now.
async fn user(s: &Setup) -> KeyPair {
    let horizon = client(&s.sb);
    let user = funded(&s.sb).await;
    op(&horizon, &s.sb, &user, Op::trust(&s.stellar_asset))
        .await
        .unwrap();
    let payment = Op::payment(user.public_key(), s.stellar_asset.clone(), 100 * SRT).unwrap();
    op(&horizon, &s.sb, &s.distribution, payment).await.unwrap();
    assert_eq!(watch_once(&s.ctx).await.unwrap(), 0, "starts from now");
    user
}

/// A withdrawal of 10 SRT the user then pays on the ledger with its memo.
async fn paid_withdrawal(s: &Setup, user: &KeyPair) -> Transaction {
    let mut tx = Transaction::new(
        Kind::Withdrawal,
        Protocol::Sep6,
        s.asset.id,
        user.public_key(),
    );
    tx.status = Status::PendingUserTransferStart;
    tx.amount_expected = Some(Decimal::from(10));
    tx.memo_type = MemoType::Hash;
    tx.memo = Some(withdraw_memo(tx.id));
    tx.receiving_anchor_account = Some(s.distribution.public_key().to_string());
    s.ctx
        .store
        .with_conn(|c| transactions::insert(c, &tx))
        .unwrap();
    let horizon = client(&s.sb);
    let memo = Memo::parse("hash", tx.memo.as_deref().unwrap()).unwrap();
    let payment = Op::payment(
        s.distribution.public_key(),
        s.stellar_asset.clone(),
        10 * SRT,
    )
    .unwrap();
    let b = builder(&horizon, user).await.memo(memo).op(payment);
    send(&horizon, &s.sb, b, &[user]).await.unwrap();
    tx
}

#[tokio::test]
async fn racing_workers_pay_each_matched_withdrawal_out_once() {
    for db in TestDatabase::all() {
        let bank = bank(OutgoingOutcome::Completed);
        let s = setup(&db, bank.clone()).await;
        let user = user(&s).await;
        let mut all = Vec::new();
        for _ in 0..6 {
            all.push(paid_withdrawal(&s, &user).await);
        }
        assert_eq!(watch_once(&s.ctx).await.unwrap(), all.len());
        let distribution = srt_balance(&s, s.distribution.public_key()).await;
        assert_eq!(
            distribution,
            (1_000_000 - 100 + 60) * SRT,
            "the ledger has the funds"
        );
        assert_eq!(srt_balance(&s, user.public_key()).await, 40 * SRT);

        let workers: Vec<Worker> = (0..3).map(|_| Worker::new()).collect();
        let mut moved = 0;
        for _round in 0..2 {
            let runs = workers.iter().map(|w| execute_outgoing(&s.ctx, w));
            for r in futures::future::join_all(runs).await {
                moved += r.unwrap();
            }
        }
        assert_eq!(moved, all.len(), "each withdrawal moved once");
        let mut executed = bank.executed();
        executed.sort();
        let mut expected: Vec<_> = all.iter().map(|t| t.id).collect();
        expected.sort();
        assert_eq!(executed, expected, "the rails paid each withdrawal once");
        for tx in &all {
            let done = load(&s, tx);
            assert_eq!((done.status, done.stage), (Status::Completed, Stage::None));
            assert_eq!(
                (done.amount_in, done.amount_fee, done.amount_out),
                (
                    Some(Decimal::from(10)),
                    Some(Decimal::ONE),
                    Some(Decimal::from(9))
                )
            );
            assert!(done.completed_at.is_some());
            assert_eq!(done.lease_owner, None);
        }
        s.sb.stop().await;
    }
}

#[tokio::test]
async fn a_refused_payout_ends_in_error_and_is_never_retried() {
    for db in TestDatabase::all() {
        let bank = bank(OutgoingOutcome::Error {
            message: "account closed".into(),
            refunded: true,
        });
        let s = setup(&db, bank.clone()).await;
        let user = user(&s).await;
        let tx = paid_withdrawal(&s, &user).await;
        assert_eq!(watch_once(&s.ctx).await.unwrap(), 1);
        let worker = Worker::new();
        assert_eq!(execute_outgoing(&s.ctx, &worker).await.unwrap(), 1);
        let failed = load(&s, &tx);
        assert_eq!(failed.status, Status::Error);
        assert_eq!(failed.status_message.as_deref(), Some("account closed"));
        assert!(failed.refunded);
        assert_eq!(execute_outgoing(&s.ctx, &worker).await.unwrap(), 0);
        assert_eq!(bank.executed().len(), 1, "called once");
        s.sb.stop().await;
    }
}
