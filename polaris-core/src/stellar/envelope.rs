//! Transaction envelopes: base64 XDR in and out, hashes and signatures.
//!
//! Envelopes are handled with the raw XDR types that stellar-base re-exports, which read
//! every envelope version (v0, v1, fee bump) including Soroban-era ones.

use base64::Engine as _;
use sha2::{Digest, Sha256};
use stellar_base::xdr::{self, Limits, ReadXdr, WriteXdr};

use super::keys::{Address, KeyPair};

/// The testnet network passphrase.
pub const TESTNET_PASSPHRASE: &str = "Test SDF Network ; September 2015";
/// The public network passphrase.
pub const PUBLIC_PASSPHRASE: &str = "Public Global Stellar Network ; September 2015";

/// An envelope that could not be read or written.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid transaction envelope: {0}")]
pub struct EnvelopeError(pub String);

/// The network id: SHA-256 of the network passphrase.
pub fn network_id(passphrase: &str) -> [u8; 32] {
    Sha256::digest(passphrase.as_bytes()).into()
}

/// Decodes a base64 XDR `TransactionEnvelope`. Never panics on garbage.
pub fn decode_envelope(b64: &str) -> Result<xdr::TransactionEnvelope, EnvelopeError> {
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(b64.trim())
        .map_err(|e| EnvelopeError(format!("not base64: {e}")))?;
    xdr::TransactionEnvelope::from_xdr(bytes, read_limits())
        .map_err(|e| EnvelopeError(format!("not a transaction envelope: {e}")))
}

fn read_limits() -> Limits {
    // Horizon refuses envelopes over 100 KiB; the depth limit guards against deep nesting.
    Limits {
        depth: 200,
        len: 100 * 1024,
    }
}

/// Encodes any XDR value as base64.
pub fn encode_xdr<T: WriteXdr>(value: &T) -> String {
    let bytes = value.to_xdr(Limits::none()).unwrap_or_default();
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

/// Decodes any XDR value from base64.
pub fn decode_xdr<T: ReadXdr>(b64: &str) -> Result<T, EnvelopeError> {
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(b64.trim())
        .map_err(|e| EnvelopeError(format!("not base64: {e}")))?;
    T::from_xdr(bytes, read_limits()).map_err(|e| EnvelopeError(e.to_string()))
}

/// The transaction hash of an envelope on the given network (what Horizon calls `hash`).
pub fn envelope_hash(
    env: &xdr::TransactionEnvelope,
    passphrase: &str,
) -> Result<[u8; 32], EnvelopeError> {
    env.hash(network_id(passphrase))
        .map_err(|e| EnvelopeError(e.to_string()))
}

/// The transaction hash as lowercase hex.
pub fn envelope_hash_hex(
    env: &xdr::TransactionEnvelope,
    passphrase: &str,
) -> Result<String, EnvelopeError> {
    envelope_hash(env, passphrase).map(hex::encode)
}

/// Adds `key`'s signature to the envelope (v1 or fee bump; a v0 envelope is signed as v1 would be).
pub fn sign_envelope(
    env: &mut xdr::TransactionEnvelope,
    key: &KeyPair,
    passphrase: &str,
) -> Result<(), EnvelopeError> {
    let hash = envelope_hash(env, passphrase)?;
    let sig = xdr::DecoratedSignature {
        hint: xdr::SignatureHint(key.hint()),
        signature: xdr::Signature(key.sign(&hash).to_vec().try_into().unwrap_or_default()),
    };
    add_signatures(env, vec![sig])
}

/// Appends signatures made elsewhere (e.g. by a [`Signer`](crate::custody::Signer)) to the
/// envelope.
pub fn add_signatures(
    env: &mut xdr::TransactionEnvelope,
    new: Vec<xdr::DecoratedSignature>,
) -> Result<(), EnvelopeError> {
    let sigs = match env {
        xdr::TransactionEnvelope::TxV0(e) => &mut e.signatures,
        xdr::TransactionEnvelope::Tx(e) => &mut e.signatures,
        xdr::TransactionEnvelope::TxFeeBump(e) => &mut e.signatures,
    };
    let mut list = sigs.to_vec();
    list.extend(new);
    *sigs = list
        .try_into()
        .map_err(|_| EnvelopeError("an envelope holds at most 20 signatures".into()))?;
    Ok(())
}

/// The XDR muxed account of an address (`G...` or `M...`).
pub fn muxed_xdr(address: &Address) -> xdr::MuxedAccount {
    match address {
        Address::Account(k) => xdr::MuxedAccount::Ed25519(xdr::Uint256(*k)),
        Address::Muxed { key, id } => xdr::MuxedAccount::MuxedEd25519(xdr::MuxedAccountMed25519 {
            id: *id,
            ed25519: xdr::Uint256(*key),
        }),
    }
}

/// The address of an XDR muxed account.
pub fn muxed_address(account: &xdr::MuxedAccount) -> Address {
    match account {
        xdr::MuxedAccount::Ed25519(k) => Address::Account(k.0),
        xdr::MuxedAccount::MuxedEd25519(m) => Address::Muxed {
            key: m.ed25519.0,
            id: m.id,
        },
    }
}

/// Wraps a signed v1 envelope in a fee bump paid by `fee_source`, and signs it with `fee_key`.
///
/// `fee` is the total the fee source is willing to pay (at least the base fee times the inner
/// operation count plus one).
pub fn fee_bump(
    inner: xdr::TransactionEnvelope,
    fee_source: &Address,
    fee: i64,
    fee_key: &KeyPair,
    passphrase: &str,
) -> Result<xdr::TransactionEnvelope, EnvelopeError> {
    let inner = match inner {
        xdr::TransactionEnvelope::Tx(e) => e,
        _ => {
            return Err(EnvelopeError(
                "only a v1 transaction can be fee-bumped".into(),
            ))
        }
    };
    let mut env = xdr::TransactionEnvelope::TxFeeBump(xdr::FeeBumpTransactionEnvelope {
        tx: xdr::FeeBumpTransaction {
            fee_source: muxed_xdr(fee_source),
            fee,
            inner_tx: xdr::FeeBumpTransactionInnerTx::Tx(inner),
            ext: xdr::FeeBumpTransactionExt::V0,
        },
        signatures: Default::default(),
    });
    sign_envelope(&mut env, fee_key, passphrase)?;
    Ok(env)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn garbage_is_an_error_not_a_panic() {
        assert!(decode_envelope("not base64!!").is_err());
        assert!(decode_envelope("AAAA").is_err());
        assert!(decode_envelope("").is_err());
        let huge = base64::engine::general_purpose::STANDARD.encode([0xffu8; 4096]);
        assert!(decode_envelope(&huge).is_err());
    }
}
