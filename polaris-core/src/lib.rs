#![forbid(unsafe_code)]
//! Polaris core: everything a Stellar anchor server needs that is not tied to a web framework.
//!
//! Models, the store, the transaction state machine, the integration traits an anchor
//! implements, the logic of every SEP, SEP-10 and JWTs, the Stellar layer and the
//! background processors. The `polaris-actix` crate mounts all of it on an actix-web app.

pub mod auth;
pub mod backoffice;
pub mod context;
pub mod custody;
pub mod error;
pub mod forms;
pub mod health;
pub mod integrations;
pub mod metrics;
pub mod model;
pub mod net;
pub mod operations;
pub mod params;
pub mod processors;
pub mod ratelimit;
pub mod redact;
pub mod secret;
pub mod sep1;
pub mod sep10;
pub mod sep12;
pub mod sep24;
pub mod sep38;
pub mod sep6;
pub mod sep9;
pub mod settings;
pub mod state;
pub mod stellar;
pub mod store;
#[cfg(any(test, feature = "test-support"))]
pub mod testing;
pub mod transfer;
pub mod ui;

pub use context::Context;
pub use error::ApiError;
pub use settings::{Settings, SettingsError};
pub use store::{Store, StoreError};
