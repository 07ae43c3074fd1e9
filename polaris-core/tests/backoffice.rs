//! The back office's unmatched payments on every test database: operators racing to match
//! one payment to different withdrawals, or to match and refund it, resolve it once.

use polaris_core::backoffice::payments;
use polaris_core::integrations::Integrations;
use polaris_core::model::{Asset, Kind, Protocol, Status, Transaction};
use polaris_core::stellar::KeyPair;
use polaris_core::store::{backoffice as queries, transactions, watcher};
use polaris_core::testing::{context, store_asset, TestDatabase};
use rust_decimal::Decimal;

fn waiting(db: &TestDatabase, asset: &Asset) -> Transaction {
    let mut tx = Transaction::new(
        Kind::Withdrawal,
        Protocol::Sep6,
        asset.id,
        KeyPair::random().public_key(),
    );
    tx.status = Status::PendingUserTransferStart;
    tx.amount_in = Some(Decimal::from(10));
    tx.amount_fee = Some(Decimal::ONE);
    tx.amount_out = Some(Decimal::from(9));
    db.store
        .with_conn(|c| transactions::insert(c, &tx))
        .unwrap();
    tx
}

fn unmatched(db: &TestDatabase, asset: &Asset, token: &str) {
    let payment = watcher::UnmatchedPayment {
        paging_token: token.into(),
        account: KeyPair::random().public_key().into(),
        from_address: KeyPair::random().public_key().into(),
        asset: asset.asset_id(),
        amount: "10".into(),
        memo: None,
        transaction_hash: format!("{token:0>64}"),
        reason: "the payment has no memo".into(),
        created_at: chrono::Utc::now().naive_utc(),
    };
    db.store
        .with_conn(|c| watcher::record_unmatched(c, &payment))
        .unwrap();
}

fn status(db: &TestDatabase, tx: &Transaction) -> Status {
    let id = tx.id;
    db.store
        .with_conn(move |c| transactions::by_id(c, id))
        .unwrap()
        .unwrap()
        .status
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn operators_racing_on_one_payment_resolve_it_once() {
    for db in TestDatabase::all() {
        let ctx = context(&db.store, Integrations::default());
        let asset = store_asset(
            &db.store,
            &Asset::new("USDC", KeyPair::random().public_key()),
        );
        let (a, b) = (waiting(&db, &asset), waiting(&db, &asset));
        unmatched(&db, &asset, "7001");
        let mut tasks = Vec::new();
        for i in 0..8 {
            let (ctx, id) = (ctx.clone(), if i % 2 == 0 { a.id } else { b.id });
            tasks.push(tokio::spawn(async move {
                match i % 4 {
                    3 => payments::refund_payment(&ctx, "7001", "refund-hash").await,
                    _ => payments::match_payment(&ctx, "7001", &id.to_string()).await,
                }
            }));
        }
        let mut won = 0;
        for t in tasks {
            let flash = t.await.unwrap();
            if flash.ok {
                won += 1;
            } else {
                // Refused as resolved already, or (the same withdrawal) as no longer waiting:
                // never a database failure.
                assert!(flash.text.starts_with("Not done"), "{}", flash.text);
            }
        }
        assert_eq!(won, 1, "exactly one operator resolves the payment");
        let moved = [status(&db, &a), status(&db, &b)]
            .iter()
            .filter(|s| **s == Status::PendingAnchor)
            .count();
        let resolution = db
            .store
            .with_conn(|c| queries::unmatched_payments(c, 10))
            .unwrap()
            .pop()
            .unwrap()
            .1
            .unwrap();
        match resolution.resolution.as_str() {
            "matched" => assert_eq!(moved, 1, "one withdrawal received the payment"),
            "refunded" => assert_eq!(moved, 0, "a refunded payment pays no withdrawal"),
            other => panic!("unexpected resolution {other}"),
        }
    }
}
