//! What wallets read after the anchor's operations, through the SEP-6 and SEP-24 HTTP API
//! on every test database, each body checked against its JSON Schema: the `refunds` object
//! of partial and full refunds, and `on_hold`.

mod schema;

use actix_web::dev::{Service, ServiceResponse};
use actix_web::{test, App};
use polaris_actix::Polaris;
use polaris_core::model::{Asset, Kind, Protocol, Stage, Status, Transaction};
use polaris_core::operations::{self as ops, PutOnHold, Refund, RefundIdType, Release};
use polaris_core::stellar::KeyPair;
use polaris_core::store::transactions;
use polaris_core::testing::{store_asset, TestDatabase};
use polaris_core::Settings;
use rust_decimal::Decimal;
use serde_json::{json, Value};

async fn app(
    db: &TestDatabase,
) -> (
    impl Service<actix_http::Request, Response = ServiceResponse, Error = actix_web::Error>,
    Settings,
) {
    let s = polaris_core::testing::settings(&[]);
    let polaris = Polaris::builder(s.clone())
        .store(db.store.clone())
        .build()
        .await
        .expect("build");
    (
        test::init_service(App::new().configure(polaris.configure())).await,
        s,
    )
}

/// A transaction of `user` whose 100 units arrived (fee 2), waiting for the anchor.
fn received(
    db: &TestDatabase,
    asset: &Asset,
    kind: Kind,
    protocol: Protocol,
    user: &str,
) -> Transaction {
    let mut tx = Transaction::new(kind, protocol, asset.id, user);
    tx.status = Status::PendingAnchor;
    tx.stage = Stage::ReadyToPay;
    tx.amount_in = Some(Decimal::from(100));
    tx.amount_fee = Some(Decimal::from(2));
    tx.amount_out = Some(Decimal::from(98));
    db.store
        .with_conn(|c| transactions::insert(c, &tx))
        .unwrap();
    tx
}

async fn read(
    app: &impl Service<actix_http::Request, Response = ServiceResponse, Error = actix_web::Error>,
    uri: &str,
    jwt: &str,
) -> Value {
    let req = test::TestRequest::get()
        .uri(uri)
        .insert_header(("Authorization", format!("Bearer {jwt}")));
    let (status, body) = schema::read(test::call_service(app, req.to_request()).await).await;
    assert_eq!(status, 200, "{body}");
    body["transaction"].clone()
}

#[actix_web::test]
async fn wallets_read_partial_and_full_refunds_in_each_seps_shape() {
    for db in TestDatabase::all() {
        let (app, settings) = app(&db).await;
        let asset = store_asset(
            &db.store,
            &Asset::new("USDC", KeyPair::random().public_key()),
        );
        let user = KeyPair::random();
        let jwt = polaris_core::testing::token(&settings, user.public_key(), None);
        let sep6 = received(
            &db,
            &asset,
            Kind::Withdrawal,
            Protocol::Sep6,
            user.public_key(),
        );
        let sep24 = received(
            &db,
            &asset,
            Kind::Deposit,
            Protocol::Sep24,
            user.public_key(),
        );
        for (tx, id_type, payment) in [
            (&sep6, RefundIdType::Stellar, "b9d0b2292c4e09e8"),
            (&sep24, RefundIdType::External, "1937103"),
        ] {
            let refund =
                Refund::new(tx.id, payment, id_type, Decimal::from(10)).with_fee(Decimal::from(5));
            ops::refund(&db.store, refund).await.unwrap();
        }

        let six = read(&app, &format!("/sep6/transaction?id={}", sep6.id), &jwt).await;
        assert_eq!(six["status"], "pending_anchor");
        assert_eq!(six["amount_out"], "83.00", "100 - 2 - 10 - 5");
        assert_eq!(six["refunded"], false);
        assert_eq!(
            six["refunds"],
            json!({
                "amount_refunded": "10.00",
                "amount_fee": "5.00",
                "payments": [{"id": "b9d0b2292c4e09e8", "id_type": "stellar", "amount": "10.00", "fee": "5.00"}]
            })
        );
        let uri24 = format!("/sep24/transaction?id={}", sep24.id);
        let four = read(&app, &uri24, &jwt).await;
        assert_eq!(four["status"], "pending_anchor");
        assert_eq!(four["refunds"]["amount_refunded"], "10.00");
        assert_eq!(four["refunds"]["payments"][0]["id_type"], "external");
        assert_eq!(four["refunds"]["payments"][0]["fee"], "5.00");

        // The rest goes back too: 85 + its fee 0 makes 100 with the first 10 + 5.
        let rest = Refund::new(
            sep24.id,
            "1937104",
            RefundIdType::External,
            Decimal::from(85),
        );
        ops::refund(&db.store, rest).await.unwrap();
        let four = read(&app, &uri24, &jwt).await;
        assert_eq!(four["status"], "refunded");
        assert_eq!(four["refunded"], true);
        assert_eq!(four["refunds"]["amount_refunded"], "95.00");
        assert_eq!(four["refunds"]["amount_fee"], "5.00");
        assert_eq!(
            four["refunds"]["payments"].as_array().map(Vec::len),
            Some(2)
        );
        assert!(four["completed_at"].is_string(), "{four}");
    }
}

#[actix_web::test]
async fn wallets_see_on_hold_then_the_status_it_resumed() {
    for db in TestDatabase::all() {
        let (app, settings) = app(&db).await;
        let asset = store_asset(
            &db.store,
            &Asset::new("USDC", KeyPair::random().public_key()),
        );
        let user = KeyPair::random();
        let jwt = polaris_core::testing::token(&settings, user.public_key(), None);
        let tx = received(
            &db,
            &asset,
            Kind::Withdrawal,
            Protocol::Sep24,
            user.public_key(),
        );
        let hold = PutOnHold::new(tx.id).with_message("We are reviewing this withdrawal.");
        ops::put_on_hold(&db.store, hold).await.unwrap();
        let uri = format!("/sep24/transaction?id={}", tx.id);
        let held = read(&app, &uri, &jwt).await;
        assert_eq!(held["status"], "on_hold");
        ops::release(&db.store, Release::new(tx.id)).await.unwrap();
        assert_eq!(read(&app, &uri, &jwt).await["status"], "pending_anchor");
    }
}
