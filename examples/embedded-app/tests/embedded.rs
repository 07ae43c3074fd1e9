//! The shop with Polaris under `/anchor`: the shop's routes, state, CORS and session keep
//! working, Polaris' SEP-10 and SEP-24 work under the prefix, and every URL it writes
//! carries the prefix.
#![allow(missing_docs)]

use std::collections::HashMap;
use std::sync::Arc;

use actix_web::body::MessageBody;
use actix_web::cookie::{Cookie, Key};
use actix_web::dev::{Service, ServiceResponse};
use actix_web::http::header;
use actix_web::{test, web};
use async_trait::async_trait;
use embedded_app::{app, Shop, PREFIX, SHOP_ORIGIN, SHOP_SESSION_COOKIE};
use polaris_actix::Polaris;
use polaris_core::model::Asset;
use polaris_core::stellar::horizon::{AccountInfo, Horizon, HorizonError};
use polaris_core::stellar::KeyPair;
use polaris_core::Settings;
use serde_json::{json, Value};

const HOST: &str = "http://localhost:8000";

/// A ledger where every account is new (SEP-10 then checks the client's own signature).
struct NewAccounts;

#[async_trait]
impl Horizon for NewAccounts {
    async fn load_account(&self, _id: &str) -> Result<Option<AccountInfo>, HorizonError> {
        Ok(None)
    }
}

fn settings(db: &std::path::Path) -> Settings {
    let seed = KeyPair::random().seed().expose().to_string();
    let map: HashMap<String, String> = [
        ("LOCAL_MODE", "true"),
        ("HOST_URL", HOST),
        ("SIGNING_SEED", seed.as_str()),
        ("SERVER_JWT_KEY", "the-shop-jwt-secret-key"),
        (
            "SEED_ENCRYPTION_KEY",
            "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff",
        ),
        ("DATABASE_URL", &format!("sqlite://{}", db.display())),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect();
    Settings::from_map(&map).expect("settings")
}

async fn polaris(db: &std::path::Path) -> Polaris {
    let polaris = Polaris::builder(settings(db))
        .base_path(PREFIX)
        .horizon(Arc::new(NewAccounts))
        .run_migrations(true)
        .build()
        .await
        .expect("build");
    let mut usdc = Asset::new("USDC", KeyPair::random().public_key());
    usdc.distribution_seed = Some(KeyPair::random().seed());
    usdc.significant_decimals = 2;
    polaris
        .context()
        .store
        .run(move |c| polaris_core::store::assets::upsert(c, &usdc))
        .await
        .expect("asset");
    polaris
}

async fn json_of<S, B>(app: &S, req: test::TestRequest) -> (u16, Value)
where
    S: Service<actix_http::Request, Response = ServiceResponse<B>, Error = actix_web::Error>,
    B: MessageBody,
{
    let resp = test::call_service(app, req.to_request()).await;
    let status = resp.status().as_u16();
    let body = test::read_body(resp).await;
    (status, serde_json::from_slice(&body).unwrap_or(Value::Null))
}

fn header_of<B>(resp: &ServiceResponse<B>, name: header::HeaderName) -> Option<String> {
    resp.headers()
        .get(name)
        .and_then(|v| v.to_str().ok())
        .map(str::to_string)
}

fn cookies<B>(resp: &ServiceResponse<B>) -> Vec<Cookie<'static>> {
    resp.response().cookies().map(|c| c.into_owned()).collect()
}

/// A temporary directory for the SQLite file, removed at the end.
struct TempDir(std::path::PathBuf);

impl TempDir {
    fn new() -> Self {
        let dir = std::env::temp_dir().join(format!("embedded-app-{}", uuid::Uuid::new_v4()));
        std::fs::create_dir_all(&dir).expect("temp dir");
        Self(dir)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

#[actix_web::test]
async fn the_shop_keeps_its_routes_state_cors_and_session() {
    let dir = TempDir::new();
    let polaris = polaris(&dir.0.join("shop.sqlite3")).await;
    let shop = web::Data::new(Shop {
        name: "The Shop".into(),
        ..Shop::default()
    });
    let app = test::init_service(app(&polaris, shop, Key::generate())).await;

    let (status, body) = json_of(&app, test::TestRequest::get().uri("/api/hello")).await;
    assert_eq!(
        (status, body),
        (200, json!({"shop": "The Shop", "orders": 0}))
    );

    // The shop's session: a cookie of its own, counting visits.
    let first = test::call_service(
        &app,
        test::TestRequest::post().uri("/api/visit").to_request(),
    )
    .await;
    assert_eq!(first.status(), 200);
    let session = cookies(&first)
        .into_iter()
        .find(|c| c.name() == SHOP_SESSION_COOKIE)
        .expect("the shop's session cookie");
    let second = test::TestRequest::post().uri("/api/visit").cookie(session);
    assert_eq!(json_of(&app, second).await, (200, json!({"visits": 2})));

    // The shop's CORS: its origin only.
    let preflight = |origin: &str, uri: &str| {
        test::TestRequest::default()
            .method(actix_web::http::Method::OPTIONS)
            .uri(uri)
            .insert_header((header::ORIGIN, origin.to_string()))
            .insert_header((header::ACCESS_CONTROL_REQUEST_METHOD, "GET"))
            .to_request()
    };
    let ok = test::call_service(&app, preflight(SHOP_ORIGIN, "/api/hello")).await;
    assert_eq!(ok.status(), 200);
    assert_eq!(
        header_of(&ok, header::ACCESS_CONTROL_ALLOW_ORIGIN).as_deref(),
        Some(SHOP_ORIGIN)
    );
    let other = test::call_service(&app, preflight("https://wallet.example", "/api/hello")).await;
    assert!(other.status().is_client_error(), "{}", other.status());

    // Polaris' CORS on its own routes: any origin, no credentials.
    let sep = test::call_service(
        &app,
        preflight("https://wallet.example", "/anchor/sep24/info"),
    )
    .await;
    assert_eq!(sep.status(), 200);
    assert_eq!(
        header_of(&sep, header::ACCESS_CONTROL_ALLOW_ORIGIN).as_deref(),
        Some("*")
    );
    let info = test::call_service(
        &app,
        test::TestRequest::get()
            .uri("/anchor/sep24/info")
            .to_request(),
    )
    .await;
    assert_eq!(info.status(), 200);
    assert_eq!(
        header_of(&info, header::HeaderName::from_static("x-shop")).as_deref(),
        Some("embedded")
    );
    // Polaris answers under its prefix only.
    assert_eq!(
        test::call_service(
            &app,
            test::TestRequest::get().uri("/sep24/info").to_request()
        )
        .await
        .status(),
        404
    );
}

#[actix_web::test]
async fn sep10_and_sep24_work_under_the_prefix_and_their_urls_carry_it() {
    let dir = TempDir::new();
    let polaris = polaris(&dir.0.join("shop.sqlite3")).await;
    let passphrase = polaris.context().settings.network_passphrase.clone();
    let shop = web::Data::new(Shop::default());
    let app = test::init_service(app(&polaris, shop, Key::generate())).await;

    // SEP-1 at the host's root, pointing under the prefix.
    let toml = test::call_service(
        &app,
        test::TestRequest::get()
            .uri("/.well-known/stellar.toml")
            .to_request(),
    )
    .await;
    assert_eq!(toml.status(), 200);
    let text = String::from_utf8(test::read_body(toml).await.to_vec()).expect("utf-8");
    for line in [
        format!("WEB_AUTH_ENDPOINT = \"{HOST}/anchor/auth\""),
        format!("TRANSFER_SERVER = \"{HOST}/anchor/sep6\""),
        format!("TRANSFER_SERVER_SEP0024 = \"{HOST}/anchor/sep24\""),
    ] {
        assert!(text.contains(&line), "{line} in\n{text}");
    }

    // SEP-10 under the prefix.
    let user = KeyPair::random();
    let (status, challenge) = json_of(
        &app,
        test::TestRequest::get().uri(&format!("/anchor/auth?account={}", user.public_key())),
    )
    .await;
    assert_eq!(status, 200, "{challenge}");
    let xdr = challenge["transaction"].as_str().expect("challenge");
    let signed = polaris_core::sep10::sign_challenge(xdr, &user, &passphrase).expect("sign");
    let (status, token) = json_of(
        &app,
        test::TestRequest::post()
            .uri("/anchor/auth")
            .set_json(json!({ "transaction": signed })),
    )
    .await;
    assert_eq!(status, 200, "{token}");
    let bearer = format!("Bearer {}", token["token"].as_str().expect("token"));

    // SEP-24: the interactive URL carries the prefix, and opens under it.
    let (status, started) = json_of(
        &app,
        test::TestRequest::post()
            .uri("/anchor/sep24/transactions/deposit/interactive")
            .insert_header((header::AUTHORIZATION, bearer.clone()))
            .set_json(json!({ "asset_code": "USDC", "amount": "10" })),
    )
    .await;
    assert_eq!(status, 200, "{started}");
    let url = started["url"].as_str().expect("url");
    let webapp = format!("{HOST}/anchor/sep24/transactions/deposit/webapp?");
    assert!(url.starts_with(&webapp), "{url}");
    let page = test::call_service(
        &app,
        test::TestRequest::get()
            .uri(url.trim_start_matches(HOST))
            .to_request(),
    )
    .await;
    assert_eq!(page.status(), 200);
    let polaris_cookie = cookies(&page)
        .into_iter()
        .find(|c| c.name() == polaris_actix::sep24_webapp::SESSION_COOKIE)
        .expect("Polaris' session cookie");
    assert_eq!(polaris_cookie.path(), Some("/anchor/sep24"));
    let html = String::from_utf8(test::read_body(page).await.to_vec()).expect("utf-8");
    assert!(
        html.contains(&format!("{HOST}/anchor/polaris/static/")),
        "{html}"
    );
    assert!(
        html.contains("/anchor/sep24/transactions/deposit/webapp"),
        "{html}"
    );
    let css = test::call_service(
        &app,
        test::TestRequest::get()
            .uri("/anchor/polaris/static/polaris/polaris.css")
            .to_request(),
    )
    .await;
    assert_eq!(css.status(), 200);

    // The transaction's more_info_url carries the prefix too.
    let id = started["id"].as_str().expect("id");
    let (status, tx) = json_of(
        &app,
        test::TestRequest::get()
            .uri(&format!("/anchor/sep24/transaction?id={id}"))
            .insert_header((header::AUTHORIZATION, bearer)),
    )
    .await;
    assert_eq!(status, 200, "{tx}");
    let more = tx["transaction"]["more_info_url"]
        .as_str()
        .expect("more_info_url");
    assert!(
        more.starts_with(&format!("{HOST}/anchor/sep24/transaction/more_info?")),
        "{more}"
    );
}
