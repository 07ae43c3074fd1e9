//! `expire-transactions` on SQLite and PostgreSQL: abandoned `incomplete` and unpaid
//! `pending_user_transfer_start` transactions end `expired`, by age or by the user's
//! deadline, exactly once however many workers run; everything else is left alone.

use std::sync::Arc;

use chrono::Duration;
use polaris_core::integrations::Integrations;
use polaris_core::model::{now, Asset, Kind, Protocol, Stage, Status, Transaction};
use polaris_core::processors::runner::Process;
use polaris_core::processors::{expiry, Worker};
use polaris_core::stellar::KeyPair;
use polaris_core::store::transactions;
use polaris_core::testing::{context, settings, store_asset, TestDatabase};
use polaris_core::Context;

/// A context whose transactions expire after an hour in `incomplete` and two hours in
/// `pending_user_transfer_start` (or never, with `"0"`).
fn ctx(db: &TestDatabase, incomplete: &str, unpaid: &str) -> Context {
    let mut ctx = context(&db.store, Integrations::default());
    ctx.settings = Arc::new(settings(&[
        ("INCOMPLETE_EXPIRATION_SECONDS", incomplete),
        ("PENDING_USER_TRANSFER_START_EXPIRATION_SECONDS", unpaid),
    ]));
    ctx
}

/// A transaction last changed `idle_minutes` ago.
fn stored(ctx: &Context, kind: Kind, status: Status, idle_minutes: i64) -> Transaction {
    let asset = store_asset(
        &ctx.store,
        &Asset::new("SRT", KeyPair::random().public_key()),
    );
    let mut tx = Transaction::new(
        kind,
        Protocol::Sep24,
        asset.id,
        KeyPair::random().public_key(),
    );
    tx.status = status;
    tx.started_at = now() - Duration::minutes(idle_minutes);
    tx.updated_at = tx.started_at;
    ctx.store
        .with_conn(|c| transactions::insert(c, &tx))
        .unwrap();
    tx
}

fn status(ctx: &Context, tx: &Transaction) -> Status {
    let found = ctx.store.with_conn(|c| transactions::by_id(c, tx.id));
    found.unwrap().unwrap().status
}

#[tokio::test]
async fn abandoned_transactions_expire_once_whoever_runs() {
    for db in TestDatabase::all() {
        let ctx = ctx(&db, "3600", "7200");
        use Status::*;
        let old_incomplete = stored(&ctx, Kind::Deposit, Incomplete, 61);
        let fresh_incomplete = stored(&ctx, Kind::Withdrawal, Incomplete, 59);
        let old_unpaid = stored(&ctx, Kind::Withdrawal, PendingUserTransferStart, 121);
        let young_unpaid = stored(&ctx, Kind::Deposit, PendingUserTransferStart, 100);
        let in_review = {
            let mut tx = stored(&ctx, Kind::Deposit, PendingUserTransferStart, 500);
            tx.stage = Stage::KycReview;
            ctx.store
                .with_conn(|c| transactions::update_if_status(c, &tx, tx.status))
                .unwrap();
            tx
        };
        let paid = stored(&ctx, Kind::Deposit, PendingAnchor, 500);
        // The user's deadline wins over the age, both ways.
        let mut late = stored(&ctx, Kind::Deposit, PendingUserTransferStart, 5);
        late.user_action_required_by = Some(now() - Duration::minutes(1));
        let mut granted = stored(&ctx, Kind::Deposit, Incomplete, 500);
        granted.user_action_required_by = Some(now() + Duration::hours(1));
        for tx in [&late, &granted] {
            ctx.store
                .with_conn(|c| transactions::update_if_status(c, tx, tx.status))
                .unwrap();
        }

        let workers: Vec<Worker> = (0..3).map(|_| Worker::new()).collect();
        let runs = workers.iter().map(|w| expiry::run_once(&ctx, w));
        let expired: usize = futures::future::join_all(runs)
            .await
            .into_iter()
            .map(Result::unwrap)
            .sum();
        assert_eq!(expired, 3, "each expired exactly once");
        for tx in [&old_incomplete, &old_unpaid, &late] {
            assert_eq!(status(&ctx, tx), Expired, "{:?}", tx.status);
        }
        for tx in [
            &fresh_incomplete,
            &young_unpaid,
            &in_review,
            &paid,
            &granted,
        ] {
            assert_eq!(status(&ctx, tx), tx.status);
        }
        let found = ctx.store.with_conn(|c| transactions::by_id(c, late.id));
        let late = found.unwrap().unwrap();
        assert!(late.status_message.is_some_and(|m| m.contains("expired")));
        assert_eq!(expiry::run_once(&ctx, &workers[0]).await.unwrap(), 0);
    }
}

#[tokio::test]
async fn an_age_of_zero_never_expires_but_a_passed_deadline_does() {
    for db in TestDatabase::all() {
        let ctx = ctx(&db, "0", "0");
        let ancient = stored(&ctx, Kind::Deposit, Status::Incomplete, 60 * 24 * 365);
        let mut late = stored(&ctx, Kind::Withdrawal, Status::PendingUserTransferStart, 1);
        late.user_action_required_by = Some(now() - Duration::seconds(1));
        ctx.store
            .with_conn(|c| transactions::update_if_status(c, &late, late.status))
            .unwrap();
        let summary = Process::ExpireTransactions
            .run_once(&ctx, &Worker::new())
            .await
            .unwrap();
        assert_eq!(summary, "1 expired");
        assert_eq!(status(&ctx, &ancient), Status::Incomplete);
        assert_eq!(status(&ctx, &late), Status::Expired);
    }
}

#[test]
fn the_ages_default_to_a_day_and_zero_turns_them_off() {
    let s = settings(&[]);
    assert_eq!(s.incomplete_expiration_seconds, Some(86_400));
    assert_eq!(
        s.pending_user_transfer_start_expiration_seconds,
        Some(86_400)
    );
    let off = settings(&[("INCOMPLETE_EXPIRATION_SECONDS", "0")]);
    assert_eq!(off.incomplete_expiration_seconds, None);
    let mut bad = std::collections::HashMap::new();
    bad.insert(
        "PENDING_USER_TRANSFER_START_EXPIRATION_SECONDS".to_string(),
        "soon".to_string(),
    );
    bad.insert(
        "SERVER_JWT_KEY".to_string(),
        "a-secret-of-sufficient-length".to_string(),
    );
    bad.insert(
        "HOST_URL".to_string(),
        "https://anchor.example.com".to_string(),
    );
    let seed = KeyPair::random().seed();
    bad.insert("SIGNING_SEED".to_string(), seed.expose().to_string());
    let e = polaris_core::Settings::from_map(&bad).unwrap_err();
    assert_eq!(e.setting, "PENDING_USER_TRANSFER_START_EXPIRATION_SECONDS");
}
