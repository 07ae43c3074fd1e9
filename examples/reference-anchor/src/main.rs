#![forbid(unsafe_code)]
//! The Polaris reference anchor: every SEP on embedded defaults.
//!
//! With no configuration at all it runs in local mode on a SQLite file in the
//! working directory, with development keys generated on first start, against a
//! sandbox ledger it starts in-process (unless `HORIZON_URL` names a real Horizon).
//! Every setting of `polaris_core::Settings` can be given in the environment or a `.env` file.

mod bank;
mod customers;
mod demo;
mod fee;
mod kyc;
mod quotes;

use std::net::SocketAddr;
use std::process::ExitCode;
use std::sync::Arc;

use clap::{Args, Parser, Subcommand};
use polaris_actix::cli::{self, PolarisCommand};
use polaris_actix::ops::{self, OpsCommand};
use polaris_actix::processes::{self, ProcessCommand};
use polaris_actix::sandbox::{self, SandboxConfig, SandboxHandle};
use polaris_actix::Polaris;
use polaris_core::stellar::{Horizon, HorizonClient};
use polaris_core::store::Store;
use polaris_core::Settings;

/// The reference anchor's command line.
#[derive(Debug, Parser)]
#[command(
    name = "reference-anchor",
    version,
    about = "The Polaris reference anchor"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    #[command(flatten)]
    Polaris(PolarisCommand),
    #[command(flatten)]
    Process(ProcessCommand),
    #[command(flatten)]
    Ops(OpsCommand),
    /// Run the sandbox ledger (Horizon's API) alone.
    Sandbox(SandboxArgs),
    /// Asset helpers for test networks and the sandbox.
    #[command(subcommand)]
    Testnet(polaris_actix::testnet::TestnetCommand),
}

/// Where the sandbox listens and keeps its ledger.
#[derive(Debug, Clone, Args)]
struct SandboxArgs {
    /// Address of the sandbox's Horizon API.
    #[arg(long = "bind", env = "SANDBOX_BIND", default_value = "127.0.0.1:8001")]
    bind: SocketAddr,
    /// File keeping the sandbox ledger across restarts.
    #[arg(
        long = "state-file",
        env = "SANDBOX_STATE_FILE",
        default_value = "polaris-sandbox.json"
    )]
    state_file: String,
    /// Close a ledger every this many seconds (decimals allowed), as the network does (about
    /// 5), with stellar-core's transaction queue; 0 (default): each submission closes a
    /// ledger at once.
    #[arg(
        long = "ledger-close-seconds",
        env = "SANDBOX_LEDGER_CLOSE_SECONDS",
        default_value_t = 0.0
    )]
    ledger_close_seconds: f64,
    /// Operations a ledger holds at the network's pace (the public network's 1,000 by
    /// default; testnet's is 100).
    #[arg(
        long = "max-ops-per-ledger",
        env = "SANDBOX_MAX_OPS_PER_LEDGER",
        default_value_t = sandbox::PUBLIC_NETWORK_MAX_OPS
    )]
    max_ops_per_ledger: u32,
}

/// Defaults for a zero-configuration local run; the environment and `.env` win.
fn local_default(name: &str) -> Option<String> {
    match name {
        "LOCAL_MODE" => Some("true".into()),
        _ => None,
    }
}

fn load_settings() -> Settings {
    if let Err(e) = dotenvy::dotenv() {
        if !e.not_found() {
            cli::fail(&format!("setting .env: {e}"));
        }
    }
    Settings::from_lookup(&|name| std::env::var(name).ok().or_else(|| local_default(name)))
        .unwrap_or_else(|e| cli::fail(&e))
}

#[actix_web::main]
async fn main() -> ExitCode {
    let args = Cli::parse();
    cli::init_tracing();
    if let Command::Polaris(PolarisCommand::HashPassword) = args.command {
        return cli::hash_password();
    }
    let settings = load_settings();
    match args.command {
        Command::Polaris(PolarisCommand::HashPassword) => cli::hash_password(),
        Command::Polaris(PolarisCommand::Migrate) => cli::migrate(&settings),
        Command::Polaris(PolarisCommand::Serve(opts)) => serve(settings, &opts).await,
        Command::Sandbox(opts) => sandbox_alone(&settings, &opts).await,
        Command::Testnet(command) => polaris_actix::testnet::run(&settings, command).await,
        Command::Process(command) => process(settings, command).await,
        Command::Ops(command) => operate(&settings, command).await,
    }
}

async fn start_sandbox(settings: &Settings, opts: &SandboxArgs) -> SandboxHandle {
    let ledger_close = match opts.ledger_close_seconds {
        s if s.is_finite() && s > 0.0 => Some(std::time::Duration::from_secs_f64(s)),
        s if s >= 0.0 => None,
        s => cli::fail(&format!(
            "setting SANDBOX_LEDGER_CLOSE_SECONDS: {s} is not a number of seconds >= 0"
        )),
    };
    let config = SandboxConfig {
        passphrase: settings.network_passphrase.clone(),
        state_file: Some(opts.state_file.clone().into()),
        ledger_close,
        max_ops_per_ledger: opts.max_ops_per_ledger,
        ..Default::default()
    };
    match sandbox::start(opts.bind, config).await {
        Ok(handle) => {
            tracing::info!(url = handle.url(), "sandbox ledger (Horizon API) started");
            handle
        }
        Err(e) => cli::fail(&format!("sandbox on {}: {e}", opts.bind)),
    }
}

async fn sandbox_alone(settings: &Settings, opts: &SandboxArgs) -> ExitCode {
    let handle = start_sandbox(settings, opts).await;
    if let Err(e) = tokio::signal::ctrl_c().await {
        cli::fail(&format!("waiting for Ctrl-C: {e}"));
    }
    handle.stop().await;
    ExitCode::SUCCESS
}

/// Polaris with the reference anchor's integrations, on the database of `settings`.
fn builder(settings: Settings) -> polaris_actix::PolarisBuilder {
    let store = Store::connect(settings.database_url.expose(), settings.database_pool_size)
        .unwrap_or_else(|e| cli::fail(&format!("DATABASE_URL: {e}")))
        .with_seed_key(settings.seed_encryption_key.clone());
    let customers = customers::Customers::open(store.clone())
        .unwrap_or_else(|e| cli::fail(&format!("customer table: {e}")));
    let kyc = kyc::Kyc::new(customers);
    let org_url = settings.host_url.to_string();
    Polaris::builder(settings)
        .store(store)
        .toml(demo::Toml { org_url })
        .fee(fee::TieredFee)
        .quote(quotes::FixedRates)
        .interactive(kyc.clone())
        .sep6(kyc.clone())
        .deposit(kyc.clone())
        .customer(kyc)
        .rails(bank::SimulatedBank::from_env())
}

/// A process command, against `HORIZON_URL` or the sandbox at `SANDBOX_BIND`.
async fn process(settings: Settings, command: ProcessCommand) -> ExitCode {
    let url = match &settings.horizon_url {
        Some(u) => u.to_string(),
        None => format!("http://{}", SandboxArgs::from_env().bind),
    };
    let client = HorizonClient::new(&url).unwrap_or_else(|e| cli::fail(&e));
    let polaris = builder(settings)
        .horizon(Arc::new(client) as Arc<dyn Horizon>)
        .build()
        .await
        .unwrap_or_else(|e| cli::fail(&e));
    processes::run(polaris.context().clone(), command).await
}

/// An operator command on the database of `DATABASE_URL` (no Horizon needed).
async fn operate(settings: &Settings, command: OpsCommand) -> ExitCode {
    let store = Store::connect(settings.database_url.expose(), 1)
        .unwrap_or_else(|e| cli::fail(&format!("DATABASE_URL: {e}")))
        .with_seed_key(settings.seed_encryption_key.clone());
    ops::run(settings, &store, command).await
}

async fn serve(settings: Settings, opts: &cli::ServeArgs) -> ExitCode {
    let sandbox_args = SandboxArgs::from_env();
    let sandbox = match settings.horizon_url {
        Some(_) => None,
        None => Some(start_sandbox(&settings, &sandbox_args).await),
    };
    let passphrase = settings.network_passphrase.clone();
    let mut builder = builder(settings).run_migrations(!opts.no_migrate);
    if let Some(handle) = &sandbox {
        let client = HorizonClient::new(handle.url()).unwrap_or_else(|e| cli::fail(&e));
        builder = builder.horizon(Arc::new(client) as Arc<dyn Horizon>);
    }
    let polaris = builder.build().await.unwrap_or_else(|e| cli::fail(&e));
    let demo = demo::ensure_demo_asset(polaris.context())
        .await
        .unwrap_or_else(|e| cli::fail(&e));
    if let Some(handle) = &sandbox {
        let horizon = polaris.context().horizon.clone();
        demo::fund_on_sandbox(
            &demo,
            horizon.as_ref(),
            &handle.friendbot_url(),
            &passphrase,
        )
        .await
        .unwrap_or_else(|e| cli::fail(&e));
    }
    let settings = &polaris.context().settings;
    tracing::info!(
        home_domain = %settings.web_auth_domain(),
        stellar_toml = %settings.url(".well-known/stellar.toml"),
        horizon = sandbox.as_ref().map_or("HORIZON_URL", |s| s.url()),
        "anchor ready: point a wallet at the home domain"
    );
    let result = cli::serve(polaris, opts).await;
    if let Some(handle) = sandbox {
        handle.stop().await;
    }
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => cli::fail(&format!("server: {e}")),
    }
}

impl SandboxArgs {
    /// The sandbox options of `serve`, from `SANDBOX_BIND`, `SANDBOX_STATE_FILE`,
    /// `SANDBOX_LEDGER_CLOSE_SECONDS` and `SANDBOX_MAX_OPS_PER_LEDGER`.
    fn from_env() -> Self {
        #[derive(Parser)]
        struct Only {
            #[command(flatten)]
            args: SandboxArgs,
        }
        Only::try_parse_from(["serve"])
            .map(|o| o.args)
            .unwrap_or_else(|e| cli::fail(&format!("setting the SANDBOX_ variables: {e}")))
    }
}
