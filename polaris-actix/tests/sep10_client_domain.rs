//! Client attribution against a real stellar.toml server on loopback (LOCAL_MODE).

mod schema;
mod sep10_common;

use std::time::Duration;

use actix_web::test::TestRequest;
use actix_web::{web, App, HttpResponse, HttpServer};
use polaris_core::auth::Sep10Claims;
use polaris_core::stellar::KeyPair;
use polaris_core::testing::TestDatabase;
use sep10_common::*;
use serde_json::json;

/// Serves `/.well-known/stellar.toml` (good), `/big/...` and `/slow/...` on a random port.
async fn toml_server(toml: String) -> u16 {
    let server = HttpServer::new(move || {
        let toml = toml.clone();
        App::new().route(
            "/.well-known/stellar.toml",
            web::get().to(move || {
                let toml = toml.clone();
                async move { HttpResponse::Ok().content_type("text/plain").body(toml) }
            }),
        )
    })
    .workers(1)
    .bind(("127.0.0.1", 0))
    .expect("bind");
    let port = server.addrs()[0].port();
    actix_web::rt::spawn(server.run());
    port
}

fn local_settings() -> polaris_core::Settings {
    settings_with(&[
        ("LOCAL_MODE", "true"),
        ("HOST_URL", "http://localhost:8000"),
        ("SEP10_CLIENT_ATTRIBUTION_REQUEST_TIMEOUT", "1"),
    ])
}

#[actix_web::test]
async fn client_domain_key_is_fetched_and_required() {
    let wallet = KeyPair::random();
    let port = toml_server(format!("SIGNING_KEY = \"{}\"\n", wallet.public_key())).await;
    let db = TestDatabase::sqlite();
    let s = local_settings();
    let passphrase = s.network_passphrase.clone();
    let app = app(context(s.clone(), FakeHorizon::default(), &db)).await;
    let client = KeyPair::random();
    let domain = format!("127.0.0.1:{port}");
    let xdr = get_challenge(
        &app,
        &format!("account={}&client_domain={domain}", client.public_key()),
    )
    .await;
    let (status, body) = post_json(&app, &sign(&xdr, &[&client], &passphrase)).await;
    assert_eq!(status, 400, "{body}");
    let (status, body) = post_json(&app, &sign(&xdr, &[&client, &wallet], &passphrase)).await;
    assert_eq!(status, 200, "{body}");
    let claims = Sep10Claims::decode(&s, body["token"].as_str().unwrap()).unwrap();
    assert_eq!(claims.client_domain.as_deref(), Some(domain.as_str()));
}

#[actix_web::test]
async fn unusable_stellar_tomls_are_400() {
    let big = toml_server(format!("X = \"{}\"\n", "a".repeat(200 * 1024))).await;
    let no_key = toml_server("VERSION = \"2.0.0\"\n".to_string()).await;
    let silent = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let slow = silent.local_addr().unwrap().port();
    let db = TestDatabase::sqlite();
    let app = app(context(local_settings(), FakeHorizon::default(), &db)).await;
    let account = KeyPair::random().public_key().to_string();
    let cases = [
        (
            big,
            format!("cannot fetch the stellar.toml of client_domain 127.0.0.1:{big}: the answer is larger than 102400 bytes"),
        ),
        (
            no_key,
            format!("the stellar.toml of client_domain 127.0.0.1:{no_key} has no SIGNING_KEY"),
        ),
        (
            slow,
            format!("cannot fetch the stellar.toml of client_domain 127.0.0.1:{slow}: the request timed out"),
        ),
    ];
    for (port, error) in cases {
        let started = std::time::Instant::now();
        let uri = format!("/auth?account={account}&client_domain=127.0.0.1:{port}");
        let (status, body) = call(&app, TestRequest::get().uri(&uri)).await;
        assert_eq!((status, body), (400, json!({ "error": error })));
        assert!(started.elapsed() < Duration::from_secs(3));
    }
    drop(silent);
}
