//! Stellar keys and account strkeys (G..., S..., M...).
//!
//! Muxed (M...) addresses are decoded with `stellar-strkey`, which follows the
//! current SEP-23 layout.

use std::fmt;

use ed25519_dalek::{Signer as _, SigningKey, Verifier as _};
use stellar_strkey::ed25519;

use crate::secret::Secret;

/// A Stellar key pair built from a secret seed (`S...`).
///
/// `Debug` and `Display` show the public key only: the seed never reaches a log.
#[derive(Clone)]
pub struct KeyPair {
    signing: SigningKey,
    public: String,
}

/// A key or account string that is not valid.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct KeyError(pub String);

impl KeyPair {
    /// Parses a secret seed (`S...`).
    pub fn from_seed(seed: &str) -> Result<Self, KeyError> {
        let key = ed25519::PrivateKey::from_string(seed.trim())
            .map_err(|_| KeyError("not a valid Stellar secret seed (S...)".into()))?;
        Ok(Self::from_bytes(key.0))
    }

    /// Builds a key pair from the 32 raw seed bytes.
    pub fn from_bytes(seed: [u8; 32]) -> Self {
        let signing = SigningKey::from_bytes(&seed);
        let public = ed25519::PublicKey(signing.verifying_key().to_bytes()).to_string();
        Self { signing, public }
    }

    /// Generates a fresh random key pair.
    pub fn random() -> Self {
        Self::from_bytes(rand::random())
    }

    /// The account id (`G...`).
    pub fn public_key(&self) -> &str {
        &self.public
    }

    /// The raw 32-byte public key.
    pub fn public_key_bytes(&self) -> [u8; 32] {
        self.signing.verifying_key().to_bytes()
    }

    /// The secret seed (`S...`), wrapped so that it is not printed by accident.
    pub fn seed(&self) -> Secret {
        Secret::new(ed25519::PrivateKey(self.signing.to_bytes()).to_string())
    }

    /// Signs a message with ed25519.
    pub fn sign(&self, message: &[u8]) -> [u8; 64] {
        self.signing.sign(message).to_bytes()
    }

    /// The last four bytes of the public key, as used in decorated signatures.
    pub fn hint(&self) -> [u8; 4] {
        let key = self.public_key_bytes();
        [key[28], key[29], key[30], key[31]]
    }
}

impl fmt::Debug for KeyPair {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("KeyPair")
            .field("public", &self.public)
            .finish()
    }
}

/// Verifies an ed25519 signature made by the account `public` (`G...`).
pub fn verify(public: &[u8; 32], message: &[u8], signature: &[u8]) -> bool {
    let Ok(key) = ed25519_dalek::VerifyingKey::from_bytes(public) else {
        return false;
    };
    let Ok(sig) = ed25519_dalek::Signature::from_slice(signature) else {
        return false;
    };
    key.verify(message, &sig).is_ok()
}

/// An account address as a wallet gives it: a plain account or a muxed one.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Address {
    /// A `G...` account.
    Account([u8; 32]),
    /// An `M...` muxed account: the underlying key and the 64-bit id.
    Muxed {
        /// The ed25519 key of the underlying `G...` account.
        key: [u8; 32],
        /// The muxing id.
        id: u64,
    },
}

impl Address {
    /// Parses a `G...` or `M...` address.
    pub fn parse(s: &str) -> Result<Self, KeyError> {
        if let Ok(k) = ed25519::PublicKey::from_string(s) {
            return Ok(Self::Account(k.0));
        }
        if let Ok(m) = ed25519::MuxedAccount::from_string(s) {
            return Ok(Self::Muxed {
                key: m.ed25519,
                id: m.id,
            });
        }
        Err(KeyError(format!(
            "'{s}' is not a valid Stellar account (G... or M...)"
        )))
    }

    /// The underlying `G...` account.
    pub fn account_id(&self) -> String {
        ed25519::PublicKey(*self.key()).to_string()
    }

    /// The raw ed25519 key of the underlying account.
    pub fn key(&self) -> &[u8; 32] {
        match self {
            Self::Account(k) | Self::Muxed { key: k, .. } => k,
        }
    }

    /// The muxing id, for `M...` addresses.
    pub fn muxed_id(&self) -> Option<u64> {
        match self {
            Self::Account(_) => None,
            Self::Muxed { id, .. } => Some(*id),
        }
    }
}

impl fmt::Display for Address {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Account(k) => f.write_str(&ed25519::PublicKey(*k).to_string()),
            Self::Muxed { key, id } => f.write_str(
                &ed25519::MuxedAccount {
                    ed25519: *key,
                    id: *id,
                }
                .to_string(),
            ),
        }
    }
}

/// Whether `s` is a valid `G...` account id.
pub fn is_account_id(s: &str) -> bool {
    ed25519::PublicKey::from_string(s).is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seed_round_trips_and_debug_hides_it() {
        let kp = KeyPair::random();
        let again = KeyPair::from_seed(kp.seed().expose()).unwrap();
        assert_eq!(kp.public_key(), again.public_key());
        assert!(kp.public_key().starts_with('G'));
        let dbg = format!("{kp:?}");
        assert!(!dbg.contains(kp.seed().expose()));
    }

    #[test]
    fn signatures_verify_only_with_the_right_key() {
        let kp = KeyPair::random();
        let sig = kp.sign(b"hello");
        assert!(verify(&kp.public_key_bytes(), b"hello", &sig));
        assert!(!verify(&kp.public_key_bytes(), b"hellO", &sig));
        assert!(!verify(
            &KeyPair::random().public_key_bytes(),
            b"hello",
            &sig
        ));
    }

    #[test]
    fn muxed_address_decodes_to_its_account() {
        // SEP-23 test vector: the id sits big-endian after the key.
        let m = "MA7QYNF7SOWQ3GLR2BGMZEHXAVIRZA4KVWLTJJFC7MGXUA74P7UJVAAAAAAAAAAAAAJLK";
        let a = Address::parse(m).unwrap();
        assert_eq!(
            a.account_id(),
            "GA7QYNF7SOWQ3GLR2BGMZEHXAVIRZA4KVWLTJJFC7MGXUA74P7UJVSGZ"
        );
        assert_eq!(a.muxed_id(), Some(9_223_372_036_854_775_808));
        assert_eq!(a.to_string(), m);
        assert!(Address::parse("GBAD").is_err());
    }
}
