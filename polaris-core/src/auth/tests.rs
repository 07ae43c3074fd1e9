use std::collections::HashMap;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use jsonwebtoken::{Algorithm, EncodingKey, Header};

use super::*;
use crate::settings::Settings;
use crate::stellar::keys::{Address, KeyPair};

fn settings() -> Settings {
    let map: HashMap<String, String> = [
        (
            "SIGNING_SEED",
            KeyPair::random().seed().expose().to_string(),
        ),
        (
            "SERVER_JWT_KEY",
            "a-secret-of-sufficient-length".to_string(),
        ),
        ("HOST_URL", "https://anchor.example.com".to_string()),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v))
    .collect();
    Settings::from_map(&map).unwrap()
}

fn now() -> u64 {
    chrono::Utc::now().timestamp() as u64
}

fn claims(s: &Settings, sub: &Subject) -> Sep10Claims {
    Sep10Claims::new(
        s,
        sub,
        now(),
        "ab".repeat(32),
        Some("wallet.example".into()),
    )
}

#[test]
fn sep10_token_round_trips_for_g_m_and_memo() {
    let s = settings();
    let kp = KeyPair::random();
    let g = Address::parse(kp.public_key()).unwrap();
    let m = Address::Muxed {
        key: *g.key(),
        id: 42,
    };
    for (sub, expected) in [
        (Subject::new(&g, None), kp.public_key().to_string()),
        (Subject::new(&g, Some(7)), format!("{}:7", kp.public_key())),
        (Subject::new(&m, None), m.to_string()),
    ] {
        let c = claims(&s, &sub);
        assert_eq!(c.sub, expected);
        assert_eq!(c.iss, "https://anchor.example.com/auth");
        assert_eq!(c.exp, c.iat + 86_400);
        let back = Sep10Claims::decode(&s, &c.encode(&s.jwt_key).unwrap()).unwrap();
        assert_eq!(back, c);
        assert_eq!(back.subject().unwrap(), sub);
        assert_eq!(back.subject().unwrap().account, kp.public_key());
    }
}

#[test]
fn expired_wrong_issuer_and_wrong_key_are_refused() {
    let s = settings();
    let sub = Subject::new(
        &Address::parse(KeyPair::random().public_key()).unwrap(),
        None,
    );
    let mut c = claims(&s, &sub);
    c.exp = now() - 1;
    assert_eq!(
        Sep10Claims::decode(&s, &c.encode(&s.jwt_key).unwrap()),
        Err(AuthError::Expired)
    );
    let mut c = claims(&s, &sub);
    c.iss = "https://evil.example/auth".into();
    assert_eq!(
        Sep10Claims::decode(&s, &c.encode(&s.jwt_key).unwrap()),
        Err(AuthError::WrongIssuer)
    );
    let c = claims(&s, &sub);
    let other = Secret::new("another-secret-key-entirely");
    assert_eq!(
        Sep10Claims::decode(&s, &c.encode(&other).unwrap()),
        Err(AuthError::BadSignature)
    );
}

#[test]
fn other_algorithms_and_alg_none_are_refused() {
    let s = settings();
    let sub = Subject::new(
        &Address::parse(KeyPair::random().public_key()).unwrap(),
        None,
    );
    let c = claims(&s, &sub);
    let hs512 = jsonwebtoken::encode(
        &Header::new(Algorithm::HS512),
        &c,
        &EncodingKey::from_secret(s.jwt_key.expose().as_bytes()),
    )
    .unwrap();
    assert_eq!(
        Sep10Claims::decode(&s, &hs512),
        Err(AuthError::WrongAlgorithm)
    );
    let body = URL_SAFE_NO_PAD.encode(serde_json::to_vec(&c).unwrap());
    let none = format!(
        "{}.{body}.",
        URL_SAFE_NO_PAD.encode(br#"{"alg":"none","typ":"JWT"}"#)
    );
    assert!(Sep10Claims::decode(&s, &none).is_err());
    assert!(matches!(
        Sep10Claims::decode(&s, "garbage"),
        Err(AuthError::Malformed(_))
    ));
}

#[test]
fn bad_subjects_are_malformed() {
    let s = settings();
    let kp = KeyPair::random();
    for sub in ["nope", &format!("{}:abc", kp.public_key())] {
        let mut c = claims(
            &s,
            &Subject::new(&Address::parse(kp.public_key()).unwrap(), None),
        );
        c.sub = sub.to_string();
        let token = c.encode(&s.jwt_key).unwrap();
        assert!(matches!(
            Sep10Claims::decode(&s, &token),
            Err(AuthError::Malformed(_))
        ));
    }
}

#[test]
fn interactive_token_round_trips_and_expires() {
    let s = settings();
    let url = s.url("sep24/transactions/deposit/webapp");
    let c = InteractiveClaims::new(&s, &url, "tx-1", "GABC", Some("5".into()), now());
    assert_eq!(c.exp - c.iat, 30);
    let token = c.encode(&s.jwt_key).unwrap();
    assert_eq!(
        InteractiveClaims::decode(&s.jwt_key, &token, &url).unwrap(),
        c
    );
    assert_eq!(
        InteractiveClaims::decode(&s.jwt_key, &token, &s.url("auth")),
        Err(AuthError::WrongIssuer)
    );
    let old = InteractiveClaims::new(&s, &url, "tx-1", "GABC", None, now() - 31);
    let token = old.encode(&s.jwt_key).unwrap();
    assert_eq!(
        InteractiveClaims::decode(&s.jwt_key, &token, &url),
        Err(AuthError::Expired)
    );
}

#[test]
fn bearer_header_parsing() {
    assert_eq!(bearer_token(Some("Bearer abc")), Ok("abc"));
    assert_eq!(bearer_token(Some("bearer  abc ")), Ok("abc"));
    assert_eq!(bearer_token(None), Err(AuthError::Missing));
    assert_eq!(bearer_token(Some("Basic abc")), Err(AuthError::Missing));
    assert_eq!(bearer_token(Some("Bearer ")), Err(AuthError::Missing));
}
