//! Runs the Horizon sandbox alone: `cargo run -p polaris-actix --example sandbox -- [BIND] [STATE_FILE]`.
//!
//! BIND defaults to `127.0.0.1:8001`; with STATE_FILE the ledger survives restarts. With
//! `SANDBOX_LEDGER_CLOSE_SECONDS=5` ledgers close every 5 seconds, as on the network. The process
//! prints `listening on http://ADDR` once it accepts connections, and stops on Ctrl-C or SIGTERM.

use std::time::Duration;

use polaris_actix::sandbox::{start, SandboxConfig};

#[tokio::main]
async fn main() -> std::io::Result<()> {
    tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::from_default_env())
        .init();
    let mut args = std::env::args().skip(1);
    let bind = args.next().unwrap_or_else(|| "127.0.0.1:8001".into());
    let bind = bind.parse().map_err(|e| {
        std::io::Error::new(
            std::io::ErrorKind::InvalidInput,
            format!("bad bind address '{bind}': {e}"),
        )
    })?;
    let ledger_close = match std::env::var("SANDBOX_LEDGER_CLOSE_SECONDS") {
        Err(_) => None,
        Ok(s) => match s.parse::<f64>() {
            Ok(secs) if secs.is_finite() && secs > 0.0 => Some(Duration::from_secs_f64(secs)),
            Ok(secs) if secs >= 0.0 => None,
            _ => {
                let msg = format!("SANDBOX_LEDGER_CLOSE_SECONDS={s}: expected seconds >= 0");
                return Err(std::io::Error::new(std::io::ErrorKind::InvalidInput, msg));
            }
        },
    };
    let config = SandboxConfig {
        state_file: args.next().map(Into::into),
        ledger_close,
        ..Default::default()
    };
    let sandbox = start(bind, config).await?;
    println!("listening on {}", sandbox.url());
    shutdown_signal().await?;
    sandbox.stop().await;
    Ok(())
}

/// Ctrl-C, or SIGTERM on Unix.
async fn shutdown_signal() -> std::io::Result<()> {
    #[cfg(unix)]
    {
        let mut term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())?;
        tokio::select! {
            r = tokio::signal::ctrl_c() => r,
            _ = term.recv() => Ok(()),
        }
    }
    #[cfg(not(unix))]
    tokio::signal::ctrl_c().await
}
