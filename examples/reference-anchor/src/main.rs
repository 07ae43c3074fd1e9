#![forbid(unsafe_code)]
//! The Polaris reference anchor: every SEP on embedded defaults.
//!
//! With no configuration at all it runs in local mode on a SQLite file in the
//! working directory, with development keys generated on first start. Every setting
//! of `polaris_core::Settings` can be given in the environment or a `.env` file.

mod demo;

use std::process::ExitCode;

use clap::{Parser, Subcommand};
use polaris_actix::cli::{self, PolarisCommand};
use polaris_actix::Polaris;
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
    let settings = load_settings();
    match args.command {
        Command::Polaris(PolarisCommand::Migrate) => cli::migrate(&settings),
        Command::Polaris(PolarisCommand::Serve(opts)) => serve(settings, &opts).await,
    }
}

async fn serve(settings: Settings, opts: &cli::ServeArgs) -> ExitCode {
    let polaris = match Polaris::builder(settings)
        .toml(demo::Toml)
        .run_migrations(!opts.no_migrate)
        .build()
        .await
    {
        Ok(p) => p,
        Err(e) => cli::fail(&e),
    };
    if let Err(e) = demo::ensure_demo_asset(polaris.context()).await {
        cli::fail(&e);
    }
    match cli::serve(polaris, &opts.bind).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => cli::fail(&format!("server: {e}")),
    }
}
