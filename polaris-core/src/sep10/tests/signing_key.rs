//! Security findings (issue 14, item 4): a challenge for the server's own `SIGNING_KEY`, and
//! signatures counted more than once.

use super::*;

fn server_challenge(s: &Settings) -> String {
    let params = build::ChallengeParams {
        address: crate::stellar::keys::Address::parse(s.signing_key.public_key()).unwrap(),
        memo: None,
        home_domain: s.sep10_home_domains[0].clone(),
        client_domain: None,
    };
    build_challenge(s, &params, None, now())
        .unwrap()
        .transaction
}

/// `GET /auth?account=<SIGNING_KEY>` is refused: nobody authenticates as the server.
#[tokio::test]
async fn challenge_for_the_signing_key_is_refused() {
    let s = settings();
    let err = get(&s, &format!("account={}", s.signing_key.public_key()))
        .await
        .unwrap_err();
    assert!(
        err.to_string().contains("SIGNING_KEY"),
        "unexpected error: {err}"
    );
}

/// A challenge for the signing key, signed twice by the server (the old hole: the second
/// server signature counted as the "client's" master key), gets no token.
#[tokio::test]
async fn token_for_the_signing_key_is_refused() {
    let s = settings();
    let xdr = server_challenge(&s);
    let doubled = sign_with(&xdr, &[&s.signing_key], &s.network_passphrase);
    let used = MemoryUsedChallenges::new();
    let err = post(&s, &FakeHorizon::default(), &used, &doubled)
        .await
        .unwrap_err();
    assert!(matches!(err, Sep10Error::BadRequest(_)), "{err}");
}

/// A client signature sent twice counts once: weight 1 twice stays below a threshold of 2.
#[tokio::test]
async fn a_duplicated_signature_counts_once() {
    let s = settings();
    let client = KeyPair::random();
    let id = client.public_key();
    let horizon = FakeHorizon([(id.to_string(), account(id, &[(id, 1)], 2))].into());
    let xdr = get(&s, &format!("account={id}")).await.unwrap().transaction;
    let twice = sign_with(&xdr, &[&client, &client], &s.network_passphrase);
    let used = MemoryUsedChallenges::new();
    let err = post(&s, &horizon, &used, &twice).await.unwrap_err();
    assert!(
        err.to_string().contains("same signature twice"),
        "unexpected error: {err}"
    );
    let once = sign_with(&xdr, &[&client], &s.network_passphrase);
    let err = post(&s, &horizon, &used, &once).await.unwrap_err();
    assert!(err.to_string().contains("threshold"), "{err}");
}
