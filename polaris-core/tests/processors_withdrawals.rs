//! watch-transactions, execute-outgoing-transactions and poll-outgoing-transactions against
//! the in-process sandbox ledger over HTTP, on SQLite and PostgreSQL.

mod support;

use std::sync::Arc;

use polaris_core::integrations::OutgoingOutcome;
use polaris_core::model::{Kind, MemoType, Protocol, Stage, Status, Transaction};
use polaris_core::processors::withdrawals::{execute_outgoing, poll_outgoing, watch_once};
use polaris_core::processors::Worker;
use polaris_core::sep6::withdraw_memo;
use polaris_core::stellar::tx::Op;
use polaris_core::stellar::{KeyPair, Memo};
use polaris_core::store::{transactions, watcher};
use polaris_core::testing::{FakeRails, TestDatabase};
use rust_decimal::Decimal;
use support::{builder, client, funded, load, op, send, setup, Setup, SRT};

/// A bank whose payouts start, then complete when polled; it fails while down.
fn bank() -> Arc<FakeRails> {
    Arc::new(
        FakeRails::default()
            .with_payout(OutgoingOutcome::PendingExternal)
            .completing_polled(),
    )
}

fn withdrawal(s: &Setup, user: &KeyPair, stage: Stage) -> Transaction {
    let mut tx = Transaction::new(
        Kind::Withdrawal,
        Protocol::Sep6,
        s.asset.id,
        user.public_key(),
    );
    tx.status = Status::PendingUserTransferStart;
    tx.stage = stage;
    tx.amount_expected = Some(Decimal::from(10));
    tx.memo_type = MemoType::Hash;
    tx.memo = Some(withdraw_memo(tx.id));
    tx.receiving_anchor_account = Some(s.distribution.public_key().to_string());
    s.ctx
        .store
        .with_conn(|c| transactions::insert(c, &tx))
        .unwrap();
    tx
}

async fn pay_anchor(s: &Setup, user: &KeyPair, amount: i64, memo: Memo) {
    let horizon = client(&s.sb);
    let payment =
        Op::payment(s.distribution.public_key(), s.stellar_asset.clone(), amount).unwrap();
    let b = builder(&horizon, user).await.memo(memo).op(payment);
    send(&horizon, &s.sb, b, &[user]).await.unwrap();
}

fn hash_memo(tx: &Transaction) -> Memo {
    Memo::parse("hash", tx.memo.as_deref().unwrap()).unwrap()
}

#[tokio::test]
async fn a_withdrawal_is_matched_once_and_paid_out() {
    for db in TestDatabase::all() {
        let bank = bank();
        let s = setup(&db, bank.clone()).await;
        let horizon = client(&s.sb);
        let user = funded(&s.sb).await;
        op(&horizon, &s.sb, &user, Op::trust(&s.stellar_asset))
            .await
            .unwrap();
        op(
            &horizon,
            &s.sb,
            &s.distribution,
            Op::payment(user.public_key(), s.stellar_asset.clone(), 100 * SRT).unwrap(),
        )
        .await
        .unwrap();
        assert_eq!(
            watch_once(&s.ctx).await.unwrap(),
            0,
            "the first run starts from now"
        );

        let tx = withdrawal(&s, &user, Stage::None);
        let held = withdrawal(&s, &user, Stage::KycReview);
        pay_anchor(&s, &user, 10 * SRT, hash_memo(&tx)).await;
        pay_anchor(&s, &user, 10 * SRT, hash_memo(&held)).await;
        pay_anchor(&s, &user, 3 * SRT, Memo::text("who am I").unwrap()).await;

        let n = watch_once(&s.ctx).await.unwrap();
        assert_eq!(
            n,
            2,
            "{:?}",
            s.ctx.store.with_conn(watcher::unmatched).unwrap()
        );
        let got = load(&s, &tx);
        assert_eq!(got.status, Status::PendingAnchor);
        assert_eq!(got.stage, Stage::ReadyToPay);
        assert_eq!(
            (got.amount_in, got.amount_fee, got.amount_out),
            (
                Some(Decimal::from(10)),
                Some(Decimal::ONE),
                Some(Decimal::from(9))
            )
        );
        assert_eq!(got.from_address.as_deref(), Some(user.public_key()));
        assert!(got.stellar_transaction_id.is_some());
        assert_eq!(
            load(&s, &held).stage,
            Stage::KycReview,
            "held for review stays held"
        );
        let unmatched = s.ctx.store.with_conn(watcher::unmatched).unwrap();
        assert_eq!(unmatched.len(), 1);
        assert_eq!(unmatched[0].amount, "3");
        assert_eq!(unmatched[0].memo.as_deref(), Some("who am I"));

        assert_eq!(
            watch_once(&s.ctx).await.unwrap(),
            0,
            "nothing is handled twice"
        );
        assert_eq!(s.ctx.store.with_conn(watcher::unmatched).unwrap().len(), 1);

        let worker = Worker::new();
        bank.set_down(true);
        assert_eq!(execute_outgoing(&s.ctx, &worker).await.unwrap(), 0);
        let still = load(&s, &tx);
        assert_eq!(
            (still.status, still.lease_owner),
            (Status::PendingAnchor, None),
            "a hook error leaves it as it was"
        );
        bank.set_down(false);
        assert_eq!(execute_outgoing(&s.ctx, &worker).await.unwrap(), 1);
        assert_eq!(
            bank.executed(),
            vec![tx.id],
            "the held withdrawal is never paid out"
        );
        assert_eq!(load(&s, &tx).status, Status::PendingExternal);
        assert_eq!(poll_outgoing(&s.ctx, &worker).await.unwrap(), 1);
        let done = load(&s, &tx);
        assert_eq!(done.status, Status::Completed);
        assert!(done.completed_at.is_some());
        assert_eq!(load(&s, &held).status, Status::PendingAnchor);
        s.sb.stop().await;
    }
}

#[tokio::test]
async fn the_stream_survives_drops_without_gaps_or_repeats() {
    use polaris_core::processors::withdrawals::watch_stream;
    for db in TestDatabase::all() {
        let s = setup(&db, bank()).await;
        let horizon = client(&s.sb);
        let user = funded(&s.sb).await;
        op(&horizon, &s.sb, &user, Op::trust(&s.stellar_asset))
            .await
            .unwrap();
        op(
            &horizon,
            &s.sb,
            &s.distribution,
            Op::payment(user.public_key(), s.stellar_asset.clone(), 100 * SRT).unwrap(),
        )
        .await
        .unwrap();
        // The first run starts from now: let it set the cursor before the payments.
        watch_once(&s.ctx).await.unwrap();
        let (stop, stopped) = tokio::sync::watch::channel(false);
        let ctx = s.ctx.clone();
        let watcher_task = tokio::spawn(async move { watch_stream(&ctx, stopped).await });
        let all: Vec<Transaction> = (0..6).map(|_| withdrawal(&s, &user, Stage::None)).collect();
        for (i, tx) in all.iter().enumerate() {
            pay_anchor(&s, &user, 10 * SRT, hash_memo(tx)).await;
            if i % 2 == 1 {
                // The connection drops: the watcher reconnects from the last payment handled.
                s.sb.faults().drop_streams();
            }
        }
        let mut matched = 0;
        for _ in 0..100 {
            matched = all
                .iter()
                .filter(|t| load(&s, t).status == Status::PendingAnchor)
                .count();
            if matched == all.len() {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
        if matched != all.len() {
            let statuses: Vec<_> = all.iter().map(|t| load(&s, t).status).collect();
            let unmatched = s.ctx.store.with_conn(watcher::unmatched).unwrap();
            let more = watch_once(&s.ctx).await.unwrap();
            panic!("matched {matched}: {statuses:?}; unmatched {unmatched:?}; a page round matches {more} more");
        }
        stop.send(true).unwrap();
        watcher_task.await.unwrap().unwrap();
        let unmatched = s.ctx.store.with_conn(watcher::unmatched).unwrap();
        assert!(unmatched.is_empty(), "nothing handled twice: {unmatched:?}");
        for tx in &all {
            assert_eq!(load(&s, tx).amount_in, Some(Decimal::from(10)));
        }
        s.sb.stop().await;
    }
}

#[tokio::test]
async fn a_fee_bumped_payment_to_the_muxed_account_is_matched() {
    use polaris_core::stellar::{encode_xdr, envelope, Address, Horizon};
    for db in TestDatabase::all() {
        let s = setup(&db, bank()).await;
        let horizon = client(&s.sb);
        let (user, sponsor) = (funded(&s.sb).await, funded(&s.sb).await);
        op(&horizon, &s.sb, &user, Op::trust(&s.stellar_asset))
            .await
            .unwrap();
        op(
            &horizon,
            &s.sb,
            &s.distribution,
            Op::payment(user.public_key(), s.stellar_asset.clone(), 100 * SRT).unwrap(),
        )
        .await
        .unwrap();
        watch_once(&s.ctx).await.unwrap();
        let tx = withdrawal(&s, &user, Stage::None);
        // The wallet pays the anchor's muxed address, in an envelope whose fee a sponsor pays.
        let muxed = Address::Muxed {
            key: s.distribution.public_key_bytes(),
            id: 7,
        }
        .to_string();
        let inner = builder(&horizon, &user)
            .await
            .memo(hash_memo(&tx))
            .op(Op::payment(&muxed, s.stellar_asset.clone(), 10 * SRT).unwrap())
            .sign(&[&user], &s.sb.passphrase())
            .unwrap();
        let fee_source = Address::parse(sponsor.public_key()).unwrap();
        let bumped =
            envelope::fee_bump(inner, &fee_source, 1000, &sponsor, &s.sb.passphrase()).unwrap();
        horizon.submit(&encode_xdr(&bumped)).await.unwrap();
        assert_eq!(watch_once(&s.ctx).await.unwrap(), 1);
        let got = load(&s, &tx);
        assert_eq!(got.status, Status::PendingAnchor);
        assert_eq!(got.amount_in, Some(Decimal::from(10)));
        assert_eq!(got.from_address.as_deref(), Some(user.public_key()));
        s.sb.stop().await;
    }
}
