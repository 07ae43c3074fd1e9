//! SEP-10 against an account that really exists on the sandbox ledger, loaded over HTTP
//! with the Horizon client: its own signers and medium threshold decide.

mod schema;
mod sep10_common;

use polaris_actix::sandbox::testing::{client, funded, op, sandbox};
use polaris_core::stellar::tx::{Op, SetOptions};
use polaris_core::stellar::KeyPair;
use polaris_core::testing::TestDatabase;
use sep10_common::{app, context, get_challenge, post_json, settings_with, sign};
use serde_json::json;

#[actix_web::test]
async fn multisig_weight_comes_from_the_ledger() {
    let sb = sandbox().await;
    let horizon = client(&sb);
    let master = funded(&sb).await;
    let cosigner = KeyPair::random();
    let options = SetOptions::default()
        .signer(cosigner.public_key(), 1)
        .unwrap()
        .thresholds(1, 2, 2);
    op(&horizon, &sb, &master, Op::set_options(options))
        .await
        .unwrap();

    let db = TestDatabase::sqlite();
    let s = settings_with(&[]);
    let passphrase = s.network_passphrase.clone();
    let app = app(context(s, client(&sb), &db)).await;
    let query = format!("account={}", master.public_key());

    let xdr = get_challenge(&app, &query).await;
    let (status, body) = post_json(&app, &sign(&xdr, &[&master], &passphrase)).await;
    let low = "the signatures have a weight of 1, below the account's medium threshold of 2";
    assert_eq!((status, body), (400, json!({ "error": low })));

    let stranger = KeyPair::random();
    let (status, _) = post_json(&app, &sign(&xdr, &[&master, &stranger], &passphrase)).await;
    assert_eq!(status, 400, "an unknown signer is refused");

    let (status, body) = post_json(&app, &sign(&xdr, &[&master, &cosigner], &passphrase)).await;
    assert_eq!(status, 200, "{body}");
    assert!(body["token"].as_str().is_some());

    // A fresh account that does not exist on the ledger needs exactly its master key.
    let newcomer = KeyPair::random();
    let xdr = get_challenge(&app, &format!("account={}", newcomer.public_key())).await;
    let (status, _) = post_json(&app, &sign(&xdr, &[&newcomer], &passphrase)).await;
    assert_eq!(status, 200);
    sb.stop().await;
}
