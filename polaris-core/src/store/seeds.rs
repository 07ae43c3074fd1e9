//! Distribution seeds encrypted at rest.
//!
//! A seed is written as `sealed:v1:<base64 of nonce and ciphertext>`: ChaCha20-Poly1305
//! under the store's [`SeedKey`] (from `SEED_ENCRYPTION_KEY`), with the column name as
//! associated data. A database dump alone reveals no seed. A plain seed (`S...`) written by
//! an older version is still read, and [`super::Store::seal_plain_seeds`] rewrites it sealed.
//!
//! Every query runs through [`super::Store::with_conn`], which makes the store's key the
//! current one for the duration of the call, so the asset queries seal and open seeds
//! without taking a key argument.

use std::cell::RefCell;

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{ChaCha20Poly1305, Key, Nonce};

use super::StoreError;

/// The prefix of a seed sealed with version 1 of the format.
pub const SEALED_V1: &str = "sealed:v1:";
const AAD: &[u8] = b"assets.distribution_seed";
const CHANNEL_AAD: &[u8] = b"channels.seed";
const NONCE_LEN: usize = 12;

/// The 32-byte key distribution seeds are encrypted with.
#[derive(Clone)]
pub struct SeedKey(Key);

impl std::fmt::Debug for SeedKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SeedKey(***)")
    }
}

impl SeedKey {
    /// A key from 64 hexadecimal characters (32 bytes), as `SEED_ENCRYPTION_KEY` holds it.
    pub fn from_hex(text: &str) -> Result<Self, String> {
        let bytes = hex::decode(text.trim())
            .map_err(|_| "expected 64 hexadecimal characters (32 bytes)".to_string())?;
        let key: [u8; 32] = bytes
            .try_into()
            .map_err(|_| "expected 64 hexadecimal characters (32 bytes)".to_string())?;
        Ok(Self(key.into()))
    }

    /// A fresh random key.
    pub fn random() -> Self {
        Self(rand::random::<[u8; 32]>().into())
    }

    /// The key as 64 hexadecimal characters.
    pub fn to_hex(&self) -> String {
        hex::encode(self.0.as_slice())
    }

    /// `seed` sealed: `sealed:v1:...`, a fresh nonce each time.
    pub fn seal(&self, seed: &str) -> Result<String, StoreError> {
        self.seal_column(seed, AAD)
    }

    /// `seed` sealed for the column `aad` (e.g. `channels.seed`).
    fn seal_column(&self, seed: &str, aad: &[u8]) -> Result<String, StoreError> {
        let nonce: [u8; NONCE_LEN] = rand::random();
        let payload = Payload {
            msg: seed.as_bytes(),
            aad,
        };
        let sealed = ChaCha20Poly1305::new(&self.0)
            .encrypt(Nonce::from_slice(&nonce), payload)
            .map_err(|_| StoreError::Corrupt("a distribution seed cannot be encrypted".into()))?;
        let mut bytes = nonce.to_vec();
        bytes.extend(sealed);
        Ok(format!("{SEALED_V1}{}", STANDARD.encode(bytes)))
    }

    /// The seed inside `stored` (sealed by [`SeedKey::seal`]).
    pub fn open(&self, stored: &str) -> Result<String, StoreError> {
        self.open_column(stored, AAD)
    }

    /// The seed inside `stored`, sealed for the column `aad`.
    fn open_column(&self, stored: &str, aad: &[u8]) -> Result<String, StoreError> {
        let wrong = || {
            StoreError::Corrupt(
                "a distribution seed cannot be decrypted: SEED_ENCRYPTION_KEY is not the key it was encrypted with".into(),
            )
        };
        let b64 = stored.strip_prefix(SEALED_V1).ok_or_else(wrong)?;
        let bytes = STANDARD.decode(b64).map_err(|_| wrong())?;
        if bytes.len() <= NONCE_LEN {
            return Err(wrong());
        }
        let (nonce, sealed) = bytes.split_at(NONCE_LEN);
        let payload = Payload { msg: sealed, aad };
        let plain = ChaCha20Poly1305::new(&self.0)
            .decrypt(Nonce::from_slice(nonce), payload)
            .map_err(|_| wrong())?;
        String::from_utf8(plain).map_err(|_| wrong())
    }
}

thread_local! {
    static CURRENT: RefCell<Option<SeedKey>> = const { RefCell::new(None) };
}

/// Runs `f` with `key` as the current key of this thread, then restores the previous one.
pub(crate) fn with_key<T>(key: Option<&SeedKey>, f: impl FnOnce() -> T) -> T {
    let previous = CURRENT.with(|c| c.replace(key.cloned()));
    struct Restore(Option<SeedKey>);
    impl Drop for Restore {
        fn drop(&mut self) {
            CURRENT.with(|c| *c.borrow_mut() = self.0.take());
        }
    }
    let _restore = Restore(previous);
    f()
}

/// `seed` sealed with the current key; refused when the store has none.
pub(crate) fn seal(seed: &str) -> Result<String, StoreError> {
    CURRENT.with(|c| match c.borrow().as_ref() {
        Some(key) => key.seal(seed),
        None => Err(StoreError::Corrupt(
            "distribution seeds are stored encrypted: set SEED_ENCRYPTION_KEY".into(),
        )),
    })
}

/// The seed of a stored value: opened with the current key when sealed, as is when plain.
pub(crate) fn open(stored: &str) -> Result<String, StoreError> {
    if !is_sealed(stored) {
        return Ok(stored.to_string());
    }
    CURRENT.with(|c| match c.borrow().as_ref() {
        Some(key) => key.open(stored),
        None => Err(StoreError::Corrupt(
            "a distribution seed is encrypted but SEED_ENCRYPTION_KEY is not set".into(),
        )),
    })
}

/// A channel account's seed sealed with the current key (column `channels.seed`);
/// refused when the store has none: channel seeds are never stored in plain text.
pub(crate) fn seal_channel(seed: &str) -> Result<String, StoreError> {
    CURRENT.with(|c| match c.borrow().as_ref() {
        Some(key) => key.seal_column(seed, CHANNEL_AAD),
        None => Err(StoreError::Corrupt(
            "channel account seeds are stored encrypted: set SEED_ENCRYPTION_KEY".into(),
        )),
    })
}

/// The seed of a stored channel account, opened with the current key.
pub(crate) fn open_channel(stored: &str) -> Result<String, StoreError> {
    CURRENT.with(|c| match c.borrow().as_ref() {
        Some(key) => key.open_column(stored, CHANNEL_AAD),
        None => Err(StoreError::Corrupt(
            "a channel account seed is encrypted but SEED_ENCRYPTION_KEY is not set".into(),
        )),
    })
}

/// Whether a stored value is sealed (by any version of the format).
pub fn is_sealed(stored: &str) -> bool {
    stored.starts_with("sealed:")
}

#[cfg(test)]
mod tests {
    use super::*;

    const SEED: &str = "SBUSPEKAZKLZSWHRSJ2HWDZUK6I3IVDUWA7JJZSGBLZ2WZIUJI7FPNB5";

    #[test]
    fn a_sealed_seed_hides_the_seed_and_opens_with_its_key_only() {
        let key = SeedKey::random();
        let sealed = key.seal(SEED).unwrap();
        assert!(sealed.starts_with(SEALED_V1) && !sealed.contains(SEED));
        assert_ne!(sealed, key.seal(SEED).unwrap(), "a fresh nonce each time");
        assert_eq!(key.open(&sealed).unwrap(), SEED);
        let err = SeedKey::random().open(&sealed).unwrap_err().to_string();
        assert!(err.contains("SEED_ENCRYPTION_KEY"), "{err}");
        let again = SeedKey::from_hex(&key.to_hex()).unwrap();
        assert_eq!(again.open(&sealed).unwrap(), SEED);
        assert!(SeedKey::from_hex("abcd").is_err());
    }

    #[test]
    fn the_current_key_is_scoped_and_plain_rows_still_read() {
        assert!(seal(SEED).is_err(), "no key, no plain write");
        let key = SeedKey::random();
        let sealed = with_key(Some(&key), || seal(SEED)).unwrap();
        assert!(open(&sealed).is_err(), "the key is gone after the call");
        assert_eq!(with_key(Some(&key), || open(&sealed)).unwrap(), SEED);
        assert_eq!(open(SEED).unwrap(), SEED, "a legacy plain row");
    }

    fn raw(store: &crate::store::Store) -> String {
        use crate::store::schema::assets::dsl;
        use diesel::prelude::*;
        store
            .with_conn(|c| {
                Ok(dsl::assets
                    .select(dsl::distribution_seed)
                    .first::<Option<String>>(c)?)
            })
            .unwrap()
            .unwrap()
    }

    fn seed_of(store: &crate::store::Store) -> Result<String, StoreError> {
        let all = store.with_conn(crate::store::assets::all)?;
        Ok(all[0]
            .distribution_seed
            .as_ref()
            .unwrap()
            .expose()
            .to_string())
    }

    /// Issue 14, item 9: a database dump alone must not reveal a distribution seed.
    #[test]
    fn distribution_seeds_are_encrypted_at_rest() {
        use crate::model::Asset;
        use crate::settings::Secret;
        use crate::store::{assets, Store};
        for db in crate::testing::TestDatabase::all() {
            let mut asset = Asset::new("SRT", crate::stellar::KeyPair::random().public_key());
            asset.distribution_seed = Some(Secret::new(SEED.to_string()));
            db.store.with_conn(|c| assets::upsert(c, &asset)).unwrap();
            let stored = raw(&db.store);
            assert!(
                stored.starts_with(SEALED_V1) && !stored.contains(SEED),
                "{stored}"
            );
            assert_eq!(seed_of(&db.store).unwrap(), SEED, "read back with the key");

            let other = Store::connect(&db.url, 1).unwrap();
            let err = seed_of(&other.clone().with_seed_key(Some(SeedKey::random())));
            assert!(err.unwrap_err().to_string().contains("SEED_ENCRYPTION_KEY"));
            let err = seed_of(&other).unwrap_err().to_string();
            assert!(err.contains("SEED_ENCRYPTION_KEY is not set"), "{err}");
            let refused = other.with_conn(|c| assets::upsert(c, &asset)).unwrap_err();
            assert!(refused.to_string().contains("SEED_ENCRYPTION_KEY"));

            // A row written in plain text by an older version: read, then sealed in place.
            db.store
                .with_conn(|c| {
                    use crate::store::schema::assets::dsl;
                    use diesel::prelude::*;
                    diesel::update(dsl::assets)
                        .set(dsl::distribution_seed.eq(Some(SEED)))
                        .execute(c)?;
                    Ok(())
                })
                .unwrap();
            assert_eq!(seed_of(&db.store).unwrap(), SEED);
            assert_eq!(db.store.seal_plain_seeds().unwrap(), 1);
            assert!(raw(&db.store).starts_with(SEALED_V1));
            assert_eq!(seed_of(&db.store).unwrap(), SEED);
            assert_eq!(db.store.seal_plain_seeds().unwrap(), 0);
        }
    }
}
