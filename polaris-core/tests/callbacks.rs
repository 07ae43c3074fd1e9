//! `deliver-callbacks` against a wallet's receiver on 127.0.0.1, on SQLite and PostgreSQL:
//! signed delivery, retries with backoff (refusals and timeouts), order per transaction,
//! racing workers, a killed worker's lease, giving up. SEP-6 and SEP-24 callbacks carry
//! the transaction as `GET /transaction` shows it, signed as their "callback signature"
//! sections say.

mod wallet;

use std::collections::HashSet;
use std::time::Duration;

use polaris_core::model::{now, Protocol, Status};
use polaris_core::processors::Worker;
use polaris_core::store::callbacks::{self, Topic};
use polaris_core::testing::TestDatabase;
use wallet::{context, counts, move_through, round, transaction, Answer, Wallet};

use Status::*;

const AFTER_BACKOFF: Duration = Duration::from_millis(1100);

#[tokio::test]
async fn a_status_change_reaches_the_wallet_signed() {
    for db in TestDatabase::all() {
        let (ctx, asset) = context(&db, 3);
        let wallet = Wallet::start(&ctx.settings.signing_key).await;
        let mut six = transaction(&ctx, &asset, Protocol::Sep6, Some(&wallet.url));
        let mut four = transaction(&ctx, &asset, Protocol::Sep24, Some(&wallet.url));
        move_through(&ctx, &mut six, &[PendingUserTransferStart]);
        move_through(&ctx, &mut four, &[PendingUserTransferStart]);
        let worker = Worker::new();
        assert_eq!(counts(&round(&ctx, &worker).await), (2, 0, 0));
        assert_eq!(wallet.bad_signatures(), 0);
        let (six_id, four_id) = (six.id.to_string(), four.id.to_string());
        assert_eq!(wallet.statuses_of(&six_id), ["pending_user_transfer_start"]);
        assert_eq!(
            wallet.statuses_of(&four_id),
            ["pending_user_transfer_start"]
        );
        let bodies = wallet.accepted();
        let of = |id: &str| {
            bodies
                .iter()
                .find(|b| b["transaction"]["id"] == id)
                .cloned()
                .unwrap_or_default()
        };
        // Each SEP's own object: SEP-24 always links its more-info page, SEP-6 (by default) not.
        assert!(of(&four_id)["transaction"]["more_info_url"].is_string());
        assert!(of(&six_id)["transaction"].get("more_info_url").is_none());
        assert_eq!(of(&six_id)["transaction"]["kind"], "deposit");
        let rows = ctx
            .store
            .with_conn(|c| callbacks::of_subject(c, Topic::Transaction, &six_id))
            .unwrap();
        assert_eq!(rows.len(), 1);
        assert!(rows[0].delivered_at.is_some());
        assert_eq!(rows[0].attempts, 1);
        assert_eq!(counts(&round(&ctx, &worker).await), (0, 0, 0), "sent once");
        assert_eq!(wallet.requests(), 2);
    }
}

#[tokio::test]
async fn a_refused_callback_is_retried_after_a_backoff() {
    for db in TestDatabase::all() {
        let (ctx, asset) = context(&db, 3);
        let wallet = Wallet::start(&ctx.settings.signing_key).await;
        wallet.plan(&[Answer::Status(500)]);
        let mut tx = transaction(&ctx, &asset, Protocol::Sep6, Some(&wallet.url));
        move_through(&ctx, &mut tx, &[PendingUserTransferStart]);
        let worker = Worker::new();
        assert_eq!(counts(&round(&ctx, &worker).await), (0, 1, 0));
        let id = tx.id.to_string();
        let row = ctx
            .store
            .with_conn(|c| callbacks::of_subject(c, Topic::Transaction, &id))
            .unwrap()
            .remove(0);
        assert_eq!(row.attempts, 1);
        assert_eq!(
            row.last_error.as_deref(),
            Some("the server answered status 500")
        );
        assert!(row.next_attempt_at > now(), "waits before the next attempt");
        assert!(row.lease_owner.is_none(), "the lease is released");
        assert_eq!(
            counts(&round(&ctx, &worker).await),
            (0, 0, 0),
            "not due yet"
        );
        tokio::time::sleep(AFTER_BACKOFF).await;
        assert_eq!(counts(&round(&ctx, &worker).await), (1, 0, 0));
        assert_eq!(wallet.statuses_of(&id), ["pending_user_transfer_start"]);
        assert_eq!(wallet.requests(), 2);
    }
}

#[tokio::test]
async fn a_wallet_that_does_not_answer_in_time_gets_it_again() {
    for db in TestDatabase::all() {
        let (ctx, asset) = context(&db, 3);
        let wallet = Wallet::start(&ctx.settings.signing_key).await;
        wallet.plan(&[Answer::Slow(Duration::from_secs(3))]);
        let mut tx = transaction(&ctx, &asset, Protocol::Sep24, Some(&wallet.url));
        move_through(&ctx, &mut tx, &[PendingUserTransferStart]);
        let worker = Worker::new();
        assert_eq!(counts(&round(&ctx, &worker).await), (0, 1, 0));
        let id = tx.id.to_string();
        let row = ctx
            .store
            .with_conn(|c| callbacks::of_subject(c, Topic::Transaction, &id))
            .unwrap()
            .remove(0);
        assert_eq!(row.last_error.as_deref(), Some("the request timed out"));
        tokio::time::sleep(AFTER_BACKOFF).await;
        assert_eq!(counts(&round(&ctx, &worker).await), (1, 0, 0));
        assert_eq!(wallet.statuses_of(&id), ["pending_user_transfer_start"]);
    }
}

#[tokio::test]
async fn the_changes_of_a_transaction_arrive_in_order() {
    for db in TestDatabase::all() {
        let (ctx, asset) = context(&db, 5);
        let wallet = Wallet::start(&ctx.settings.signing_key).await;
        wallet.plan(&[Answer::Status(503)]);
        let mut first = transaction(&ctx, &asset, Protocol::Sep6, Some(&wallet.url));
        let path = [PendingUserTransferStart, PendingAnchor, Completed];
        move_through(&ctx, &mut first, &path);
        let worker = Worker::new();
        // The first change is refused: the two after it wait behind it.
        assert_eq!(counts(&round(&ctx, &worker).await), (0, 1, 0));
        let mut other = transaction(&ctx, &asset, Protocol::Sep6, Some(&wallet.url));
        move_through(&ctx, &mut other, &[PendingUserTransferStart]);
        assert_eq!(
            counts(&round(&ctx, &worker).await),
            (1, 0, 0),
            "another transaction is not held up"
        );
        tokio::time::sleep(AFTER_BACKOFF).await;
        assert_eq!(counts(&round(&ctx, &worker).await), (3, 0, 0));
        assert_eq!(
            wallet.statuses_of(&first.id.to_string()),
            ["pending_user_transfer_start", "pending_anchor", "completed"]
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_workers_racing_send_each_change_once() {
    for db in TestDatabase::all() {
        let (ctx, asset) = context(&db, 3);
        let wallet = Wallet::start(&ctx.settings.signing_key).await;
        let mut ids = Vec::new();
        for _ in 0..20 {
            let mut tx = transaction(&ctx, &asset, Protocol::Sep6, Some(&wallet.url));
            move_through(&ctx, &mut tx, &[PendingUserTransferStart, PendingAnchor]);
            ids.push(tx.id.to_string());
        }
        let (a, b) = (Worker::new(), Worker::new());
        let (ra, rb) = tokio::join!(round(&ctx, &a), round(&ctx, &b));
        assert_eq!(ra.delivered + rb.delivered, 40, "{ra:?} {rb:?}");
        assert_eq!(wallet.requests(), 40, "no change sent twice");
        let seen: HashSet<(String, String)> = wallet
            .accepted()
            .iter()
            .map(|b| {
                let t = &b["transaction"];
                (t["id"].to_string(), t["status"].to_string())
            })
            .collect();
        assert_eq!(seen.len(), 40);
        for id in &ids {
            assert_eq!(
                wallet.statuses_of(id),
                ["pending_user_transfer_start", "pending_anchor"]
            );
        }
    }
}

#[tokio::test]
async fn a_killed_workers_callback_is_sent_by_another_after_its_lease() {
    for db in TestDatabase::all() {
        let (ctx, asset) = context(&db, 3);
        let wallet = Wallet::start(&ctx.settings.signing_key).await;
        let mut tx = transaction(&ctx, &asset, Protocol::Sep6, Some(&wallet.url));
        move_through(&ctx, &mut tx, &[PendingUserTransferStart]);
        // A worker claims it and dies before sending.
        let at = now();
        let until = at + chrono::Duration::seconds(1);
        let claimed = ctx
            .store
            .with_conn(|c| callbacks::claim_due(c, "killed-worker", at, until, 10))
            .unwrap();
        assert_eq!(claimed.len(), 1);
        assert_eq!(claimed[0].lease_owner.as_deref(), Some("killed-worker"));
        let worker = Worker::new();
        assert_eq!(counts(&round(&ctx, &worker).await), (0, 0, 0), "leased");
        tokio::time::sleep(AFTER_BACKOFF).await;
        assert_eq!(counts(&round(&ctx, &worker).await), (1, 0, 0));
        assert_eq!(
            wallet.statuses_of(&tx.id.to_string()),
            ["pending_user_transfer_start"]
        );
    }
}

#[tokio::test]
async fn a_callback_is_given_up_after_the_last_attempt_and_the_next_goes_on() {
    for db in TestDatabase::all() {
        let (ctx, asset) = context(&db, 2);
        let wallet = Wallet::start(&ctx.settings.signing_key).await;
        wallet.plan(&[Answer::Status(500), Answer::Status(404)]);
        let mut tx = transaction(&ctx, &asset, Protocol::Sep6, Some(&wallet.url));
        move_through(&ctx, &mut tx, &[PendingUserTransferStart, PendingAnchor]);
        let worker = Worker::new();
        assert_eq!(counts(&round(&ctx, &worker).await), (0, 1, 0));
        tokio::time::sleep(AFTER_BACKOFF).await;
        // The second attempt fails too: given up; the next change is then sent.
        assert_eq!(counts(&round(&ctx, &worker).await), (1, 0, 1));
        let id = tx.id.to_string();
        assert_eq!(wallet.statuses_of(&id), ["pending_anchor"]);
        let rows = ctx
            .store
            .with_conn(|c| callbacks::of_subject(c, Topic::Transaction, &id))
            .unwrap();
        assert!(rows[0].given_up_at.is_some());
        assert!(rows[0].delivered_at.is_none());
        assert_eq!(rows[0].attempts, 2);
        assert_eq!(
            rows[0].last_error.as_deref(),
            Some("the server answered status 404")
        );
        assert!(rows[1].delivered_at.is_some());
        let pending = ctx.store.with_conn(callbacks::pending_count).unwrap();
        assert_eq!(pending, 0);
    }
}

#[tokio::test]
async fn a_url_that_can_never_work_is_given_up_at_once() {
    for db in TestDatabase::all() {
        let (ctx, asset) = context(&db, 5);
        let mut ftp = transaction(
            &ctx,
            &asset,
            Protocol::Sep6,
            Some("ftp://wallet.example/cb"),
        );
        move_through(&ctx, &mut ftp, &[PendingUserTransferStart]);
        let id = ftp.id.to_string();
        let rows = ctx
            .store
            .with_conn(|c| callbacks::of_subject(c, Topic::Transaction, &id))
            .unwrap();
        assert!(rows.is_empty(), "not an http(s) URL: nothing queued");
        // Queued (an http URL), but the guarded client never sends credentials.
        let url = "http://user:secret@127.0.0.1:9/cb";
        let mut tx = transaction(&ctx, &asset, Protocol::Sep6, Some(url));
        move_through(&ctx, &mut tx, &[PendingUserTransferStart]);
        let worker = Worker::new();
        assert_eq!(counts(&round(&ctx, &worker).await), (0, 0, 1));
        let id = tx.id.to_string();
        let rows = ctx
            .store
            .with_conn(|c| callbacks::of_subject(c, Topic::Transaction, &id))
            .unwrap();
        assert_eq!(rows[0].attempts, 1);
        assert_eq!(
            rows[0].last_error.as_deref(),
            Some("the URL is not a valid absolute URL")
        );
    }
}
