//! Prometheus metrics: counters and histograms recorded where things happen, gauges read
//! from the store when scraped. `docs/metrics.md` lists every metric and sample queries.
//!
//! Each [`Context`](crate::Context) owns its [`Metrics`] and their
//! [`Registry`] (no process-wide state: two contexts in one process,
//! as in parallel tests, count apart). A web frontend records its requests with
//! [`Metrics::http_request`] and serves [`Metrics::render`] as `GET /metrics`. Anchors may
//! register metrics of their own in [`Metrics::registry`].

use std::time::Duration;

use prometheus::{
    Encoder, Gauge, GaugeVec, HistogramOpts, HistogramVec, IntCounter, IntCounterVec, IntGauge,
    IntGaugeVec, Opts, Registry, TextEncoder,
};

use crate::model::{now, Status};
use crate::stellar::HorizonError;
use crate::store::{callbacks, stats, Store, StoreError};

/// The longest a scrape waits for the store's gauges; past it the last values are served.
pub const STORE_TIMEOUT: Duration = Duration::from_secs(5);

/// The content type of [`Metrics::render`]'s text.
pub const CONTENT_TYPE: &str = "text/plain; version=0.0.4; charset=utf-8";

/// The route label of a request that matched no route (so raw paths never become labels).
pub const UNMATCHED_ROUTE: &str = "unmatched";

/// Every metric of one context, registered in its own registry.
pub struct Metrics {
    registry: Registry,
    http_requests: IntCounterVec,
    http_duration: HistogramVec,
    sep10_challenges: IntCounter,
    sep10_tokens: IntCounter,
    rate_limited: IntCounterVec,
    process_rounds: IntCounterVec,
    payments_submitted: IntCounter,
    payments_failed: IntCounterVec,
    transactions: IntGaugeVec,
    callbacks_pending: IntGauge,
    callbacks_oldest_age: Gauge,
    cursor_age: GaugeVec,
    store_errors: IntCounter,
    scrape: tokio::sync::Mutex<()>,
}

impl std::fmt::Debug for Metrics {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Metrics").finish_non_exhaustive()
    }
}

impl Default for Metrics {
    fn default() -> Self {
        Self::new()
    }
}

fn counter(registry: &Registry, name: &str, help: &str) -> IntCounter {
    let c = IntCounter::new(name, help).expect("a valid metric name");
    registry.register(Box::new(c.clone())).expect("unique");
    c
}

fn counter_vec(registry: &Registry, name: &str, help: &str, labels: &[&str]) -> IntCounterVec {
    let c = IntCounterVec::new(Opts::new(name, help), labels).expect("a valid metric name");
    registry.register(Box::new(c.clone())).expect("unique");
    c
}

fn gauge_vec(registry: &Registry, name: &str, help: &str, labels: &[&str]) -> GaugeVec {
    let g = GaugeVec::new(Opts::new(name, help), labels).expect("a valid metric name");
    registry.register(Box::new(g.clone())).expect("unique");
    g
}

impl Metrics {
    /// A fresh registry with every Polaris metric at zero.
    pub fn new() -> Self {
        let r = Registry::new();
        let http_duration = HistogramVec::new(
            HistogramOpts::new(
                "polaris_http_request_duration_seconds",
                "HTTP request latency by method and route pattern",
            ),
            &["method", "route"],
        )
        .expect("a valid metric name");
        r.register(Box::new(http_duration.clone())).expect("unique");
        let transactions = IntGaugeVec::new(
            Opts::new("polaris_transactions", "Stored transactions by status"),
            &["status"],
        )
        .expect("a valid metric name");
        r.register(Box::new(transactions.clone())).expect("unique");
        let callbacks_pending = IntGauge::new(
            "polaris_callbacks_pending",
            "Callbacks waiting in the outbox (neither delivered nor given up)",
        )
        .expect("a valid metric name");
        r.register(Box::new(callbacks_pending.clone()))
            .expect("unique");
        let callbacks_oldest_age = Gauge::new(
            "polaris_callbacks_oldest_pending_age_seconds",
            "Age of the oldest callback waiting in the outbox (0 when none waits)",
        )
        .expect("a valid metric name");
        r.register(Box::new(callbacks_oldest_age.clone()))
            .expect("unique");
        Self {
            http_requests: counter_vec(
                &r,
                "polaris_http_requests_total",
                "HTTP requests by method, route pattern and status code",
                &["method", "route", "status"],
            ),
            http_duration,
            sep10_challenges: counter(
                &r,
                "polaris_sep10_challenges_total",
                "SEP-10 challenges issued",
            ),
            sep10_tokens: counter(&r, "polaris_sep10_tokens_total", "SEP-10 tokens issued"),
            rate_limited: counter_vec(
                &r,
                "polaris_rate_limited_total",
                "Requests refused with 429 by the quota that ran out (address or account)",
                &["scope"],
            ),
            process_rounds: counter_vec(
                &r,
                "polaris_process_rounds_total",
                "Rounds of the background processes by process and outcome (ok, error)",
                &["process", "outcome"],
            ),
            payments_submitted: counter(
                &r,
                "polaris_payments_submitted_total",
                "Stellar payment envelopes submitted to Horizon",
            ),
            payments_failed: counter_vec(
                &r,
                "polaris_payments_failed_total",
                "Submissions that failed: refused by the network, or Horizon unreachable",
                &["reason"],
            ),
            transactions,
            callbacks_pending,
            callbacks_oldest_age,
            cursor_age: gauge_vec(
                &r,
                "polaris_stream_cursor_age_seconds",
                "Seconds since watch-transactions last stored the cursor of an account",
                &["account"],
            ),
            store_errors: counter(
                &r,
                "polaris_metrics_store_errors_total",
                "Scrapes whose store gauges could not be read (their last values were served)",
            ),
            registry: r,
            scrape: tokio::sync::Mutex::new(()),
        }
    }

    /// The registry, to add an anchor's own metrics to the same scrape.
    pub fn registry(&self) -> &Registry {
        &self.registry
    }

    /// Records one HTTP request. `route` is the route pattern (`/sep24/transaction`), never
    /// the raw path, or [`UNMATCHED_ROUTE`].
    pub fn http_request(&self, method: &str, route: &str, status: u16, elapsed: Duration) {
        let status = status.to_string();
        self.http_requests
            .with_label_values(&[method, route, status.as_str()])
            .inc();
        self.http_duration
            .with_label_values(&[method, route])
            .observe(elapsed.as_secs_f64());
    }

    /// Records a SEP-10 challenge issued.
    pub fn challenge_issued(&self) {
        self.sep10_challenges.inc();
    }

    /// Records a SEP-10 token issued.
    pub fn token_issued(&self) {
        self.sep10_tokens.inc();
    }

    /// Records a request refused by a rate limit (`scope`: `address` or `account`).
    pub fn rate_limited(&self, scope: &str) {
        self.rate_limited.with_label_values(&[scope]).inc();
    }

    /// Records the end of a round of the process `name`.
    pub fn process_round<T, E>(&self, name: &str, result: &Result<T, E>) {
        let outcome = if result.is_ok() { "ok" } else { "error" };
        self.process_rounds
            .with_label_values(&[name, outcome])
            .inc();
    }

    /// Records a submission to Horizon and hands its result back.
    pub fn submission<T>(&self, result: Result<T, HorizonError>) -> Result<T, HorizonError> {
        self.payments_submitted.inc();
        match &result {
            Ok(_) => {}
            Err(HorizonError::Failed { .. }) => {
                self.payments_failed.with_label_values(&["refused"]).inc()
            }
            Err(_) => self
                .payments_failed
                .with_label_values(&["unreachable"])
                .inc(),
        }
        result
    }

    /// Reads the store's gauges, then encodes every metric in Prometheus' text format. A
    /// store that does not answer within [`STORE_TIMEOUT`] is logged and counted in
    /// `polaris_metrics_store_errors_total`; the gauges keep their last values.
    pub async fn render(&self, store: &Store) -> String {
        let _one_at_a_time = self.scrape.lock().await;
        let outcome = tokio::time::timeout(STORE_TIMEOUT, self.refresh(store)).await;
        let failure = match outcome {
            Ok(Ok(())) => None,
            Ok(Err(e)) => Some(e.to_string()),
            Err(_) => Some(format!("no answer within {}s", STORE_TIMEOUT.as_secs())),
        };
        if let Some(why) = failure {
            tracing::warn!(error = %why, "metrics: store gauges not refreshed");
            self.store_errors.inc();
        }
        self.encode()
    }

    /// Every metric in Prometheus' text format, as they stand.
    pub fn encode(&self) -> String {
        let mut out = Vec::new();
        if let Err(e) = TextEncoder::new().encode(&self.registry.gather(), &mut out) {
            tracing::warn!(error = %e, "metrics: cannot encode");
        }
        String::from_utf8(out).unwrap_or_default()
    }

    /// Sets the gauges read from the store.
    pub async fn refresh(&self, store: &Store) -> Result<(), StoreError> {
        let (statuses, pending, oldest, cursors) = store
            .run_within(STORE_TIMEOUT, |c| {
                Ok((
                    stats::transactions_by_status(c)?,
                    callbacks::pending_count(c)?,
                    stats::oldest_pending_callback(c)?,
                    stats::cursor_updates(c)?,
                ))
            })
            .await?;
        for status in Status::ALL {
            self.transactions
                .with_label_values(&[status.as_str()])
                .set(0);
        }
        for (status, count) in statuses {
            self.transactions
                .with_label_values(&[status.as_str()])
                .set(count);
        }
        let now = now();
        let age = |at: chrono::DateTime<chrono::Utc>| {
            (now - at).num_milliseconds().max(0) as f64 / 1000.0
        };
        self.callbacks_pending.set(pending);
        self.callbacks_oldest_age.set(oldest.map_or(0.0, age));
        self.cursor_age.reset();
        for (account, at) in cursors {
            self.cursor_age
                .with_label_values(&[account.as_str()])
                .set(age(at));
        }
        Ok(())
    }
}
