//! Wallet-side helpers for tests (feature `test-support`): a sandbox on an ephemeral port of
//! the test process, the real Horizon client pointed at it, funded accounts, and signed
//! submissions. They panic with a message on failure, as test helpers do.

use crate::{start, SandboxConfig, SandboxHandle};
use polaris_core::stellar::tx::{Op, TransactionBuilder};
use polaris_core::stellar::{
    encode_xdr, fund_with_friendbot, Horizon, HorizonClient, HorizonError, KeyPair,
    TransactionRecord,
};

/// One XLM, in stroops.
pub const XLM: i64 = 10_000_000;

/// A sandbox on an ephemeral port of this process (two submission workers).
pub async fn sandbox() -> SandboxHandle {
    start(
        std::net::SocketAddr::from(([127, 0, 0, 1], 0)),
        SandboxConfig {
            workers: 2,
            ..Default::default()
        },
    )
    .await
    .expect("start the sandbox")
}

/// The Horizon client every Polaris component uses, pointed at the sandbox.
pub fn client(sb: &SandboxHandle) -> HorizonClient {
    HorizonClient::new(sb.url()).expect("a client for the sandbox URL")
}

/// A new account funded by the sandbox friendbot.
pub async fn funded(sb: &SandboxHandle) -> KeyPair {
    let k = KeyPair::random();
    fund_with_friendbot(&sb.friendbot_url(), k.public_key())
        .await
        .expect("friendbot funds the account");
    k
}

/// A transaction builder for `source` at its next sequence number.
pub async fn builder(h: &HorizonClient, source: &KeyPair) -> TransactionBuilder {
    let seq = h
        .load_account(source.public_key())
        .await
        .expect("load the source account")
        .map_or(1, |a| a.sequence + 1);
    TransactionBuilder::new(source.public_key(), seq, 100).expect("a transaction builder")
}

/// `b` signed by `signers`, as base64 XDR.
pub fn envelope(b: TransactionBuilder, signers: &[&KeyPair], passphrase: &str) -> String {
    encode_xdr(&b.sign(signers, passphrase).expect("sign the transaction"))
}

/// Signs `b` and submits it over HTTP.
pub async fn send(
    h: &HorizonClient,
    sb: &SandboxHandle,
    b: TransactionBuilder,
    signers: &[&KeyPair],
) -> Result<TransactionRecord, HorizonError> {
    h.submit(&envelope(b, signers, &sb.passphrase())).await
}

/// Submits one operation of `source`.
pub async fn op(
    h: &HorizonClient,
    sb: &SandboxHandle,
    source: &KeyPair,
    op: Op,
) -> Result<TransactionRecord, HorizonError> {
    let b = builder(h, source).await.op(op);
    send(h, sb, b, &[source]).await
}

/// The result codes of a transaction the sandbox refused; panics on anything else.
pub fn failed(result: Result<TransactionRecord, HorizonError>) -> (String, Vec<String>) {
    match result {
        Err(HorizonError::Failed {
            transaction,
            operations,
        }) => (transaction, operations),
        other => panic!("expected a failed transaction, got {other:?}"),
    }
}
