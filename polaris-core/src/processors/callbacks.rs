//! `deliver-callbacks`: sends the notifications of the callback outbox
//! ([`crate::store::callbacks`]) to the wallets, signed, and retries them until they are
//! accepted or given up.
//!
//! - **Claimed with a lease.** A worker takes due notifications with a conditional update
//!   (no other worker's unexpired lease), so several workers never send the same one in the
//!   normal case; a killed worker's notifications are taken over once its lease expires.
//! - **In order.** Only the first undelivered notification of each transaction (or
//!   customer) can be claimed: a later change is never sent before an earlier one.
//! - **Signed.** Each attempt is signed anew with `SIGNING_SEED`, the `Signature` header
//!   over `<time>.<host>.<body>` (SEP-6, SEP-12 and SEP-24 share the scheme), and sent
//!   through the guarded client with `CALLBACK_REQUEST_TIMEOUT` and a cap on the answer.
//! - **Retried.** A `2xx` answer delivers it. Anything else waits
//!   ([`CallbackRetry::delay`](crate::settings::CallbackRetry::delay)) and is tried again,
//!   until `CALLBACK_MAX_ATTEMPTS` attempts; then it is given up and logged. A URL that
//!   can never be sent to (not http(s), refused scheme) is given up at once.
//!
//! Delivery is at least once: a worker that dies after the wallet's answer and before
//! recording it leaves the notification to be sent again after its lease.

use chrono::{DateTime, TimeDelta, Utc};
use futures::StreamExt;
use serde_json::json;

use super::{ProcessError, Worker};
use crate::context::Context;
use crate::model::{now, Asset, Protocol, Transaction};
use crate::net::NetError;
use crate::settings::Settings;
use crate::store::callbacks::{self, Callback, Failure, Topic};

/// Notifications sent at the same time by one worker.
pub const PARALLEL: usize = 8;
/// Notifications claimed at a time.
const CHUNK: i64 = 16;
/// The most notifications one round handles; the next round goes on.
const ROUND_LIMIT: usize = 1000;

/// What one round did.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Summary {
    /// Accepted by the wallet.
    pub delivered: usize,
    /// Failed, to be tried again later.
    pub retried: usize,
    /// Failed for the last time.
    pub given_up: usize,
}

/// How one attempt ended.
enum Outcome {
    Delivered,
    Retried,
    GivenUp,
    /// Another worker recorded it meanwhile (this worker's lease had expired).
    Lost,
}

/// Why an attempt failed.
enum Failed {
    /// Worth another attempt later.
    Transient(String),
    /// Never going to work: give up now.
    Permanent(String),
}

/// Sends every due notification once (as many rounds of claims as needed, up to a limit).
pub async fn run_once(ctx: &Context, worker: &Worker) -> Result<Summary, ProcessError> {
    let mut summary = Summary::default();
    let mut handled = 0;
    while handled < ROUND_LIMIT {
        let claimed = claim(ctx, worker).await?;
        if claimed.is_empty() {
            break;
        }
        handled += claimed.len();
        let outcomes: Vec<_> = futures::stream::iter(claimed)
            .map(|cb| deliver(ctx, worker, cb))
            .buffer_unordered(PARALLEL)
            .collect()
            .await;
        for outcome in outcomes {
            match outcome? {
                Outcome::Delivered => summary.delivered += 1,
                Outcome::Retried => summary.retried += 1,
                Outcome::GivenUp => summary.given_up += 1,
                Outcome::Lost => {}
            }
        }
    }
    Ok(summary)
}

/// A lease long enough for the attempts of one claim, whatever the worker's own lease.
fn lease(worker: &Worker, settings: &Settings) -> TimeDelta {
    let own = TimeDelta::from_std(worker.lease).unwrap_or(TimeDelta::seconds(60));
    let per_attempt = i64::try_from(settings.callback_request_timeout).unwrap_or(i64::MAX / 4);
    let needed = TimeDelta::try_seconds(per_attempt.saturating_mul(2).saturating_add(5))
        .unwrap_or(TimeDelta::MAX);
    own.max(needed)
}

async fn claim(ctx: &Context, worker: &Worker) -> Result<Vec<Callback>, ProcessError> {
    let (id, at) = (worker.id.clone(), now());
    let until = at
        .checked_add_signed(lease(worker, &ctx.settings))
        .unwrap_or(DateTime::<Utc>::MAX_UTC);
    Ok(ctx
        .store
        .run(move |c| callbacks::claim_due(c, &id, at, until, CHUNK))
        .await?)
}

/// One attempt at `cb`, its outcome recorded.
async fn deliver(ctx: &Context, worker: &Worker, cb: Callback) -> Result<Outcome, ProcessError> {
    let sent = match body(ctx, &cb).await? {
        Ok(body) => send(&ctx.settings, &cb.url, body).await,
        Err(reason) => Err(Failed::Permanent(reason)),
    };
    record(ctx, worker, &cb, sent).await
}

/// The body of `cb`: a customer's as stored; a transaction's rendered from its snapshot by
/// its SEP, as that SEP's `GET /transaction` answers (`{"transaction": {...}}`). `Err` when
/// it cannot be rendered, ever.
async fn body(ctx: &Context, cb: &Callback) -> Result<Result<String, String>, ProcessError> {
    match cb.topic {
        Topic::Customer => Ok(Ok(cb.payload.clone())),
        Topic::Transaction => {
            let tx = match cb.transaction() {
                Ok(tx) => tx,
                Err(e) => return Ok(Err(e.to_string())),
            };
            let assets = ctx.store.assets().await?;
            Ok(match assets.iter().find(|a| a.id == tx.asset_id) {
                Some(asset) => transaction_body(&ctx.settings, &tx, asset),
                None => Err(format!("asset {} no longer exists", tx.asset_id)),
            })
        }
    }
}

/// The callback body of `tx` for the wallet of its SEP.
pub fn transaction_body(
    settings: &Settings,
    tx: &Transaction,
    asset: &Asset,
) -> Result<String, String> {
    match tx.protocol {
        Protocol::Sep6 => Ok(json!({
            "transaction": crate::sep6::transaction_json(tx, asset, settings)
        })
        .to_string()),
        Protocol::Sep24 => Ok(crate::sep24::callback::body(settings, tx, asset)),
        Protocol::Sep31 => Err("SEP-31 transactions have no on_change_callback".into()),
    }
}

async fn send(settings: &Settings, url: &str, body: String) -> Result<(), Failed> {
    match crate::sep24::callback::post_signed(settings, url, body).await {
        Ok(()) => Ok(()),
        // The answer was a 2xx; only its body was too long to read.
        Err(NetError::TooLarge(_)) => Ok(()),
        Err(e @ (NetError::InvalidUrl | NetError::NotHttps)) => {
            Err(Failed::Permanent(e.to_string()))
        }
        Err(
            e @ (NetError::Refused
            | NetError::Unresolved
            | NetError::Timeout
            | NetError::Redirect
            | NetError::Status(_)
            | NetError::Connection
            | NetError::Setup(_)),
        ) => Err(Failed::Transient(e.to_string())),
    }
}

async fn record(
    ctx: &Context,
    worker: &Worker,
    cb: &Callback,
    sent: Result<(), Failed>,
) -> Result<Outcome, ProcessError> {
    let (id, at) = (cb.id, now());
    let failed = match sent {
        Ok(()) => {
            ctx.store
                .run(move |c| callbacks::mark_delivered(c, id, at))
                .await?;
            return Ok(Outcome::Delivered);
        }
        Err(failed) => failed,
    };
    let attempts = u32::try_from(cb.attempts).unwrap_or(0).saturating_add(1);
    let retry = ctx.settings.callback_retry;
    let (error, failure) = match failed {
        Failed::Permanent(e) => (e, Failure::GiveUp(at)),
        Failed::Transient(e) if retry.exhausted(attempts) => (e, Failure::GiveUp(at)),
        Failed::Transient(e) => (e, Failure::RetryAt(next_attempt(at, &retry, attempts))),
    };
    log(cb, attempts, &error, &failure);
    let (owner, message, outcome) = (worker.id.clone(), error, failure.clone());
    let written = ctx
        .store
        .run(move |c| callbacks::mark_failed(c, id, &owner, &message, &outcome))
        .await?;
    Ok(match (written, failure) {
        (false, _) => Outcome::Lost,
        (true, Failure::RetryAt(_)) => Outcome::Retried,
        (true, Failure::GiveUp(_)) => Outcome::GivenUp,
    })
}

fn next_attempt(
    at: DateTime<Utc>,
    retry: &crate::settings::CallbackRetry,
    attempts: u32,
) -> DateTime<Utc> {
    TimeDelta::from_std(retry.delay(attempts))
        .ok()
        .and_then(|wait| at.checked_add_signed(wait))
        .unwrap_or(DateTime::<Utc>::MAX_UTC)
}

fn log(cb: &Callback, attempts: u32, error: &str, failure: &Failure) {
    let host = url::Url::parse(&cb.url)
        .ok()
        .and_then(|u| u.host_str().map(str::to_string))
        .unwrap_or_default();
    match failure {
        Failure::GiveUp(_) => tracing::warn!(
            topic = %cb.topic,
            subject = %cb.subject,
            sequence = cb.sequence,
            %host,
            attempts,
            error,
            "callback given up: the wallet never accepted it"
        ),
        Failure::RetryAt(next) => tracing::info!(
            topic = %cb.topic,
            subject = %cb.subject,
            sequence = cb.sequence,
            %host,
            attempts,
            error,
            next = %next,
            "callback not delivered; retrying later"
        ),
    }
}
