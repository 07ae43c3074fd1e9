//! Remembering which challenges were already exchanged for a token.
//!
//! A used challenge is forgotten only [`PURGE_GRACE_SECONDS`] after it expired, and a
//! `POST /auth` whose checks took longer than [`MAX_VALIDATION_SECONDS`] is refused. So a
//! replay validated on another instance (with its clock behind, or a slow Horizon call)
//! still finds the first use recorded when it marks the challenge used.

use std::collections::HashMap;
use std::sync::Mutex;

use async_trait::async_trait;

/// How long after its expiry a used challenge is still remembered, in seconds: the longest
/// validation ([`MAX_VALIDATION_SECONDS`]) plus the clock skew tolerated between instances.
pub const PURGE_GRACE_SECONDS: u64 = 300;

/// The longest a `POST /auth` may take between reading the challenge and recording it used.
pub const MAX_VALIDATION_SECONDS: u64 = 60;

/// The expiry before which used challenges may be forgotten at `now` (seconds).
pub fn purge_before(now: u64) -> u64 {
    now.saturating_sub(PURGE_GRACE_SECONDS)
}

/// Forgets used challenges (and interactive tokens) that expired before
/// [`purge_before`]`(now)`; returns how many.
pub fn purge(
    conn: &mut crate::store::DbConnection,
    now: u64,
) -> Result<usize, crate::store::StoreError> {
    let cutoff = i64::try_from(purge_before(now))
        .ok()
        .and_then(|t| chrono::DateTime::from_timestamp(t, 0))
        .unwrap_or_default();
    crate::store::challenges::purge_expired(conn, cutoff)
}

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

fn now_secs() -> u64 {
    u64::try_from(chrono::Utc::now().timestamp()).unwrap_or_default()
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
        let now = now_secs();
        let mut seen = self
            .seen
            .lock()
            .map_err(|_| "used-challenge set poisoned".to_string())?;
        seen.retain(|_, exp| *exp >= purge_before(now));
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
                purge(conn, now_secs())?;
            }
            Ok(first)
        })
        .await
        .map_err(|e| e.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::TestDatabase;

    /// Security finding 12: a challenge that just expired is still remembered, so a slow
    /// replay validated on another instance is refused.
    #[tokio::test]
    async fn a_just_expired_challenge_is_still_refused_after_a_purge() {
        let memory = MemoryUsedChallenges::new();
        let expired = now_secs() - 10;
        assert!(memory.mark_used("h1", expired).await.unwrap());
        assert!(memory.mark_used("h2", now_secs() + 60).await.unwrap());
        assert!(!memory.mark_used("h1", expired).await.unwrap());
        for db in TestDatabase::all() {
            let at = chrono::DateTime::from_timestamp(expired as i64, 0).unwrap();
            let store = &db.store;
            assert!(store
                .with_conn(|c| crate::store::challenges::mark_used(c, "h1", at))
                .unwrap());
            assert_eq!(store.with_conn(|c| purge(c, now_secs())).unwrap(), 0);
            assert!(!store.mark_used("h1", expired).await.unwrap());
            let later = expired + PURGE_GRACE_SECONDS + 1;
            assert_eq!(store.with_conn(|c| purge(c, later)).unwrap(), 1);
        }
    }
}
