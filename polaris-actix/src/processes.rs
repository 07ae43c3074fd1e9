//! The background processes as commands: `process-pending-deposits` and `check-trustlines`,
//! once or `--loop`, and all of them inside `serve`.

use std::process::ExitCode;
use std::time::Duration;

use clap::{Args, Subcommand};
use polaris_core::processors::{deposits, run_loop, Worker};
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
}

/// `--loop` and `--interval`.
#[derive(Debug, Clone, Args)]
pub struct LoopArgs {
    /// Keep running, one round every interval, until SIGINT or SIGTERM.
    #[arg(long = "loop")]
    pub repeat: bool,
    /// Seconds between rounds (default: 10 for deposits, 60 for trustlines).
    #[arg(long)]
    pub interval: Option<u64>,
}

impl ProcessCommand {
    fn interval(&self) -> Duration {
        let (args, default) = match self {
            Self::ProcessPendingDeposits(a) => (a, 10),
            Self::CheckTrustlines(a) => (a, 60),
        };
        Duration::from_secs(args.interval.unwrap_or(default).max(1))
    }

    fn repeat(&self) -> bool {
        match self {
            Self::ProcessPendingDeposits(a) | Self::CheckTrustlines(a) => a.repeat,
        }
    }
}

async fn round(ctx: &Context, worker: &Worker, command: &ProcessCommand) {
    let result = match command {
        ProcessCommand::ProcessPendingDeposits(_) => deposits::run_once(ctx, worker).await,
        ProcessCommand::CheckTrustlines(_) => deposits::check_trustlines(ctx, worker).await,
    };
    match result {
        Ok(summary) if summary != Default::default() => tracing::info!(?summary, "round done"),
        Ok(_) => tracing::debug!("round done, nothing to do"),
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
    let interval = command.interval();
    run_loop(interval, shutdown, || round(&ctx, &worker, &command)).await;
    ExitCode::SUCCESS
}

/// Starts every process in a loop with its default interval, in this runtime, until
/// `shutdown` turns true. `serve` uses it to run the whole anchor in one process.
pub fn spawn_all(ctx: Context, shutdown: watch::Receiver<bool>) -> Vec<JoinHandle<()>> {
    let defaults = LoopArgs {
        repeat: true,
        interval: None,
    };
    [
        ProcessCommand::ProcessPendingDeposits(defaults.clone()),
        ProcessCommand::CheckTrustlines(defaults),
    ]
    .into_iter()
    .map(|command| {
        let (ctx, shutdown) = (ctx.clone(), shutdown.clone());
        tokio::spawn(async move {
            let worker = Worker::new();
            let interval = command.interval();
            run_loop(interval, shutdown, || round(&ctx, &worker, &command)).await;
        })
    })
    .collect()
}
