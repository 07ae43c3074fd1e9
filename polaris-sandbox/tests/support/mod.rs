//! Shared helpers of the sandbox tests: a sandbox on an ephemeral port and a wallet.

#![allow(dead_code)]

use polaris_core::stellar::tx::{Op, TransactionBuilder};
use polaris_core::stellar::{
    encode_xdr, fund_with_friendbot, Horizon, HorizonClient, HorizonError, KeyPair,
    TransactionRecord,
};
use polaris_sandbox::{start, SandboxConfig, SandboxHandle};

pub const XLM: i64 = 10_000_000;

pub async fn sandbox() -> SandboxHandle {
    start(
        "127.0.0.1:0".parse().unwrap(),
        SandboxConfig {
            workers: 2,
            ..Default::default()
        },
    )
    .await
    .unwrap()
}

pub fn client(sb: &SandboxHandle) -> HorizonClient {
    HorizonClient::new(sb.url()).unwrap()
}

pub async fn funded(sb: &SandboxHandle) -> KeyPair {
    let k = KeyPair::random();
    fund_with_friendbot(&sb.friendbot_url(), k.public_key())
        .await
        .unwrap();
    k
}

pub async fn builder(h: &HorizonClient, source: &KeyPair) -> TransactionBuilder {
    let seq = h
        .load_account(source.public_key())
        .await
        .unwrap()
        .map_or(1, |a| a.sequence + 1);
    TransactionBuilder::new(source.public_key(), seq, 100).unwrap()
}

pub fn envelope(b: TransactionBuilder, signers: &[&KeyPair], passphrase: &str) -> String {
    encode_xdr(&b.sign(signers, passphrase).unwrap())
}

pub async fn send(
    h: &HorizonClient,
    sb: &SandboxHandle,
    b: TransactionBuilder,
    signers: &[&KeyPair],
) -> Result<TransactionRecord, HorizonError> {
    h.submit(&envelope(b, signers, &sb.passphrase())).await
}

pub async fn op(
    h: &HorizonClient,
    sb: &SandboxHandle,
    source: &KeyPair,
    op: Op,
) -> Result<TransactionRecord, HorizonError> {
    let b = builder(h, source).await.op(op);
    send(h, sb, b, &[source]).await
}

pub fn failed(result: Result<TransactionRecord, HorizonError>) -> (String, Vec<String>) {
    match result {
        Err(HorizonError::Failed {
            transaction,
            operations,
        }) => (transaction, operations),
        other => panic!("expected a failed transaction, got {other:?}"),
    }
}
