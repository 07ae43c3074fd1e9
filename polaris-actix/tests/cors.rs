//! One CORS layer on every SEP route: preflights answered, `Access-Control-Allow-Origin: *`
//! on successes and on errors alike, so a wallet running in a browser can call the anchor.

mod schema;

use actix_web::dev::{Service, ServiceResponse};
use actix_web::{test, App};
use polaris_actix::Polaris;
use polaris_core::stellar::KeyPair;
use polaris_core::testing::TestDatabase;

const ORIGIN: &str = "https://wallet.example";

/// Every SEP API route with a method it serves.
fn routes() -> Vec<(&'static str, String)> {
    let account = KeyPair::random();
    vec![
        ("GET", "/.well-known/stellar.toml".into()),
        ("GET", format!("/auth?account={}", account.public_key())),
        ("POST", "/auth".into()),
        ("GET", "/sep6/info".into()),
        ("GET", "/sep6/deposit?asset_code=SRT".into()),
        ("PATCH", "/sep6/transactions/1".into()),
        ("GET", "/kyc/customer".into()),
        ("PUT", "/kyc/customer".into()),
        ("DELETE", format!("/kyc/customer/{}", account.public_key())),
        ("GET", "/sep24/info".into()),
        (
            "GET",
            "/sep24/fee?asset_code=SRT&operation=deposit&amount=1".into(),
        ),
        ("POST", "/sep24/transactions/deposit/interactive".into()),
        ("POST", "/sep24/transactions/withdraw/interactive".into()),
        ("GET", "/sep24/transactions?asset_code=SRT".into()),
        ("GET", "/sep24/transaction?id=1".into()),
    ]
}

async fn app(
    db: &TestDatabase,
) -> impl Service<actix_http::Request, Response = ServiceResponse, Error = actix_web::Error> {
    let settings =
        polaris_core::testing::settings(&[("ACTIVE_SEPS", "sep-1,sep-6,sep-10,sep-12,sep-24")]);
    let polaris = Polaris::builder(settings)
        .store(db.store.clone())
        .build()
        .await
        .unwrap();
    test::init_service(App::new().configure(polaris.configure())).await
}

fn header(resp: &ServiceResponse, name: &str) -> Option<String> {
    resp.headers()
        .get(name)
        .and_then(|v| v.to_str().ok())
        .map(str::to_string)
}

fn allow_origin(resp: &ServiceResponse) -> Option<String> {
    header(resp, "access-control-allow-origin")
}

#[actix_web::test]
async fn every_sep_route_answers_a_preflight() {
    let db = TestDatabase::sqlite();
    let app = app(&db).await;
    for (method, uri) in routes() {
        let req = test::TestRequest::default()
            .method(actix_web::http::Method::OPTIONS)
            .uri(&uri)
            .insert_header(("Origin", ORIGIN))
            .insert_header(("Access-Control-Request-Method", method))
            .insert_header((
                "Access-Control-Request-Headers",
                "authorization,content-type",
            ))
            .to_request();
        let resp = test::call_service(&app, req).await;
        assert_eq!(resp.status().as_u16(), 200, "{method} {uri}");
        assert_eq!(allow_origin(&resp).as_deref(), Some("*"), "{method} {uri}");
        let methods = header(&resp, "access-control-allow-methods").unwrap();
        assert!(methods.contains(method), "{method} {uri}: {methods}");
        let headers = header(&resp, "access-control-allow-headers")
            .unwrap()
            .to_ascii_lowercase();
        assert!(headers.contains("authorization"), "{uri}: {headers}");
    }
}

#[actix_web::test]
async fn answers_and_errors_alike_carry_the_allow_origin_header() {
    let db = TestDatabase::sqlite();
    let app = app(&db).await;
    let mut errors = 0;
    for (method, uri) in routes() {
        let req = test::TestRequest::default()
            .method(method.parse().unwrap())
            .uri(&uri)
            .insert_header(("Origin", ORIGIN))
            .to_request();
        let resp = test::call_service(&app, req).await;
        let allow = allow_origin(&resp);
        let (status, _) = schema::read(resp).await;
        assert!(status < 500, "{method} {uri}: {status}");
        errors += usize::from(status >= 400);
        assert_eq!(allow.as_deref(), Some("*"), "{method} {uri}: {status}");
    }
    // No token and no such assets: most of these calls are refused, and still readable.
    assert!(errors >= 10, "{errors}");
}
