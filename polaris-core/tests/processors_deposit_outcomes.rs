//! What a deposit's end leaves behind, against the in-process sandbox ledger on SQLite and
//! PostgreSQL: the anchor's `after_deposit` hook runs once per completed deposit, and a
//! payment the ledger refuses for good ends the deposit in `error` with a message wallets see.

mod support;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use async_trait::async_trait;
use polaris_core::integrations::{DepositIntegration, IntegrationError, TransactionRequest};
use polaris_core::model::{Kind, Protocol, Status, Transaction};
use polaris_core::processors::deposits::run_once;
use polaris_core::processors::Worker;
use polaris_core::stellar::tx::Op;
use polaris_core::stellar::KeyPair;
use polaris_core::store::transactions;
use polaris_core::testing::{Arrivals, FakeRails, TestDatabase};
use rust_decimal::Decimal;
use support::{client, funded, op, setup, srt_balance, Setup, SRT};
use uuid::Uuid;

/// Counts the calls of `after_deposit` and remembers the status each one saw.
#[derive(Default)]
struct Hook {
    calls: AtomicUsize,
    seen: Mutex<Vec<(Uuid, Status)>>,
}

#[async_trait]
impl DepositIntegration for Hook {
    async fn after_deposit(
        &self,
        request: &TransactionRequest<'_>,
    ) -> Result<(), IntegrationError> {
        self.calls.fetch_add(1, Ordering::SeqCst);
        let tx = request.transaction;
        self.seen.lock().unwrap().push((tx.id, tx.status));
        Ok(())
    }
}

async fn trusting_wallet(s: &Setup) -> KeyPair {
    let user = funded(&s.sb).await;
    op(&client(&s.sb), &s.sb, &user, Op::trust(&s.stellar_asset))
        .await
        .unwrap();
    user
}

fn deposit(s: &Setup, to: &str, amount: i64) -> Transaction {
    let mut tx = Transaction::new(Kind::Deposit, Protocol::Sep24, s.asset.id, to);
    tx.status = Status::PendingUserTransferStart;
    tx.to_address = Some(to.to_string());
    tx.amount_expected = Some(Decimal::from(amount));
    s.ctx
        .store
        .with_conn(|c| transactions::insert(c, &tx))
        .unwrap();
    tx
}

fn load(s: &Setup, id: Uuid) -> Transaction {
    s.ctx
        .store
        .with_conn(|c| transactions::by_id(c, id))
        .unwrap()
        .unwrap()
}

#[tokio::test]
async fn after_deposit_runs_once_for_a_completed_deposit() {
    for db in TestDatabase::all() {
        let mut s = setup(&db, Arc::new(FakeRails::new(Arrivals::Expected))).await;
        let hook = Arc::new(Hook::default());
        s.ctx.integrations.deposit = hook.clone();
        let user = trusting_wallet(&s).await;
        let tx = deposit(&s, user.public_key(), 20);
        let worker = Worker::new();

        run_once(&s.ctx, &worker).await.unwrap();
        assert_eq!(load(&s, tx.id).status, Status::Completed);
        assert_eq!(hook.calls.load(Ordering::SeqCst), 1);
        assert_eq!(
            *hook.seen.lock().unwrap(),
            vec![(tx.id, Status::Completed)],
            "called with the deposit as completed"
        );

        for _ in 0..2 {
            run_once(&s.ctx, &worker).await.unwrap();
        }
        assert_eq!(
            hook.calls.load(Ordering::SeqCst),
            1,
            "not again on later rounds"
        );
        assert_eq!(srt_balance(&s, user.public_key()).await, 19 * SRT);
        s.sb.stop().await;
    }
}

#[tokio::test]
async fn a_payment_refused_for_good_ends_in_error_with_its_message_shown() {
    for db in TestDatabase::all() {
        let mut s = setup(&db, Arc::new(FakeRails::new(Arrivals::Expected))).await;
        let hook = Arc::new(Hook::default());
        s.ctx.integrations.deposit = hook.clone();
        let user = trusting_wallet(&s).await;
        // More than the distribution account holds (its supply is 1,000,000 SRT).
        let tx = deposit(&s, user.public_key(), 2_000_000);
        let worker = Worker::new();

        run_once(&s.ctx, &worker).await.unwrap();
        let failed = load(&s, tx.id);
        assert_eq!(failed.status, Status::Error);
        let message = failed.status_message.clone().expect("a status message");
        assert!(message.contains("op_underfunded"), "{message}");
        assert_eq!(srt_balance(&s, user.public_key()).await, 0, "nothing paid");
        assert_eq!(
            hook.calls.load(Ordering::SeqCst),
            0,
            "no hook for a failed deposit"
        );

        let json = polaris_core::sep24::transaction_json(&s.ctx.settings, &failed, &s.asset);
        assert_eq!(json["status"], "error");
        assert_eq!(json["message"], message.as_str());

        run_once(&s.ctx, &worker).await.unwrap();
        assert_eq!(load(&s, tx.id).status, Status::Error, "not retried");
        s.sb.stop().await;
    }
}
