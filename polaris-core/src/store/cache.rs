//! A short-lived cache of the assets table, and of answers derived from it.
//!
//! Assets change rarely and are read by nearly every request (stellar.toml, `/info`, every
//! transfer). The list is kept for [`ASSET_CACHE_SECONDS`]; a write through
//! [`super::assets`] in this process drops it at once, and other processes (other server
//! instances) see a change within that time.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::model::Asset;

/// How long the cached asset list is trusted, in seconds.
pub const ASSET_CACHE_SECONDS: u64 = 5;

/// Bumped by every asset write of this process.
static GENERATION: AtomicU64 = AtomicU64::new(0);

/// Marks every cached asset list of this process as stale.
pub(crate) fn assets_changed() {
    GENERATION.fetch_add(1, Ordering::SeqCst);
}

struct Entry<T> {
    at: Instant,
    generation: u64,
    value: T,
}

/// One cached value, valid for [`ASSET_CACHE_SECONDS`] and until assets change.
pub struct Slot<T> {
    entry: Mutex<Option<Entry<T>>>,
}

impl<T> std::fmt::Debug for Slot<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Slot")
    }
}

impl<T: Clone> Default for Slot<T> {
    fn default() -> Self {
        Self {
            entry: Mutex::new(None),
        }
    }
}

impl<T: Clone> Slot<T> {
    /// The cached value, if still fresh.
    pub fn get(&self) -> Option<T> {
        let entry = self.entry.lock().unwrap_or_else(|p| p.into_inner());
        entry.as_ref().filter(|e| fresh(e)).map(|e| e.value.clone())
    }

    /// Keeps `value`, computed from assets read at generation `generation`.
    pub fn put(&self, generation: u64, value: T) {
        let mut entry = self.entry.lock().unwrap_or_else(|p| p.into_inner());
        *entry = Some(Entry {
            at: Instant::now(),
            generation,
            value,
        });
    }
}

/// Cached values by key (a language, say), each like a [`Slot`].
pub struct Keyed<T> {
    entries: Mutex<std::collections::HashMap<String, Entry<T>>>,
}

impl<T> std::fmt::Debug for Keyed<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Keyed")
    }
}

impl<T: Clone> Default for Keyed<T> {
    fn default() -> Self {
        Self {
            entries: Mutex::new(std::collections::HashMap::new()),
        }
    }
}

impl<T: Clone> Keyed<T> {
    /// The value cached for `key`, if still fresh.
    pub fn get(&self, key: &str) -> Option<T> {
        let entries = self.entries.lock().unwrap_or_else(|p| p.into_inner());
        entries
            .get(key)
            .filter(|e| fresh(e))
            .map(|e| e.value.clone())
    }

    /// Keeps `value` for `key`, computed from assets read at generation `generation`.
    pub fn put(&self, key: &str, generation: u64, value: T) {
        let mut entries = self.entries.lock().unwrap_or_else(|p| p.into_inner());
        entries.retain(|_, e| fresh(e));
        let entry = Entry {
            at: Instant::now(),
            generation,
            value,
        };
        entries.insert(key.to_string(), entry);
    }
}

fn fresh<T>(e: &Entry<T>) -> bool {
    e.generation == GENERATION.load(Ordering::SeqCst)
        && e.at.elapsed() < Duration::from_secs(ASSET_CACHE_SECONDS)
}

/// The current generation, to read before loading what will be cached.
pub fn generation() -> u64 {
    GENERATION.load(Ordering::SeqCst)
}

/// The caches a [`super::Store`] carries.
#[derive(Debug, Default)]
pub struct Caches {
    /// Every asset.
    pub assets: Slot<Arc<Vec<Asset>>>,
    /// The rendered stellar.toml.
    pub stellar_toml: Slot<Arc<str>>,
    /// The rendered `/sep24/info` document.
    pub sep24_info: Slot<Arc<str>>,
    /// The rendered `/sep6/info` documents, by language.
    pub sep6_info: Keyed<Arc<str>>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_write_drops_the_cached_value() {
        let slot: Slot<u32> = Slot::default();
        assert_eq!(slot.get(), None);
        slot.put(generation(), 7);
        assert_eq!(slot.get(), Some(7));
        assets_changed();
        assert_eq!(slot.get(), None);
    }
}
