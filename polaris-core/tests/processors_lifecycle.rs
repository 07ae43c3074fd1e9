//! Transactions the anchor or the wallet interrupted resume where they stopped, on the
//! in-process sandbox ledger, on SQLite and PostgreSQL: a SEP-6 withdrawal or deposit asked
//! for information and PATCHed by the wallet is paid out; deposits in `pending_external` are
//! polled and end paid, failed or refunded.

mod support;

use std::sync::Arc;

use polaris_core::integrations::{ExternalDepositOutcome, ExternalDepositUpdate, OutgoingOutcome};
use polaris_core::model::{Kind, MemoType, Protocol, RefundPayment, Stage, Status, Transaction};
use polaris_core::operations::{self as ops, ToPendingExternal, TransactionInfoRequest};
use polaris_core::params::RawRequest;
use polaris_core::processors::deposits;
use polaris_core::processors::withdrawals::{execute_outgoing, watch_once};
use polaris_core::processors::Worker;
use polaris_core::sep6::{endpoints, withdraw_memo};
use polaris_core::stellar::tx::Op;
use polaris_core::stellar::{KeyPair, Memo};
use polaris_core::store::transactions;
use polaris_core::testing::{Arrivals, FakeRails, TestDatabase};
use rust_decimal::Decimal;
use rust_decimal_macros::dec;
use serde_json::json;
use support::{builder, client, funded, load, op, send, setup, srt_balance, Setup, SRT};

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

/// A SEP-6 withdrawal of 10 SRT that the user pays on the ledger with its memo.
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

/// A deposit of `amount` SRT to `to`, waiting for the user's transfer.
fn deposit(s: &Setup, to: &str, amount: i64) -> Transaction {
    let mut tx = Transaction::new(Kind::Deposit, Protocol::Sep6, s.asset.id, to);
    tx.status = Status::PendingUserTransferStart;
    tx.to_address = Some(to.to_string());
    tx.amount_expected = Some(Decimal::from(amount));
    s.ctx
        .store
        .with_conn(|c| transactions::insert(c, &tx))
        .unwrap();
    tx
}

/// The wallet answers the info request with `PATCH /sep6/transactions/:id`.
async fn patch(
    s: &Setup,
    owner: &KeyPair,
    tx: &Transaction,
    body: serde_json::Value,
) -> serde_json::Value {
    let token = polaris_core::testing::token(&s.ctx.settings, owner.public_key(), None);
    let header = format!("Bearer {token}");
    let raw = RawRequest {
        query: "",
        authorization: Some(&header),
    };
    let body = serde_json::to_vec(&body).unwrap();
    let id = tx.id.to_string();
    endpoints::patch_transaction(&s.ctx, &raw, &id, Some("application/json"), &body)
        .await
        .unwrap()
}

#[tokio::test]
async fn a_withdrawal_the_rails_asked_about_is_paid_out_after_the_patch() {
    for db in TestDatabase::all() {
        let bank = Arc::new(
            FakeRails::default().with_payout(OutgoingOutcome::InfoUpdate {
                message: "which account?".into(),
                fields: json!({"dest": {"description": "your bank account"}}),
            }),
        );
        let s = setup(&db, bank.clone()).await;
        let user = user(&s).await;
        let tx = paid_withdrawal(&s, &user).await;
        assert_eq!(watch_once(&s.ctx).await.unwrap(), 1);
        let worker = Worker::new();
        assert_eq!(execute_outgoing(&s.ctx, &worker).await.unwrap(), 1);
        let asked = load(&s, &tx);
        assert_eq!(asked.status, Status::PendingTransactionInfoUpdate);
        assert_eq!(
            (asked.stage, asked.resume_status),
            (Stage::ReadyToPay, Some(Status::PendingAnchor))
        );
        assert_eq!(asked.payout_started_at, None);
        assert_eq!(
            execute_outgoing(&s.ctx, &worker).await.unwrap(),
            0,
            "waits for the user"
        );

        bank.set_payout(OutgoingOutcome::Completed);
        let answer = patch(
            &s,
            &user,
            &tx,
            json!({"transaction": {"dest": "DE89 3704"}}),
        )
        .await;
        assert_eq!(answer["transaction"]["status"], "pending_anchor");
        let resumed = load(&s, &tx);
        assert_eq!(
            (resumed.status, resumed.stage),
            (Status::PendingAnchor, Stage::ReadyToPay)
        );
        assert_eq!(resumed.required_info_updates, None);

        assert_eq!(execute_outgoing(&s.ctx, &worker).await.unwrap(), 1);
        let done = load(&s, &tx);
        assert_eq!(
            (done.status, done.amount_out),
            (Status::Completed, Some(dec!(9)))
        );
        assert_eq!(bank.executed(), vec![tx.id, tx.id], "asked, then paid");
        s.sb.stop().await;
    }
}

#[tokio::test]
async fn a_withdrawal_the_anchor_asked_about_is_paid_out_after_the_patch() {
    for db in TestDatabase::all() {
        let bank = Arc::new(FakeRails::default());
        let s = setup(&db, bank.clone()).await;
        let user = user(&s).await;
        let tx = paid_withdrawal(&s, &user).await;
        assert_eq!(watch_once(&s.ctx).await.unwrap(), 1);
        let fields = json!({"dest": {"description": "your bank account"}});
        let request = TransactionInfoRequest::new(tx.id, "the account was closed", fields);
        ops::request_transaction_info(&s.ctx.store, request)
            .await
            .unwrap();
        let worker = Worker::new();
        assert_eq!(execute_outgoing(&s.ctx, &worker).await.unwrap(), 0);
        assert!(bank.executed().is_empty(), "nothing paid while waiting");

        patch(
            &s,
            &user,
            &tx,
            json!({"transaction": {"dest": "NL91 ABNA"}}),
        )
        .await;
        assert_eq!(execute_outgoing(&s.ctx, &worker).await.unwrap(), 1);
        assert_eq!(load(&s, &tx).status, Status::Completed);
        assert_eq!(bank.executed(), vec![tx.id]);
        s.sb.stop().await;
    }
}

#[tokio::test]
async fn a_deposit_asked_about_before_its_funds_is_paid_after_the_patch() {
    for db in TestDatabase::all() {
        let s = setup(&db, Arc::new(FakeRails::new(Arrivals::Expected))).await;
        let user = user(&s).await;
        let tx = deposit(&s, user.public_key(), 20);
        let fields = json!({"amount": {"description": "the amount you will send"}});
        let request = TransactionInfoRequest::new(tx.id, "confirm the amount", fields);
        ops::request_transaction_info(&s.ctx.store, request)
            .await
            .unwrap();
        let worker = Worker::new();
        let idle = deposits::run_once(&s.ctx, &worker).await.unwrap();
        assert_eq!(
            (idle.received, idle.completed),
            (0, 0),
            "not polled while waiting"
        );

        let answer = patch(&s, &user, &tx, json!({"transaction": {"amount": "20"}})).await;
        assert_eq!(
            answer["transaction"]["status"],
            "pending_user_transfer_start"
        );
        let paid = deposits::run_once(&s.ctx, &worker).await.unwrap();
        assert_eq!((paid.received, paid.completed), (1, 1), "{paid:?}");
        assert_eq!(load(&s, &tx).status, Status::Completed);
        assert_eq!(srt_balance(&s, user.public_key()).await, (100 + 19) * SRT);
        s.sb.stop().await;
    }
}

#[tokio::test]
async fn deposits_at_the_bank_are_polled_until_paid_failed_or_refunded() {
    for db in TestDatabase::all() {
        let bank = Arc::new(FakeRails::new(Arrivals::None));
        let s = setup(&db, bank.clone()).await;
        let user = user(&s).await;
        let mut txs = Vec::new();
        for amount in [30, 40, 50, 60] {
            let tx = deposit(&s, user.public_key(), amount);
            let request = ToPendingExternal::new(tx.id).with_external_id(format!("wire-{amount}"));
            txs.push(
                ops::to_pending_external(&s.ctx.store, request)
                    .await
                    .unwrap(),
            );
        }
        let worker = Worker::new();
        let idle = deposits::run_once(&s.ctx, &worker).await.unwrap();
        assert_eq!((idle.received, idle.failed), (0, 0), "nothing reported yet");

        let mut arrived = txs[0].clone();
        arrived.amount_in = Some(dec!(30));
        let arrived = ExternalDepositOutcome::Arrived(Box::new(arrived));
        bank.report_external(ExternalDepositUpdate::new(txs[0].id, arrived));
        let failed = ExternalDepositOutcome::Failed {
            message: "the transfer bounced".into(),
        };
        bank.report_external(ExternalDepositUpdate::new(txs[1].id, failed));
        let back = |amount: Decimal| ExternalDepositOutcome::Refunded {
            amount_in: amount,
            payments: vec![RefundPayment {
                id: "bank-back".into(),
                id_type: "external".into(),
                amount: amount - dec!(1),
                fee: dec!(1),
            }],
        };
        bank.report_external(ExternalDepositUpdate::new(txs[2].id, back(dec!(50))));
        let partial = ExternalDepositOutcome::Refunded {
            amount_in: dec!(60),
            payments: vec![RefundPayment {
                id: "bank-part".into(),
                id_type: "external".into(),
                amount: dec!(10),
                fee: dec!(0),
            }],
        };
        bank.report_external(ExternalDepositUpdate::new(txs[3].id, partial));

        let round = deposits::run_once(&s.ctx, &worker).await.unwrap();
        assert_eq!(
            (round.received, round.completed, round.failed),
            (1, 1, 1),
            "{round:?}"
        );
        assert_eq!(load(&s, &txs[0]).status, Status::Completed);
        let f = load(&s, &txs[1]);
        assert_eq!(
            (f.status, f.status_message.as_deref()),
            (Status::Error, Some("the transfer bounced"))
        );
        let r = load(&s, &txs[2]);
        assert_eq!((r.status, r.refunded), (Status::Refunded, true));
        let refunds = r.refunds.unwrap();
        assert_eq!(
            (refunds.amount_refunded, refunds.amount_fee),
            (dec!(49), dec!(1))
        );
        let p = load(&s, &txs[3]);
        assert_eq!(
            p.status,
            Status::PendingExternal,
            "a partial refund waits for the rest"
        );
        assert_eq!(
            p.refunds.as_ref().map(|r| r.amount_refunded),
            Some(dec!(10))
        );

        // The rest of the partly refunded deposit arrives: 60 - fee 1 - 10 refunded.
        let mut rest = p.clone();
        rest.refunds = None;
        let rest = ExternalDepositOutcome::Arrived(Box::new(rest));
        bank.report_external(ExternalDepositUpdate::new(txs[3].id, rest));
        let round = deposits::run_once(&s.ctx, &worker).await.unwrap();
        assert_eq!((round.received, round.completed), (1, 1), "{round:?}");
        let done = load(&s, &txs[3]);
        assert_eq!(
            (done.status, done.amount_out),
            (Status::Completed, Some(dec!(49)))
        );
        assert_eq!(
            srt_balance(&s, user.public_key()).await,
            (100 + 29 + 49) * SRT
        );
        s.sb.stop().await;
    }
}
