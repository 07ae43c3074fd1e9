//! The SEP-24 interactive pages: token gate, session, CSRF, amount step, more_info.
#![allow(missing_docs)]

use std::collections::HashMap;

use actix_web::cookie::Cookie;
use actix_web::dev::{Service, ServiceResponse};
use actix_web::{test, App};
use polaris_actix::Polaris;
use polaris_core::auth::{InteractiveClaims, Sep10Claims, Subject};
use polaris_core::model::{Asset, Status};
use polaris_core::stellar::{Address, KeyPair};
use polaris_core::store::{assets, transactions};
use polaris_core::testing::TestDatabase;
use polaris_core::Settings;
use serde_json::{json, Value};

trait App24:
    Service<actix_http::Request, Response = ServiceResponse, Error = actix_web::Error>
{
}
impl<T: Service<actix_http::Request, Response = ServiceResponse, Error = actix_web::Error>> App24
    for T
{
}

fn settings() -> Settings {
    let mut map: HashMap<String, String> = HashMap::new();
    map.insert(
        "SERVER_JWT_KEY".into(),
        "a-secret-of-sufficient-length".into(),
    );
    map.insert("HOST_URL".into(), "https://anchor.example.com".into());
    map.insert(
        "SIGNING_SEED".into(),
        KeyPair::random().seed().expose().to_string(),
    );
    Settings::from_map(&map).expect("test settings")
}

async fn app(db: &TestDatabase) -> (impl App24, Settings) {
    let mut a = Asset::new("USDC", KeyPair::random().public_key());
    a.distribution_seed = Some(KeyPair::random().seed());
    a.deposit.max_amount = Some(rust_decimal::Decimal::new(1000, 0));
    db.store
        .run(move |c| assets::upsert(c, &a))
        .await
        .expect("asset");
    let s = settings();
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

/// Starts a transaction; returns (id, path+query of the interactive URL).
async fn start(app: &impl App24, s: &Settings, kind: &str) -> (String, String) {
    let subject = Subject::new(
        &Address::parse(KeyPair::random().public_key()).expect("a"),
        None,
    );
    let now = u64::try_from(chrono::Utc::now().timestamp()).expect("now");
    let jwt = Sep10Claims::new(s, &subject, now, "j".into(), None)
        .encode(&s.jwt_key)
        .expect("jwt");
    let req = test::TestRequest::post()
        .uri(&format!("/sep24/transactions/{kind}/interactive"))
        .insert_header(("Authorization", format!("Bearer {jwt}")))
        .set_json(json!({"asset_code": "USDC", "amount": "100", "lang": "fr"}));
    let body: Value = test::call_and_read_body_json(app, req.to_request()).await;
    let url = body["url"].as_str().expect("url");
    let path = url
        .trim_start_matches("https://anchor.example.com")
        .to_string();
    (body["id"].as_str().expect("id").to_string(), path)
}

async fn get(
    app: &impl App24,
    uri: &str,
    cookie: Option<&Cookie<'static>>,
) -> (u16, String, Option<Cookie<'static>>) {
    let mut req = test::TestRequest::get().uri(uri);
    if let Some(c) = cookie {
        req = req.cookie(c.clone());
    }
    let resp = test::call_service(app, req.to_request()).await;
    let status = resp.status().as_u16();
    let cookie = resp.response().cookies().next().map(|c| c.into_owned());
    let body = String::from_utf8(test::read_body(resp).await.to_vec()).expect("utf8");
    (status, body, cookie)
}

fn csrf(html: &str) -> String {
    let at = html
        .find("name=\"csrf_token\" value=\"")
        .expect("csrf field")
        + 25;
    html[at..at + 32].to_string()
}

async fn post(
    app: &impl App24,
    kind: &str,
    cookie: Option<&Cookie<'static>>,
    form: &[(&str, &str)],
) -> (u16, String, String) {
    let mut req = test::TestRequest::post()
        .uri(&format!("/sep24/transactions/{kind}/webapp"))
        .set_form(
            form.iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect::<HashMap<_, _>>(),
        );
    if let Some(c) = cookie {
        req = req.cookie(c.clone());
    }
    let resp = test::call_service(app, req.to_request()).await;
    let status = resp.status().as_u16();
    let location = resp
        .headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string();
    let body = String::from_utf8(test::read_body(resp).await.to_vec()).expect("utf8");
    (status, body, location)
}

#[actix_web::test]
async fn deposit_flow_reaches_pending_user_transfer_start() {
    for db in TestDatabase::all() {
        let (app, s) = app(&db).await;
        let (id, path) = start(&app, &s, "deposit").await;
        let (st, html, cookie) = get(&app, &path, None).await;
        assert_eq!(st, 200, "{html}");
        assert!(html.contains("Montant") && html.contains("value=\"100.00\""));
        let cookie = cookie.expect("session cookie");
        assert_eq!(cookie.same_site(), Some(actix_web::cookie::SameSite::None));
        assert_eq!(cookie.secure(), Some(true));
        let token = csrf(&html);

        // Token reuse is refused, the session still works.
        assert_eq!(get(&app, &path, None).await.0, 403);
        let again = format!("/sep24/transactions/deposit/webapp?transaction_id={id}");
        assert_eq!(get(&app, &again, Some(&cookie)).await.0, 200);

        // Missing CSRF, then an out-of-bounds amount, then a good one.
        let (st, _, _) = post(
            &app,
            "deposit",
            Some(&cookie),
            &[("transaction_id", &id), ("amount", "10")],
        )
        .await;
        assert_eq!(st, 403);
        let (st, html, _) = post(
            &app,
            "deposit",
            Some(&cookie),
            &[
                ("transaction_id", &id),
                ("csrf_token", &token),
                ("amount", "5000"),
            ],
        )
        .await;
        assert_eq!(st, 200);
        assert!(html.contains("hors des limites"), "{html}");
        let (st, _, loc) = post(
            &app,
            "deposit",
            Some(&cookie),
            &[
                ("transaction_id", &id),
                ("csrf_token", &token),
                ("amount", "50"),
            ],
        )
        .await;
        assert_eq!(
            (st, loc.as_str()),
            (
                303,
                format!("/sep24/transaction/more_info?id={id}").as_str()
            )
        );

        let (st, html, _) = get(&app, &loc, Some(&cookie)).await;
        assert_eq!(st, 200);
        assert!(html.contains("pending_user_transfer_start"));
        let uuid = id.parse().expect("uuid");
        let tx = db
            .store
            .run(move |c| transactions::by_id(c, uuid))
            .await
            .expect("db")
            .expect("tx");
        assert_eq!(tx.status, Status::PendingUserTransferStart);
        assert_eq!(tx.amount_in, Some(rust_decimal::Decimal::new(50, 0)));
        // Without the session, more_info leaks nothing.
        assert_eq!(get(&app, &loc, None).await.0, 403);
    }
}

#[actix_web::test]
async fn withdrawal_gets_the_distribution_account_and_a_hash_memo() {
    for db in TestDatabase::all() {
        let (app, s) = app(&db).await;
        let (id, path) = start(&app, &s, "withdraw").await;
        let (_, html, cookie) = get(&app, &path, None).await;
        let cookie = cookie.expect("cookie");
        let form = [
            ("transaction_id", id.as_str()),
            ("csrf_token", &csrf(&html)),
            ("amount", "20"),
        ];
        assert_eq!(post(&app, "withdraw", Some(&cookie), &form).await.0, 303);
        let uuid = id.parse().expect("uuid");
        let tx = db
            .store
            .run(move |c| transactions::by_id(c, uuid))
            .await
            .expect("db")
            .expect("tx");
        assert_eq!(tx.status, Status::PendingUserTransferStart);
        assert!(tx.receiving_anchor_account.is_some());
        assert_eq!(tx.memo.as_deref().map(str::len), Some(44));
    }
}

#[actix_web::test]
async fn expired_token_and_another_transactions_session_are_403() {
    for db in TestDatabase::all() {
        let (app, s) = app(&db).await;
        let (id1, path1) = start(&app, &s, "deposit").await;
        let (id2, _) = start(&app, &s, "deposit").await;
        let (_, _, cookie1) = get(&app, &path1, None).await;
        let uri = format!("/sep24/transactions/deposit/webapp?transaction_id={id2}");
        assert_eq!(get(&app, &uri, cookie1.as_ref()).await.0, 403);
        assert_eq!(
            get(
                &app,
                &format!("/sep24/transaction/more_info?id={id2}"),
                cookie1.as_ref()
            )
            .await
            .0,
            403
        );

        let iss = s.url("sep24/transactions/deposit/webapp");
        let old = InteractiveClaims::new(&s, &iss, &id2, "GX", None, 1_000_000)
            .encode(&s.jwt_key)
            .expect("enc");
        let uri = format!("/sep24/transactions/deposit/webapp?transaction_id={id2}&token={old}");
        assert_eq!(get(&app, &uri, None).await.0, 403);
        let uri = format!("/sep24/transactions/deposit/webapp?transaction_id={id1}&token=garbage");
        assert_eq!(get(&app, &uri, None).await.0, 403);
    }
}
