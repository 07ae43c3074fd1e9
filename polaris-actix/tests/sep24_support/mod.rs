//! Shared helpers of the SEP-24 interactive page tests: an app, a started transaction,
//! and GET/POST calls that keep status, body, cookie and redirect location.
#![allow(dead_code)]

use std::collections::HashMap;

use actix_web::cookie::Cookie;
use actix_web::dev::{Service, ServiceResponse};
use actix_web::{test, App};
use polaris_actix::{Polaris, PolarisBuilder};
use polaris_core::auth::{Sep10Claims, Subject};
use polaris_core::model::{Asset, Transaction};
use polaris_core::stellar::{Address, KeyPair};
use polaris_core::store::{assets, transactions};
use polaris_core::testing::TestDatabase;
use polaris_core::Settings;
use serde_json::{json, Value};

/// The host of every test URL.
pub const HOST: &str = "https://anchor.example.com";

/// An actix test service.
pub trait App24:
    Service<actix_http::Request, Response = ServiceResponse, Error = actix_web::Error>
{
}
impl<T: Service<actix_http::Request, Response = ServiceResponse, Error = actix_web::Error>> App24
    for T
{
}

/// Settings on `HOST`, with `extra` on top.
pub use polaris_core::testing::settings;

/// Stores the USDC asset: 2 decimals, deposit at most 1000, fee 1 + 1%.
pub async fn usdc(db: &TestDatabase) {
    let mut a = Asset::new("USDC", KeyPair::random().public_key());
    a.distribution_seed = Some(KeyPair::random().seed());
    a.significant_decimals = 2;
    a.deposit.max_amount = Some(rust_decimal::Decimal::new(1000, 0));
    a.deposit.fee_fixed = Some(rust_decimal::Decimal::new(1, 0));
    a.deposit.fee_percent = Some(rust_decimal::Decimal::new(1, 0));
    db.store
        .run(move |c| assets::upsert(c, &a))
        .await
        .expect("asset");
}

/// An app with the USDC asset and the integrations `setup` registers.
pub async fn app_with(
    db: &TestDatabase,
    s: &Settings,
    setup: impl FnOnce(PolarisBuilder) -> PolarisBuilder,
) -> impl App24 {
    usdc(db).await;
    let polaris = setup(Polaris::builder(s.clone()).store(db.store.clone()))
        .build()
        .await
        .expect("build");
    test::init_service(App::new().configure(polaris.configure())).await
}

/// Starts a transaction with `body`; returns (id, path and query of the interactive URL).
pub async fn start(app: &impl App24, s: &Settings, kind: &str, body: Value) -> (String, String) {
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
        .set_json(body);
    let (status, body) = crate::schema::read(test::call_service(app, req.to_request()).await).await;
    assert_eq!(status, 200, "{body}");
    let url = body["url"].as_str().expect("url");
    (body["id"].as_str().expect("id").to_string(), path(url))
}

/// A USDC transaction of `kind` for 100, in French.
pub async fn start_usdc(app: &impl App24, s: &Settings, kind: &str) -> (String, String) {
    start(
        app,
        s,
        kind,
        json!({"asset_code": "USDC", "amount": "100", "lang": "fr"}),
    )
    .await
}

/// The path and query of an absolute URL on `HOST` (other URLs unchanged).
pub fn path(url: &str) -> String {
    url.trim_start_matches(HOST).to_string()
}

/// What a call answered.
#[derive(Debug)]
pub struct Answer {
    /// The status code.
    pub status: u16,
    /// The body as text.
    pub body: String,
    /// The first cookie set.
    pub cookie: Option<Cookie<'static>>,
    /// The `Location` header, as a path when on `HOST`.
    pub location: String,
    /// Every header.
    pub headers: actix_web::http::header::HeaderMap,
}

async fn answer(resp: ServiceResponse) -> Answer {
    let status = resp.status().as_u16();
    let cookie = resp.response().cookies().next().map(|c| c.into_owned());
    let headers = resp.headers().clone();
    let location = headers
        .get("location")
        .and_then(|v| v.to_str().ok())
        .map(path)
        .unwrap_or_default();
    let route = resp.request().match_pattern().unwrap_or_default();
    let method = resp.request().method().to_string();
    let body = String::from_utf8(test::read_body(resp).await.to_vec()).expect("utf8");
    let json = headers
        .get("content-type")
        .is_some_and(|v| v.as_bytes().starts_with(b"application/json"));
    if json {
        let value = serde_json::from_str(&body).unwrap_or(Value::Null);
        let answered = crate::schema::Answered {
            method: &method,
            route: &route,
            status,
        };
        crate::schema::check(answered, &value);
    }
    Answer {
        status,
        body,
        cookie,
        location,
        headers,
    }
}

/// GET `uri` with an optional session cookie.
pub async fn get(app: &impl App24, uri: &str, cookie: Option<&Cookie<'static>>) -> Answer {
    let mut req = test::TestRequest::get().uri(uri);
    if let Some(c) = cookie {
        req = req.cookie(c.clone());
    }
    answer(test::call_service(app, req.to_request()).await).await
}

/// POSTs a URL-encoded form to the `kind` interactive page.
pub async fn post(
    app: &impl App24,
    kind: &str,
    cookie: Option<&Cookie<'static>>,
    form: &[(&str, &str)],
) -> Answer {
    let pairs: HashMap<String, String> = form
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    let mut req = test::TestRequest::post()
        .uri(&format!("/sep24/transactions/{kind}/webapp"))
        .set_form(pairs);
    if let Some(c) = cookie {
        req = req.cookie(c.clone());
    }
    answer(test::call_service(app, req.to_request()).await).await
}

/// POSTs a multipart form with text fields and one file `(field, name, bytes)`; its
/// `transaction_id` and `csrf_token` also go in the query, like the page's form action.
pub async fn post_multipart(
    app: &impl App24,
    kind: &str,
    cookie: &Cookie<'static>,
    form: &[(&str, &str)],
    file: (&str, &str, &[u8]),
) -> Answer {
    let boundary = "polarisboundary";
    let mut body = Vec::new();
    for (k, v) in form {
        body.extend_from_slice(
            format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{k}\"\r\n\r\n{v}\r\n")
                .as_bytes(),
        );
    }
    body.extend_from_slice(
        format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"{}\"; filename=\"{}\"\r\nContent-Type: image/png\r\n\r\n",
            file.0, file.1
        )
        .as_bytes(),
    );
    body.extend_from_slice(file.2);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    // As the page's form action does: session and CSRF token in the query, so they are
    // checked before the body is read.
    let query: Vec<(&str, &str)> = form
        .iter()
        .filter(|(k, _)| *k == "transaction_id" || *k == "csrf_token")
        .copied()
        .collect();
    let query = serde_urlencoded::to_string(query).expect("query");
    let req = test::TestRequest::post()
        .uri(&format!("/sep24/transactions/{kind}/webapp?{query}"))
        .insert_header((
            "Content-Type",
            format!("multipart/form-data; boundary={boundary}"),
        ))
        .cookie(cookie.clone())
        .set_payload(body);
    answer(test::call_service(app, req.to_request()).await).await
}

/// The CSRF token of a page.
pub fn csrf(html: &str) -> String {
    let at = html
        .find("name=\"csrf_token\" value=\"")
        .expect("csrf field")
        + 25;
    html[at..at + 32].to_string()
}

/// Opens the interactive URL; returns the page and the session cookie.
pub async fn open(app: &impl App24, uri: &str) -> (Answer, Cookie<'static>) {
    let page = get(app, uri, None).await;
    let cookie = page.cookie.clone().expect("session cookie");
    (page, cookie)
}

/// The transaction `id` as stored.
pub async fn stored(db: &TestDatabase, id: &str) -> Transaction {
    let uuid = id.parse().expect("uuid");
    db.store
        .run(move |c| transactions::by_id(c, uuid))
        .await
        .expect("db")
        .expect("tx")
}
