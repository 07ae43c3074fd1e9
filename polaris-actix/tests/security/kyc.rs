//! Security regression tests: users told apart by memo or muxed address.
//!
//! Finding (issue 14, item 3): SEP-12 passed only the `G...` account to the integration, so a
//! muxed user (`M...`) or a memo user of a custodial wallet saw another user's
//! `provided_fields` and status, and could overwrite them; two memo users of one account got
//! a 500 on their second `PUT /kyc/customer`.

use std::sync::Arc;

use actix_web::dev::{Service, ServiceResponse};
use actix_web::{test, web, App};
use polaris_core::integrations::Integrations;
use polaris_core::model::Asset;
use polaris_core::stellar::{Address, KeyPair};
use polaris_core::testing::{store_asset, MemoryCustomers, TestDatabase};
use polaris_core::Context;
use serde_json::Value;

/// Customers in memory who must give a first name, filed under `request.user()` as the
/// docs ask (or under the bare `G...` account, the mistake this module guards against).
type Kyc = Arc<MemoryCustomers>;

fn kyc() -> Kyc {
    Arc::new(MemoryCustomers::new(&[("first_name", "name")]))
}

fn context(db: &TestDatabase, kyc: &Kyc) -> Context {
    store_asset(
        &db.store,
        &Asset::new("SRT", KeyPair::random().public_key()),
    );
    let integrations = Integrations {
        customer: Some(kyc.clone()),
        ..Default::default()
    };
    polaris_core::testing::context(&db.store, integrations)
}

async fn service(
    ctx: &Context,
) -> impl Service<actix_http::Request, Response = ServiceResponse, Error = actix_web::Error> {
    test::init_service(
        App::new()
            .app_data(web::Data::new(ctx.clone()))
            .configure(polaris_actix::error::configure)
            .configure(polaris_actix::sep12::configure),
    )
    .await
}

async fn call<S>(app: &S, req: test::TestRequest, jwt: &str) -> (u16, Value)
where
    S: Service<actix_http::Request, Response = ServiceResponse, Error = actix_web::Error>,
{
    let req = req.insert_header(("Authorization", format!("Bearer {jwt}")));
    crate::schema::read(test::call_service(app, req.to_request()).await).await
}

fn put(body: &str) -> test::TestRequest {
    test::TestRequest::put()
        .uri("/kyc/customer")
        .insert_header(("Content-Type", "application/x-www-form-urlencoded"))
        .set_payload(body.to_string())
}

fn get() -> test::TestRequest {
    test::TestRequest::get().uri("/kyc/customer")
}

fn muxed(account: &str, id: u64) -> String {
    let key = *Address::parse(account).unwrap().key();
    Address::Muxed { key, id }.to_string()
}

#[actix_web::test]
async fn memo_and_muxed_users_neither_read_nor_change_the_accounts_kyc() {
    for db in TestDatabase::all() {
        let kyc = kyc();
        let ctx = context(&db, &kyc);
        let app = service(&ctx).await;
        let wallet = KeyPair::random();
        let g = polaris_core::testing::token(&ctx.settings, wallet.public_key(), None);
        let m7 = muxed(wallet.public_key(), 7);
        let m7 = polaris_core::testing::token(&ctx.settings, &m7, None);
        let g42 = polaris_core::testing::token(&ctx.settings, wallet.public_key(), Some(42));

        let (status, body) = call(&app, put("first_name=Grace&last_name=G"), &g).await;
        assert_eq!(status, 202, "{body}");
        let g_id = body["id"].as_str().unwrap().to_string();
        let before = kyc.fields_of(&g_id);

        for other in [&m7, &g42] {
            let (status, body) = call(&app, get(), other).await;
            assert_eq!(status, 200, "{body}");
            assert_eq!(body["status"], "NEEDS_INFO", "{body}");
            assert!(body.get("provided_fields").is_none(), "{body}");
            assert!(body.get("id").is_none(), "{body}");
            let uri = format!("/kyc/customer?id={g_id}");
            let (status, _) = call(&app, test::TestRequest::get().uri(&uri), other).await;
            assert_eq!(status, 404);
            let (status, body) = call(&app, put("first_name=Mallory"), other).await;
            assert_eq!(status, 202, "{body}");
            assert_ne!(body["id"], g_id.as_str());
        }
        assert_eq!(kyc.fields_of(&g_id), before, "G's data changed");
        let (_, body) = call(&app, get(), &g).await;
        assert_eq!(body["status"], "ACCEPTED");
        assert_eq!(body["id"], g_id.as_str());
    }
}

#[actix_web::test]
async fn two_memo_users_of_one_account_are_two_customers() {
    for db in TestDatabase::all() {
        let kyc = kyc();
        let ctx = context(&db, &kyc);
        let app = service(&ctx).await;
        let wallet = KeyPair::random();
        let mut ids = Vec::new();
        for memo in [1, 2] {
            let jwt = polaris_core::testing::token(&ctx.settings, wallet.public_key(), Some(memo));
            let (status, body) = call(&app, put("first_name=Ann"), &jwt).await;
            assert_eq!(status, 202, "memo {memo}: {body}");
            ids.push(body["id"].as_str().unwrap().to_string());
        }
        assert_ne!(ids[0], ids[1]);
    }
}

#[actix_web::test]
async fn an_integration_answering_another_users_id_never_hands_that_customer_over() {
    for db in TestDatabase::all() {
        let kyc: Kyc = Arc::new(MemoryCustomers::new(&[("first_name", "name")]).by_account());
        let ctx = context(&db, &kyc);
        let app = service(&ctx).await;
        let wallet = KeyPair::random();
        let g = polaris_core::testing::token(&ctx.settings, wallet.public_key(), None);
        let g42 = polaris_core::testing::token(&ctx.settings, wallet.public_key(), Some(42));
        let (_, body) = call(&app, put("first_name=Grace"), &g).await;
        let g_id = body["id"].as_str().unwrap().to_string();

        let (status, body) = call(&app, put("first_name=Mallory"), &g42).await;
        assert_ne!(status, 202, "{body}");
        assert!(body["error"].as_str().is_some(), "{body}");
        let uri = format!("/kyc/customer?id={g_id}");
        let (status, _) = call(&app, test::TestRequest::get().uri(&uri), &g42).await;
        assert_eq!(status, 404);
    }
}
