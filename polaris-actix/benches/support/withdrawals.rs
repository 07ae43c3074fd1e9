//! Withdrawals at the network's pace: `count` users each pay their withdrawal to the
//! distribution account, all in one ledger, and one `watch-transactions` round matches them.
//! Matching keeps up with the network when that round takes less than a ledger.

use std::time::{Duration, Instant};

use polaris_core::model::{Kind, MemoType, Protocol, Status, Transaction};
use polaris_core::processors::withdrawals::watch_once;
use polaris_core::stellar::tx::{Op, TransactionBuilder};
use polaris_core::stellar::{encode_xdr, KeyPair, Memo};
use polaris_core::store::transactions;
use polaris_core::testing::TestDatabase;
use polaris_core::transfer::links::withdraw_memo;
use rust_decimal::Decimal;

use super::{setup, wallet, Bench, FakeRails};

/// What one run measured.
pub struct Matched {
    /// Withdrawals paid and matched.
    pub count: usize,
    /// Ledgers their payments took.
    pub ledgers: u32,
    /// Seconds of the `watch-transactions` round that matched them.
    pub seconds: f64,
}

/// Pays each user 100 SRT from the distribution account, 100 payments an envelope.
async fn fund_users(b: &Bench, users: &[KeyPair]) {
    let distribution = b.asset.distribution_seed.clone().expect("a seed");
    let distribution = KeyPair::from_seed(distribution.expose()).unwrap();
    for chunk in users.chunks(100) {
        let seq = b
            .ctx
            .horizon
            .load_account(distribution.public_key())
            .await
            .unwrap()
            .unwrap()
            .sequence
            + 1;
        let mut tx = TransactionBuilder::new(distribution.public_key(), seq, 100).unwrap();
        for u in chunk {
            let pay = Op::payment(u.public_key(), b.stellar_asset.clone(), 100 * 10_000_000);
            tx = tx.op(pay.unwrap());
        }
        let env = tx.sign(&[&distribution], &b.sb.passphrase()).unwrap();
        b.ctx.horizon.submit(&encode_xdr(&env)).await.unwrap();
    }
}

/// A withdrawal of 10 SRT by `user`, waiting for its payment.
fn withdrawal(b: &Bench, user: &KeyPair) -> Transaction {
    let mut tx = Transaction::new(
        Kind::Withdrawal,
        Protocol::Sep24,
        b.asset.id,
        user.public_key(),
    );
    tx.status = Status::PendingUserTransferStart;
    tx.amount_expected = Some(Decimal::from(10));
    tx.amount_in = Some(Decimal::from(10));
    tx.memo_type = MemoType::Hash;
    tx.memo = Some(withdraw_memo(tx.id));
    tx.receiving_anchor_account = b.asset.distribution_account();
    b.ctx
        .store
        .with_conn(|c| transactions::insert(c, &tx))
        .unwrap();
    tx
}

/// `user` pays `tx` (10 SRT with its memo) to the distribution account.
async fn pay(b: &Bench, user: &KeyPair, tx: &Transaction) {
    let to = tx.receiving_anchor_account.as_deref().unwrap();
    let seq = b
        .ctx
        .horizon
        .load_account(user.public_key())
        .await
        .unwrap()
        .unwrap()
        .sequence
        + 1;
    let memo = Memo::parse("hash", tx.memo.as_deref().unwrap()).unwrap();
    let env = TransactionBuilder::new(user.public_key(), seq, 100)
        .unwrap()
        .memo(memo)
        .op(Op::payment(to, b.stellar_asset.clone(), 10 * 10_000_000).unwrap())
        .sign(&[user], &b.sb.passphrase())
        .unwrap();
    b.ctx.horizon.submit(&encode_xdr(&env)).await.unwrap();
}

fn waiting(b: &Bench) -> usize {
    b.ctx
        .store
        .with_conn(|c| {
            transactions::pending(
                c,
                Kind::Withdrawal,
                &[Status::PendingUserTransferStart],
                None,
                None,
                i64::MAX,
            )
        })
        .unwrap()
        .len()
}

/// Users pay `count` withdrawals at the network's pace (a ledger every `close`); then one
/// round of `watch-transactions` matches them, timed.
pub async fn matched(db: &TestDatabase, count: usize, close: Duration) -> Matched {
    let b = setup(db, std::sync::Arc::new(FakeRails::default())).await;
    // The cursor starts now: the users' funding is not read as withdrawals.
    watch_once(&b.ctx).await.unwrap();
    let mut users = Vec::with_capacity(count);
    for _ in 0..count {
        users.push(wallet(&b).await);
    }
    fund_users(&b, &users).await;
    let txs: Vec<Transaction> = users.iter().map(|u| withdrawal(&b, u)).collect();
    watch_once(&b.ctx).await.unwrap();
    b.sb.set_ledger_close(Some(close));
    let first = b.sb.latest_ledger();
    let payments = users.iter().zip(&txs).map(|(u, tx)| pay(&b, u, tx));
    futures::future::join_all(payments).await;
    let ledgers = b.sb.latest_ledger() - first;
    let started = Instant::now();
    let matched = watch_once(&b.ctx).await.unwrap();
    let seconds = started.elapsed().as_secs_f64();
    assert_eq!(matched, count, "every payment matched its withdrawal");
    assert_eq!(waiting(&b), 0, "no withdrawal left waiting");
    b.sb.stop().await;
    Matched {
        count,
        ledgers,
        seconds,
    }
}
