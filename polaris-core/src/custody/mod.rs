//! Custody: who signs the payments Polaris sends.
//!
//! Every envelope that moves an asset's funds (deposit payments, created accounts, claimable
//! balances) is signed through the [`Signer`] trait: given the network-bound hash of the
//! transaction and the account whose signature is needed, a signer answers one decorated
//! signature. The key itself may live anywhere: in the database (the asset's encrypted
//! distribution seed, the default), in a KMS or HSM service reached over the network, or on
//! several machines for a multisig account.
//!
//! For each asset, Polaris asks, in order: the asset's stored distribution seed (when one is
//! stored), then every signer registered with
//! [`ContextBuilder::signer`](crate::context::ContextBuilder::signer). Signatures are
//! collected until their weights, read from the account's signers on Horizon, reach the
//! threshold the envelope needs; an envelope that cannot reach it is never submitted (see
//! [`gather`]).
//!
//! ```
//! use polaris_core::custody::{KeyPairSigner, SignRequest, Signer};
//! use polaris_core::stellar::KeyPair;
//! # tokio_test_block_on(async {
//! let key = KeyPair::random();
//! let signer = KeyPairSigner::new(key.clone());
//! let request = SignRequest::new([7; 32], key.public_key());
//! let sig = signer.sign(&request).await.unwrap();
//! assert_eq!(sig.hint.0, key.hint());
//! # });
//! # fn tokio_test_block_on<F: std::future::Future>(f: F) -> F::Output {
//! #     tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(f)
//! # }
//! ```

use async_trait::async_trait;
use stellar_base::xdr::{DecoratedSignature, Signature, SignatureHint};

use crate::stellar::keys::{Address, KeyPair};

mod gather;

pub use gather::{gather, Level};

/// What a signer is asked to sign.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct SignRequest {
    /// The transaction hash: SHA-256 of the network id and the transaction, so a signature
    /// is bound to one network passphrase.
    pub hash: [u8; 32],
    /// The account (`G...`) whose signature is needed.
    pub account: String,
}

impl SignRequest {
    /// A request to sign `hash` for `account`.
    pub fn new(hash: [u8; 32], account: impl Into<String>) -> Self {
        Self {
            hash,
            account: account.into(),
        }
    }
}

/// Why a signer gave no signature.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SignerError {
    /// This signer holds no key for the account: the next signer is asked.
    #[error("no key held for {0}")]
    NotHeld(String),
    /// The signing service cannot answer now (network, rate limit): the payment waits
    /// for the next round.
    #[error("signer unavailable: {0}")]
    Unavailable(String),
    /// The signing service refused (policy, unknown key, bad request).
    #[error("signer refused: {0}")]
    Refused(String),
}

/// Signs transaction hashes for Stellar accounts: the seam between Polaris and the keys.
///
/// Implement it over a KMS or HSM: return the ed25519 signature of `request.hash` by a key
/// that is a signer of `request.account`, decorated with that key's hint (its last four
/// bytes; see [`decorated`]). Answer [`SignerError::NotHeld`] for accounts this signer has
/// no key for.
#[async_trait]
pub trait Signer: Send + Sync + 'static {
    /// One signature of `request.hash` for `request.account`.
    async fn sign(&self, request: &SignRequest) -> Result<DecoratedSignature, SignerError>;
}

/// A decorated signature from the signing key's public key (`G...`) and the 64 signature
/// bytes, as a [`Signer`] returns it.
pub fn decorated(public_key: &str, signature: [u8; 64]) -> Result<DecoratedSignature, SignerError> {
    let address = Address::parse(public_key).map_err(|e| SignerError::Refused(e.0))?;
    let key = address.key();
    Ok(DecoratedSignature {
        hint: SignatureHint([key[28], key[29], key[30], key[31]]),
        signature: Signature(signature.to_vec().try_into().unwrap_or_default()),
    })
}

/// A signer holding one key pair in memory: it signs for any account (the key may be one of
/// several signers of it). Polaris uses it for stored seeds; tests use it as a stand-in for a
/// signing service.
#[derive(Debug, Clone)]
pub struct KeyPairSigner {
    key: KeyPair,
}

impl KeyPairSigner {
    /// A signer with `key`.
    pub fn new(key: KeyPair) -> Self {
        Self { key }
    }

    /// The signing key's public key (`G...`).
    pub fn public_key(&self) -> &str {
        self.key.public_key()
    }
}

#[async_trait]
impl Signer for KeyPairSigner {
    async fn sign(&self, request: &SignRequest) -> Result<DecoratedSignature, SignerError> {
        decorated(self.key.public_key(), self.key.sign(&request.hash))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stellar::keys::verify;

    #[tokio::test]
    async fn a_key_pair_signer_signs_the_hash_with_its_hint() {
        let key = KeyPair::random();
        let sig = KeyPairSigner::new(key.clone())
            .sign(&SignRequest::new([3; 32], key.public_key()))
            .await
            .unwrap();
        assert_eq!(sig.hint.0, key.hint());
        assert!(verify(
            &key.public_key_bytes(),
            &[3; 32],
            sig.signature.as_slice()
        ));
        assert!(decorated("nope", [0; 64]).is_err());
    }
}
