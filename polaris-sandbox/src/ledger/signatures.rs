//! Signature and threshold checks, as stellar-core does them.

use stellar_base::xdr;
use stellar_strkey::ed25519;

use super::state::AccountEntry;
use polaris_core::stellar::keys::verify;

/// Which threshold an operation needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    /// Low threshold.
    Low,
    /// Medium threshold.
    Medium,
    /// High threshold.
    High,
}

/// The threshold level an operation needs.
pub fn level_of(body: &xdr::OperationBody) -> Level {
    use xdr::OperationBody as B;
    match body {
        B::AllowTrust(_)
        | B::BumpSequence(_)
        | B::ClaimClaimableBalance(_)
        | B::SetTrustLineFlags(_) => Level::Low,
        B::AccountMerge(_) => Level::High,
        B::SetOptions(o) => {
            let high = o.master_weight.is_some()
                || o.low_threshold.is_some()
                || o.med_threshold.is_some()
                || o.high_threshold.is_some()
                || o.signer.is_some();
            if high {
                Level::High
            } else {
                Level::Medium
            }
        }
        _ => Level::Medium,
    }
}

/// Checks the signatures of one envelope (or of one half of a fee bump).
pub struct SignatureChecker<'a> {
    hash: [u8; 32],
    signatures: &'a [xdr::DecoratedSignature],
    used: Vec<bool>,
}

impl<'a> SignatureChecker<'a> {
    /// A checker for `signatures` over the transaction `hash`.
    pub fn new(hash: [u8; 32], signatures: &'a [xdr::DecoratedSignature]) -> Self {
        Self {
            hash,
            signatures,
            used: vec![false; signatures.len()],
        }
    }

    /// Whether valid signatures of `account`'s signers weigh at least its threshold for `level`
    /// (and at least 1).
    pub fn check(&mut self, account: &AccountEntry, level: Level) -> bool {
        let needed = match level {
            Level::Low => account.thresholds[0],
            Level::Medium => account.thresholds[1],
            Level::High => account.thresholds[2],
        };
        let needed = u32::from(needed.max(1));
        let mut total = 0u32;
        for (key, weight) in signers(account) {
            if weight > 0 && self.signed_by(&key) {
                total += u32::from(weight);
            }
        }
        total >= needed
    }

    fn signed_by(&mut self, key: &[u8; 32]) -> bool {
        let mut found = false;
        for (i, sig) in self.signatures.iter().enumerate() {
            if sig.hint.0 == key[28..32] && verify(key, &self.hash, sig.signature.as_slice()) {
                self.used[i] = true;
                found = true;
            }
        }
        found
    }

    /// Whether every signature was used by some check (else `tx_bad_auth_extra`).
    pub fn all_used(&self) -> bool {
        self.used.iter().all(|u| *u)
    }
}

fn signers(account: &AccountEntry) -> Vec<([u8; 32], u8)> {
    let mut out = Vec::new();
    if let Ok(k) = ed25519::PublicKey::from_string(&account.id) {
        out.push((k.0, account.master_weight));
    }
    for (id, weight) in &account.signers {
        if let Ok(k) = ed25519::PublicKey::from_string(id) {
            out.push((k.0, *weight));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use polaris_core::stellar::KeyPair;

    fn signed(key: &KeyPair, hash: &[u8; 32]) -> xdr::DecoratedSignature {
        xdr::DecoratedSignature {
            hint: xdr::SignatureHint(key.hint()),
            signature: xdr::Signature(key.sign(hash).to_vec().try_into().unwrap()),
        }
    }

    #[test]
    fn weights_add_up_to_thresholds() {
        let master = KeyPair::random();
        let cosigner = KeyPair::random();
        let mut acc = AccountEntry::new(master.public_key(), 0, 1, 0);
        acc.thresholds = [1, 2, 3];
        acc.signers.insert(cosigner.public_key().to_string(), 1);
        let hash = [7u8; 32];
        let one = [signed(&master, &hash)];
        let mut c = SignatureChecker::new(hash, &one);
        assert!(c.check(&acc, Level::Low));
        assert!(!c.check(&acc, Level::Medium));
        let two = [signed(&master, &hash), signed(&cosigner, &hash)];
        let mut c = SignatureChecker::new(hash, &two);
        assert!(c.check(&acc, Level::Medium));
        assert!(!c.check(&acc, Level::High));
        assert!(c.all_used());
        let wrong = [signed(&master, &[8u8; 32])];
        let mut c = SignatureChecker::new(hash, &wrong);
        assert!(!c.check(&acc, Level::Low));
        assert!(!c.all_used());
    }
}
