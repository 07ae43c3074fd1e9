#![forbid(unsafe_code)]
//! A local Stellar network for development and tests: an in-memory ledger served over
//! Horizon's HTTP API.
//!
//! Serves `/`, `/accounts/{id}`, `/accounts/{id}/payments`, `/accounts/{id}/transactions`,
//! `/accounts/{id}/operations`, `/transactions/{hash}`, `/transactions/{hash}/operations`,
//! `/payments`, `/transactions` (GET, and POST with the form field `tx`), `/operations`,
//! `/fee_stats`, `/ledgers`, `/ledgers/{seq}` and `/friendbot?addr=`, with server-sent-event
//! streams on the list endpoints (`Accept: text/event-stream`). Bodies, `_links`, paging and
//! problem documents are shaped like Horizon's, so stellar-horizon, Python `stellar-sdk` and
//! [`polaris_core::stellar::HorizonClient`] read them unchanged.
//!
//! The ledger models accounts, XLM and credit balances, trustlines, sequence numbers, signers
//! and thresholds, the base reserve and fee, payments, create_account, change_trust,
//! manage_data, set_options, set_trust_line_flags, bump_sequence, claimable balances,
//! same-asset path payments and fee bumps, with Horizon's result codes. Its internals are
//! private: talk to it over HTTP, as to any Horizon.
//!
//! Ledgers close at one of two paces ([`SandboxConfig::ledger_close`]): *instant* (the
//! default), where each accepted submission closes a ledger of its own at once, and
//! *realistic*, where ledgers close every few seconds as on the network, submissions wait in
//! a transaction queue with stellar-core's limits (one transaction per source account, a
//! maximum of operations per ledger), and `POST /transactions` answers once the ledger holding
//! the transaction has closed, or 504 after Horizon's submission timeout.
//! `POST /transactions_async` answers at once with core's status, as Horizon does.
//!
//! Faults for tests are armed on the [`SandboxHandle`] or over HTTP at `/_sandbox/faults`.
//!
//! ```no_run
//! # async fn run() -> std::io::Result<()> {
//! use polaris_sandbox::{start, SandboxConfig};
//! let sandbox = start("127.0.0.1:8001".parse().unwrap(), SandboxConfig::default()).await?;
//! println!("Horizon sandbox at {}", sandbox.url());
//! sandbox.stop().await;
//! # Ok(()) }
//! ```

mod closer;
mod faults;
mod ledger;
mod routes;
mod stream;
mod submission;
#[cfg(feature = "test-support")]
pub mod testing;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use crate::ledger::{LedgerConfig, QueueLimits, Sandbox};
use actix_web::{web, App, HttpServer};
use polaris_core::stellar::TESTNET_PASSPHRASE;
use tokio::sync::watch;

pub use faults::{FaultPlan, Faults};

/// How to run the sandbox.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SandboxConfig {
    /// Network passphrase. Default: testnet's (`Test SDF Network ; September 2015`).
    pub passphrase: String,
    /// Where the ledger is saved after every transaction; `None` (default) keeps it in memory.
    pub state_file: Option<PathBuf>,
    /// Base fee per operation, in stroops. Default 100.
    pub base_fee: i64,
    /// Base reserve, in stroops. Default 5,000,000 (0.5 XLM).
    pub base_reserve: i64,
    /// What friendbot gives, in stroops. Default 10,000 XLM.
    pub friendbot_amount: i64,
    /// HTTP worker threads. Default 2.
    pub workers: usize,
    /// How ledgers close. `None` (default, the *instant* pace): every accepted submission
    /// closes a ledger of its own before it is answered. `Some(interval)` (the *realistic*
    /// pace): a ledger closes every `interval` ([`NETWORK_LEDGER_CLOSE`], 5 s, on the
    /// network), holding what the transaction queue offers.
    pub ledger_close: Option<Duration>,
    /// Realistic pace: transactions one source account may have waiting in the queue.
    /// Default 1, as stellar-core enforces today; a second one is answered
    /// `TRY_AGAIN_LATER`.
    pub queue_per_account: usize,
    /// Realistic pace: operations a ledger holds (the ledger header's `max_tx_set_size`).
    /// Default [`PUBLIC_NETWORK_MAX_OPS`] (1,000, the public network's figure; testnet
    /// uses 100). The queue holds twice as many; surplus waits for later ledgers.
    pub max_ops_per_ledger: u32,
    /// Realistic pace: how long `POST /transactions` waits for its transaction to be in a
    /// ledger before answering 504 `transaction_submission_timeout`. Default 30 s, Horizon's.
    pub submission_timeout: Duration,
}

/// The public network's ledger close interval, about 5 seconds.
pub const NETWORK_LEDGER_CLOSE: Duration = Duration::from_secs(5);
/// The public network's limit of classic operations per ledger.
pub const PUBLIC_NETWORK_MAX_OPS: u32 = 1000;
/// Horizon's wait for a synchronous submission to be included.
pub const HORIZON_SUBMISSION_TIMEOUT: Duration = Duration::from_secs(30);

impl Default for SandboxConfig {
    fn default() -> Self {
        let ledger = LedgerConfig::default();
        Self {
            passphrase: TESTNET_PASSPHRASE.to_string(),
            state_file: None,
            base_fee: ledger.base_fee,
            base_reserve: ledger.base_reserve,
            friendbot_amount: ledger.friendbot_amount,
            workers: 2,
            ledger_close: None,
            queue_per_account: ledger.queue.per_account,
            max_ops_per_ledger: ledger.queue.max_ops_per_ledger,
            submission_timeout: HORIZON_SUBMISSION_TIMEOUT,
        }
    }
}

impl SandboxConfig {
    /// The defaults at the network's pace: a ledger every 5 seconds.
    pub fn realistic() -> Self {
        Self {
            ledger_close: Some(NETWORK_LEDGER_CLOSE),
            ..Self::default()
        }
    }

    fn ledger(&self) -> LedgerConfig {
        LedgerConfig {
            passphrase: self.passphrase.clone(),
            base_fee: self.base_fee,
            base_reserve: self.base_reserve,
            friendbot_amount: self.friendbot_amount,
            queue: QueueLimits {
                per_account: self.queue_per_account.max(1),
                max_ops_per_ledger: self.max_ops_per_ledger.max(1),
            },
        }
    }
}

/// State shared by every worker.
pub(crate) struct Shared {
    sandbox: Mutex<Sandbox>,
    ledgers: watch::Sender<u32>,
    pace: watch::Sender<Option<Duration>>,
    pub(crate) submission_timeout: Duration,
    pub(crate) faults: Faults,
}

impl Shared {
    pub(crate) fn sandbox(&self) -> MutexGuard<'_, Sandbox> {
        self.sandbox.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub(crate) fn ledger_closed(&self) {
        let seq = self.sandbox().latest_ledger().seq;
        self.ledgers.send_replace(seq);
    }

    pub(crate) fn subscribe(&self) -> watch::Receiver<u32> {
        self.ledgers.subscribe()
    }

    /// The ledger close interval; `None` at the instant pace.
    pub(crate) fn pace(&self) -> Option<Duration> {
        *self.pace.borrow()
    }
}

/// A running sandbox. Dropping it leaves the server running; call [`SandboxHandle::stop`].
pub struct SandboxHandle {
    addr: SocketAddr,
    url: String,
    server: actix_web::dev::ServerHandle,
    shared: Arc<Shared>,
    closer: tokio::task::JoinHandle<()>,
}

impl SandboxHandle {
    /// The address it listens on (the real port when bound to port 0).
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Its Horizon URL, e.g. `http://127.0.0.1:8001`.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// Its friendbot URL (`{url}/friendbot`).
    pub fn friendbot_url(&self) -> String {
        format!("{}/friendbot", self.url)
    }

    /// The network passphrase.
    pub fn passphrase(&self) -> String {
        self.shared.sandbox().passphrase().to_string()
    }

    /// The fault controls.
    pub fn faults(&self) -> &Faults {
        &self.shared.faults
    }

    /// The sequence number of the last closed ledger.
    pub fn latest_ledger(&self) -> u32 {
        self.shared.sandbox().latest_ledger().seq
    }

    /// The ledger close interval; `None` at the instant pace.
    pub fn ledger_close(&self) -> Option<Duration> {
        self.shared.pace()
    }

    /// Changes the pace while running, e.g. to set accounts up at the instant pace and then
    /// measure at the network's. Going back to instant first closes ledgers until the queue
    /// is empty.
    pub fn set_ledger_close(&self, interval: Option<Duration>) {
        self.shared.pace.send_replace(interval);
    }

    /// Stops the server gracefully, closing open streams.
    pub async fn stop(self) {
        self.closer.abort();
        self.shared.faults.drop_streams();
        self.server.stop(true).await;
    }
}

/// Mounts the sandbox's Horizon routes on an app that has [`web::Data`] of the shared state.
fn configure(cfg: &mut web::ServiceConfig) {
    routes::configure(cfg);
}

/// Starts the sandbox on `bind` (use port 0 for an ephemeral port) in the current tokio
/// runtime and returns once it listens.
pub async fn start(bind: SocketAddr, config: SandboxConfig) -> std::io::Result<SandboxHandle> {
    let sandbox = match &config.state_file {
        Some(file) => Sandbox::open(config.ledger(), file)?,
        None => Sandbox::new(config.ledger()),
    };
    let seq = sandbox.latest_ledger().seq;
    let shared = Arc::new(Shared {
        sandbox: Mutex::new(sandbox),
        ledgers: watch::channel(seq).0,
        pace: watch::channel(config.ledger_close).0,
        submission_timeout: config.submission_timeout,
        faults: Faults::default(),
    });
    let closer = tokio::spawn(closer::run(shared.clone()));
    let data = web::Data::from(shared.clone());
    let server = HttpServer::new(move || App::new().app_data(data.clone()).configure(configure))
        .workers(config.workers.max(1))
        .shutdown_timeout(1)
        .disable_signals()
        .bind(bind)?;
    let addr = server.addrs().first().copied().unwrap_or(bind);
    let server = server.run();
    let handle = server.handle();
    tokio::spawn(server);
    let url = format!("http://{addr}");
    tracing::info!(%url, "Horizon sandbox listening");
    Ok(SandboxHandle {
        addr,
        url,
        server: handle,
        shared,
        closer,
    })
}
