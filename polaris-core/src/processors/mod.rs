//! The background processes that move money.
//!
//! Each process is a `run_once` over the database, safe to run in any number of copies at
//! once: every transaction is claimed with a lease before work starts, every status change
//! is a conditional write (see [`crate::state`]), and a lease left by a killed worker
//! expires so another worker resumes the transaction.
//!
//! Deposits are paid crash-safely: the signed envelope and its hash are stored (status
//! `pending_stellar`, stage `submitting`) before the envelope is submitted. Whoever resumes
//! looks the hash up on Horizon first, and resubmits the same envelope; a new payment is
//! only built once the stored one is proven dead (its sequence number consumed by another
//! transaction, or its time bounds passed), so a deposit is never paid twice.
//!
//! [`callbacks`] sends the wallets' notifications from the callback outbox, in order per
//! transaction, retrying those not accepted.
//!
//! [`runner`] lists the processes and runs them: once, in a loop, or all together.

pub mod callbacks;
pub mod channels;
pub mod delivery;
pub mod deposits;
pub mod expiry;
mod external;
mod payment;
mod payouts;
mod reach;
pub mod runner;
pub mod withdrawals;

use std::time::Duration;

/// One worker: its id (recorded as lease owner) and how long its leases last.
#[derive(Debug, Clone)]
pub struct Worker {
    /// A unique id, e.g. `host-1234-ab12`.
    pub id: String,
    /// How long a claimed transaction stays reserved for this worker.
    pub lease: Duration,
    /// How many transactions are read per batch.
    pub batch: i64,
}

impl Worker {
    /// A worker with a fresh id, 60 s leases and batches of 100.
    pub fn new() -> Self {
        let host = std::env::var("HOSTNAME").unwrap_or_else(|_| "worker".into());
        Self {
            id: format!(
                "{host}-{}-{:08x}",
                std::process::id(),
                rand::random::<u32>()
            ),
            lease: Duration::from_secs(60),
            batch: 100,
        }
    }
}

impl Default for Worker {
    fn default() -> Self {
        Self::new()
    }
}

/// What went wrong in a process run; the run goes on with the next transaction.
#[derive(Debug, thiserror::Error)]
pub enum ProcessError {
    /// The database failed.
    #[error(transparent)]
    Store(#[from] crate::store::StoreError),
    /// The anchor's integration failed; shown with its whole source chain.
    #[error("{}", .0.chain())]
    Integration(#[from] crate::integrations::IntegrationError),
    /// The process cannot run (e.g. no rails integration registered).
    #[error("{0}")]
    Config(String),
}

/// Runs `step` now and then every `interval`, until `shutdown` turns true. A step in
/// progress is always finished: shutdown is only looked at between steps.
pub async fn run_loop<F, Fut>(
    interval: Duration,
    mut shutdown: tokio::sync::watch::Receiver<bool>,
    mut step: F,
) where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    loop {
        if *shutdown.borrow() {
            return;
        }
        step().await;
        tokio::select! {
            _ = tokio::time::sleep(interval) => {}
            changed = shutdown.changed() => {
                if changed.is_err() || *shutdown.borrow() {
                    return;
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::Arc;

    #[tokio::test]
    async fn the_loop_runs_until_shutdown_and_finishes_its_step() {
        let (tx, rx) = tokio::sync::watch::channel(false);
        let runs = Arc::new(AtomicUsize::new(0));
        let counted = runs.clone();
        let handle = tokio::spawn(run_loop(Duration::from_millis(5), rx, move || {
            let counted = counted.clone();
            async move {
                tokio::time::sleep(Duration::from_millis(20)).await;
                counted.fetch_add(1, Ordering::SeqCst);
            }
        }));
        tokio::time::sleep(Duration::from_millis(70)).await;
        tx.send(true).unwrap();
        handle.await.unwrap();
        let n = runs.load(Ordering::SeqCst);
        assert!(n >= 1, "ran {n} times");
        tokio::time::sleep(Duration::from_millis(50)).await;
        assert_eq!(
            runs.load(Ordering::SeqCst),
            n,
            "nothing runs after shutdown"
        );
    }
}
