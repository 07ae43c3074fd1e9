//! Building blocks for an anchor's command line: settings loading, logging,
//! `serve` (the server and the background processes) and `migrate`. The reference
//! anchor shows how to compose them.

use std::process::ExitCode;

use actix_web::dev::ServerHandle;
use actix_web::middleware::Condition;
use actix_web::{App, HttpServer};
use clap::{Args, Subcommand};
use polaris_core::processors::runner;
use polaris_core::{Context, Settings, Store};
use tokio::sync::watch;
use tracing_actix_web::TracingLogger;

use crate::logging::RequestLog;
use crate::Polaris;

/// The commands Polaris provides, to `#[command(flatten)]` into an anchor's own CLI.
#[derive(Debug, Subcommand)]
pub enum PolarisCommand {
    /// Run the web server.
    Serve(ServeArgs),
    /// Apply pending database migrations and exit.
    Migrate,
    /// Print the Argon2 hash of a back-office password, read from standard input, for
    /// BACKOFFICE_PASSWORD_HASH. Needs no settings.
    HashPassword,
}

/// Options of `serve`.
#[derive(Debug, Clone, Args)]
pub struct ServeArgs {
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1:8000")]
    pub bind: String,
    /// Do not apply pending migrations at start (the schema is still checked).
    #[arg(long)]
    pub no_migrate: bool,
    /// Do not run the background processes in this process (run them apart).
    #[arg(long)]
    pub no_processes: bool,
}

/// Logs to stderr, filtered by `RUST_LOG` (default `info`).
pub fn init_tracing() {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .try_init();
}

/// Loads settings from the environment and `.env`; on error prints one line naming
/// the setting and exits with code 2.
pub fn load_settings() -> Settings {
    Settings::from_env().unwrap_or_else(|e| fail(&e))
}

/// Prints `error: <e>` on one line and exits with code 2.
pub fn fail(e: &dyn std::fmt::Display) -> ! {
    eprintln!("error: {e}");
    std::process::exit(2)
}

/// `hash-password`: reads a password from the first line of standard input and prints its
/// PHC string (Argon2id, random salt) for `BACKOFFICE_PASSWORD_HASH`. Refuses an empty
/// password or one shorter than 12 characters.
///
/// ```text
/// printf '%s' 'a long passphrase' | my-anchor hash-password
/// ```
pub fn hash_password() -> ExitCode {
    let mut line = String::new();
    if let Err(e) = std::io::stdin().read_line(&mut line) {
        eprintln!("error: reading the password from standard input: {e}");
        return ExitCode::FAILURE;
    }
    let password = line.trim_end_matches(['\r', '\n']);
    if password.chars().count() < 12 {
        eprintln!("error: give a password of at least 12 characters on standard input");
        return ExitCode::FAILURE;
    }
    match polaris_core::backoffice::auth::hash_password(password) {
        Ok(hash) => {
            println!("{hash}");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

/// `migrate`: applies pending migrations to `DATABASE_URL`.
pub fn migrate(settings: &Settings) -> ExitCode {
    let result = Store::connect(settings.database_url.expose(), 1)
        .map(|s| s.with_seed_key(settings.seed_encryption_key.clone()))
        .and_then(|s| {
            let applied = s.migrate()?;
            let sealed = s.seal_plain_seeds()?;
            if sealed > 0 {
                tracing::info!(sealed, "plain distribution seeds encrypted");
            }
            Ok(applied)
        });
    match result {
        Ok(applied) if applied.is_empty() => {
            tracing::info!("database is up to date");
            ExitCode::SUCCESS
        }
        Ok(applied) => {
            tracing::info!(?applied, "migrations applied");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

/// `serve`: runs an HTTP server with request logging (each request gets an id, tokens
/// are redacted from logged URLs, see [`RequestLog`]), request metrics when metrics are on,
/// and every active SEP mounted, until SIGINT/SIGTERM. With `METRICS_BIND`, `/metrics` is
/// served on that address by a listener of its own. Unless `opts.no_processes`, every
/// background process runs in this process too (at `PROCESS_INTERVAL_SECONDS` when set, see
/// [`polaris_core::processors::runner`]), and is stopped, its round in hand finished,
/// after the server stops.
///
/// `opts.no_migrate` is for the builder ([`PolarisBuilder::run_migrations`](polaris_core::context::ContextBuilder::run_migrations)): by
/// the time `serve` runs, Polaris is built.
pub async fn serve(polaris: Polaris, opts: &ServeArgs) -> std::io::Result<()> {
    let ctx = polaris.context().clone();
    let metrics = spawn_metrics_server(&ctx)?;
    let (stop, stopped) = watch::channel(false);
    let workers = match opts.no_processes {
        true => Vec::new(),
        false => runner::spawn_all(&ctx, ctx.settings.process_interval_seconds, &stopped),
    };
    let result = serve_http(polaris, &opts.bind).await;
    let _ = stop.send(true);
    for worker in workers {
        let _ = worker.await;
    }
    if let Some(handle) = metrics {
        handle.stop(true).await;
    }
    result
}

/// Starts the metrics listener of `METRICS_BIND` in the background, when it is set; the
/// handle stops it.
pub fn spawn_metrics_server(ctx: &Context) -> std::io::Result<Option<ServerHandle>> {
    let Some(addr) = ctx.settings.metrics.bind else {
        return Ok(None);
    };
    let server = crate::metrics::server(ctx.clone(), addr)?;
    let handle = server.handle();
    tokio::spawn(server);
    Ok(Some(handle))
}

/// The HTTP server of [`serve`], without the background processes.
pub async fn serve_http(polaris: Polaris, bind: &str) -> std::io::Result<()> {
    let server = HttpServer::new(move || {
        let metrics = polaris.context().settings.metrics.is_enabled();
        App::new()
            .wrap(Condition::new(metrics, polaris.http_metrics()))
            .wrap(TracingLogger::<RequestLog>::new())
            .configure(polaris.configure())
    })
    .bind(bind)?;
    for addr in server.addrs() {
        tracing::info!("listening on http://{addr}");
    }
    server.run().await
}
