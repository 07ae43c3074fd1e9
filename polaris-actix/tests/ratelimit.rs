//! Rate limits: after its burst a client address gets 429 with `Retry-After` and a SEP error
//! body, other addresses (told apart through a trusted proxy's `X-Forwarded-For`) do not,
//! and an authenticated account has a quota of its own whatever its address.

use actix_web::dev::{Service, ServiceResponse};
use actix_web::{test, App};
use polaris_actix::Polaris;
use polaris_core::stellar::KeyPair;
use polaris_core::testing::{settings, token, TestDatabase};
use serde_json::Value;

struct Answer {
    status: u16,
    retry_after: Option<u64>,
    body: Value,
}

async fn app(
    db: &TestDatabase,
    extra: &[(&str, &str)],
) -> impl Service<actix_http::Request, Response = ServiceResponse, Error = actix_web::Error> {
    let polaris = Polaris::builder(settings(extra))
        .store(db.store.clone())
        .build()
        .await
        .expect("build");
    test::init_service(App::new().configure(polaris.configure())).await
}

async fn call<S>(app: &S, req: test::TestRequest) -> Answer
where
    S: Service<actix_http::Request, Response = ServiceResponse, Error = actix_web::Error>,
{
    let resp = test::call_service(app, req.to_request()).await;
    let status = resp.status().as_u16();
    let retry_after = resp
        .headers()
        .get("retry-after")
        .map(|v| v.to_str().unwrap().parse().expect("Retry-After in seconds"));
    let bytes = test::read_body(resp).await;
    let body = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
    Answer {
        status,
        retry_after,
        body,
    }
}

/// `GET /auth` from `peer`, through the proxy chain `forwarded` when given.
fn challenge(peer: &str, forwarded: Option<&str>) -> test::TestRequest {
    let account = KeyPair::random();
    let req = test::TestRequest::get()
        .uri(&format!("/auth?account={}", account.public_key()))
        .peer_addr(peer.parse().unwrap());
    match forwarded {
        Some(f) => req.insert_header(("X-Forwarded-For", f)),
        None => req,
    }
}

fn assert_limited(answer: &Answer, scope: &str) {
    assert_eq!(answer.status, 429, "{}", answer.body);
    let wait = answer.retry_after.expect("a Retry-After header");
    assert!((1..=60).contains(&wait), "Retry-After {wait}");
    let error = answer.body["error"].as_str().expect("{\"error\": ...}");
    assert!(error.contains(scope), "{error}");
}

const BURST_OF_TWO: [(&str, &str); 3] = [
    ("RATE_LIMIT_PER_ADDRESS_PER_MINUTE", "1"),
    ("RATE_LIMIT_PER_ADDRESS_BURST", "2"),
    ("TRUSTED_PROXIES", "10.0.0.0/8"),
];

#[actix_web::test]
async fn an_address_gets_429_after_its_burst_and_another_address_does_not() {
    let db = TestDatabase::sqlite();
    let app = app(&db, &BURST_OF_TWO).await;
    let proxy = "10.0.0.1:4000";
    for _ in 0..2 {
        let ok = call(&app, challenge(proxy, Some("203.0.113.1"))).await;
        assert_eq!(ok.status, 200, "{}", ok.body);
    }
    assert_limited(
        &call(&app, challenge(proxy, Some("203.0.113.1"))).await,
        "address",
    );
    // The 429 keeps SEP-10's CORS header, so a browser wallet can read it.
    let from_browser = challenge(proxy, Some("203.0.113.1"))
        .insert_header(("Origin", "https://wallet.example.com"));
    let resp = test::call_service(&app, from_browser.to_request()).await;
    assert_eq!(resp.status().as_u16(), 429);
    assert!(resp.headers().contains_key("access-control-allow-origin"));
    // POST /auth shares the address' quota.
    let post = test::TestRequest::post()
        .uri("/auth")
        .peer_addr(proxy.parse().unwrap())
        .insert_header(("X-Forwarded-For", "203.0.113.1"))
        .set_json(serde_json::json!({"transaction": "AAAA"}));
    assert_limited(&call(&app, post).await, "address");
    // Another client behind the same proxy has its own quota.
    let other = call(&app, challenge(proxy, Some("1.2.3.4, 203.0.113.2"))).await;
    assert_eq!(other.status, 200, "{}", other.body);
}

#[actix_web::test]
async fn an_untrusted_peer_cannot_dodge_its_quota_with_forwarded_for() {
    let db = TestDatabase::sqlite();
    let app = app(&db, &BURST_OF_TWO).await;
    let peer = "198.51.100.7:5000";
    for i in 0..2 {
        let forged = format!("203.0.113.{i}");
        assert_eq!(call(&app, challenge(peer, Some(&forged))).await.status, 200);
    }
    let forged = call(&app, challenge(peer, Some("203.0.113.99"))).await;
    assert_limited(&forged, "address");
}

/// `GET /sep6/deposit` from `peer`, authenticated as `account` when given.
fn deposit(peer: &str, account: &KeyPair, authenticated: bool) -> test::TestRequest {
    let req = test::TestRequest::get()
        .uri(&format!(
            "/sep6/deposit?asset_code=SRT&account={}",
            account.public_key()
        ))
        .peer_addr(peer.parse().unwrap());
    match authenticated {
        true => {
            // The test settings share one JWT key and issuer: the app accepts this token.
            let jwt = token(&settings(&[]), account.public_key(), None);
            req.insert_header(("Authorization", format!("Bearer {jwt}")))
        }
        false => req,
    }
}

#[actix_web::test]
async fn an_account_gets_429_after_its_burst_from_any_address() {
    let db = TestDatabase::sqlite();
    let extra = [
        ("RATE_LIMIT_PER_ACCOUNT_PER_MINUTE", "1"),
        ("RATE_LIMIT_PER_ACCOUNT_BURST", "2"),
    ];
    let app = app(&db, &extra).await;
    let user = KeyPair::random();
    for peer in ["203.0.113.1:1", "203.0.113.2:1"] {
        let answer = call(&app, deposit(peer, &user, true)).await;
        assert_ne!(answer.status, 429, "{}", answer.body);
    }
    let third = call(&app, deposit("203.0.113.3:1", &user, true)).await;
    assert_limited(&third, "account");
    // Another account, and requests without a valid token, are not this account's.
    let other = call(&app, deposit("203.0.113.3:1", &KeyPair::random(), true)).await;
    assert_ne!(other.status, 429, "{}", other.body);
    let anonymous = call(&app, deposit("203.0.113.4:1", &user, false)).await;
    assert_ne!(anonymous.status, 429, "{}", anonymous.body);
}

#[actix_web::test]
async fn limits_can_be_turned_off() {
    let db = TestDatabase::sqlite();
    let mut extra = BURST_OF_TWO.to_vec();
    extra.push(("RATE_LIMIT_ENABLED", "false"));
    let app = app(&db, &extra).await;
    for _ in 0..5 {
        let answer = call(&app, challenge("198.51.100.7:5000", None)).await;
        assert_eq!(answer.status, 200, "{}", answer.body);
    }
}

#[actix_web::test]
async fn unlimited_routes_stay_unlimited() {
    let db = TestDatabase::sqlite();
    let app = app(&db, &BURST_OF_TWO).await;
    for _ in 0..5 {
        let info = test::TestRequest::get()
            .uri("/sep6/info")
            .peer_addr("198.51.100.7:5000".parse().unwrap());
        assert_eq!(call(&app, info).await.status, 200);
    }
}
