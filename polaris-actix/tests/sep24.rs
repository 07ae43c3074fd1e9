//! SEP-24 API endpoints through actix's test service, on every test database.
#![allow(missing_docs)]

mod schema;

use actix_web::dev::{Service, ServiceResponse};
use actix_web::{test, App};
use async_trait::async_trait;
use polaris_actix::Polaris;
use polaris_core::integrations::{IntegrationError, InteractiveIntegration, Sep9Request};
use polaris_core::model::{Asset, Kind, OperationConfig};
use polaris_core::stellar::KeyPair;
use polaris_core::store::assets;
use polaris_core::testing::FixedFee;
use polaris_core::testing::TestDatabase;
use polaris_core::Settings;
use rust_decimal::Decimal;
use serde_json::{json, Value};

fn settings() -> Settings {
    polaris_core::testing::settings(&[])
}

fn token(settings: &Settings, account: &str) -> String {
    polaris_core::testing::token(settings, account, None)
}

struct RejectSep9;

/// Refuses a withdrawal whose SEP-9 `email_address` has no `@`.
#[async_trait]
impl InteractiveIntegration for RejectSep9 {
    async fn save_sep9_fields(&self, request: &Sep9Request<'_>) -> Result<(), IntegrationError> {
        if request.kind != Kind::Withdrawal {
            return Ok(());
        }
        match request.fields.get("email_address") {
            Some(e) if !e.contains('@') => Err(IntegrationError::rejected("bad email")),
            _ => Ok(()),
        }
    }
}

fn usdc() -> Asset {
    let mut a = Asset::new("USDC", KeyPair::random().public_key());
    a.deposit = OperationConfig {
        enabled: true,
        fee_fixed: Some(Decimal::ONE),
        fee_percent: Some(Decimal::ONE),
        min_amount: Some(Decimal::new(10, 0)),
        max_amount: Some(Decimal::new(1000, 0)),
        funding_methods: Vec::new(),
    };
    a.withdrawal = OperationConfig::default();
    a
}

fn hidden() -> Asset {
    let mut a = Asset::new("HIDE", KeyPair::random().public_key());
    a.sep24_enabled = false;
    a
}

async fn app(
    db: &TestDatabase,
    fee: bool,
) -> (
    impl Service<actix_http::Request, Response = ServiceResponse, Error = actix_web::Error>,
    Settings,
) {
    db.store
        .run(|c| {
            assets::upsert(c, &usdc())?;
            assets::upsert(c, &hidden())
        })
        .await
        .expect("assets");
    let s = settings();
    let mut b = Polaris::builder(s.clone())
        .store(db.store.clone())
        .interactive(RejectSep9);
    if fee {
        b = b.fee(FixedFee::new(Decimal::new(42, 1)));
    }
    let polaris = b.build().await.expect("build");
    (
        test::init_service(App::new().configure(polaris.configure())).await,
        s,
    )
}

async fn call(
    app: &impl Service<actix_http::Request, Response = ServiceResponse, Error = actix_web::Error>,
    req: test::TestRequest,
) -> (u16, Value) {
    schema::read(test::call_service(app, req.to_request()).await).await
}

fn post(path: &str, jwt: &str, body: Value) -> test::TestRequest {
    test::TestRequest::post()
        .uri(path)
        .insert_header(("Authorization", format!("Bearer {jwt}")))
        .set_json(body)
}

fn get(path: &str, jwt: &str) -> test::TestRequest {
    test::TestRequest::get()
        .uri(path)
        .insert_header(("Authorization", format!("Bearer {jwt}")))
}

const DEPOSIT: &str = "/sep24/transactions/deposit/interactive";
const WITHDRAW: &str = "/sep24/transactions/withdraw/interactive";

#[actix_web::test]
async fn info_lists_sep24_assets_and_hides_fees_when_replaced() {
    for db in TestDatabase::all() {
        let (app, _) = app(&db, false).await;
        let (st, body) = call(&app, test::TestRequest::get().uri("/sep24/info")).await;
        assert_eq!(st, 200);
        assert_eq!(body["deposit"]["USDC"]["enabled"], true);
        assert_eq!(body["deposit"]["USDC"]["fee_fixed"], json!(1.0));
        assert_eq!(body["deposit"]["USDC"]["min_amount"], json!(10.0));
        assert_eq!(body["deposit"]["USDC"]["max_amount"], json!(1000.0));
        assert_eq!(body["deposit"]["USDC"]["fee_percent"], json!(1.0));
        assert_eq!(body["withdraw"]["USDC"]["enabled"], false);
        assert!(body["deposit"].get("HIDE").is_none());
        assert_eq!(body["features"]["claimable_balances"], true);

        let (app, _) = app_with_fee(&db).await;
        let (_, body) = call(&app, test::TestRequest::get().uri("/sep24/info")).await;
        assert!(body["deposit"]["USDC"].get("fee_fixed").is_none());
    }
}

async fn app_with_fee(
    db: &TestDatabase,
) -> (
    impl Service<actix_http::Request, Response = ServiceResponse, Error = actix_web::Error>,
    Settings,
) {
    app(db, true).await
}

#[actix_web::test]
async fn fee_uses_asset_fees_or_the_integration() {
    for db in TestDatabase::all() {
        let (app, s) = app(&db, false).await;
        let jwt = token(&s, KeyPair::random().public_key());
        let uri = "/sep24/fee?operation=deposit&asset_code=USDC&amount=100";
        let (st, body) = call(&app, get(uri, &jwt)).await;
        assert_eq!((st, body), (200, json!({"fee": 2.0})));
        let (st, _) = call(&app, test::TestRequest::get().uri(uri)).await;
        assert_eq!(st, 403);
        let (st, _) = call(
            &app,
            get("/sep24/fee?operation=send&asset_code=USDC&amount=1", &jwt),
        )
        .await;
        assert_eq!(st, 400);
        let (st, _) = call(
            &app,
            get(
                "/sep24/fee?operation=withdraw&asset_code=USDC&amount=1",
                &jwt,
            ),
        )
        .await;
        assert_eq!(st, 400);

        let (app, s) = app_with_fee(&db).await;
        let jwt = token(&s, KeyPair::random().public_key());
        let (_, body) = call(&app, get(uri, &jwt)).await;
        assert_eq!(body, json!({"fee": 4.2}));
    }
}

#[actix_web::test]
async fn missing_or_bad_jwt_is_authentication_required() {
    for db in TestDatabase::all() {
        let (app, s) = app(&db, false).await;
        let body = json!({"asset_code": "USDC"});
        let req = test::TestRequest::post().uri(DEPOSIT).set_json(&body);
        let (st, b) = call(&app, req).await;
        assert_eq!((st, b), (403, json!({"type": "authentication_required"})));
        let (st, b) = call(&app, post(DEPOSIT, "not-a-jwt", body.clone())).await;
        assert_eq!((st, b), (403, json!({"type": "authentication_required"})));
        let mut other = s.clone();
        other.jwt_key = polaris_core::settings::Secret::new("another-secret-of-some-length");
        let forged = token(&other, KeyPair::random().public_key());
        let (st, _) = call(&app, post(DEPOSIT, &forged, body)).await;
        assert_eq!(st, 403);
        let (st, _) = call(
            &app,
            test::TestRequest::get().uri("/sep24/transactions?asset_code=USDC"),
        )
        .await;
        assert_eq!(st, 403);
    }
}

#[actix_web::test]
async fn an_unknown_lang_falls_back_to_english() {
    for db in TestDatabase::all() {
        let (app, s) = app(&db, false).await;
        let jwt = token(&s, KeyPair::random().public_key());
        let body = json!({"asset_code": "USDC", "lang": "xx"});
        let (st, b) = call(&app, post(DEPOSIT, &jwt, body)).await;
        assert_eq!(st, 200, "{b}");
        let url = b["url"].as_str().expect("url");
        assert!(url.contains("lang=en") && !url.contains("lang=xx"), "{url}");
        let id = b["id"].as_str().expect("id");
        let uri = format!("/sep24/transaction?id={id}&lang=zz-ZZ");
        assert_eq!(call(&app, get(&uri, &jwt)).await.0, 200);
    }
}

#[actix_web::test]
async fn deposit_starts_an_incomplete_transaction_with_an_interactive_url() {
    for db in TestDatabase::all() {
        let (app, s) = app(&db, false).await;
        let account = KeyPair::random().public_key().to_string();
        let jwt = token(&s, &account);
        let body = json!({"asset_code": "USDC", "amount": "100", "lang": "es",
                          "memo": "12", "memo_type": "id", "wallet_name": "W"});
        let (st, b) = call(&app, post(DEPOSIT, &jwt, body)).await;
        assert_eq!(st, 200, "{b}");
        assert_eq!(b["type"], "interactive_customer_info_needed");
        let url = b["url"].as_str().expect("url");
        assert!(url.starts_with("https://anchor.example.com/sep24/transactions/deposit/webapp?"));
        assert!(url.contains("token=") && url.contains("lang=es"));
        let id = b["id"].as_str().expect("id").to_string();

        let (st, b) = call(&app, get(&format!("/sep24/transaction?id={id}"), &jwt)).await;
        assert_eq!(st, 200, "{b}");
        let tx = &b["transaction"];
        assert_eq!(tx["status"], "incomplete");
        assert_eq!(tx["kind"], "deposit");
        assert_eq!(tx["deposit_memo"], "12");
        assert_eq!(tx["deposit_memo_type"], "id");
        assert_eq!(tx["to"], account.as_str());
        assert_eq!(tx["refunded"], false);
        assert!(tx["started_at"].is_string() && tx["updated_at"].is_string());
        let more_info = tx["more_info_url"].as_str().expect("more_info_url");
        assert!(more_info.starts_with(&format!(
            "https://anchor.example.com/sep24/transaction/more_info?id={id}&token="
        )));

        let form = test::TestRequest::post()
            .uri(DEPOSIT)
            .insert_header(("Authorization", format!("Bearer {jwt}")))
            .insert_header(("Content-Type", "application/x-www-form-urlencoded"))
            .set_payload("asset_code=USDC&amount=20");
        let (st, b) = call(&app, form).await;
        assert_eq!(st, 200, "{b}");
    }
}

#[actix_web::test]
async fn invalid_start_requests_are_400() {
    for db in TestDatabase::all() {
        let (app, s) = app(&db, false).await;
        let jwt = token(&s, KeyPair::random().public_key());
        let cases = [
            (DEPOSIT, json!({})),
            (DEPOSIT, json!({"asset_code": "NOPE"})),
            (DEPOSIT, json!({"asset_code": "HIDE"})),
            (WITHDRAW, json!({"asset_code": "USDC"})),
            (
                DEPOSIT,
                json!({"asset_code": "USDC", "asset_issuer": "GWRONG"}),
            ),
            (DEPOSIT, json!({"asset_code": "USDC", "amount": "5"})),
            (DEPOSIT, json!({"asset_code": "USDC", "amount": "5000"})),
            (DEPOSIT, json!({"asset_code": "USDC", "amount": "10.001"})),
            (DEPOSIT, json!({"asset_code": "USDC", "amount": "abc"})),
            (
                DEPOSIT,
                json!({"asset_code": "USDC", "memo": "x", "memo_type": "id"}),
            ),
            (
                DEPOSIT,
                json!({"asset_code": "USDC", "memo": "1", "memo_type": "weird"}),
            ),
            (
                DEPOSIT,
                json!({"asset_code": "USDC", "account": "GNOTANACCOUNT"}),
            ),
            (
                DEPOSIT,
                json!({"asset_code": "USDC", "on_change_callback": "http://wallet.example.com/cb"}),
            ),
            (
                DEPOSIT,
                json!({"asset_code": "USDC", "on_change_callback": "not a url"}),
            ),
        ];
        for (path, body) in cases {
            let (st, b) = call(&app, post(path, &jwt, body.clone())).await;
            assert_eq!(st, 400, "{body} -> {b}");
            assert!(b["error"].is_string(), "{b}");
        }
        let bad = test::TestRequest::post()
            .uri(DEPOSIT)
            .insert_header(("Authorization", format!("Bearer {jwt}")))
            .insert_header(("Content-Type", "application/json"))
            .set_payload("{not json");
        assert_eq!(call(&app, bad).await.0, 400);
    }
}

#[actix_web::test]
async fn rejected_sep9_fields_are_a_400_with_the_message() {
    for db in TestDatabase::all() {
        let (app, s) = app(&db, false).await;
        db.store
            .run(|c| {
                let mut a = usdc();
                a.code = "EURC".into();
                a.withdrawal = OperationConfig::enabled();
                assets::upsert(c, &a)
            })
            .await
            .expect("asset");
        let jwt = token(&s, KeyPair::random().public_key());
        let body = json!({"asset_code": "EURC", "email_address": "nope"});
        let (st, b) = call(&app, post(WITHDRAW, &jwt, body)).await;
        assert_eq!((st, b), (400, json!({"error": "bad email"})));
        let body = json!({"asset_code": "EURC", "email_address": "a@b.c"});
        assert_eq!(call(&app, post(WITHDRAW, &jwt, body)).await.0, 200);
    }
}

#[actix_web::test]
async fn transactions_are_listed_per_owner_and_filtered() {
    for db in TestDatabase::all() {
        let (app, s) = app(&db, false).await;
        let (alice, bob) = (KeyPair::random(), KeyPair::random());
        let ja = token(&s, alice.public_key());
        let jb = token(&s, bob.public_key());
        let mut ids = Vec::new();
        for _ in 0..3 {
            let (_, b) = call(&app, post(DEPOSIT, &ja, json!({"asset_code": "USDC"}))).await;
            ids.push(b["id"].as_str().expect("id").to_string());
        }
        let (st, b) = call(&app, get("/sep24/transactions?asset_code=USDC", &ja)).await;
        assert_eq!(st, 200);
        assert_eq!(b["transactions"].as_array().map(Vec::len), Some(3));
        let (_, b) = call(
            &app,
            get("/sep24/transactions?asset_code=USDC&limit=2", &ja),
        )
        .await;
        assert_eq!(b["transactions"].as_array().map(Vec::len), Some(2));
        let (_, b) = call(
            &app,
            get("/sep24/transactions?asset_code=USDC&kind=withdrawal", &ja),
        )
        .await;
        assert_eq!(b["transactions"].as_array().map(Vec::len), Some(0));
        let (_, b) = call(&app, get("/sep24/transactions?asset_code=USDC", &jb)).await;
        assert_eq!(b["transactions"].as_array().map(Vec::len), Some(0));
        for q in [
            "kind=send",
            "limit=-1",
            "no_older_than=yesterday",
            "paging_id=x",
        ] {
            let uri = format!("/sep24/transactions?asset_code=USDC&{q}");
            assert_eq!(call(&app, get(&uri, &ja)).await.0, 400, "{q}");
        }
        assert_eq!(call(&app, get("/sep24/transactions", &ja)).await.0, 400);

        let uri = format!("/sep24/transaction?id={}", ids[0]);
        assert_eq!(call(&app, get(&uri, &jb)).await.0, 404);
        assert_eq!(call(&app, get("/sep24/transaction", &ja)).await.0, 400);
        assert_eq!(
            call(&app, get("/sep24/transaction?id=nope", &ja)).await.0,
            400
        );
        let uri = "/sep24/transaction?external_transaction_id=unknown";
        assert_eq!(call(&app, get(uri, &ja)).await.0, 404);
    }
}
