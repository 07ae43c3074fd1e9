//! SEP-10 through actix-web: exact status codes and JSON bodies.

mod schema;
mod sep10_common;

use actix_web::test::TestRequest;
use polaris_core::auth::{Sep10Claims, Subject};
use polaris_core::stellar::horizon::{AccountInfo, AccountSigner, Thresholds};
use polaris_core::stellar::{Address, KeyPair};
use polaris_core::testing::TestDatabase;
use sep10_common::*;
use serde_json::json;

#[actix_web::test]
async fn challenge_then_token_then_protected_endpoint() {
    let db = TestDatabase::sqlite();
    let s = settings_with(&[]);
    let passphrase = s.network_passphrase.clone();
    let app = app(context(s, FakeHorizon::default(), &db)).await;
    let client = KeyPair::random();
    let (status, body) = call(
        &app,
        TestRequest::get().uri(&format!("/auth?account={}", client.public_key())),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(body["network_passphrase"], json!(passphrase));
    let xdr = body["transaction"].as_str().unwrap();
    let (status, body) = post_json(&app, &sign(xdr, &[&client], &passphrase)).await;
    assert_eq!(status, 200, "{body}");
    let token = body["token"].as_str().unwrap();
    let bearer = ("Authorization", format!("Bearer {token}"));
    let (status, body) = call(
        &app,
        TestRequest::get()
            .uri("/protected")
            .insert_header(bearer.clone()),
    )
    .await;
    assert_eq!(
        (status, body),
        (
            200,
            json!({"sub": client.public_key(), "account": client.public_key()})
        )
    );
    let (status, _) = call(
        &app,
        TestRequest::get().uri("/protected24").insert_header(bearer),
    )
    .await;
    assert_eq!(status, 200);
}

#[actix_web::test]
async fn form_bodies_memos_and_muxed_accounts() {
    let db = TestDatabase::sqlite();
    let s = settings_with(&[]);
    let passphrase = s.network_passphrase.clone();
    let app = app(context(s, FakeHorizon::default(), &db)).await;
    let client = KeyPair::random();
    let xdr = get_challenge(&app, &format!("account={}&memo=99", client.public_key())).await;
    let signed = sign(&xdr, &[&client], &passphrase);
    let form = [("transaction", signed.as_str())];
    let (status, body) = call(&app, TestRequest::post().uri("/auth").set_form(form)).await;
    assert_eq!(status, 200, "{body}");
    let m = Address::Muxed {
        key: client.public_key_bytes(),
        id: 5,
    }
    .to_string();
    let xdr = get_challenge(&app, &format!("account={m}")).await;
    let (status, _) = post_json(&app, &sign(&xdr, &[&client], &passphrase)).await;
    assert_eq!(status, 200);
}

#[actix_web::test]
async fn bad_challenge_requests_get_400_with_a_reason() {
    let db = TestDatabase::sqlite();
    let app = app(context(settings_with(&[]), FakeHorizon::default(), &db)).await;
    let g = KeyPair::random();
    let m = Address::Muxed {
        key: g.public_key_bytes(),
        id: 5,
    }
    .to_string();
    let id_memo = "'memo' must be an id memo: a whole number from 0 to 18446744073709551615";
    let cases = [
        ("/auth".to_string(), "'account' is required".to_string()),
        (
            format!("/auth?account={m}&memo=1"),
            "'memo' cannot be used with a muxed account (M...)".to_string(),
        ),
        (
            format!("/auth?account={}&memo=text", g.public_key()),
            id_memo.to_string(),
        ),
        (
            format!("/auth?account={}&home_domain=evil.example", g.public_key()),
            "'home_domain' evil.example is not served here; expected one of: anchor.example.com"
                .to_string(),
        ),
        (
            format!("/auth?account={}&client_domain=127.0.0.1", g.public_key()),
            "cannot fetch the stellar.toml of client_domain 127.0.0.1: the host is not allowed"
                .to_string(),
        ),
    ];
    for (uri, error) in cases {
        let (status, body) = call(&app, TestRequest::get().uri(&uri)).await;
        assert_eq!((status, body), (400, json!({ "error": error })), "{uri}");
    }
}

#[actix_web::test]
async fn bad_token_requests_get_400_413_or_503() {
    let db = TestDatabase::sqlite();
    let s = settings_with(&[]);
    let passphrase = s.network_passphrase.clone();
    let app = app(context(s.clone(), FakeHorizon::default(), &db)).await;
    let (status, body) = post_json(&app, "bm90IHhkcg==").await;
    assert_eq!(
        (status, body),
        (
            400,
            json!({"error": "'transaction' is not a valid transaction envelope XDR"})
        )
    );
    let (status, body) = post_json(&app, "%%%").await;
    assert_eq!(
        (status, body),
        (
            400,
            json!({"error": "'transaction' is not base64-encoded XDR"})
        )
    );
    let (status, body) = call(&app, TestRequest::post().uri("/auth").set_json(json!({}))).await;
    assert_eq!(
        (status, body),
        (400, json!({"error": "'transaction' is required"}))
    );
    let big = "A".repeat(20_000);
    let (status, body) = post_json(&app, &big).await;
    assert_eq!(
        (status, body),
        (413, json!({"error": "request body too large"}))
    );
    let client = KeyPair::random();
    let signed = sign(
        &get_challenge(&app, &format!("account={}", client.public_key())).await,
        &[&client],
        &passphrase,
    );
    let down = app_with_down_horizon(s, &db).await;
    let (status, body) = post_json(&down, &signed).await;
    assert_eq!(status, 503, "{body}");
    // Refused requests stored nothing: the same challenge still works once, then never again.
    let (status, _) = post_json(&app, &signed).await;
    assert_eq!(status, 200);
    let (status, body) = post_json(&app, &signed).await;
    assert_eq!(
        (status, body),
        (
            400,
            json!({"error": "this challenge has already been used; request a new one"})
        )
    );
}

async fn app_with_down_horizon(
    s: polaris_core::Settings,
    db: &TestDatabase,
) -> impl actix_web::dev::Service<
    actix_http::Request,
    Response = actix_web::dev::ServiceResponse,
    Error = actix_web::Error,
> {
    app(context(
        s,
        FakeHorizon {
            down: true,
            ..Default::default()
        },
        db,
    ))
    .await
}

#[actix_web::test]
async fn signature_problems_are_refused() {
    let db = TestDatabase::sqlite();
    let s = settings_with(&[]);
    let passphrase = s.network_passphrase.clone();
    let (master, cosigner) = (KeyPair::random(), KeyPair::random());
    let account = AccountInfo {
        account_id: master.public_key().to_string(),
        sequence: 1,
        signers: vec![
            AccountSigner {
                key: master.public_key().to_string(),
                weight: 1,
            },
            AccountSigner {
                key: cosigner.public_key().to_string(),
                weight: 1,
            },
        ],
        thresholds: Thresholds {
            low: 1,
            med: 2,
            high: 2,
        },
    };
    let horizon = FakeHorizon {
        accounts: [(master.public_key().to_string(), account)].into(),
        down: false,
    };
    let app = app(context(s, horizon, &db)).await;
    let xdr = get_challenge(&app, &format!("account={}", master.public_key())).await;
    let (status, body) = post_json(&app, &sign(&xdr, &[&master], &passphrase)).await;
    let low = "the signatures have a weight of 1, below the account's medium threshold of 2";
    assert_eq!((status, body), (400, json!({ "error": low })));
    let (status, body) = post_json(
        &app,
        &sign(&xdr, &[&master, &cosigner, &KeyPair::random()], &passphrase),
    )
    .await;
    let unknown = "the challenge carries a signature that is not from a signer of the account";
    assert_eq!((status, body), (400, json!({ "error": unknown })));
    let (status, body) = post_json(
        &app,
        &sign(
            &xdr,
            &[&master, &cosigner],
            "Public Global Stellar Network ; September 2015",
        ),
    )
    .await;
    assert_eq!((status, body), (400, json!({ "error": unknown })));
    let (status, _) = post_json(&app, &sign(&xdr, &[&master, &cosigner], &passphrase)).await;
    assert_eq!(status, 200);
}

#[actix_web::test]
async fn protected_endpoints_refuse_bad_tokens_with_403() {
    let db = TestDatabase::sqlite();
    let s = settings_with(&[]);
    let app = app(context(s.clone(), FakeHorizon::default(), &db)).await;
    let sub = Subject::new(
        &Address::parse(KeyPair::random().public_key()).unwrap(),
        None,
    );
    let now = chrono::Utc::now().timestamp() as u64;
    let mut expired = Sep10Claims::new(&s, &sub, now - 100_000, "jti".into(), None);
    expired.exp = now - 1;
    let mut foreign = Sep10Claims::new(&s, &sub, now, "jti".into(), None);
    foreign.iss = "https://other.example/auth".into();
    let valid = Sep10Claims::new(&s, &sub, now, "jti".into(), None);
    let hs512 = jsonwebtoken::encode(
        &jsonwebtoken::Header::new(jsonwebtoken::Algorithm::HS512),
        &valid,
        &jsonwebtoken::EncodingKey::from_secret(s.jwt_key.expose().as_bytes()),
    )
    .unwrap();
    let cases = [
        (None, "missing 'Authorization: Bearer <token>' header"),
        (Some("Bearer abc.def".to_string()), "malformed"),
        (
            Some(format!("Bearer {}", expired.encode(&s.jwt_key).unwrap())),
            "token has expired",
        ),
        (
            Some(format!("Bearer {}", foreign.encode(&s.jwt_key).unwrap())),
            "token was not issued by this server",
        ),
        (
            Some(format!("Bearer {hs512}")),
            "token algorithm not accepted (only HS256)",
        ),
    ];
    for (header, error) in cases {
        let with = |uri: &str| match &header {
            Some(h) => TestRequest::get()
                .uri(uri)
                .insert_header(("Authorization", h.clone())),
            None => TestRequest::get().uri(uri),
        };
        let (status, body) = call(&app, with("/protected")).await;
        assert_eq!(status, 403);
        assert!(
            body["error"].as_str().unwrap().contains(error),
            "{body} vs {error}"
        );
        let (status, body) = call(&app, with("/protected24")).await;
        assert_eq!(
            (status, body),
            (403, json!({"type": "authentication_required"}))
        );
    }
}

#[actix_web::test]
async fn cors_headers_on_answers_errors_and_preflights() {
    let db = TestDatabase::sqlite();
    let app = app(context(settings_with(&[]), FakeHorizon::default(), &db)).await;
    let origin = ("Origin", "https://wallet.example");
    for req in [
        TestRequest::get().uri("/auth").insert_header(origin),
        TestRequest::default()
            .method(actix_web::http::Method::OPTIONS)
            .uri("/auth")
            .insert_header(origin)
            .insert_header(("Access-Control-Request-Method", "POST")),
    ] {
        let resp = actix_web::test::call_service(&app, req.to_request()).await;
        let allow = resp
            .headers()
            .get("access-control-allow-origin")
            .map(|v| v.to_str().unwrap().to_string());
        assert_eq!(allow.as_deref(), Some("*"), "{}", resp.status());
    }
}

/// Two server instances on one database: a challenge used on one is refused on the other.
/// Runs on SQLite, and on PostgreSQL when `POLARIS_TEST_DATABASE_URL` is set.
#[actix_web::test]
async fn replays_are_refused_across_instances_sharing_a_database() {
    for db in TestDatabase::all() {
        let s = settings_with(&[]);
        let passphrase = s.network_passphrase.clone();
        let first = app(context(s.clone(), FakeHorizon::default(), &db)).await;
        let second = app(context(s, FakeHorizon::default(), &db)).await;
        let client = KeyPair::random();
        let xdr = get_challenge(&first, &format!("account={}", client.public_key())).await;
        let signed = sign(&xdr, &[&client], &passphrase);
        assert_eq!(
            post_json(&first, &signed).await.0,
            200,
            "{:?}",
            db.backend()
        );
        let (status, body) = post_json(&second, &signed).await;
        assert_eq!(
            (status, &body["error"]),
            (
                400,
                &json!("this challenge has already been used; request a new one")
            )
        );
    }
}
