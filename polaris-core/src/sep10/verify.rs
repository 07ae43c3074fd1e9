//! The checks of `POST /auth`: reading a signed challenge and verifying its signers.

use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use stellar_base::xdr::{
    DecoratedSignature, Limits, ManageDataOp, Memo, MuxedAccount, Operation, OperationBody,
    Preconditions, ReadXdr, TransactionEnvelope, TransactionV1Envelope,
};

use super::build::{network_id, ClientDomainAccount};
use super::Sep10Error;
use crate::auth::Subject;
use crate::settings::Settings;
use crate::stellar::horizon::AccountInfo;
use crate::stellar::keys::{verify, Address};

/// A challenge that passed every check that does not need the client account's signers:
/// its shape, its time bounds and the server's signature.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Challenge {
    /// The transaction hash (what every signature signs).
    pub hash: [u8; 32],
    /// The client account (source of the first operation).
    pub address: Address,
    /// The id memo, if any.
    pub memo: Option<u64>,
    /// The home domain of the first operation's key.
    pub home_domain: String,
    /// The client domain and its key, when the challenge has a `client_domain` operation.
    pub client_domain: Option<ClientDomainAccount>,
    /// The minimum time bound (seconds since the epoch).
    pub min_time: u64,
    /// The maximum time bound: the challenge is void afterwards.
    pub max_time: u64,
    /// The signatures other than the server's.
    pub client_signatures: Vec<DecoratedSignature>,
}

impl Challenge {
    /// The transaction hash as lower-case hex.
    pub fn hash_hex(&self) -> String {
        self.hash.iter().map(|b| format!("{b:02x}")).collect()
    }

    /// The principal the challenge authenticates.
    pub fn subject(&self) -> Subject {
        Subject::new(&self.address, self.memo)
    }
}

fn bad(message: &str) -> Sep10Error {
    Sep10Error::bad(message)
}

fn decode(xdr: &str) -> Result<TransactionV1Envelope, Sep10Error> {
    let bytes = STANDARD
        .decode(xdr.trim())
        .map_err(|_| bad("'transaction' is not base64-encoded XDR"))?;
    let limits = Limits {
        depth: 64,
        len: bytes.len(),
    };
    match TransactionEnvelope::from_xdr(&bytes, limits) {
        Ok(TransactionEnvelope::Tx(env)) => Ok(env),
        Ok(_) => Err(bad(
            "the challenge must be a version 1 transaction envelope",
        )),
        Err(_) => Err(bad("'transaction' is not a valid transaction envelope XDR")),
    }
}

fn key_of(account: &MuxedAccount) -> Address {
    match account {
        MuxedAccount::Ed25519(k) => Address::Account(k.0),
        MuxedAccount::MuxedEd25519(m) => Address::Muxed {
            key: m.ed25519.0,
            id: m.id,
        },
    }
}

fn time_bounds(cond: &Preconditions, now: u64) -> Result<(u64, u64), Sep10Error> {
    let Preconditions::Time(tb) = cond else {
        return Err(bad("the challenge has no time bounds"));
    };
    let (min, max) = (tb.min_time.0, tb.max_time.0);
    if max == 0 {
        return Err(bad("the challenge has no maximum time bound"));
    }
    if now < min {
        return Err(bad("the challenge is not yet valid (check your clock)"));
    }
    if now > max {
        return Err(bad("the challenge has expired; request a new one"));
    }
    Ok((min, max))
}

fn as_manage_data(op: &Operation) -> Result<(Address, &ManageDataOp), Sep10Error> {
    let OperationBody::ManageData(data) = &op.body else {
        return Err(bad(
            "every operation of a challenge must be a manage data operation",
        ));
    };
    let source = op
        .source_account
        .as_ref()
        .ok_or_else(|| bad("every operation of a challenge must have a source account"))?;
    Ok((key_of(source), data))
}

fn value(data: &ManageDataOp) -> &[u8] {
    data.data_value.as_ref().map_or(&[][..], |v| v.0.as_slice())
}

fn first_operation(settings: &Settings, op: &Operation) -> Result<(Address, String), Sep10Error> {
    let (client, data) = as_manage_data(op)?;
    let key = std::str::from_utf8(data.data_name.0.as_slice())
        .map_err(|_| bad("the first operation's key is not text"))?;
    let home = key
        .strip_suffix(" auth")
        .ok_or_else(|| bad("the first operation's key must be '<home domain> auth'"))?;
    if !settings.sep10_home_domains.iter().any(|d| d == home) {
        return Err(bad(&format!("the home domain '{home}' is not served here")));
    }
    let nonce = value(data);
    if nonce.len() != 64 || STANDARD.decode(nonce).map(|n| n.len()) != Ok(48) {
        return Err(bad(
            "the first operation's value must be a 64-byte base64 nonce",
        ));
    }
    Ok((client, home.to_string()))
}

fn other_operations(
    settings: &Settings,
    ops: &[Operation],
    server: &[u8; 32],
) -> Result<Option<ClientDomainAccount>, Sep10Error> {
    let (mut web_auth_domain, mut client_domain) = (false, None);
    for op in ops {
        let (source, data) = as_manage_data(op)?;
        let key = data.data_name.0.as_slice();
        if key == b"client_domain" {
            let Address::Account(k) = source else {
                return Err(bad(
                    "the client_domain operation's source must be a G... account",
                ));
            };
            if k == *server {
                return Err(bad(
                    "the client_domain key is this server's signing key; refused",
                ));
            }
            let domain = String::from_utf8(value(data).to_vec())
                .map_err(|_| bad("the client_domain value is not text"))?;
            client_domain = Some((domain, k));
            continue;
        }
        if source != Address::Account(*server) {
            return Err(bad(
                "operations after the first must have the server account as source",
            ));
        }
        if key == b"web_auth_domain" {
            if value(data) != settings.web_auth_domain().as_bytes() {
                return Err(bad(
                    "the web_auth_domain operation does not name this server",
                ));
            }
            web_auth_domain = true;
        }
    }
    if !web_auth_domain {
        return Err(bad("the challenge has no web_auth_domain operation"));
    }
    Ok(client_domain)
}

/// Whether `sig` is a valid signature of `hash` by `key` (hint checked first).
fn signed_by(sig: &DecoratedSignature, key: &[u8; 32], hash: &[u8; 32]) -> bool {
    sig.hint.0 == key[28..32] && verify(key, hash, sig.signature.0.as_slice())
}

/// Refuses an envelope that carries the same signature (or two signatures with the same
/// hint and bytes) more than once, so that no signature is ever counted twice.
fn refuse_duplicates(signatures: &[DecoratedSignature]) -> Result<(), Sep10Error> {
    for (i, sig) in signatures.iter().enumerate() {
        if signatures[..i].contains(sig) {
            return Err(bad("the challenge carries the same signature twice"));
        }
    }
    Ok(())
}

/// Reads a signed challenge: decodes it and checks its source, sequence number, time bounds,
/// memo, operations and the server's signature, as `now` (seconds since the epoch).
pub fn read_challenge(settings: &Settings, xdr: &str, now: u64) -> Result<Challenge, Sep10Error> {
    let envelope = decode(xdr)?;
    let tx = &envelope.tx;
    let server = settings.signing_key.public_key_bytes();
    if tx.source_account != MuxedAccount::Ed25519(stellar_base::xdr::Uint256(server)) {
        return Err(bad(
            "the challenge's source account is not this server's signing key",
        ));
    }
    if tx.seq_num.0 != 0 {
        return Err(bad("the challenge's sequence number must be 0"));
    }
    let (min_time, max_time) = time_bounds(&tx.cond, now)?;
    let first = tx
        .operations
        .first()
        .ok_or_else(|| bad("the challenge has no operations"))?;
    let (address, home_domain) = first_operation(settings, first)?;
    if *address.key() == server {
        return Err(bad(
            "the challenge's client account is this server's signing key; refused",
        ));
    }
    let memo = match &tx.memo {
        Memo::None => None,
        Memo::Id(id) if address.muxed_id().is_none() => Some(*id),
        Memo::Id(_) => return Err(bad("a challenge for a muxed account cannot have a memo")),
        _ => return Err(bad("the challenge's memo must be of type id")),
    };
    let client_domain = other_operations(settings, &tx.operations[1..], &server)?;
    let hash = envelope
        .hash(network_id(&settings.network_passphrase))
        .map_err(|_| bad("the challenge cannot be hashed"))?;
    let mut client_signatures = envelope.signatures.to_vec();
    refuse_duplicates(&client_signatures)?;
    let server_sig = client_signatures
        .iter()
        .position(|s| signed_by(s, &server, &hash))
        .ok_or_else(|| {
            bad("the challenge is not signed by this server (or was signed for another network)")
        })?;
    client_signatures.remove(server_sig);
    Ok(Challenge {
        hash,
        address,
        memo,
        home_domain,
        client_domain,
        min_time,
        max_time,
        client_signatures,
    })
}

/// Matches every signature to one distinct key of `candidates`; any other signature is refused.
fn match_signers(
    challenge: &Challenge,
    candidates: &[[u8; 32]],
) -> Result<Vec<[u8; 32]>, Sep10Error> {
    let mut matched: Vec<[u8; 32]> = Vec::new();
    for sig in &challenge.client_signatures {
        let key = candidates
            .iter()
            .find(|k| !matched.contains(k) && signed_by(sig, k, &challenge.hash))
            .ok_or_else(|| {
                bad("the challenge carries a signature that is not from a signer of the account")
            })?;
        matched.push(*key);
    }
    Ok(matched)
}

fn check_client_domain(challenge: &Challenge, matched: &[[u8; 32]]) -> Result<(), Sep10Error> {
    match &challenge.client_domain {
        Some((_, key)) if !matched.contains(key) => Err(bad(
            "the challenge is not signed by the client domain's SIGNING_KEY",
        )),
        _ => Ok(()),
    }
}

fn parse_signers(account: &AccountInfo, server: &[u8; 32]) -> Vec<([u8; 32], u32)> {
    account
        .signers
        .iter()
        .filter(|s| s.weight > 0)
        .filter_map(|s| {
            stellar_strkey::ed25519::PublicKey::from_string(&s.key)
                .ok()
                .map(|k| (k.0, u32::from(s.weight)))
        })
        .filter(|(k, _)| k != server)
        .collect()
}

fn verify_existing(
    challenge: &Challenge,
    account: &AccountInfo,
    server: &[u8; 32],
) -> Result<(), Sep10Error> {
    let signers = parse_signers(account, server);
    let mut candidates: Vec<[u8; 32]> = signers.iter().map(|(k, _)| *k).collect();
    if let Some((_, key)) = &challenge.client_domain {
        candidates.push(*key);
    }
    let matched = match_signers(challenge, &candidates)?;
    check_client_domain(challenge, &matched)?;
    let weight: u32 = signers
        .iter()
        .filter(|(k, _)| matched.contains(k))
        .map(|(_, w)| w)
        .sum();
    if weight == 0 {
        return Err(bad(
            "the challenge is not signed by any signer of the account",
        ));
    }
    let threshold = u32::from(account.thresholds.med);
    if weight < threshold {
        return Err(bad(&format!(
            "the signatures have a weight of {weight}, below the account's medium threshold of {threshold}"
        )));
    }
    Ok(())
}

fn verify_new(challenge: &Challenge) -> Result<(), Sep10Error> {
    let master = *challenge.address.key();
    let mut expected = vec![master];
    if let Some((_, key)) = &challenge.client_domain {
        expected.push(*key);
    }
    if challenge.client_signatures.len() != expected.len() {
        return Err(bad(&format!(
            "the account does not exist: the challenge must be signed by its master key{} and nothing else",
            if expected.len() > 1 { " and the client domain's key" } else { "" }
        )));
    }
    let matched = match_signers(challenge, &expected)?;
    if !matched.contains(&master) {
        return Err(bad(
            "the account does not exist: the challenge must be signed by its master key",
        ));
    }
    check_client_domain(challenge, &matched)
}

/// Verifies the client's signatures on a challenge already [read](read_challenge).
///
/// `account` is the client account as Horizon knows it, or `None` when it does not exist.
/// An existing account needs signatures of its own signers weighing at least its medium
/// threshold (the server's key never counts); a new account needs exactly its master key.
/// Every signature must be accounted for, and the client domain key must have signed
/// when the challenge has a `client_domain` operation.
pub fn verify_signers(
    challenge: &Challenge,
    account: Option<&AccountInfo>,
    server: &[u8; 32],
) -> Result<(), Sep10Error> {
    match account {
        Some(account) => verify_existing(challenge, account, server),
        None => verify_new(challenge),
    }
}
