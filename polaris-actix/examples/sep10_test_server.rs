//! A SEP-10-only server for the Python wallet tests (`tests/python/test_sep10.py`).
//!
//! Settings come from the environment as usual (`SIGNING_SEED`, `SERVER_JWT_KEY`,
//! `HOST_URL`, `LOCAL_MODE`, ...); the port from `POLARIS_SEP10_PORT` (default 8000).
//! The store is a fresh SQLite file in the temporary directory. Horizon knows no account
//! (every client account is new) until the sandbox ledger is wired in.
//! Prints `listening on <port>` once ready.

use std::sync::Arc;

use actix_web::{web, App, HttpServer};
use async_trait::async_trait;
use polaris_core::integrations::Integrations;
use polaris_core::stellar::horizon::{AccountInfo, Horizon, HorizonError};
use polaris_core::{Context, Settings, Store};

/// A ledger without accounts.
struct EmptyLedger;

#[async_trait]
impl Horizon for EmptyLedger {
    async fn load_account(&self, _: &str) -> Result<Option<AccountInfo>, HorizonError> {
        Ok(None)
    }
}

fn context() -> Result<Context, Box<dyn std::error::Error>> {
    let settings = Settings::from_env()?;
    let path = std::env::temp_dir().join(format!("polaris-sep10-{}.sqlite3", std::process::id()));
    let store = Store::connect(&format!("sqlite://{}", path.display()), 4)?;
    store.migrate()?;
    Ok(Context {
        settings: Arc::new(settings),
        store,
        horizon: Arc::new(EmptyLedger),
        integrations: Integrations::default(),
        metrics: Default::default(),
    })
}

#[actix_web::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let ctx = web::Data::new(context()?);
    let port: u16 = std::env::var("POLARIS_SEP10_PORT")
        .ok()
        .and_then(|p| p.parse().ok())
        .unwrap_or(8000);
    let server = HttpServer::new(move || {
        App::new()
            .app_data(ctx.clone())
            .configure(polaris_actix::sep10::configure)
    })
    .workers(1)
    .bind(("127.0.0.1", port))?;
    println!("listening on {port}");
    server.run().await?;
    Ok(())
}
