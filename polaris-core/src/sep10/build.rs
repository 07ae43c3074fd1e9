//! Building the challenge transaction of `GET /auth`.

use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use rand::RngCore as _;
use sha2::{Digest, Sha256};
use stellar_base::xdr::{
    DataValue, DecoratedSignature, ManageDataOp, Memo, MuxedAccount, MuxedAccountMed25519,
    Operation, OperationBody, Preconditions, SequenceNumber, Signature, SignatureHint, String64,
    TimeBounds, TimePoint, Transaction, TransactionEnvelope, TransactionExt, TransactionV1Envelope,
    Uint256, WriteXdr,
};

use super::{ChallengeResponse, Sep10Error, CHALLENGE_LIFETIME_SECONDS};
use crate::settings::Settings;
use crate::stellar::keys::{Address, KeyPair};

/// The validated parameters of a challenge request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChallengeParams {
    /// The client account.
    pub address: Address,
    /// The id memo, only with a `G...` account.
    pub memo: Option<u64>,
    /// The home domain the challenge is for (one of `SEP10_HOME_DOMAINS`).
    pub home_domain: String,
    /// The client domain as asked; [`super::challenge`] decides whether it is honoured.
    pub client_domain: Option<String>,
}

/// A client domain whose `SIGNING_KEY` was fetched: the domain and its raw ed25519 key.
pub type ClientDomainAccount = (String, [u8; 32]);

/// The key name of the first operation: `<home domain> auth`.
pub(crate) fn auth_key(home_domain: &str) -> String {
    format!("{home_domain} auth")
}

/// The network id: SHA-256 of the passphrase.
pub(crate) fn network_id(passphrase: &str) -> [u8; 32] {
    Sha256::digest(passphrase.as_bytes()).into()
}

/// The XDR account of an address (muxed for `M...`).
pub(crate) fn muxed(address: &Address) -> MuxedAccount {
    match address {
        Address::Account(k) => MuxedAccount::Ed25519(Uint256(*k)),
        Address::Muxed { key, id } => MuxedAccount::MuxedEd25519(MuxedAccountMed25519 {
            id: *id,
            ed25519: Uint256(*key),
        }),
    }
}

fn manage_data(source: MuxedAccount, key: &str, value: &[u8]) -> Result<Operation, Sep10Error> {
    let name: String64 = key
        .as_bytes()
        .to_vec()
        .try_into()
        .map(String64)
        .map_err(|_| Sep10Error::bad(format!("'{key}' is longer than 64 bytes")))?;
    let value =
        DataValue(value.to_vec().try_into().map_err(|_| {
            Sep10Error::bad(format!("the value of '{key}' is longer than 64 bytes"))
        })?);
    Ok(Operation {
        source_account: Some(source),
        body: OperationBody::ManageData(ManageDataOp {
            data_name: name,
            data_value: Some(value),
        }),
    })
}

fn nonce() -> String {
    let mut bytes = [0u8; 48];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    STANDARD.encode(bytes)
}

fn operations(
    settings: &Settings,
    params: &ChallengeParams,
    client_domain: Option<&ClientDomainAccount>,
) -> Result<Vec<Operation>, Sep10Error> {
    let server = MuxedAccount::Ed25519(Uint256(settings.signing_key.public_key_bytes()));
    let mut ops = vec![
        manage_data(
            muxed(&params.address),
            &auth_key(&params.home_domain),
            nonce().as_bytes(),
        )?,
        manage_data(
            server,
            "web_auth_domain",
            settings.web_auth_domain().as_bytes(),
        )?,
    ];
    if let Some((domain, key)) = client_domain {
        ops.push(manage_data(
            MuxedAccount::Ed25519(Uint256(*key)),
            "client_domain",
            domain.as_bytes(),
        )?);
    }
    Ok(ops)
}

/// Signs a V1 envelope with `key` for `passphrase`, appending the decorated signature.
pub(crate) fn sign(
    envelope: &mut TransactionV1Envelope,
    key: &KeyPair,
    passphrase: &str,
) -> Result<(), Sep10Error> {
    let hash = envelope
        .hash(network_id(passphrase))
        .map_err(|e| Sep10Error::Internal(format!("cannot hash the challenge: {e}")))?;
    let signature = DecoratedSignature {
        hint: SignatureHint(key.hint()),
        signature: Signature(key.sign(&hash).to_vec().try_into().unwrap_or_default()),
    };
    let mut sigs = envelope.signatures.to_vec();
    sigs.push(signature);
    envelope.signatures = sigs
        .try_into()
        .map_err(|_| Sep10Error::bad("a transaction carries at most 20 signatures"))?;
    Ok(())
}

/// Encodes an envelope as base64 XDR.
pub(crate) fn to_base64(envelope: TransactionV1Envelope) -> Result<String, Sep10Error> {
    TransactionEnvelope::Tx(envelope)
        .to_xdr(stellar_base::xdr::Limits::none())
        .map(|bytes| STANDARD.encode(bytes))
        .map_err(|e| Sep10Error::Internal(format!("cannot encode the challenge: {e}")))
}

/// Builds and signs the challenge for `params` at time `now` (seconds since the epoch).
///
/// `client_domain` is the client domain and its `SIGNING_KEY`, when attribution was asked
/// and accepted. Errors are [`Sep10Error::BadRequest`] when a domain is too long for a
/// manage data key or value.
pub fn build_challenge(
    settings: &Settings,
    params: &ChallengeParams,
    client_domain: Option<&ClientDomainAccount>,
    now: u64,
) -> Result<ChallengeResponse, Sep10Error> {
    let ops = operations(settings, params, client_domain)?;
    let fee = 100 * ops.len() as u32;
    let tx = Transaction {
        source_account: MuxedAccount::Ed25519(Uint256(settings.signing_key.public_key_bytes())),
        fee,
        seq_num: SequenceNumber(0),
        cond: Preconditions::Time(TimeBounds {
            min_time: TimePoint(now),
            max_time: TimePoint(now + CHALLENGE_LIFETIME_SECONDS),
        }),
        memo: params.memo.map_or(Memo::None, Memo::Id),
        operations: ops
            .try_into()
            .map_err(|_| Sep10Error::Internal("too many operations".into()))?,
        ext: TransactionExt::V0,
    };
    let mut envelope = TransactionV1Envelope {
        tx,
        signatures: Default::default(),
    };
    sign(
        &mut envelope,
        &settings.signing_key,
        &settings.network_passphrase,
    )?;
    Ok(ChallengeResponse {
        transaction: to_base64(envelope)?,
        network_passphrase: settings.network_passphrase.clone(),
    })
}

/// Adds `key`'s signature to a base64 challenge: what a wallet does. Useful for tests,
/// benchmarks and tools; the server never signs for a client.
pub fn sign_challenge(xdr: &str, key: &KeyPair, passphrase: &str) -> Result<String, Sep10Error> {
    let bytes = STANDARD
        .decode(xdr.trim())
        .map_err(|_| Sep10Error::bad("'transaction' is not base64-encoded XDR"))?;
    let limits = stellar_base::xdr::Limits {
        depth: 64,
        len: bytes.len(),
    };
    let mut envelope =
        match <TransactionEnvelope as stellar_base::xdr::ReadXdr>::from_xdr(&bytes, limits) {
            Ok(TransactionEnvelope::Tx(e)) => e,
            _ => return Err(Sep10Error::bad("not a version 1 transaction envelope")),
        };
    sign(&mut envelope, key, passphrase)?;
    to_base64(envelope)
}
