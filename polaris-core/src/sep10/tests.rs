//! SEP-10 core tests; section names refer to ecosystem/sep-0010.md v3.4.1.

use std::collections::HashMap;

use async_trait::async_trait;
use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use stellar_base::xdr::{
    Limits, OperationBody, Preconditions, ReadXdr, TransactionEnvelope, TransactionV1Envelope,
};

use super::build::{sign, to_base64};
use super::*;
use crate::auth::Sep10Claims;
use crate::settings::Settings;
use crate::stellar::horizon::{AccountInfo, AccountSigner, Horizon, HorizonError, Thresholds};
use crate::stellar::keys::KeyPair;

mod attribution;
mod signing_key;

pub(super) fn settings_with(extra: &[(&str, &str)]) -> Settings {
    let mut map: HashMap<String, String> = HashMap::new();
    map.insert(
        "SERVER_JWT_KEY".into(),
        "a-secret-of-sufficient-length".into(),
    );
    map.insert("HOST_URL".into(), "https://anchor.example.com".into());
    map.insert(
        "SIGNING_SEED".into(),
        KeyPair::random().seed().expose().to_string(),
    );
    for (k, v) in extra {
        map.insert(k.to_string(), v.to_string());
    }
    Settings::from_map(&map).unwrap()
}

pub(super) fn settings() -> Settings {
    settings_with(&[])
}

pub(super) fn now() -> u64 {
    chrono::Utc::now().timestamp() as u64
}

/// A Horizon that knows a fixed set of accounts.
#[derive(Default)]
pub(super) struct FakeHorizon(pub HashMap<String, AccountInfo>);

#[async_trait]
impl Horizon for FakeHorizon {
    async fn load_account(&self, id: &str) -> Result<Option<AccountInfo>, HorizonError> {
        Ok(self.0.get(id).cloned())
    }
}

/// Client domain keys from a fixed map.
#[derive(Default)]
pub(super) struct FakeKeys(pub HashMap<String, [u8; 32]>);

#[async_trait]
impl ClientDomainKeys for FakeKeys {
    async fn signing_key(&self, domain: &str) -> Result<[u8; 32], Sep10Error> {
        self.0
            .get(domain)
            .copied()
            .ok_or_else(|| Sep10Error::bad(format!("no stellar.toml for {domain}")))
    }
}

pub(super) fn envelope(xdr: &str) -> TransactionV1Envelope {
    match TransactionEnvelope::from_xdr(STANDARD.decode(xdr).unwrap(), Limits::none()).unwrap() {
        TransactionEnvelope::Tx(e) => e,
        _ => panic!("not a v1 envelope"),
    }
}

pub(super) fn sign_with(xdr: &str, keys: &[&KeyPair], passphrase: &str) -> String {
    let mut env = envelope(xdr);
    for k in keys {
        sign(&mut env, k, passphrase).unwrap();
    }
    to_base64(env).unwrap()
}

pub(super) async fn get(s: &Settings, query: &str) -> Result<ChallengeResponse, Sep10Error> {
    challenge(
        s,
        &FakeKeys::default(),
        &ChallengeRequest::from_query(query),
        None,
        now(),
    )
    .await
}

pub(super) async fn post(
    s: &Settings,
    h: &FakeHorizon,
    used: &MemoryUsedChallenges,
    xdr: &str,
) -> Result<Sep10Claims, Sep10Error> {
    let t = token(s, h, used, xdr, now()).await?;
    Ok(Sep10Claims::decode(s, &t.token).unwrap())
}

fn account(id: &str, signers: &[(&str, u8)], med: u8) -> AccountInfo {
    AccountInfo {
        account_id: id.to_string(),
        sequence: 1,
        signers: signers
            .iter()
            .map(|(k, w)| AccountSigner {
                key: k.to_string(),
                weight: *w,
            })
            .collect(),
        thresholds: Thresholds {
            low: 0,
            med,
            high: med,
        },
    }
}

/// "Challenge" / "Response": the shape of the transaction.
#[tokio::test]
async fn challenge_has_the_shape_the_spec_defines() {
    let s = settings();
    let client = KeyPair::random();
    let resp = get(&s, &format!("account={}&memo=42", client.public_key()))
        .await
        .unwrap();
    assert_eq!(resp.network_passphrase, s.network_passphrase);
    let env = envelope(&resp.transaction);
    assert_eq!(env.tx.seq_num.0, 0);
    assert_eq!(env.signatures.len(), 1);
    let Preconditions::Time(tb) = &env.tx.cond else {
        panic!("no time bounds")
    };
    assert_eq!(tb.max_time.0 - tb.min_time.0, 900);
    assert_eq!(env.tx.memo, stellar_base::xdr::Memo::Id(42));
    assert_eq!(env.tx.operations.len(), 2);
    let OperationBody::ManageData(first) = &env.tx.operations[0].body else {
        panic!()
    };
    assert_eq!(first.data_name.0.as_slice(), b"anchor.example.com auth");
    let nonce = first.data_value.as_ref().unwrap().0.as_slice();
    assert_eq!(nonce.len(), 64);
    assert_eq!(STANDARD.decode(nonce).unwrap().len(), 48);
    let OperationBody::ManageData(wad) = &env.tx.operations[1].body else {
        panic!()
    };
    assert_eq!(wad.data_name.0.as_slice(), b"web_auth_domain");
    assert_eq!(
        wad.data_value.as_ref().unwrap().0.as_slice(),
        b"anchor.example.com"
    );
    let c = read_challenge(&s, &resp.transaction, now()).unwrap();
    assert_eq!(c.address.account_id(), client.public_key());
    assert!(c.client_signatures.is_empty());
}

/// "Token": a new account signs with its master key; claims follow the spec.
#[tokio::test]
async fn new_account_with_master_key_gets_a_token() {
    let s = settings();
    let client = KeyPair::random();
    let xdr = get(&s, &format!("account={}", client.public_key()))
        .await
        .unwrap()
        .transaction;
    let signed = sign_with(&xdr, &[&client], &s.network_passphrase);
    let claims = post(
        &s,
        &FakeHorizon::default(),
        &MemoryUsedChallenges::new(),
        &signed,
    )
    .await
    .unwrap();
    let c = read_challenge(&s, &signed, now()).unwrap();
    assert_eq!(claims.sub, client.public_key());
    assert_eq!(claims.iss, "https://anchor.example.com/auth");
    assert_eq!(claims.iat, c.min_time);
    assert_eq!(claims.exp, c.min_time + 86_400);
    assert_eq!(claims.jti, c.hash_hex());
    assert_eq!(claims.client_domain, None);
}

/// "Memos" and "Muxed Accounts": the subject carries them.
#[tokio::test]
async fn memo_and_muxed_accounts_shape_the_subject() {
    let s = settings();
    let client = KeyPair::random();
    let used = MemoryUsedChallenges::new();
    let xdr = get(
        &s,
        &format!("account={}&memo=18446744073709551615", client.public_key()),
    )
    .await
    .unwrap()
    .transaction;
    let claims = post(
        &s,
        &FakeHorizon::default(),
        &used,
        &sign_with(&xdr, &[&client], &s.network_passphrase),
    )
    .await
    .unwrap();
    assert_eq!(
        claims.sub,
        format!("{}:18446744073709551615", client.public_key())
    );
    let m = crate::stellar::keys::Address::Muxed {
        key: client.public_key_bytes(),
        id: 7,
    }
    .to_string();
    let xdr = get(&s, &format!("account={m}")).await.unwrap().transaction;
    let claims = post(
        &s,
        &FakeHorizon::default(),
        &used,
        &sign_with(&xdr, &[&client], &s.network_passphrase),
    )
    .await
    .unwrap();
    assert_eq!(claims.sub, m);
    assert_eq!(claims.subject().unwrap().account, client.public_key());
}

#[tokio::test]
async fn bad_challenge_requests_are_refused() {
    let s = settings();
    let g = KeyPair::random();
    let m = crate::stellar::keys::Address::Muxed {
        key: g.public_key_bytes(),
        id: 7,
    }
    .to_string();
    let cases = [
        (String::new(), "'account' is required"),
        ("account=GBAD".to_string(), "not a valid Stellar account"),
        (format!("account={m}&memo=5"), "muxed"),
        (format!("account={}&memo=abc", g.public_key()), "id memo"),
        (format!("account={}&memo=-1", g.public_key()), "id memo"),
        (
            format!("account={}&memo=18446744073709551616", g.public_key()),
            "id memo",
        ),
        (
            format!("account={}&home_domain=evil.example", g.public_key()),
            "not served here",
        ),
    ];
    for (q, msg) in cases {
        let err = get(&s, &q).await.unwrap_err();
        assert_eq!(err.status(), 400, "{q}");
        assert!(err.to_string().contains(msg), "{q}: {err}");
    }
}

async fn refused(s: &Settings, h: &FakeHorizon, xdr: &str, msg: &str) {
    let err = post(s, h, &MemoryUsedChallenges::new(), xdr)
        .await
        .unwrap_err();
    assert_eq!(err.status(), 400, "{err}");
    assert!(err.to_string().contains(msg), "expected '{msg}' in '{err}'");
}

#[tokio::test]
async fn structural_problems_are_refused() {
    let s = settings();
    let client = KeyPair::random();
    let h = FakeHorizon::default();
    let xdr = get(&s, &format!("account={}", client.public_key()))
        .await
        .unwrap()
        .transaction;
    let signed = sign_with(&xdr, &[&client], &s.network_passphrase);
    // Expired / not yet valid.
    let err = token(&s, &h, &MemoryUsedChallenges::new(), &signed, now() + 901)
        .await
        .unwrap_err();
    assert!(err.to_string().contains("expired"), "{err}");
    let err = token(&s, &h, &MemoryUsedChallenges::new(), &signed, now() - 60)
        .await
        .unwrap_err();
    assert!(err.to_string().contains("not yet valid"), "{err}");
    // Another network's passphrase.
    let other = settings_with(&[
        (
            "STELLAR_NETWORK_PASSPHRASE",
            "Public Global Stellar Network ; September 2015",
        ),
        ("SIGNING_SEED", s.signing_key.seed().expose()),
    ]);
    refused(&other, &h, &signed, "not signed by this server").await;
    // Another home domain configured.
    let other = settings_with(&[
        ("SEP10_HOME_DOMAINS", "other.example"),
        ("SIGNING_SEED", s.signing_key.seed().expose()),
    ]);
    refused(&other, &h, &signed, "home domain").await;
    // Server signature missing.
    let mut env = envelope(&xdr);
    env.signatures = Default::default();
    let unsigned = sign_with(&to_base64(env).unwrap(), &[&client], &s.network_passphrase);
    refused(&s, &h, &unsigned, "not signed by this server").await;
    // Altered operation after signing.
    let mut env = envelope(&signed);
    let mut ops = env.tx.operations.to_vec();
    if let OperationBody::ManageData(d) = &mut ops[0].body {
        d.data_value = Some(stellar_base::xdr::DataValue(
            STANDARD.encode([1u8; 48]).into_bytes().try_into().unwrap(),
        ));
    }
    env.tx.operations = ops.try_into().unwrap();
    refused(
        &s,
        &h,
        &to_base64(env).unwrap(),
        "not signed by this server",
    )
    .await;
    // Garbage.
    refused(&s, &h, "not base64!", "base64").await;
    refused(&s, &h, "AAAA", "not a valid transaction envelope").await;
}

#[tokio::test]
async fn signature_sets_for_new_accounts_are_exact() {
    let s = settings();
    let client = KeyPair::random();
    let h = FakeHorizon::default();
    let xdr = get(&s, &format!("account={}", client.public_key()))
        .await
        .unwrap()
        .transaction;
    refused(&s, &h, &xdr, "master key").await;
    let extra = sign_with(&xdr, &[&client, &KeyPair::random()], &s.network_passphrase);
    refused(&s, &h, &extra, "master key").await;
    let wrong = sign_with(&xdr, &[&KeyPair::random()], &s.network_passphrase);
    refused(&s, &h, &wrong, "not from a signer").await;
    let wrong_net = sign_with(
        &xdr,
        &[&client],
        "Public Global Stellar Network ; September 2015",
    );
    refused(&s, &h, &wrong_net, "not from a signer").await;
}

/// "Verifying Authority to Move Funds": medium threshold from the account's own signers.
#[tokio::test]
async fn existing_accounts_need_their_medium_threshold() {
    let s = settings();
    let (master, cosigner) = (KeyPair::random(), KeyPair::random());
    let server = s.signing_key.public_key().to_string();
    let acct = account(
        master.public_key(),
        &[
            (master.public_key(), 1),
            (cosigner.public_key(), 1),
            (&server, 5),
        ],
        2,
    );
    let h = FakeHorizon([(master.public_key().to_string(), acct)].into());
    let xdr = get(&s, &format!("account={}", master.public_key()))
        .await
        .unwrap()
        .transaction;
    let one = sign_with(&xdr, &[&master], &s.network_passphrase);
    refused(&s, &h, &one, "below the account's medium threshold of 2").await;
    let stranger = sign_with(
        &xdr,
        &[&master, &cosigner, &KeyPair::random()],
        &s.network_passphrase,
    );
    refused(&s, &h, &stranger, "not from a signer").await;
    let both = sign_with(&xdr, &[&master, &cosigner], &s.network_passphrase);
    let claims = post(&s, &h, &MemoryUsedChallenges::new(), &both)
        .await
        .unwrap();
    assert_eq!(claims.sub, master.public_key());
    // A cosigner alone is not enough, and a second server signature is not a client's.
    let twice = sign_with(&xdr, &[&cosigner, &s.signing_key], &s.network_passphrase);
    refused(&s, &h, &twice, "same signature twice").await;
}

/// "The Server should not provide more than one JWT for a specific challenge transaction."
#[tokio::test]
async fn a_challenge_is_exchanged_once_and_refusals_store_nothing() {
    let s = settings();
    let client = KeyPair::random();
    let (h, used) = (FakeHorizon::default(), MemoryUsedChallenges::new());
    let xdr = get(&s, &format!("account={}", client.public_key()))
        .await
        .unwrap()
        .transaction;
    let bad = sign_with(&xdr, &[&client, &KeyPair::random()], &s.network_passphrase);
    assert!(post(&s, &h, &used, &bad).await.is_err());
    let good = sign_with(&xdr, &[&client], &s.network_passphrase);
    post(&s, &h, &used, &good).await.unwrap();
    let err = post(&s, &h, &used, &good).await.unwrap_err();
    assert!(err.to_string().contains("already been used"), "{err}");
}

#[test]
fn token_bodies_in_json_and_form() {
    assert_eq!(
        parse_token_request(Some("application/json"), br#"{"transaction":"AAA"}"#),
        Ok("AAA".into())
    );
    assert_eq!(
        parse_token_request(None, br#" {"transaction":"AAA"}"#),
        Ok("AAA".into())
    );
    assert_eq!(
        parse_token_request(
            Some("application/x-www-form-urlencoded"),
            b"transaction=AA%2B%3D"
        ),
        Ok("AA+=".into())
    );
    assert!(parse_token_request(Some("application/json"), b"{").is_err());
    assert!(parse_token_request(Some("application/json"), b"{}").is_err());
    assert!(parse_token_request(None, b"x=1").is_err());
    assert!(parse_token_request(None, &vec![b'a'; MAX_BODY_BYTES + 1]).is_err());
}
