//! Security regression tests: web surface (interactive flow, outgoing requests, SEP-10, bodies, logs).

use std::sync::Arc;

use polaris_core::context::NoHorizon;
use polaris_core::integrations::Integrations;
use polaris_core::model::{Asset, Kind, Protocol, Transaction};
use polaris_core::net::NetError;
use polaris_core::sep24::callback::post_flow_end;
use polaris_core::stellar::KeyPair;
use polaris_core::testing::TestDatabase;
use polaris_core::Context;

use super::common::{canned, ok, redirect};

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
    let ctx = Context {
        settings: Arc::new(settings),
        store: db.store.clone(),
        horizon: Arc::new(NoHorizon),
        integrations: Integrations::default(),
    };
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
