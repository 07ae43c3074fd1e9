//! What writes to the callback outbox, on SQLite and PostgreSQL: status changes and
//! wallet-visible saves of transactions with an `on_change_callback`, in the same database
//! transaction as the change; the end of the SEP-24 interactive flow (`callback`); SEP-12
//! customer status changes for the URL of `PUT /customer/callback`.

mod wallet;

use std::sync::Arc;

use diesel::Connection;
use polaris_core::auth::Subject;
use polaris_core::integrations::{CustomerInfo, CustomerStatus};
use polaris_core::model::{Protocol, Status};
use polaris_core::params::Params;
use polaris_core::processors::Worker;
use polaris_core::sep12;
use polaris_core::sep24::callback::finish_flow;
use polaris_core::state::{self, TransitionError};
use polaris_core::stellar::{Address, KeyPair};
use polaris_core::store::callbacks::{self, Callback, Topic};
use polaris_core::testing::{MemoryCustomers, TestDatabase};
use polaris_core::Context;
use serde_json::{json, Map};
use wallet::{context, counts, move_through, round, transaction, Wallet};

use Status::*;

fn rows(ctx: &Context, id: &str) -> Vec<Callback> {
    let id = id.to_string();
    ctx.store
        .with_conn(|c| callbacks::of_subject(c, Topic::Transaction, &id))
        .unwrap()
}

#[tokio::test]
async fn only_committed_visible_changes_with_a_callback_are_queued() {
    for db in TestDatabase::all() {
        let (ctx, asset) = context(&db, 3);
        let url = "https://wallet.example.com/cb";
        let mut silent = transaction(&ctx, &asset, Protocol::Sep6, None);
        move_through(&ctx, &mut silent, &[PendingUserTransferStart]);
        assert!(rows(&ctx, &silent.id.to_string()).is_empty(), "no URL");

        let mut tx = transaction(&ctx, &asset, Protocol::Sep6, Some(url));
        let id = tx.id.to_string();
        move_through(&ctx, &mut tx, &[PendingUserTransferStart]);
        tx.submission_hash = Some("internal".into());
        ctx.store
            .with_conn(|c| Ok(state::save(c, &mut tx)))
            .unwrap()
            .unwrap();
        assert_eq!(rows(&ctx, &id).len(), 1, "a plain save tells no one");
        tx.message = Some("send the funds to account 1234".into());
        ctx.store
            .with_conn(|c| Ok(state::save_notify(c, &mut tx)))
            .unwrap()
            .unwrap();
        let queued = rows(&ctx, &id);
        assert_eq!(queued.len(), 2);
        assert_eq!(queued[1].sequence, 2);
        assert_eq!(queued[1].url, url);
        let snapshot = queued[1].transaction().unwrap();
        assert_eq!(snapshot.message, tx.message);
        assert_eq!(queued[0].transaction().unwrap().message, None, "as it was");

        // A transition that loses its race writes nothing.
        let mut stale = tx.clone();
        stale.status = Incomplete;
        let lost = ctx
            .store
            .with_conn(|c| Ok(state::transition(c, &mut stale, PendingUserTransferStart)))
            .unwrap();
        assert!(matches!(lost, Err(TransitionError::Conflict { .. })));
        assert_eq!(rows(&ctx, &id).len(), 2);

        // Nor does one whose outer database transaction rolls back.
        let mut next = tx.clone();
        let rolled_back: Result<(), TransitionError> = ctx
            .store
            .with_conn(|c| {
                Ok(c.transaction(|c| {
                    state::transition(c, &mut next, PendingAnchor)?;
                    Err(TransitionError::Store(polaris_core::StoreError::Invalid(
                        "abandoned".into(),
                    )))
                }))
            })
            .unwrap();
        assert!(rolled_back.is_err());
        assert_eq!(rows(&ctx, &id).len(), 2);
        let stored = ctx
            .store
            .with_conn(|c| polaris_core::store::transactions::by_id(c, tx.id))
            .unwrap()
            .unwrap();
        assert_eq!(stored.status, PendingUserTransferStart);
    }
}

#[tokio::test]
async fn the_end_of_the_interactive_flow_is_queued_after_the_status_change() {
    for db in TestDatabase::all() {
        let (ctx, asset) = context(&db, 3);
        let on_change = Wallet::start(&ctx.settings.signing_key).await;
        let flow_end = Wallet::start(&ctx.settings.signing_key).await;
        let tx = transaction(&ctx, &asset, Protocol::Sep24, Some(&on_change.url));
        let id = tx.id.to_string();
        let url = flow_end.url.clone();
        let done = ctx
            .store
            .with_conn(move |c| Ok(finish_flow(c, tx, Some(&url))))
            .unwrap()
            .unwrap();
        assert_eq!(done.status, PendingUserTransferStart);
        let queued = rows(&ctx, &id);
        let urls: Vec<&str> = queued.iter().map(|r| r.url.as_str()).collect();
        assert_eq!(urls, [on_change.url.as_str(), flow_end.url.as_str()]);
        assert_eq!(counts(&round(&ctx, &Worker::new()).await), (2, 0, 0));
        for wallet in [&on_change, &flow_end] {
            assert_eq!(wallet.statuses_of(&id), ["pending_user_transfer_start"]);
            assert_eq!(wallet.bad_signatures(), 0);
        }

        // `postMessage` is for the page: only the status change is queued.
        let tx = transaction(&ctx, &asset, Protocol::Sep24, Some(&on_change.url));
        let id = tx.id.to_string();
        ctx.store
            .with_conn(move |c| Ok(finish_flow(c, tx, Some("postMessage"))))
            .unwrap()
            .unwrap();
        assert_eq!(rows(&ctx, &id).len(), 1);
    }
}

fn customer_info(status: CustomerStatus) -> CustomerInfo {
    let mut fields = Map::new();
    if status == CustomerStatus::NeedsInfo {
        fields.insert(
            "last_name".into(),
            json!({"type": "string", "description": "family name"}),
        );
    }
    CustomerInfo {
        status,
        fields,
        provided_fields: Map::new(),
        message: None,
    }
}

#[tokio::test]
async fn customer_status_changes_reach_the_url_the_wallet_registered() {
    for db in TestDatabase::all() {
        let (mut ctx, _) = context(&db, 3);
        ctx.integrations.customer =
            Some(Arc::new(MemoryCustomers::default().accepting_callbacks()));
        let wallet = Wallet::start(&ctx.settings.signing_key).await;
        let me = KeyPair::random();
        let subject = Subject::new(&Address::parse(me.public_key()).unwrap(), None);
        let register = Params::parse(&format!(
            "url={}",
            url::form_urlencoded::byte_serialize(wallet.url.as_bytes()).collect::<String>()
        ));
        let refused = sep12::set_callback(&ctx, &subject, &register).await;
        assert_eq!(refused.unwrap_err().status, 404, "no customer yet");

        let put = Params::parse("first_name=Ada");
        let data = sep12::customer_data(&put, Default::default()).unwrap();
        let created = sep12::put_customer(&ctx, &subject, &put, &data)
            .await
            .unwrap();
        let id = created["id"].as_str().unwrap().to_string();
        let owner = subject.owner();
        let notify = |status| {
            let (ctx, owner) = (ctx.clone(), owner.clone());
            async move {
                sep12::notify_customer_status_async(&ctx, owner, customer_info(status))
                    .await
                    .unwrap()
            }
        };
        assert_eq!(notify(CustomerStatus::Processing).await, None, "no URL yet");
        sep12::set_callback(&ctx, &subject, &register)
            .await
            .unwrap();
        assert_eq!(notify(CustomerStatus::NeedsInfo).await, Some(1));
        assert_eq!(notify(CustomerStatus::Accepted).await, Some(2));
        assert_eq!(
            notify(CustomerStatus::Rejected).await,
            None,
            "forgotten after ACCEPTED"
        );

        assert_eq!(counts(&round(&ctx, &Worker::new()).await), (2, 0, 0));
        assert_eq!(wallet.bad_signatures(), 0);
        let bodies = wallet.accepted();
        assert_eq!(
            bodies,
            [
                json!({"id": id, "status": "NEEDS_INFO", "fields": {
                    "last_name": {"type": "string", "description": "family name"}
                }}),
                json!({"id": id, "status": "ACCEPTED"}),
            ]
        );
    }
}

#[tokio::test]
async fn the_anchors_operations_reach_the_wallets_callback() {
    use polaris_core::operations::{self, Refund, RefundIdType, UserActionDeadline};
    use rust_decimal_macros::dec;
    for db in TestDatabase::all() {
        let (ctx, asset) = context(&db, 3);
        let mut tx = transaction(&ctx, &asset, Protocol::Sep6, Some("https://w.example/cb"));
        let id = tx.id.to_string();
        move_through(&ctx, &mut tx, &[PendingUserTransferStart]);
        let by = chrono::Utc::now() + chrono::Duration::hours(2);
        let request = UserActionDeadline::new(tx.id, Some(by));
        operations::set_user_action_required_by(&ctx.store, request)
            .await
            .unwrap();
        let queued = rows(&ctx, &id);
        assert_eq!(queued.len(), 2, "the deadline, a field alone, is reported");
        let snapshot = queued[1].transaction().unwrap();
        assert!(snapshot.user_action_required_by.is_some());

        // A partial refund keeps the status and is reported with its refunds object.
        tx = ctx
            .store
            .with_conn(|c| polaris_core::store::transactions::by_id(c, tx.id))
            .unwrap()
            .unwrap();
        tx.amount_in = Some(dec!(100));
        tx.amount_out = Some(dec!(100));
        move_through(&ctx, &mut tx, &[PendingAnchor]);
        let refund = Refund::new(tx.id, "wire-1", RefundIdType::External, dec!(10));
        let refunded = operations::refund(&ctx.store, refund).await.unwrap();
        assert_eq!(refunded.status, PendingAnchor);
        let queued = rows(&ctx, &id);
        assert_eq!(queued.len(), 4, "{queued:?}");
        let snapshot = queued[3].transaction().unwrap();
        let refunds = snapshot.refunds.expect("the refunds object is sent");
        assert_eq!(refunds.amount_refunded, dec!(10));
    }
}
