#![forbid(unsafe_code)]
//! Polaris on actix-web: one call mounts every active SEP's routes onto your `App`.
//!
//! ```no_run
//! use actix_web::{App, HttpServer};
//! use polaris_actix::Polaris;
//! use polaris_core::Settings;
//!
//! #[actix_web::main]
//! async fn main() -> Result<(), Box<dyn std::error::Error>> {
//!     let settings = Settings::from_env()?;
//!     let polaris = Polaris::builder(settings).run_migrations(true).build().await?;
//!     HttpServer::new(move || App::new().configure(polaris.configure()))
//!         .bind(("127.0.0.1", 8000))?
//!         .run()
//!         .await?;
//!     Ok(())
//! }
//! ```
//!
//! In an existing app with routes of its own, [`Polaris::scope`] mounts Polaris under the
//! path of `HOST_URL` (see [`PolarisBuilder::base_path`](polaris_core::context::ContextBuilder::base_path)) and [`Polaris::well_known`] serves
//! stellar.toml at the host's root; `docs/embedding.md` explains both.
//! [`cli::serve`] runs the server and the background processes in one call.

pub mod auth;
pub mod backoffice;
pub mod body;
mod builder;
pub mod cli;
pub mod cors;
pub mod error;
pub mod health;
pub mod logging;
pub mod metrics;
pub mod ops;
pub mod processes;
pub mod ratelimit;
pub mod sep1;
pub mod sep10;
pub mod sep12;
pub mod sep24;
pub mod sep24_webapp;
pub mod sep38;
pub mod sep6;
pub mod testnet;

pub use builder::{BuildError, Polaris, PolarisBuilder};
/// The Horizon sandbox (a local Stellar network over Horizon's HTTP API), re-exported from
/// the `polaris-sandbox` crate (feature `sandbox`, on by default).
#[cfg(feature = "sandbox")]
pub use polaris_sandbox as sandbox;
