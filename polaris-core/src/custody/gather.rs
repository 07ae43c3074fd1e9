//! Collecting signatures until an account's threshold is met.

use std::sync::Arc;

use stellar_base::xdr::DecoratedSignature;

use super::{SignRequest, Signer, SignerError};
use crate::stellar::horizon::{AccountInfo, Horizon};
use crate::stellar::keys::{verify, Address};

/// Which of an account's thresholds an envelope needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    /// The low threshold: the source of a transaction whose operations have other sources.
    Low,
    /// The medium threshold: payments, created accounts, claimable balances.
    Medium,
    /// The largest of the low and medium thresholds: an account that is both the
    /// transaction's source and its operations' source.
    LowAndMedium,
}

impl Level {
    fn needed(self, info: &AccountInfo) -> u32 {
        let t = info.thresholds;
        let needed = match self {
            Level::Low => t.low,
            Level::Medium => t.med,
            Level::LowAndMedium => t.low.max(t.med),
        };
        u32::from(needed.max(1))
    }
}

/// Asks `signers` in turn for signatures of `hash` on behalf of `account`, until the weights
/// of the valid ones (read from the account's signers on Horizon) reach the threshold of
/// `level`. A signature that is invalid, or made by a key that is not a signer of the
/// account (or whose key already signed), is left out, so the envelope carries no extra
/// signature. Fails, without a partial answer, when the threshold cannot be reached.
pub async fn gather(
    horizon: &dyn Horizon,
    signers: &[Arc<dyn Signer>],
    hash: [u8; 32],
    account: &str,
    level: Level,
) -> Result<Vec<DecoratedSignature>, SignerError> {
    let info = horizon
        .load_account(account)
        .await
        .map_err(|e| SignerError::Unavailable(format!("reading the signers of {account}: {e}")))?
        .ok_or_else(|| SignerError::Unavailable(format!("the account {account} does not exist")))?;
    let needed = level.needed(&info);
    let request = SignRequest::new(hash, account);
    let (mut weight, mut out, mut used, mut errors) = (0u32, Vec::new(), Vec::new(), Vec::new());
    for signer in signers {
        let sig = match signer.sign(&request).await {
            Ok(sig) => sig,
            Err(SignerError::NotHeld(_)) => continue,
            Err(e) => {
                errors.push(e);
                continue;
            }
        };
        let Some((key, w)) = signer_of(&info, &sig, &hash) else {
            tracing::warn!(%account, "a signer returned a signature of a key that is not a signer of the account; left out");
            continue;
        };
        if used.contains(&key) {
            continue;
        }
        used.push(key);
        weight += u32::from(w);
        out.push(sig);
        if weight >= needed {
            return Ok(out);
        }
    }
    let why = format!("signatures on {account} weigh {weight} of the {needed} needed");
    match errors.into_iter().next() {
        Some(SignerError::Unavailable(e)) => Err(SignerError::Unavailable(format!("{why}: {e}"))),
        Some(e) => Err(SignerError::Refused(format!("{why}: {e}"))),
        None => Err(SignerError::Refused(why)),
    }
}

/// The key and weight of the account signer that made `sig`, if any (weight above 0).
fn signer_of(
    info: &AccountInfo,
    sig: &DecoratedSignature,
    hash: &[u8; 32],
) -> Option<(String, u8)> {
    info.signers.iter().find_map(|s| {
        let key = Address::parse(&s.key).ok()?;
        let key = key.key();
        let ok = s.weight > 0
            && sig.hint.0 == key[28..32]
            && verify(key, hash, sig.signature.as_slice());
        ok.then(|| (s.key.clone(), s.weight))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::custody::KeyPairSigner;
    use crate::stellar::horizon::{AccountSigner, HorizonError, Thresholds};
    use crate::stellar::KeyPair;
    use async_trait::async_trait;

    struct OneAccount(AccountInfo);

    #[async_trait]
    impl Horizon for OneAccount {
        async fn load_account(&self, id: &str) -> Result<Option<AccountInfo>, HorizonError> {
            Ok((id == self.0.account_id).then(|| self.0.clone()))
        }
    }

    fn account(keys: &[&KeyPair], med: u8) -> OneAccount {
        OneAccount(AccountInfo {
            account_id: keys[0].public_key().to_string(),
            sequence: 1,
            signers: keys
                .iter()
                .map(|k| AccountSigner {
                    key: k.public_key().to_string(),
                    weight: 1,
                })
                .collect(),
            thresholds: Thresholds {
                low: 1,
                med,
                high: med,
            },
        })
    }

    fn signer(k: &KeyPair) -> Arc<dyn Signer> {
        Arc::new(KeyPairSigner::new(k.clone()))
    }

    #[tokio::test]
    async fn signatures_are_gathered_until_the_threshold_and_no_further() {
        let (a, b, stranger) = (KeyPair::random(), KeyPair::random(), KeyPair::random());
        let h = account(&[&a, &b], 2);
        let id = a.public_key();
        let all = [
            signer(&stranger),
            signer(&a),
            signer(&a),
            signer(&b),
            signer(&b),
        ];
        let sigs = gather(&h, &all, [1; 32], id, Level::Medium).await.unwrap();
        assert_eq!(sigs.len(), 2, "the stranger and the repeats are left out");
        let one = gather(&h, &all[..3], [1; 32], id, Level::Medium).await;
        assert!(
            matches!(one, Err(SignerError::Refused(ref m)) if m.contains("weigh 1 of the 2")),
            "{one:?}"
        );
        let low = gather(&h, &all[1..2], [1; 32], id, Level::Low)
            .await
            .unwrap();
        assert_eq!(low.len(), 1);
    }
}
