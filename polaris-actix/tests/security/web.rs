//! Security regression tests: web surface (interactive flow, outgoing requests, SEP-10, bodies, logs).

use std::sync::{Arc, Mutex};

use actix_web::cookie::Cookie;
use actix_web::{test, App};
use polaris_actix::logging::RequestLog;
use polaris_actix::Polaris;
use polaris_core::integrations::Integrations;
use polaris_core::model::{Asset, Kind, Protocol, Status, Transaction};
use polaris_core::net::NetError;
use polaris_core::sep24::callback::post_flow_end;
use polaris_core::sep24::MORE_INFO_PATH;
use polaris_core::stellar::KeyPair;
use polaris_core::testing::{ExternalApp, TestDatabase};
use polaris_core::Context;
use rust_decimal::Decimal;
use serde_json::json;
use tracing_actix_web::TracingLogger;
use tracing_subscriber::fmt::format::FmtSpan;
use tracing_subscriber::fmt::MakeWriter;

use super::common::{canned, ok, redirect};
use super::sep24_support::{app_with, csrf, get, open, start, stored};

/// A context on SQLite, in local mode or not, with a transaction to send.
fn callback_context(local_mode: bool) -> (TestDatabase, Context, Transaction, Asset) {
    let db = TestDatabase::sqlite();
    let mode = if local_mode { "true" } else { "false" };
    let settings = polaris_core::testing::settings(&[("LOCAL_MODE", mode)]);
    let asset = Asset::new("SRT", KeyPair::random().public_key());
    let tx = Transaction::new(
        Kind::Deposit,
        Protocol::Sep24,
        asset.id,
        KeyPair::random().public_key(),
    );
    let mut ctx = polaris_core::testing::context(&db.store, Integrations::default());
    ctx.settings = Arc::new(settings);
    (db, ctx, tx, asset)
}

// Finding 2 (High): server-side request forgery through the wallet's callback URL.

#[actix_web::test]
async fn ssrf_callback_to_link_local_or_metadata_address_is_refused_in_every_mode() {
    for local_mode in [false, true] {
        let (_db, ctx, tx, asset) = callback_context(local_mode);
        for url in [
            "https://169.254.169.254/latest/meta-data/",
            "https://[fe80::1]/",
            "https://[fd00:ec2::254]/",
            "https://100.100.100.200/",
            "https://[::ffff:169.254.169.254]/",
        ] {
            let sent = post_flow_end(&ctx, url, &tx, &asset).await;
            assert_eq!(sent, Err(NetError::Refused), "{url}, local {local_mode}");
        }
    }
}

#[actix_web::test]
async fn ssrf_callback_redirect_is_not_followed() {
    let (_db, ctx, tx, asset) = callback_context(true);
    let inside = canned(ok());
    let bouncer = canned(redirect(&format!("{}/admin", inside.url)));
    let sent = post_flow_end(&ctx, &format!("{}/cb", bouncer.url), &tx, &asset).await;
    assert_eq!(sent, Err(NetError::Redirect));
    assert_eq!(bouncer.hits(), 1);
    assert_eq!(inside.hits(), 0, "the redirect was followed");
}

#[actix_web::test]
async fn ssrf_callback_to_loopback_only_in_local_mode() {
    let wallet = canned(ok());
    let port = wallet.url.rsplit(':').next().unwrap().to_string();
    let (_db, local, tx, asset) = callback_context(true);
    let sent = post_flow_end(&local, &format!("{}/cb", wallet.url), &tx, &asset).await;
    assert_eq!(sent, Ok(()));
    assert_eq!(wallet.hits(), 1);
    let head = wallet.requests.lock().unwrap()[0].to_ascii_lowercase();
    assert!(head.starts_with("post /cb") && head.contains("signature: t="));

    let (_db, public, tx, asset) = callback_context(false);
    let refused = [
        (format!("http://127.0.0.1:{port}/cb"), NetError::NotHttps),
        (format!("https://127.0.0.1:{port}/cb"), NetError::Refused),
        (format!("https://[::1]:{port}/cb"), NetError::Refused),
        // A name is checked on the resolver's answer, not on its spelling.
        (format!("https://localhost:{port}/cb"), NetError::Refused),
    ];
    for (url, why) in refused {
        assert_eq!(
            post_flow_end(&public, &url, &tx, &asset).await,
            Err(why),
            "{url}"
        );
    }
    assert_eq!(wallet.hits(), 1, "a refused callback reached the server");
}

#[actix_web::test]
async fn ssrf_callback_answer_is_size_capped() {
    let (_db, ctx, tx, asset) = callback_context(true);
    let huge = "HTTP/1.1 200 OK\r\nContent-Length: 50000000\r\nConnection: close\r\n\r\nxxxx";
    let wallet = canned(huge.to_string());
    let sent = post_flow_end(&ctx, &wallet.url, &tx, &asset).await;
    assert!(matches!(sent, Err(NetError::TooLarge(_))), "{sent:?}");
}

#[actix_web::test]
async fn ssrf_error_texts_name_no_address_or_port() {
    let (_db, ctx, tx, asset) = callback_context(false);
    let e = post_flow_end(&ctx, "https://localhost:6379/", &tx, &asset)
        .await
        .unwrap_err()
        .to_string();
    assert!(!e.contains("6379") && !e.contains("127.0.0.1"), "{e}");
}

/// Runs [`ssrf_env_proxy_child`] in a child process whose environment names a proxy (the
/// environment is process-wide, so the other tests must not see it).
#[actix_web::test]
async fn ssrf_environment_proxies_are_ignored() {
    let wallet = canned(ok());
    let proxy = canned(ok());
    let mut child = std::process::Command::new(std::env::current_exe().unwrap());
    child
        .args(["--exact", "web::ssrf_env_proxy_child", "--test-threads=1"])
        .env("POLARIS_PROXY_TEST_TARGET", &wallet.url)
        .env_remove("NO_PROXY")
        .env_remove("no_proxy");
    for name in ["HTTP_PROXY", "http_proxy", "HTTPS_PROXY", "ALL_PROXY"] {
        child.env(name, &proxy.url);
    }
    let out = child.output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("1 passed"));
    assert_eq!(wallet.hits(), 1);
    assert_eq!(
        proxy.hits(),
        0,
        "the callback went through the environment's proxy"
    );
}

/// The child half of [`ssrf_environment_proxies_are_ignored`]; does nothing on its own.
#[actix_web::test]
async fn ssrf_env_proxy_child() {
    let Ok(target) = std::env::var("POLARIS_PROXY_TEST_TARGET") else {
        return;
    };
    let (_db, ctx, tx, asset) = callback_context(true);
    let sent = post_flow_end(&ctx, &format!("{target}/cb"), &tx, &asset).await;
    assert_eq!(sent, Ok(()));
}

// Finding 1 (High): `.../interactive/complete` finished any `incomplete` transaction.

/// An external app whose records say the user finished (agreeing on 50), or not yet.
fn external_app(done: bool) -> ExternalApp {
    ExternalApp {
        done,
        amount: Some(Decimal::new(50, 0)),
    }
}

fn complete_uri(id: &str) -> String {
    format!("/sep24/transactions/deposit/interactive/complete?transaction_id={id}")
}

#[actix_web::test]
async fn interactive_complete_does_not_skip_polaris_forms() {
    for db in TestDatabase::all() {
        let s = polaris_core::testing::settings(&[]);
        let app = app_with(&db, &s, |b| b).await;
        let (id, uri) = start(&app, &s, "deposit", json!({"asset_code": "USDC"})).await;
        let (page, cookie) = open(&app, &uri).await;
        assert_eq!(page.status, 200, "{}", page.body);
        let skip = get(&app, &complete_uri(&id), Some(&cookie)).await;
        assert_eq!(skip.status, 303);
        assert!(skip.location.contains("/webapp"), "{}", skip.location);
        let tx = stored(&db, &id).await;
        assert_eq!(tx.status, Status::Incomplete);
        assert_eq!(tx.amount_in, None);
    }
}

#[actix_web::test]
async fn interactive_complete_needs_the_anchors_confirmation() {
    for db in TestDatabase::all() {
        let s = polaris_core::testing::settings(&[]);
        let app = app_with(&db, &s, |b| b.interactive(external_app(false))).await;
        let (id, uri) = start(&app, &s, "deposit", json!({"asset_code": "USDC"})).await;
        let (away, cookie) = open(&app, &uri).await;
        assert_eq!(away.status, 303);
        let early = get(&app, &complete_uri(&id), Some(&cookie)).await;
        assert_eq!(early.status, 403);
        assert!(early.body.contains("not confirmed"), "{}", early.body);
        assert_eq!(stored(&db, &id).await.status, Status::Incomplete);
    }
}

#[actix_web::test]
async fn interactive_complete_confirmed_by_the_anchor_stores_what_it_agreed() {
    for db in TestDatabase::all() {
        let s = polaris_core::testing::settings(&[]);
        let app = app_with(&db, &s, |b| b.interactive(external_app(true))).await;
        let (id, uri) = start(&app, &s, "deposit", json!({"asset_code": "USDC"})).await;
        let (_, cookie) = open(&app, &uri).await;
        assert_eq!(get(&app, &complete_uri(&id), None).await.status, 403);
        let done = get(&app, &complete_uri(&id), Some(&cookie)).await;
        assert_eq!(done.status, 303);
        let tx = stored(&db, &id).await;
        assert_eq!(tx.status, Status::PendingUserTransferStart);
        assert_eq!(tx.amount_in, Some(Decimal::new(50, 0)));
    }
}

// Finding 5 (Medium): unbounded memory through multipart part headers, read before the
// session was checked.

/// A multipart POST to the deposit page whose one part header never ends (20 MiB).
fn header_only_multipart(uri: &str, cookie: Option<&Cookie<'static>>) -> test::TestRequest {
    let mut body = b"--b\r\nContent-Disposition: form-data; name=\"x\"\r\nX-Pad: ".to_vec();
    body.resize(20 * 1024 * 1024, b'a');
    let mut req = test::TestRequest::post()
        .uri(uri)
        .insert_header(("Content-Type", "multipart/form-data; boundary=b"))
        .set_payload(body);
    if let Some(c) = cookie {
        req = req.cookie(c.clone());
    }
    req
}

#[actix_web::test]
async fn multipart_header_only_body_gets_413_or_403_unread() {
    let db = TestDatabase::sqlite();
    let s = polaris_core::testing::settings(&[]);
    let app = app_with(&db, &s, |b| b).await;
    let (id, uri) = start(&app, &s, "deposit", json!({"asset_code": "USDC"})).await;
    let (page, cookie) = open(&app, &uri).await;
    let token = csrf(&page.body);
    let action =
        format!("/sep24/transactions/deposit/webapp?transaction_id={id}&csrf_token={token}");
    assert!(
        page.body.contains(&format!("csrf_token={token}")),
        "{}",
        page.body
    );

    let plain = "/sep24/transactions/deposit/webapp";
    let anonymous = test::call_service(&app, header_only_multipart(plain, None).to_request());
    assert_eq!(
        anonymous.await.status(),
        403,
        "read before the session check"
    );
    let no_csrf = header_only_multipart(plain, Some(&cookie)).to_request();
    assert_eq!(test::call_service(&app, no_csrf).await.status(), 403);
    let forged = action.replace(&token, "00000000000000000000000000000000");
    let forged = header_only_multipart(&forged, Some(&cookie)).to_request();
    assert_eq!(test::call_service(&app, forged).await.status(), 403);
    let big = header_only_multipart(&action, Some(&cookie)).to_request();
    assert_eq!(test::call_service(&app, big).await.status(), 413);
    assert_eq!(stored(&db, &id).await.status, Status::Incomplete);
}

// Finding 13 (Low): request logs kept the interactive and more-info tokens, and dumped
// every 4xx at WARN.

/// Log output kept in memory.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl std::io::Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl<'a> MakeWriter<'a> for Captured {
    type Writer = Captured;

    fn make_writer(&'a self) -> Self::Writer {
        self.clone()
    }
}

#[actix_web::test]
async fn request_logs_redact_tokens_and_keep_client_errors_short() {
    let logs = Captured::default();
    let subscriber = tracing_subscriber::fmt()
        .with_writer(logs.clone())
        .with_max_level(tracing::Level::TRACE)
        .with_span_events(FmtSpan::CLOSE)
        .with_ansi(false)
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);
    let db = TestDatabase::sqlite();
    let s = polaris_core::testing::settings(&[]);
    let polaris = Polaris::builder(s).store(db.store.clone()).build().await;
    let app = test::init_service(
        App::new()
            .wrap(TracingLogger::<RequestLog>::new())
            .configure(polaris.unwrap().configure()),
    )
    .await;
    let id = uuid::Uuid::new_v4();
    for uri in [
        format!("/sep24/transactions/deposit/webapp?transaction_id={id}&token=SECRET-ONE-TIME"),
        format!("/{MORE_INFO_PATH}?id={id}&token=SECRET-MORE-INFO&lang=en"),
        format!(
            "/sep24/transactions/deposit/webapp/fee?transaction_id={id}&amount=1&jwt=SECRET-JWT"
        ),
    ] {
        let resp = test::call_service(&app, test::TestRequest::get().uri(&uri).to_request()).await;
        assert_eq!(resp.status(), 403, "{uri}");
    }
    let text = String::from_utf8(logs.0.lock().unwrap().clone()).unwrap();
    assert!(!text.contains("SECRET"), "{text}");
    assert!(text.contains("token=[redacted]"), "{text}");
    assert!(text.contains("client error"), "{text}");
    assert!(!text.contains("WARN"), "{text}");
    assert!(
        !text.contains("HttpError("),
        "a debug dump was logged: {text}"
    );
}

// Finding 11 (Low): the client_domain lookup ran on the blocking pool with no time limit,
// and its error named addresses and ports.

#[actix_web::test]
async fn client_domain_lookup_errors_name_no_address() {
    let db = TestDatabase::sqlite();
    let s = polaris_core::testing::settings(&[]);
    let polaris = Polaris::builder(s).store(db.store.clone()).build().await;
    let app = test::init_service(App::new().configure(polaris.unwrap().configure())).await;
    let account = KeyPair::random().public_key().to_string();
    for domain in ["localhost:6379", "127.0.0.1:22", "no-such-host.invalid"] {
        let uri = format!("/auth?account={account}&client_domain={domain}");
        let started = std::time::Instant::now();
        let resp = test::call_service(&app, test::TestRequest::get().uri(&uri).to_request()).await;
        assert_eq!(resp.status(), 400, "{domain}");
        let body: serde_json::Value = test::read_body_json(resp).await;
        let text = body["error"].as_str().unwrap().replace(domain, "<domain>");
        assert!(!text.chars().any(|c| c.is_ascii_digit()), "{text}");
        assert!(
            started.elapsed() < polaris_core::net::DNS_TIMEOUT * 2,
            "{domain}"
        );
    }
}
