//! The process runner: which processes exist, their default intervals, one round of
//! each, the loop, and all of them at once under one shutdown signal.
//!
//! A command line maps its commands onto [`Process`]; a server that runs the whole
//! anchor in one binary calls [`spawn_all`] and turns the shutdown channel to `true`
//! when it stops.

use std::time::Duration;

use tokio::sync::watch;
use tokio::task::JoinHandle;

use super::{callbacks, deposits, expiry, run_loop, withdrawals, ProcessError, Worker};
use crate::Context;

/// One background process.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Process {
    /// Ask the bank rails which deposits arrived, and pay them on Stellar.
    ProcessPendingDeposits,
    /// Pay deposits that were waiting for the user's trustline.
    CheckTrustlines,
    /// Match payments to the distribution accounts with their withdrawals.
    WatchTransactions,
    /// Pay out withdrawals whose funds arrived, through the bank rails.
    ExecuteOutgoingTransactions,
    /// Complete payouts the bank reports done.
    PollOutgoingTransactions,
    /// Move abandoned transactions (`incomplete`, unpaid `pending_user_transfer_start`) to
    /// `expired`.
    ExpireTransactions,
    /// Send the wallets' callbacks from the outbox, retrying those not accepted.
    DeliverCallbacks,
}

impl Process {
    /// Every process, in the order a transfer goes through them, then expiry and the callbacks.
    pub const ALL: [Process; 7] = [
        Process::ProcessPendingDeposits,
        Process::CheckTrustlines,
        Process::WatchTransactions,
        Process::ExecuteOutgoingTransactions,
        Process::PollOutgoingTransactions,
        Process::ExpireTransactions,
        Process::DeliverCallbacks,
    ];

    /// The command name, e.g. `process-pending-deposits`.
    pub fn name(self) -> &'static str {
        match self {
            Process::ProcessPendingDeposits => "process-pending-deposits",
            Process::CheckTrustlines => "check-trustlines",
            Process::WatchTransactions => "watch-transactions",
            Process::ExecuteOutgoingTransactions => "execute-outgoing-transactions",
            Process::PollOutgoingTransactions => "poll-outgoing-transactions",
            Process::ExpireTransactions => "expire-transactions",
            Process::DeliverCallbacks => "deliver-callbacks",
        }
    }

    /// The time between rounds when none is configured: 5 s for `watch-transactions` and
    /// `deliver-callbacks`, 60 s for `check-trustlines`, `poll-outgoing-transactions` and
    /// `expire-transactions`, 10 s for the others.
    pub fn default_interval(self) -> Duration {
        let seconds = match self {
            Process::WatchTransactions | Process::DeliverCallbacks => 5,
            Process::CheckTrustlines
            | Process::PollOutgoingTransactions
            | Process::ExpireTransactions => 60,
            Process::ProcessPendingDeposits | Process::ExecuteOutgoingTransactions => 10,
        };
        Duration::from_secs(seconds)
    }

    /// `seconds` when given (at least one), else [`Process::default_interval`].
    pub fn interval(self, seconds: Option<u64>) -> Duration {
        seconds.map_or_else(
            || self.default_interval(),
            |s| Duration::from_secs(s.max(1)),
        )
    }

    /// Runs one round and says what it did.
    pub async fn run_once(self, ctx: &Context, worker: &Worker) -> Result<String, ProcessError> {
        match self {
            Process::ProcessPendingDeposits => deposits::run_once(ctx, worker)
                .await
                .map(|s| format!("{s:?}")),
            Process::CheckTrustlines => deposits::check_trustlines(ctx, worker)
                .await
                .map(|s| format!("{s:?}")),
            Process::WatchTransactions => withdrawals::watch_once(ctx)
                .await
                .map(|n| format!("{n} matched")),
            Process::ExecuteOutgoingTransactions => withdrawals::execute_outgoing(ctx, worker)
                .await
                .map(|n| format!("{n} moved")),
            Process::PollOutgoingTransactions => withdrawals::poll_outgoing(ctx, worker)
                .await
                .map(|n| format!("{n} completed")),
            Process::ExpireTransactions => expiry::run_once(ctx, worker)
                .await
                .map(|n| format!("{n} expired")),
            Process::DeliverCallbacks => callbacks::run_once(ctx, worker)
                .await
                .map(|s| format!("{s:?}")),
        }
    }

    /// One round, its outcome logged: a failed round is retried at the next one.
    pub async fn round(self, ctx: &Context, worker: &Worker) {
        let result = self.run_once(ctx, worker).await;
        ctx.metrics.process_round(self.name(), &result);
        match result {
            Ok(summary) => tracing::debug!(process = self.name(), %summary, "round done"),
            Err(e) => tracing::error!(
                process = self.name(),
                error = %e,
                "round failed; retrying next round"
            ),
        }
    }

    /// Runs until `shutdown` turns true: a round every `interval`, or, for
    /// `watch-transactions`, the payment streams (which read no interval).
    pub async fn run(
        self,
        ctx: &Context,
        worker: &Worker,
        interval: Duration,
        shutdown: watch::Receiver<bool>,
    ) {
        match self {
            Process::WatchTransactions => {
                if let Err(e) = withdrawals::watch_stream(ctx, shutdown).await {
                    tracing::error!(error = %e, "watch-transactions stopped");
                }
            }
            Process::ProcessPendingDeposits
            | Process::CheckTrustlines
            | Process::ExecuteOutgoingTransactions
            | Process::PollOutgoingTransactions
            | Process::ExpireTransactions
            | Process::DeliverCallbacks => {
                run_loop(interval, shutdown, || self.round(ctx, worker)).await;
            }
        }
    }
}

/// Starts every process in a loop, each with its own worker, until `shutdown` turns true;
/// each at `interval_seconds` when given, else at its default. A server uses it to run the
/// whole anchor in one process; await the handles after the shutdown to let rounds in
/// progress finish.
pub fn spawn_all(
    ctx: &Context,
    interval_seconds: Option<u64>,
    shutdown: &watch::Receiver<bool>,
) -> Vec<JoinHandle<()>> {
    Process::ALL
        .into_iter()
        .map(|process| {
            let (ctx, shutdown) = (ctx.clone(), shutdown.clone());
            tokio::spawn(async move {
                let worker = Worker::new();
                let interval = process.interval(interval_seconds);
                process.run(&ctx, &worker, interval, shutdown).await;
            })
        })
        .collect()
}

/// A channel that turns true on SIGINT or SIGTERM.
pub fn shutdown_signal() -> watch::Receiver<bool> {
    let (tx, rx) = watch::channel(false);
    tokio::spawn(async move {
        wait_for_signal().await;
        tracing::info!("shutting down after the work in hand");
        let _ = tx.send(true);
    });
    rx
}

async fn wait_for_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        match signal(SignalKind::terminate()) {
            Ok(mut term) => {
                tokio::select! {
                    _ = tokio::signal::ctrl_c() => {}
                    _ = term.recv() => {}
                }
            }
            Err(_) => {
                let _ = tokio::signal::ctrl_c().await;
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn intervals_default_per_process_and_are_never_zero() {
        assert_eq!(
            Process::WatchTransactions.interval(None),
            Duration::from_secs(5)
        );
        assert_eq!(
            Process::CheckTrustlines.interval(None),
            Duration::from_secs(60)
        );
        assert_eq!(
            Process::ProcessPendingDeposits.interval(None),
            Duration::from_secs(10)
        );
        assert_eq!(
            Process::PollOutgoingTransactions.interval(Some(2)),
            Duration::from_secs(2)
        );
        assert_eq!(
            Process::ExecuteOutgoingTransactions.interval(Some(0)),
            Duration::from_secs(1)
        );
    }

    #[test]
    fn names_are_the_command_names() {
        let names: Vec<_> = Process::ALL.iter().map(|p| p.name()).collect();
        assert_eq!(
            names,
            [
                "process-pending-deposits",
                "check-trustlines",
                "watch-transactions",
                "execute-outgoing-transactions",
                "poll-outgoing-transactions",
                "expire-transactions",
                "deliver-callbacks"
            ]
        );
    }
}
