//! Liveness and readiness: what `GET /health` and `GET /ready` answer.
//!
//! Liveness ([`liveness`]) does no I/O: the process is up and serving. Readiness
//! ([`readiness`]) checks what requests need: the database answers a trivial query, its
//! migrations are current (no pending one, none unknown to this build), and Horizon answers
//! within [`CHECK_TIMEOUT`]. The checks run at once; each reports its own result.

use std::time::Duration;

use serde::Serialize;
use serde_json::{json, Value};

use crate::store::{migrate, stats, StoreError};
use crate::Context;

/// How long each readiness check may take.
pub const CHECK_TIMEOUT: Duration = Duration::from_secs(2);

/// The result of one check.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Check {
    /// What was checked: `database`, `migrations` or `horizon`.
    pub name: &'static str,
    /// Whether it passed.
    pub ok: bool,
    /// `ok`, or what failed (generic on purpose: the cause goes to the log).
    pub detail: String,
}

impl Check {
    fn pass(name: &'static str) -> Self {
        Self {
            name,
            ok: true,
            detail: "ok".into(),
        }
    }

    fn fail(name: &'static str, detail: impl Into<String>) -> Self {
        Self {
            name,
            ok: false,
            detail: detail.into(),
        }
    }
}

/// Every check's result.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Report {
    /// The checks, in a fixed order: database, migrations, horizon.
    pub checks: Vec<Check>,
}

impl Report {
    /// Whether every check passed.
    pub fn is_ready(&self) -> bool {
        self.checks.iter().all(|c| c.ok)
    }

    /// 200 when ready, else 503.
    pub fn status_code(&self) -> u16 {
        if self.is_ready() {
            200
        } else {
            503
        }
    }

    /// The JSON body: `{"status": "ready" | "not_ready", "checks": {"database":
    /// {"ok": true, "detail": "ok"}, ...}}`.
    pub fn to_json(&self) -> Value {
        let checks: serde_json::Map<String, Value> = self
            .checks
            .iter()
            .map(|c| (c.name.to_string(), json!({"ok": c.ok, "detail": c.detail})))
            .collect();
        let status = if self.is_ready() {
            "ready"
        } else {
            "not_ready"
        };
        json!({ "status": status, "checks": checks })
    }
}

/// The liveness body: `{"status": "ok"}`. No I/O.
pub fn liveness() -> Value {
    json!({ "status": "ok" })
}

/// Runs every readiness check, each within [`CHECK_TIMEOUT`].
pub async fn readiness(ctx: &Context) -> Report {
    readiness_within(ctx, CHECK_TIMEOUT).await
}

/// Runs every readiness check, each within `timeout`.
pub async fn readiness_within(ctx: &Context, timeout: Duration) -> Report {
    let (database, horizon) = tokio::join!(database(ctx, timeout), horizon(ctx, timeout));
    let mut checks = database.to_vec();
    checks.push(horizon);
    Report { checks }
}

async fn database(ctx: &Context, timeout: Duration) -> [Check; 2] {
    let run = ctx.store.run_within(timeout, |c| {
        stats::ping(c)?;
        Ok(migrate::check(c))
    });
    let unchecked = || Check::fail("migrations", "not checked: the database is unavailable");
    match tokio::time::timeout(timeout, run).await {
        Err(_) => [
            Check::fail("database", format!("no answer within {timeout:?}")),
            unchecked(),
        ],
        Ok(Err(e)) => {
            tracing::warn!(error = %e, "readiness: database check failed");
            [Check::fail("database", "unavailable"), unchecked()]
        }
        Ok(Ok(Err(StoreError::Migration(why)))) => {
            [Check::pass("database"), Check::fail("migrations", why)]
        }
        Ok(Ok(Err(e))) => {
            tracing::warn!(error = %e, "readiness: migration check failed");
            [
                Check::pass("database"),
                Check::fail("migrations", "cannot be read"),
            ]
        }
        Ok(Ok(Ok(()))) => [Check::pass("database"), Check::pass("migrations")],
    }
}

async fn horizon(ctx: &Context, timeout: Duration) -> Check {
    let account = ctx.settings.signing_key.public_key();
    match tokio::time::timeout(timeout, ctx.horizon.load_account(account)).await {
        Err(_) => Check::fail("horizon", format!("no answer within {timeout:?}")),
        Ok(Err(e)) => {
            tracing::warn!(error = %e, "readiness: Horizon check failed");
            Check::fail("horizon", "unavailable")
        }
        Ok(Ok(_)) => Check::pass("horizon"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_report_is_ready_only_when_every_check_passed() {
        let ready = Report {
            checks: vec![Check::pass("database"), Check::pass("horizon")],
        };
        assert_eq!(ready.status_code(), 200);
        assert_eq!(ready.to_json()["status"], "ready");
        let not = Report {
            checks: vec![
                Check::pass("database"),
                Check::fail("horizon", "unavailable"),
            ],
        };
        assert_eq!(not.status_code(), 503);
        let body = not.to_json();
        assert_eq!(body["status"], "not_ready");
        assert_eq!(body["checks"]["horizon"]["ok"], false);
        assert_eq!(body["checks"]["database"]["detail"], "ok");
    }

    #[test]
    fn liveness_says_ok() {
        assert_eq!(liveness(), json!({"status": "ok"}));
    }
}
