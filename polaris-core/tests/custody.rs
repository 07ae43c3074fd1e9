//! Custody: deposits signed through the `Signer` interface, against the in-process sandbox
//! (which checks signatures and thresholds as the network does), on SQLite and PostgreSQL.

mod support;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use async_trait::async_trait;
use polaris_core::custody::{decorated, SignRequest, Signer, SignerError};
use polaris_core::model::{Kind, MemoType, Protocol, Status, Transaction};
use polaris_core::processors::deposits::run_once;
use polaris_core::processors::Worker;
use polaris_core::stellar::tx::{Op, SetOptions};
use polaris_core::stellar::KeyPair;
use polaris_core::store::{assets, transactions};
use polaris_core::testing::{Arrivals, FakeRails, TestDatabase};
use rust_decimal::Decimal;
use stellar_base::xdr::DecoratedSignature;
use support::{builder, client, funded, op, send, setup, srt_balance, Setup, SRT};

/// A stand-in for a KMS: it holds one key, signs only for the account it was given, and
/// counts its calls. Nothing of it is in the database.
struct Kms {
    account: String,
    key: KeyPair,
    calls: AtomicUsize,
}

impl Kms {
    fn new(account: &str, key: &KeyPair) -> Arc<Self> {
        Arc::new(Self {
            account: account.to_string(),
            key: key.clone(),
            calls: AtomicUsize::new(0),
        })
    }
}

#[async_trait]
impl Signer for Kms {
    async fn sign(&self, request: &SignRequest) -> Result<DecoratedSignature, SignerError> {
        if request.account != self.account {
            return Err(SignerError::NotHeld(request.account.clone()));
        }
        self.calls.fetch_add(1, Ordering::SeqCst);
        decorated(self.key.public_key(), self.key.sign(&request.hash))
    }
}

/// The asset keeps only its distribution account id: no seed in the database.
fn forget_seed(s: &mut Setup) {
    let mut asset = s.asset.clone();
    asset.distribution_seed = None;
    asset.distribution_account_id = Some(s.distribution.public_key().to_string());
    s.asset = s
        .ctx
        .store
        .with_conn(|c| assets::upsert(c, &asset))
        .unwrap();
    let stored = s.ctx.store.with_conn(assets::all).unwrap();
    assert!(stored.iter().all(|a| a.distribution_seed.is_none()));
}

async fn trusting_wallet(s: &Setup) -> KeyPair {
    let user = funded(&s.sb).await;
    op(&client(&s.sb), &s.sb, &user, Op::trust(&s.stellar_asset))
        .await
        .unwrap();
    user
}

fn deposit(s: &Setup, to: &str, amount: i64, memo: u64) -> Transaction {
    let mut tx = Transaction::new(Kind::Deposit, Protocol::Sep24, s.asset.id, to);
    tx.status = Status::PendingUserTransferStart;
    tx.to_address = Some(to.to_string());
    tx.amount_expected = Some(Decimal::from(amount));
    tx.memo = Some(memo.to_string());
    tx.memo_type = MemoType::Id;
    s.ctx
        .store
        .with_conn(|c| transactions::insert(c, &tx))
        .unwrap();
    tx
}

fn status(s: &Setup, tx: &Transaction) -> Status {
    s.ctx
        .store
        .with_conn(|c| transactions::by_id(c, tx.id))
        .unwrap()
        .unwrap()
        .status
}

async fn base(db: &TestDatabase) -> Setup {
    setup(db, Arc::new(FakeRails::new(Arrivals::Expected))).await
}

#[tokio::test]
async fn an_external_signer_pays_a_deposit_with_no_seed_in_the_database() {
    for db in TestDatabase::all() {
        let mut s = base(&db).await;
        forget_seed(&mut s);
        let kms = Kms::new(s.distribution.public_key(), &s.distribution);
        s.ctx.integrations.signers = vec![kms.clone() as Arc<dyn Signer>];
        let user = trusting_wallet(&s).await;
        let tx = deposit(&s, user.public_key(), 50, 7);

        let summary = run_once(&s.ctx, &Worker::new()).await.unwrap();
        assert_eq!(summary.completed, 1, "{summary:?}");
        assert_eq!(status(&s, &tx), Status::Completed);
        assert_eq!(srt_balance(&s, user.public_key()).await, 49 * SRT);
        assert_eq!(
            kms.calls.load(Ordering::SeqCst),
            1,
            "signed by the KMS once"
        );
        s.sb.stop().await;
    }
}

#[tokio::test]
async fn without_seed_nor_signer_nothing_is_paid() {
    for db in TestDatabase::all() {
        let mut s = base(&db).await;
        forget_seed(&mut s);
        let user = trusting_wallet(&s).await;
        let tx = deposit(&s, user.public_key(), 50, 7);
        let summary = run_once(&s.ctx, &Worker::new()).await.unwrap();
        assert_eq!((summary.completed, summary.retried), (0, 1), "{summary:?}");
        assert_eq!(status(&s, &tx), Status::PendingAnchor);
        assert_eq!(srt_balance(&s, user.public_key()).await, 0);
        s.sb.stop().await;
    }
}

/// Makes the distribution account 2-of-2: its master key and `second`, weight 1 each, every
/// threshold 2.
async fn two_of_two(s: &Setup, second: &KeyPair) {
    let options = SetOptions::default()
        .signer(second.public_key(), 1)
        .unwrap()
        .thresholds(2, 2, 2);
    op(
        &client(&s.sb),
        &s.sb,
        &s.distribution,
        Op::set_options(options),
    )
    .await
    .unwrap();
}

#[tokio::test]
async fn a_two_of_two_distribution_account_pays_with_both_signers_only() {
    for db in TestDatabase::all() {
        let mut s = base(&db).await;
        let second = KeyPair::random();
        two_of_two(&s, &second).await;
        forget_seed(&mut s);
        let account = s.distribution.public_key().to_string();
        let user = trusting_wallet(&s).await;

        // The ledger itself refuses the master key alone.
        let h = client(&s.sb);
        let pay = Op::payment(user.public_key(), s.stellar_asset.clone(), SRT).unwrap();
        let alone = send(
            &h,
            &s.sb,
            builder(&h, &s.distribution).await.op(pay),
            &[&s.distribution],
        )
        .await;
        assert!(
            matches!(alone, Err(polaris_core::stellar::HorizonError::Failed { ref transaction, .. }) if transaction == "tx_bad_auth"),
            "{alone:?}"
        );

        // One signer of two: refused before anything is sent, the deposit waits.
        let first = Kms::new(&account, &s.distribution);
        s.ctx.integrations.signers = vec![first.clone() as Arc<dyn Signer>];
        let tx = deposit(&s, user.public_key(), 20, 1);
        let worker = Worker::new();
        let summary = run_once(&s.ctx, &worker).await.unwrap();
        assert_eq!((summary.completed, summary.retried), (0, 1), "{summary:?}");
        assert_eq!(status(&s, &tx), Status::PendingAnchor);
        assert_eq!(srt_balance(&s, user.public_key()).await, 0);

        // Both signers: paid once.
        let other = Kms::new(&account, &second);
        s.ctx.integrations.signers = vec![first.clone() as Arc<dyn Signer>, other.clone()];
        let summary = run_once(&s.ctx, &worker).await.unwrap();
        assert_eq!(summary.completed, 1, "{summary:?}");
        assert_eq!(status(&s, &tx), Status::Completed);
        assert_eq!(srt_balance(&s, user.public_key()).await, 19 * SRT);
        assert_eq!(other.calls.load(Ordering::SeqCst), 1);
        s.sb.stop().await;
    }
}
