//! The background processes as commands, once or `--loop`. The runner itself (rounds,
//! loops, intervals, all processes at once) is [`polaris_core::processors::runner`].

use std::process::ExitCode;

use clap::{Args, Subcommand};
use polaris_core::processors::runner::{self, Process};
use polaris_core::processors::Worker;
use polaris_core::Context;

pub use polaris_core::processors::runner::{shutdown_signal, spawn_all};

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
    /// Send the wallets' callbacks, retrying those not accepted.
    DeliverCallbacks(LoopArgs),
    /// Move abandoned transactions (incomplete, or never paid) to expired.
    ExpireTransactions(LoopArgs),
}

/// `--loop` and `--interval`.
#[derive(Debug, Clone, Args)]
pub struct LoopArgs {
    /// Keep running, one round every interval, until SIGINT or SIGTERM (watch-transactions
    /// then follows the payment streams and reads no interval).
    #[arg(long = "loop")]
    pub repeat: bool,
    /// Seconds between rounds (default: `PROCESS_INTERVAL_SECONDS` when set, else 5 for
    /// watch-transactions and deliver-callbacks, 60 for check-trustlines,
    /// poll-outgoing-transactions and expire-transactions, 10 for the others).
    #[arg(long)]
    pub interval: Option<u64>,
}

impl ProcessCommand {
    /// The process this command runs.
    pub fn process(&self) -> Process {
        match self {
            Self::ProcessPendingDeposits(_) => Process::ProcessPendingDeposits,
            Self::CheckTrustlines(_) => Process::CheckTrustlines,
            Self::WatchTransactions(_) => Process::WatchTransactions,
            Self::ExecuteOutgoingTransactions(_) => Process::ExecuteOutgoingTransactions,
            Self::PollOutgoingTransactions(_) => Process::PollOutgoingTransactions,
            Self::DeliverCallbacks(_) => Process::DeliverCallbacks,
            Self::ExpireTransactions(_) => Process::ExpireTransactions,
        }
    }

    /// Its `--loop` and `--interval`.
    pub fn args(&self) -> &LoopArgs {
        match self {
            Self::ProcessPendingDeposits(a)
            | Self::CheckTrustlines(a)
            | Self::WatchTransactions(a)
            | Self::ExecuteOutgoingTransactions(a)
            | Self::PollOutgoingTransactions(a)
            | Self::ExpireTransactions(a)
            | Self::DeliverCallbacks(a) => a,
        }
    }
}

/// Runs one process command; with `--loop`, until SIGINT or SIGTERM, then exits 0.
/// `--interval` wins over the `PROCESS_INTERVAL_SECONDS` setting. With `METRICS_BIND`, the
/// process serves its metrics (rounds, payments, and the store's gauges) on that address
/// while it runs.
pub async fn run(ctx: Context, command: ProcessCommand) -> ExitCode {
    let metrics = match crate::cli::spawn_metrics_server(&ctx) {
        Ok(handle) => handle,
        Err(e) => {
            eprintln!("error: setting METRICS_BIND: {e}");
            return ExitCode::FAILURE;
        }
    };
    let code = run_process(&ctx, command).await;
    if let Some(handle) = metrics {
        handle.stop(true).await;
    }
    code
}

async fn run_process(ctx: &Context, command: ProcessCommand) -> ExitCode {
    let worker = Worker::new();
    let process = command.process();
    let args = command.args();
    if !args.repeat {
        process.round(ctx, &worker).await;
        return ExitCode::SUCCESS;
    }
    let seconds = args.interval.or(ctx.settings.process_interval_seconds);
    let shutdown = runner::shutdown_signal();
    process
        .run(ctx, &worker, process.interval(seconds), shutdown)
        .await;
    ExitCode::SUCCESS
}
