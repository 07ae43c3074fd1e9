//! A context and assets for tests.

use std::sync::Arc;

use crate::context::NoHorizon;
use crate::integrations::Integrations;
use crate::model::Asset;
use crate::store::{assets, Store};
use crate::Context;

/// A context on `store` with test [`settings`](super::settings), no Horizon, and
/// `integrations`.
pub fn context(store: &Store, integrations: Integrations) -> Context {
    Context {
        settings: Arc::new(super::settings(&[])),
        store: store.clone(),
        horizon: Arc::new(NoHorizon),
        integrations,
        metrics: Default::default(),
    }
}

/// Stores `asset` and returns it as stored (with its id).
pub fn store_asset(store: &Store, asset: &Asset) -> Asset {
    store
        .with_conn(|c| assets::upsert(c, asset))
        .expect("store a test asset")
}
