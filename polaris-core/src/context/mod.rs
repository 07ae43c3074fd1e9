//! The shared state every SEP handler and processor works with.

use std::sync::Arc;

use async_trait::async_trait;

use crate::integrations::Integrations;
use crate::metrics::Metrics;
use crate::settings::Settings;
use crate::stellar::horizon::{AccountInfo, Horizon, HorizonError};
use crate::store::Store;

mod builder;

pub use builder::{BuildError, ContextBuilder};

/// Settings, store, Horizon and integrations, shared by reference across requests.
#[derive(Clone)]
pub struct Context {
    /// The validated settings.
    pub settings: Arc<Settings>,
    /// The database.
    pub store: Store,
    /// Horizon (or the sandbox ledger).
    pub horizon: Arc<dyn Horizon>,
    /// The anchor's integrations.
    pub integrations: Integrations,
    /// The Prometheus metrics of this context (see [`crate::metrics`]).
    pub metrics: Arc<Metrics>,
}

impl std::fmt::Debug for Context {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Context")
            .field("settings", &self.settings)
            .field("store", &self.store)
            .field("integrations", &self.integrations)
            .finish()
    }
}

/// A Horizon stand-in for deployments that have not configured one: every call fails
/// with a message telling the operator to set `HORIZON_URL`.
#[derive(Debug, Clone, Copy, Default)]
pub struct NoHorizon;

#[async_trait]
impl Horizon for NoHorizon {
    async fn load_account(&self, _account_id: &str) -> Result<Option<AccountInfo>, HorizonError> {
        Err(HorizonError::Other("HORIZON_URL is not set".into()))
    }
}
