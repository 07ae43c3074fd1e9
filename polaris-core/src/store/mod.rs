//! The store: diesel over SQLite or PostgreSQL, pooled, with embedded migrations.
//!
//! Every query is a named function in [`assets`], [`transactions`], [`quotes`], [`challenges`]
//! or [`callbacks`]
//! taking a `&mut DbConnection`. Async code reaches them through [`Store::run`],
//! which runs the closure on tokio's blocking pool so the runtime never blocks.

pub mod assets;
pub mod backoffice;
pub(crate) mod cache;
pub mod callbacks;
pub mod challenges;
pub mod channels;
mod connection;
pub(crate) mod customers;
pub mod events;
pub(crate) mod migrate;
pub mod quotes;
pub(crate) mod rows;
pub(crate) mod schema;
pub mod seeds;
pub mod stats;
pub mod transactions;
pub mod watcher;

use std::sync::Arc;
use std::time::Duration;

use crate::model::Asset;

pub use connection::{Backend, DbConnection, ManagerError};
use connection::{Manager, Pool, Target};

/// A store failure.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// Cannot connect, or the URL is not usable.
    #[error("database connection: {0}")]
    Connection(String),
    /// A query failed.
    #[error("database query: {0}")]
    Query(#[from] diesel::result::Error),
    /// A stored value cannot be read back (edited by hand, or a bug).
    #[error("corrupt row: {0}")]
    Corrupt(String),
    /// Migrations are pending, or the schema is newer than this build.
    #[error("database schema: {0}")]
    Migration(String),
    /// A value breaks a rule of the data it describes (e.g. an asset's SEP-1 limits).
    #[error("invalid value: {0}")]
    Invalid(String),
    /// The blocking task died.
    #[error("database task: {0}")]
    Task(String),
}

/// A pool of database connections on one backend.
#[derive(Clone)]
pub struct Store {
    pool: Pool,
    backend: Backend,
    caches: Arc<cache::Caches>,
    seed_key: Option<seeds::SeedKey>,
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store")
            .field("backend", &self.backend)
            .finish()
    }
}

impl Store {
    /// Opens a pool on `database_url` (`sqlite://PATH` or `postgres://...`).
    ///
    /// The first connection is made here, so a wrong URL or password fails now with
    /// the backend's own message.
    pub fn connect(database_url: &str, pool_size: u32) -> Result<Self, StoreError> {
        let target = Target::parse(database_url)?;
        target.connect()?;
        let backend = target.backend();
        let pool = Pool::builder()
            .max_size(pool_size.max(1))
            .connection_timeout(Duration::from_secs(30))
            .build(Manager(target))
            .map_err(|e| StoreError::Connection(e.to_string()))?;
        Ok(Self {
            pool,
            backend,
            caches: Arc::default(),
            seed_key: None,
        })
    }

    /// This store, encrypting distribution seeds with `key` (see [`seeds`]). Without a key,
    /// storing an asset with a seed is refused and encrypted seeds cannot be read.
    pub fn with_seed_key(mut self, key: Option<seeds::SeedKey>) -> Self {
        self.seed_key = key;
        self
    }

    /// Rewrites every distribution seed still stored in plain text (by an older version)
    /// encrypted with this store's key; returns how many were rewritten (none without a key).
    pub fn seal_plain_seeds(&self) -> Result<usize, StoreError> {
        if self.seed_key.is_none() {
            return Ok(0);
        }
        self.with_conn(assets::seal_plain_seeds)
    }

    /// The backend this store runs on.
    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// Applies pending migrations; returns the versions applied.
    pub fn migrate(&self) -> Result<Vec<String>, StoreError> {
        self.with_conn(migrate::run)
    }

    /// Fails when migrations are pending or the database was migrated by a newer build.
    pub fn check_schema(&self) -> Result<(), StoreError> {
        self.with_conn(migrate::check)
    }

    /// Runs `f` with a pooled connection on the current thread (blocking).
    pub fn with_conn<T>(
        &self,
        f: impl FnOnce(&mut DbConnection) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        let mut conn = self
            .pool
            .get()
            .map_err(|e| StoreError::Connection(e.to_string()))?;
        seeds::with_key(self.seed_key.as_ref(), || f(&mut conn))
    }

    /// Like [`Store::run`], but waits at most `timeout` for a connection of the pool (instead
    /// of the pool's 30 seconds): for probes, which must not pile up while the database is
    /// down.
    pub async fn run_within<T, F>(&self, timeout: Duration, f: F) -> Result<T, StoreError>
    where
        T: Send + 'static,
        F: FnOnce(&mut DbConnection) -> Result<T, StoreError> + Send + 'static,
    {
        let store = self.clone();
        tokio::task::spawn_blocking(move || {
            let mut conn = store
                .pool
                .get_timeout(timeout)
                .map_err(|e| StoreError::Connection(e.to_string()))?;
            seeds::with_key(store.seed_key.as_ref(), || f(&mut conn))
        })
        .await
        .map_err(|e| StoreError::Task(e.to_string()))?
    }

    /// Every asset, from the cache when fresh.
    pub async fn assets(&self) -> Result<Arc<Vec<Asset>>, StoreError> {
        if let Some(all) = self.caches.assets.get() {
            return Ok(all);
        }
        let generation = cache::generation();
        let all = Arc::new(self.run(assets::all).await?);
        self.caches.assets.put(generation, all.clone());
        Ok(all)
    }

    /// The caches of this store, for answers derived from the assets.
    pub fn caches(&self) -> &cache::Caches {
        &self.caches
    }

    /// Runs `f` with a pooled connection on tokio's blocking pool.
    pub async fn run<T, F>(&self, f: F) -> Result<T, StoreError>
    where
        T: Send + 'static,
        F: FnOnce(&mut DbConnection) -> Result<T, StoreError> + Send + 'static,
    {
        let store = self.clone();
        tokio::task::spawn_blocking(move || store.with_conn(f))
            .await
            .map_err(|e| StoreError::Task(e.to_string()))?
    }
}
