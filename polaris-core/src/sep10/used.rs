//! Remembering which challenges were already exchanged for a token.

use std::collections::HashMap;
use std::sync::Mutex;

use async_trait::async_trait;

/// Where the hashes of used challenges are kept until the challenges expire.
///
/// The production implementation is the database store, so that several server
/// instances sharing one database refuse a replay made on any of them.
#[async_trait]
pub trait UsedChallenges: Send + Sync {
    /// Records `hash` as used until `expires_at` (seconds since the epoch).
    /// Returns `Ok(true)` on first use and `Ok(false)` if it was already used.
    async fn mark_used(&self, hash: &str, expires_at: u64) -> Result<bool, String>;
}

/// An in-process [`UsedChallenges`] for tests and single-instance development servers.
#[derive(Debug, Default)]
pub struct MemoryUsedChallenges {
    seen: Mutex<HashMap<String, u64>>,
}

impl MemoryUsedChallenges {
    /// An empty set.
    pub fn new() -> Self {
        Self::default()
    }
}

#[async_trait]
impl UsedChallenges for MemoryUsedChallenges {
    async fn mark_used(&self, hash: &str, expires_at: u64) -> Result<bool, String> {
        let now = chrono::Utc::now().timestamp().max(0) as u64;
        let mut seen = self
            .seen
            .lock()
            .map_err(|_| "used-challenge set poisoned".to_string())?;
        seen.retain(|_, exp| *exp >= now);
        Ok(seen.insert(hash.to_string(), expires_at).is_none())
    }
}

#[async_trait]
impl UsedChallenges for crate::store::Store {
    async fn mark_used(&self, hash: &str, expires_at: u64) -> Result<bool, String> {
        let hash = hash.to_string();
        let expires_at = i64::try_from(expires_at)
            .ok()
            .and_then(|t| chrono::DateTime::from_timestamp(t, 0))
            .ok_or_else(|| format!("time bound {expires_at} out of range"))?;
        self.run(move |conn| {
            let first = crate::store::challenges::mark_used(conn, &hash, expires_at)?;
            // Forget expired challenges now and then, so the table stays small
            // without a separate job.
            if rand::random::<u8>() == 0 {
                crate::store::challenges::purge_expired(conn, chrono::Utc::now())?;
            }
            Ok(first)
        })
        .await
        .map_err(|e| e.to_string())
    }
}
