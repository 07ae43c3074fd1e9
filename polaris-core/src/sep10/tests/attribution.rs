//! "Verifying the Client Domain" and the "Request Header" of `GET /auth`.

use jsonwebtoken::{Algorithm, EncodingKey, Header};
use serde_json::json;

use super::*;

fn wallet_keys(domain: &str, key: &KeyPair) -> FakeKeys {
    FakeKeys([(domain.to_string(), key.public_key_bytes())].into())
}

async fn get_with(
    s: &Settings,
    keys: &FakeKeys,
    query: &str,
    auth: Option<&str>,
) -> Result<ChallengeResponse, Sep10Error> {
    challenge(s, keys, &ChallengeRequest::from_query(query), auth, now()).await
}

#[tokio::test]
async fn client_domain_op_and_signature_are_required_together() {
    let s = settings();
    let (client, wallet) = (KeyPair::random(), KeyPair::random());
    let keys = wallet_keys("wallet.example", &wallet);
    let q = format!(
        "account={}&client_domain=wallet.example",
        client.public_key()
    );
    let xdr = get_with(&s, &keys, &q, None).await.unwrap().transaction;
    let env = envelope(&xdr);
    assert_eq!(env.tx.operations.len(), 3);
    let op = &env.tx.operations[2];
    assert_eq!(
        op.source_account,
        Some(stellar_base::xdr::MuxedAccount::Ed25519(
            stellar_base::xdr::Uint256(wallet.public_key_bytes())
        ))
    );
    let h = FakeHorizon::default();
    let client_only = sign_with(&xdr, &[&client], &s.network_passphrase);
    refused(
        &s,
        &h,
        &client_only,
        "master key and the client domain's key",
    )
    .await;
    let both = sign_with(&xdr, &[&client, &wallet], &s.network_passphrase);
    let claims = post(&s, &h, &MemoryUsedChallenges::new(), &both)
        .await
        .unwrap();
    assert_eq!(claims.client_domain.as_deref(), Some("wallet.example"));
    assert_eq!(claims.sub, client.public_key());
}

#[tokio::test]
async fn attribution_settings_are_applied() {
    let client = KeyPair::random();
    let keys = wallet_keys("wallet.example", &KeyPair::random());
    let with = format!(
        "account={}&client_domain=wallet.example",
        client.public_key()
    );
    let without = format!("account={}", client.public_key());
    let required = settings_with(&[("SEP10_CLIENT_ATTRIBUTION_REQUIRED", "true")]);
    assert_eq!(
        get_with(&required, &keys, &without, None)
            .await
            .unwrap_err()
            .status(),
        400
    );
    assert_eq!(
        envelope(
            &get_with(&required, &keys, &with, None)
                .await
                .unwrap()
                .transaction
        )
        .tx
        .operations
        .len(),
        3
    );
    let denied = settings_with(&[
        ("SEP10_CLIENT_ATTRIBUTION_REQUIRED", "true"),
        ("SEP10_CLIENT_ATTRIBUTION_DENYLIST", "wallet.example"),
    ]);
    assert_eq!(
        get_with(&denied, &keys, &with, None)
            .await
            .unwrap_err()
            .status(),
        403
    );
    let ignored = settings_with(&[("SEP10_CLIENT_ATTRIBUTION_DENYLIST", "wallet.example")]);
    assert_eq!(
        envelope(
            &get_with(&ignored, &keys, &with, None)
                .await
                .unwrap()
                .transaction
        )
        .tx
        .operations
        .len(),
        2
    );
    let not_listed = settings_with(&[("SEP10_CLIENT_ATTRIBUTION_ALLOWLIST", "other.example")]);
    assert_eq!(
        envelope(
            &get_with(&not_listed, &keys, &with, None)
                .await
                .unwrap()
                .transaction
        )
        .tx
        .operations
        .len(),
        2
    );
    let unknown = format!(
        "account={}&client_domain=unknown.example",
        client.public_key()
    );
    assert_eq!(
        get_with(&settings(), &keys, &unknown, None)
            .await
            .unwrap_err()
            .status(),
        400
    );
    let url = format!(
        "account={}&client_domain=https://wallet.example/x",
        client.public_key()
    );
    let err = get_with(&settings(), &keys, &url, None).await.unwrap_err();
    assert!(err.to_string().contains("host name"), "{err}");
}

/// The server-side request forgery guard, with the real fetcher (no network needed).
#[tokio::test]
async fn loopback_client_domains_are_refused_outside_local_mode() {
    let s = settings();
    let fetcher = TomlFetcher::from_settings(&s).unwrap();
    for domain in [
        "127.0.0.1",
        "localhost",
        "127.0.0.1:8000",
        "[::1]:80",
        "169.254.169.254",
    ] {
        let q = format!(
            "account={}&client_domain={domain}",
            KeyPair::random().public_key()
        );
        let err = challenge(&s, &fetcher, &ChallengeRequest::from_query(&q), None, now())
            .await
            .unwrap_err();
        assert_eq!(err.status(), 400, "{domain}: {err}");
    }
    let err = fetcher.signing_key("localhost").await.unwrap_err();
    let text = err.to_string();
    assert!(text.contains("not allowed"), "{text}");
    assert!(
        !text.contains("127.0.0.1") && !text.contains("::1"),
        "{text}"
    );
}

#[test]
fn signing_key_is_read_from_stellar_toml() {
    let kp = KeyPair::random();
    let text = format!(
        "VERSION=\"2.0.0\"\nSIGNING_KEY=\"{}\"\n[[CURRENCIES]]\ncode=\"USD\"\n",
        kp.public_key()
    );
    assert_eq!(
        client_domain::signing_key_of("w", &text).unwrap(),
        kp.public_key_bytes()
    );
    assert!(client_domain::signing_key_of("w", "VERSION=1").is_err());
    assert!(client_domain::signing_key_of("w", "SIGNING_KEY=\"GBAD\"").is_err());
    assert!(client_domain::signing_key_of("w", "not toml [").is_err());
}

fn eddsa(key: &KeyPair, claims: &serde_json::Value) -> String {
    let mut der = pkcs8_prefix();
    der.extend_from_slice(&key.seed_bytes_for_tests());
    jsonwebtoken::encode(
        &Header::new(Algorithm::EdDSA),
        claims,
        &EncodingKey::from_ed_der(&der),
    )
    .unwrap()
}

/// PKCS#8 v1 header of an ed25519 private key.
fn pkcs8_prefix() -> Vec<u8> {
    vec![
        0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04,
        0x20,
    ]
}

trait SeedBytes {
    fn seed_bytes_for_tests(&self) -> [u8; 32];
}

impl SeedBytes for KeyPair {
    fn seed_bytes_for_tests(&self) -> [u8; 32] {
        stellar_strkey::ed25519::PrivateKey::from_string(self.seed().expose())
            .unwrap()
            .0
    }
}

/// SEP-10 3.4 "Request Header": verified when present.
#[tokio::test]
async fn authorization_header_is_verified_when_present() {
    let s = settings();
    let (client, wallet) = (KeyPair::random(), KeyPair::random());
    let keys = wallet_keys("wallet.example", &wallet);
    let t = now();
    let claims = |endpoint: &str, extra: serde_json::Value| {
        let mut c = json!({"iat": t, "exp": t + 300, "web_auth_endpoint": endpoint, "account": client.public_key()});
        c.as_object_mut()
            .unwrap()
            .extend(extra.as_object().unwrap().clone());
        c
    };
    let ep = "https://anchor.example.com/auth";
    let q = format!("account={}&memo=12", client.public_key());
    let ok = format!(
        "Bearer {}",
        eddsa(&client, &claims(ep, json!({"memo": "12"})))
    );
    assert!(get_with(&s, &keys, &q, Some(&ok)).await.is_ok());
    let cases = [
        format!(
            "Bearer {}",
            eddsa(
                &client,
                &claims("https://evil.example/auth", json!({"memo": "12"}))
            )
        ),
        format!(
            "Bearer {}",
            eddsa(&client, &claims(ep, json!({"memo": "13"})))
        ),
        format!(
            "Bearer {}",
            eddsa(&KeyPair::random(), &claims(ep, json!({"memo": "12"})))
        ),
        format!(
            "Bearer {}",
            eddsa(&client, &claims(ep, json!({"memo": "12", "exp": t - 1})))
        ),
        "Bearer not-a-jwt".to_string(),
        "Basic abc".to_string(),
    ];
    for auth in cases {
        let err = get_with(&s, &keys, &q, Some(&auth)).await.unwrap_err();
        assert_eq!(err.status(), 400, "{auth}: {err}");
    }
    let q = format!(
        "account={}&client_domain=wallet.example",
        client.public_key()
    );
    let by_wallet = format!(
        "Bearer {}",
        eddsa(
            &wallet,
            &claims(ep, json!({"client_domain": "wallet.example"}))
        )
    );
    assert!(get_with(&s, &keys, &q, Some(&by_wallet)).await.is_ok());
    let by_client = format!(
        "Bearer {}",
        eddsa(
            &client,
            &claims(ep, json!({"client_domain": "wallet.example"}))
        )
    );
    assert_eq!(
        get_with(&s, &keys, &q, Some(&by_client))
            .await
            .unwrap_err()
            .status(),
        400
    );
}
