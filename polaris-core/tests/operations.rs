//! The anchor-facing operations on SQLite and PostgreSQL: each legal move, each refusal
//! with its typed error, and that nothing is written when an operation is refused.

use polaris_core::model::{Asset, Kind, Protocol, Stage, Status, Transaction};
use polaris_core::operations::{
    self as ops, CustomerInfoRequest, CustomerVerified, Fail, OperationError, PutOnHold, Refund,
    RefundIdType, Release, ToPendingExternal, TransactionInfoRequest, UserActionDeadline,
};
use polaris_core::stellar::KeyPair;
use polaris_core::store::transactions::{self, Owner};
use polaris_core::store::Store;
use polaris_core::testing::{store_asset, TestDatabase};
use rust_decimal_macros::dec;
use serde_json::json;
use uuid::Uuid;

fn insert(
    store: &Store,
    kind: Kind,
    protocol: Protocol,
    status: Status,
    stage: Stage,
) -> Transaction {
    let asset = store_asset(store, &Asset::new("SRT", KeyPair::random().public_key()));
    let mut tx = Transaction::new(kind, protocol, asset.id, KeyPair::random().public_key());
    tx.status = status;
    tx.stage = stage;
    if matches!(
        status,
        Status::PendingAnchor | Status::PendingUserTransferComplete | Status::Error
    ) {
        tx.amount_in = Some(dec!(100));
        tx.amount_fee = Some(dec!(2));
        tx.amount_out = Some(dec!(98));
    }
    store.with_conn(|c| transactions::insert(c, &tx)).unwrap();
    tx
}

fn load(store: &Store, id: Uuid) -> Transaction {
    store
        .with_conn(|c| transactions::by_id(c, id))
        .unwrap()
        .unwrap()
}

/// Asserts the operation was refused as `illegal` and the row is unchanged.
fn assert_illegal(store: &Store, before: &Transaction, e: OperationError, to: Status) {
    match e {
        OperationError::IllegalTransition { from, to: t, .. } => {
            assert_eq!((from, t), (before.status, to));
        }
        other => panic!("expected an illegal transition, got {other}"),
    }
    assert_eq!(&load(store, before.id), before, "nothing written");
}

#[tokio::test]
async fn hold_and_release_return_to_the_status_and_stage_held() {
    for db in TestDatabase::all() {
        let s = &db.store;
        let tx = insert(
            s,
            Kind::Withdrawal,
            Protocol::Sep24,
            Status::PendingAnchor,
            Stage::ReadyToPay,
        );
        let held = ops::put_on_hold(s, PutOnHold::new(tx.id).with_message("compliance check"))
            .await
            .unwrap();
        assert_eq!(
            (held.status, held.stage),
            (Status::OnHold, Stage::ReadyToPay)
        );
        assert_eq!(held.resume_status, Some(Status::PendingAnchor));
        assert_eq!(held.status_message.as_deref(), Some("compliance check"));
        let again = ops::put_on_hold(s, PutOnHold::new(tx.id))
            .await
            .unwrap_err();
        assert_illegal(s, &held, again, Status::OnHold);

        let released = ops::release(s, Release::new(tx.id)).await.unwrap();
        assert_eq!(
            (released.status, released.stage),
            (Status::PendingAnchor, Stage::ReadyToPay)
        );
        assert_eq!(
            (released.resume_status, released.status_message.as_deref()),
            (None, None)
        );
        assert_eq!(load(s, tx.id), released);
        let e = ops::release(s, Release::new(tx.id)).await.unwrap_err();
        assert!(
            matches!(
                e,
                OperationError::NotAllowed {
                    status: Status::PendingAnchor,
                    ..
                }
            ),
            "{e}"
        );

        // A deposit at the bank may be held too, and goes back there.
        let dep = insert(
            s,
            Kind::Deposit,
            Protocol::Sep6,
            Status::PendingExternal,
            Stage::None,
        );
        ops::put_on_hold(s, PutOnHold::new(dep.id)).await.unwrap();
        let back = ops::release(s, Release::new(dep.id)).await.unwrap();
        assert_eq!(back.status, Status::PendingExternal);

        // Before the funds arrived there is nothing to hold.
        let waiting = insert(
            s,
            Kind::Deposit,
            Protocol::Sep24,
            Status::PendingUserTransferStart,
            Stage::None,
        );
        let e = ops::put_on_hold(s, PutOnHold::new(waiting.id))
            .await
            .unwrap_err();
        assert_illegal(s, &waiting, e, Status::OnHold);
        // Money moving: refused whatever the table says.
        let paying = insert(
            s,
            Kind::Withdrawal,
            Protocol::Sep6,
            Status::PendingAnchor,
            Stage::PayingOut,
        );
        let e = ops::put_on_hold(s, PutOnHold::new(paying.id))
            .await
            .unwrap_err();
        assert!(matches!(e, OperationError::NotAllowed { .. }), "{e}");
        assert_eq!(load(s, paying.id), paying);
        let e = ops::put_on_hold(s, PutOnHold::new(Uuid::new_v4()))
            .await
            .unwrap_err();
        assert!(matches!(e, OperationError::NotFound(_)), "{e}");
    }
}

#[tokio::test]
async fn info_requests_remember_where_the_transaction_stopped() {
    for db in TestDatabase::all() {
        let s = &db.store;
        let tx = insert(
            s,
            Kind::Deposit,
            Protocol::Sep6,
            Status::PendingUserTransferStart,
            Stage::None,
        );
        let fields = json!({"dest": {"description": "your bank account"}});
        let asked = ops::request_transaction_info(
            s,
            TransactionInfoRequest::new(tx.id, "the account number is wrong", fields.clone()),
        )
        .await
        .unwrap();
        assert_eq!(asked.status, Status::PendingTransactionInfoUpdate);
        assert_eq!(asked.resume_status, Some(Status::PendingUserTransferStart));
        assert_eq!(asked.required_info_updates, Some(fields.clone()));
        assert_eq!(
            asked.required_info_message.as_deref(),
            Some("the account number is wrong")
        );
        assert_eq!(load(s, tx.id), asked);

        // SEP-24 has no info-update statuses.
        let sep24 = insert(
            s,
            Kind::Deposit,
            Protocol::Sep24,
            Status::PendingAnchor,
            Stage::None,
        );
        let request = TransactionInfoRequest::new(sep24.id, "m", fields.clone());
        let e = ops::request_transaction_info(s, request).await.unwrap_err();
        assert!(matches!(e, OperationError::NotAllowed { .. }), "{e}");
        // A completed transaction asks nothing more.
        let done = insert(
            s,
            Kind::Withdrawal,
            Protocol::Sep6,
            Status::Completed,
            Stage::None,
        );
        let request = TransactionInfoRequest::new(done.id, "m", fields);
        let e = ops::request_transaction_info(s, request).await.unwrap_err();
        assert_illegal(s, &done, e, Status::PendingTransactionInfoUpdate);
    }
}

#[tokio::test]
async fn a_verified_customer_moves_on_only_their_own_transactions() {
    for db in TestDatabase::all() {
        let s = &db.store;
        let mine = insert(
            s,
            Kind::Withdrawal,
            Protocol::Sep6,
            Status::PendingUserTransferStart,
            Stage::None,
        );
        let ready = insert(
            s,
            Kind::Deposit,
            Protocol::Sep6,
            Status::PendingAnchor,
            Stage::ReadyToPay,
        );
        let theirs = insert(
            s,
            Kind::Withdrawal,
            Protocol::Sep6,
            Status::PendingUserTransferStart,
            Stage::None,
        );
        // Same owner for the first two.
        let mut ready = ready;
        ready.stellar_account = mine.stellar_account.clone();
        s.with_conn(|c| {
            transactions::update_if_status(c, &ready, Status::PendingAnchor).map(|_| ())
        })
        .unwrap();
        for id in [mine.id, ready.id, theirs.id] {
            let request = CustomerInfoRequest::new(id).with_message("upload your ID");
            let asked = ops::request_customer_info(s, request).await.unwrap();
            assert_eq!(asked.status, Status::PendingCustomerInfoUpdate);
        }
        let owner = Owner::account(mine.stellar_account.clone());
        let moved = ops::customer_verified(s, CustomerVerified::new(owner))
            .await
            .unwrap();
        let mut ids: Vec<_> = moved.iter().map(|t| t.id).collect();
        ids.sort();
        let mut expected = vec![mine.id, ready.id];
        expected.sort();
        assert_eq!(ids, expected);
        let m = load(s, mine.id);
        assert_eq!(
            (m.status, m.resume_status, m.required_info_message),
            (Status::PendingUserTransferStart, None, None)
        );
        let r = load(s, ready.id);
        assert_eq!(
            (r.status, r.stage),
            (Status::PendingAnchor, Stage::ReadyToPay)
        );
        assert_eq!(load(s, theirs.id).status, Status::PendingCustomerInfoUpdate);
    }
}

#[tokio::test]
async fn the_user_deadline_is_set_and_cleared_until_the_end() {
    for db in TestDatabase::all() {
        let s = &db.store;
        let tx = insert(
            s,
            Kind::Deposit,
            Protocol::Sep24,
            Status::PendingUserTransferStart,
            Stage::None,
        );
        let by = tx.started_at + chrono::Duration::hours(2);
        let set = ops::set_user_action_required_by(s, UserActionDeadline::new(tx.id, Some(by)))
            .await
            .unwrap();
        assert_eq!(
            (set.status, set.user_action_required_by),
            (tx.status, Some(by))
        );
        assert_eq!(load(s, tx.id).user_action_required_by, Some(by));
        let cleared = ops::set_user_action_required_by(s, UserActionDeadline::new(tx.id, None))
            .await
            .unwrap();
        assert_eq!(cleared.user_action_required_by, None);
        let done = insert(
            s,
            Kind::Deposit,
            Protocol::Sep24,
            Status::Completed,
            Stage::None,
        );
        let e = ops::set_user_action_required_by(s, UserActionDeadline::new(done.id, Some(by)))
            .await
            .unwrap_err();
        assert!(matches!(e, OperationError::NotAllowed { .. }), "{e}");
    }
}

#[tokio::test]
async fn partial_refunds_keep_the_transaction_going_and_a_full_one_ends_it() {
    for db in TestDatabase::all() {
        let s = &db.store;
        let tx = insert(
            s,
            Kind::Withdrawal,
            Protocol::Sep24,
            Status::PendingAnchor,
            Stage::ReadyToPay,
        );
        let part = Refund::new(tx.id, "bank-1", RefundIdType::External, dec!(10)).with_fee(dec!(1));
        let after = ops::refund(s, part).await.unwrap();
        assert_eq!(
            (after.status, after.stage),
            (Status::PendingAnchor, Stage::ReadyToPay)
        );
        let r = after.refunds.clone().unwrap();
        assert_eq!((r.amount_refunded, r.amount_fee), (dec!(10), dec!(1)));
        assert_eq!(
            (r.payments[0].id.as_str(), r.payments[0].id_type.as_str()),
            ("bank-1", "external")
        );
        assert_eq!(after.amount_out, Some(dec!(87)), "100 - 2 - 10 - 1");
        assert!(!after.refunded);
        assert_eq!(load(s, tx.id), after);

        let too_much = Refund::new(tx.id, "h", RefundIdType::Stellar, dec!(90));
        let e = ops::refund(s, too_much).await.unwrap_err();
        assert!(matches!(e, OperationError::BadAmount(_)), "{e}");
        assert_eq!(load(s, tx.id), after, "nothing written");

        let rest = Refund::new(tx.id, "a".repeat(64), RefundIdType::Stellar, dec!(89));
        let full = ops::refund(s, rest).await.unwrap();
        assert_eq!(full.status, Status::Refunded);
        assert!(full.refunded && full.completed_at.is_some());
        let r = full.refunds.unwrap();
        assert_eq!(
            (r.amount_refunded, r.amount_fee, r.payments.len()),
            (dec!(99), dec!(1), 2)
        );
        assert_eq!(r.payments[1].id_type, "stellar");

        let late = Refund::new(tx.id, "x", RefundIdType::External, dec!(1));
        let e = ops::refund(s, late).await.unwrap_err();
        assert!(
            matches!(
                e,
                OperationError::NotAllowed {
                    status: Status::Refunded,
                    ..
                }
            ),
            "{e}"
        );
        let unpaid = insert(
            s,
            Kind::Deposit,
            Protocol::Sep6,
            Status::PendingUserTransferStart,
            Stage::None,
        );
        let e = ops::refund(
            s,
            Refund::new(unpaid.id, "x", RefundIdType::External, dec!(1)),
        )
        .await
        .unwrap_err();
        assert!(matches!(e, OperationError::NotAllowed { .. }), "{e}");
        // An error after the funds arrived may be refunded in full.
        let failed = insert(s, Kind::Deposit, Protocol::Sep6, Status::Error, Stage::None);
        let back = Refund::new(failed.id, "bank-2", RefundIdType::External, dec!(100));
        assert_eq!(ops::refund(s, back).await.unwrap().status, Status::Refunded);
    }
}

#[tokio::test]
async fn pending_external_and_error_follow_the_table() {
    for db in TestDatabase::all() {
        let s = &db.store;
        let tx = insert(
            s,
            Kind::Withdrawal,
            Protocol::Sep6,
            Status::PendingAnchor,
            Stage::ReadyToPay,
        );
        let request = ToPendingExternal::new(tx.id)
            .with_external_id("wire-7")
            .with_eta(3600);
        let ext = ops::to_pending_external(s, request).await.unwrap();
        assert_eq!(
            (ext.status, ext.stage),
            (Status::PendingExternal, Stage::AwaitingExternal)
        );
        assert_eq!(
            (ext.external_transaction_id.as_deref(), ext.status_eta),
            (Some("wire-7"), Some(3600))
        );
        let incomplete = insert(
            s,
            Kind::Deposit,
            Protocol::Sep24,
            Status::Incomplete,
            Stage::None,
        );
        let e = ops::to_pending_external(s, ToPendingExternal::new(incomplete.id))
            .await
            .unwrap_err();
        assert_illegal(s, &incomplete, e, Status::PendingExternal);

        let failed = ops::fail(s, Fail::new(tx.id, "the bank refused the account"))
            .await
            .unwrap();
        assert_eq!((failed.status, failed.stage), (Status::Error, Stage::None));
        assert_eq!(
            failed.status_message.as_deref(),
            Some("the bank refused the account")
        );
        let done = insert(
            s,
            Kind::Deposit,
            Protocol::Sep24,
            Status::Completed,
            Stage::None,
        );
        let e = ops::fail(s, Fail::new(done.id, "late")).await.unwrap_err();
        assert_illegal(s, &done, e, Status::Error);
    }
}

#[tokio::test]
async fn of_operators_racing_for_one_move_exactly_one_wins() {
    for db in TestDatabase::all() {
        let s = &db.store;
        let new = || {
            insert(
                s,
                Kind::Deposit,
                Protocol::Sep6,
                Status::PendingAnchor,
                Stage::ReadyToPay,
            )
        };
        let (held, failed) = (new(), new());
        let holds = (0..8).map(|_| ops::put_on_hold(s, PutOnHold::new(held.id)));
        let fails = (0..8).map(|_| ops::fail(s, Fail::new(failed.id, "refused")));
        let (holds, fails) = futures::future::join(
            futures::future::join_all(holds),
            futures::future::join_all(fails),
        )
        .await;
        for results in [holds, fails] {
            let won = results.iter().filter(|r| r.is_ok()).count();
            assert_eq!(won, 1, "{results:?}");
            for e in results.into_iter().filter_map(Result::err) {
                let lost = matches!(
                    e,
                    OperationError::Conflict { .. } | OperationError::IllegalTransition { .. }
                );
                assert!(lost, "{e}");
            }
        }
        assert_eq!(load(s, held.id).status, Status::OnHold);
        assert_eq!(load(s, failed.id).status, Status::Error);
    }
}
