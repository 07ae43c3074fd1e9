//! The background processes as commands, once or `--loop`, and all of them inside `serve`.

use std::process::ExitCode;
use std::time::Duration;

use clap::{Args, Subcommand};
use polaris_core::processors::{deposits, run_loop, withdrawals, Worker};
use polaris_core::Context;
use tokio::sync::watch;
use tokio::task::JoinHandle;

/// The process commands, to `#[command(flatten)]` into an anchor's own CLI.
#[derive(Debug, Clone, Subcommand)]
pub enum ProcessCommand {
    /// Ask the bank rails which deposits arrived, and pay them on Stellar.
    ProcessPendingDeposits(LoopArgs),
    /// Pay deposits that were waiting for the user's trustline.
    CheckTrustlines(LoopArgs),
    /// Match payments to the distribution accounts with their withdrawals.
    WatchTransactions(LoopArgs),
    /// Pay out withdrawals whose funds arrived, through the bank rails.
    ExecuteOutgoingTransactions(LoopArgs),
    /// Complete payouts the bank reports done.
    PollOutgoingTransactions(LoopArgs),
}

/// `--loop` and `--interval`.
#[derive(Debug, Clone, Args)]
pub struct LoopArgs {
    /// Keep running, one round every interval, until SIGINT or SIGTERM (watch-transactions
    /// then follows the payment streams and reads no interval).
    #[arg(long = "loop")]
    pub repeat: bool,
    /// Seconds between rounds (default: 5 for watch-transactions, 60 for check-trustlines and
    /// poll-outgoing-transactions, 10 for the others).
    #[arg(long)]
    pub interval: Option<u64>,
}

impl ProcessCommand {
    fn interval(&self) -> Duration {
        let default = match self {
            Self::WatchTransactions(_) => 5,
            Self::CheckTrustlines(_) | Self::PollOutgoingTransactions(_) => 60,
            Self::ProcessPendingDeposits(_) | Self::ExecuteOutgoingTransactions(_) => 10,
        };
        Duration::from_secs(self.args().interval.unwrap_or(default).max(1))
    }

    fn args(&self) -> &LoopArgs {
        match self {
            Self::ProcessPendingDeposits(a)
            | Self::CheckTrustlines(a)
            | Self::WatchTransactions(a)
            | Self::ExecuteOutgoingTransactions(a)
            | Self::PollOutgoingTransactions(a) => a,
        }
    }

    fn repeat(&self) -> bool {
        self.args().repeat
    }
}

async fn round(ctx: &Context, worker: &Worker, command: &ProcessCommand) {
    let result = match command {
        ProcessCommand::ProcessPendingDeposits(_) => deposits::run_once(ctx, worker)
            .await
            .map(|s| format!("{s:?}")),
        ProcessCommand::CheckTrustlines(_) => deposits::check_trustlines(ctx, worker)
            .await
            .map(|s| format!("{s:?}")),
        ProcessCommand::WatchTransactions(_) => withdrawals::watch_once(ctx)
            .await
            .map(|n| format!("{n} matched")),
        ProcessCommand::ExecuteOutgoingTransactions(_) => {
            withdrawals::execute_outgoing(ctx, worker)
                .await
                .map(|n| format!("{n} moved"))
        }
        ProcessCommand::PollOutgoingTransactions(_) => withdrawals::poll_outgoing(ctx, worker)
            .await
            .map(|n| format!("{n} completed")),
    };
    match result {
        Ok(summary) => tracing::debug!(%summary, "round done"),
        Err(e) => tracing::error!(error = %e, "round failed; retrying next round"),
    }
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

/// Runs one process command; with `--loop`, until SIGINT or SIGTERM, then exits 0.
pub async fn run(ctx: Context, command: ProcessCommand) -> ExitCode {
    let worker = Worker::new();
    if !command.repeat() {
        round(&ctx, &worker, &command).await;
        return ExitCode::SUCCESS;
    }
    let shutdown = shutdown_signal();
    repeat(&ctx, &worker, &command, shutdown).await;
    ExitCode::SUCCESS
}

/// Runs `command` until `shutdown`: rounds at its interval, or, for `watch-transactions`,
/// the payment streams.
async fn repeat(
    ctx: &Context,
    worker: &Worker,
    command: &ProcessCommand,
    shutdown: watch::Receiver<bool>,
) {
    if let ProcessCommand::WatchTransactions(_) = command {
        if let Err(e) = withdrawals::watch_stream(ctx, shutdown).await {
            tracing::error!(error = %e, "watch-transactions stopped");
        }
        return;
    }
    let interval = command.interval();
    run_loop(interval, shutdown, || round(ctx, worker, command)).await;
}

/// Starts every process in a loop, in this runtime, until `shutdown` turns true; each at
/// `interval` seconds when given, else at its default. `serve` uses it to run the whole
/// anchor in one process.
pub fn spawn_all(
    ctx: Context,
    interval: Option<u64>,
    shutdown: watch::Receiver<bool>,
) -> Vec<JoinHandle<()>> {
    let defaults = LoopArgs {
        repeat: true,
        interval,
    };
    [
        ProcessCommand::ProcessPendingDeposits(defaults.clone()),
        ProcessCommand::CheckTrustlines(defaults.clone()),
        ProcessCommand::WatchTransactions(defaults.clone()),
        ProcessCommand::ExecuteOutgoingTransactions(defaults.clone()),
        ProcessCommand::PollOutgoingTransactions(defaults),
    ]
    .into_iter()
    .map(|command| {
        let (ctx, shutdown) = (ctx.clone(), shutdown.clone());
        tokio::spawn(async move {
            let worker = Worker::new();
            repeat(&ctx, &worker, &command, shutdown).await;
        })
    })
    .collect()
}
