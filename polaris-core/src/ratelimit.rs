//! Rate limits of the endpoints that cost CPU or create rows: a quota per client address
//! and, for authenticated requests, a second one per account (the SEP-10 token's subject).
//!
//! The counting is the `governor` crate's (GCRA: a sustained rate plus a burst, no timer
//! task, memory per key only while the key is active). This module adds what a web
//! frontend needs around it: which address is the client's behind trusted proxies
//! ([`RateLimiter::client_address`]), which account a bearer token names
//! ([`account_of`]), and the SEP-shaped 429 of a refused request ([`Limited`]).

use std::net::IpAddr;
use std::num::NonZeroU32;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use governor::clock::{Clock, DefaultClock};
use governor::DefaultKeyedRateLimiter;

use crate::auth::{bearer_token, Sep10Claims};
use crate::error::ApiError;
use crate::settings::{Quota, RateLimitSettings, Settings};

/// Above this many tracked keys, keys whose quota is full again are dropped.
const PRUNE_ABOVE: usize = 10_000;

/// How often, at most, the tracked keys are counted and pruned: counting reads every shard
/// of the key maps, which is no work for every request.
const PRUNE_EVERY_SECONDS: u64 = 10;

/// The limiters of one server: shared by every worker thread.
pub struct RateLimiter {
    settings: RateLimitSettings,
    address: DefaultKeyedRateLimiter<IpAddr>,
    account: DefaultKeyedRateLimiter<String>,
    /// When the limiters were made, and when they were last pruned (seconds after that).
    started: Instant,
    pruned_at: AtomicU64,
}

impl std::fmt::Debug for RateLimiter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RateLimiter")
            .field("settings", &self.settings)
            .finish()
    }
}

/// A request over its quota.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limited {
    /// How long until one more request is allowed.
    pub retry_after: Duration,
    /// What ran out of quota: `"address"` or `"account"`.
    pub scope: &'static str,
}

impl Limited {
    /// The wait in whole seconds, rounded up, at least one: the `Retry-After` value.
    pub fn retry_after_seconds(&self) -> u64 {
        let secs = self.retry_after.as_secs() + u64::from(self.retry_after.subsec_nanos() > 0);
        secs.max(1)
    }

    /// The 429 answer, `{"error": "..."}` as every SEP error.
    pub fn to_api_error(&self) -> ApiError {
        ApiError::new(
            429,
            format!(
                "too many requests from this {}: retry in {} second(s)",
                self.scope,
                self.retry_after_seconds()
            ),
        )
    }
}

fn governor_quota(quota: Quota) -> governor::Quota {
    let rate = NonZeroU32::new(quota.per_minute).unwrap_or(NonZeroU32::MIN);
    let burst = NonZeroU32::new(quota.burst).unwrap_or(NonZeroU32::MIN);
    governor::Quota::per_minute(rate).allow_burst(burst)
}

impl RateLimiter {
    /// Limiters with the quotas of `settings` (`RATE_LIMIT_*`, `TRUSTED_PROXIES`).
    pub fn new(settings: &Settings) -> Self {
        let limits = settings.rate_limit.clone();
        Self {
            address: DefaultKeyedRateLimiter::keyed(governor_quota(limits.per_address)),
            account: DefaultKeyedRateLimiter::keyed(governor_quota(limits.per_account)),
            settings: limits,
            started: Instant::now(),
            pruned_at: AtomicU64::new(0),
        }
    }

    /// Whether limits apply at all (`RATE_LIMIT_ENABLED`).
    pub fn is_enabled(&self) -> bool {
        self.settings.enabled
    }

    /// The client's address: the peer's, unless the peer is a trusted proxy; then the
    /// right-most `X-Forwarded-For` entry that is not a trusted proxy (entries left of it
    /// were written by the client and prove nothing). `None` without a peer address.
    pub fn client_address(&self, peer: Option<IpAddr>, forwarded_for: &str) -> Option<IpAddr> {
        let mut client = peer?;
        if !self.is_trusted(client) {
            return Some(client);
        }
        for hop in forwarded_for.rsplit(',') {
            match hop.trim().parse::<IpAddr>() {
                Ok(ip) => {
                    client = ip;
                    if !self.is_trusted(ip) {
                        break;
                    }
                }
                Err(_) => break,
            }
        }
        Some(client)
    }

    fn is_trusted(&self, ip: IpAddr) -> bool {
        let ip = canonical(ip);
        self.settings
            .trusted_proxies
            .iter()
            .any(|net| net.contains(&ip))
    }

    /// Counts one request from `address` (when known) and `account` (when authenticated):
    /// `Err` names the first quota that ran out and when to retry.
    pub fn check(&self, address: Option<IpAddr>, account: Option<&str>) -> Result<(), Limited> {
        if !self.settings.enabled {
            return Ok(());
        }
        self.prune();
        if let Some(ip) = address {
            check_key(&self.address, &canonical(ip), "address")?;
        }
        if let Some(sub) = account {
            check_key(&self.account, &sub.to_string(), "account")?;
        }
        Ok(())
    }

    /// Drops the keys whose quota is full again, when there are many, at most every
    /// [`PRUNE_EVERY_SECONDS`] (one request of the period does it).
    fn prune(&self) {
        let now = self.started.elapsed().as_secs();
        let last = self.pruned_at.load(Ordering::Relaxed);
        if now < last + PRUNE_EVERY_SECONDS {
            return;
        }
        let mine = self
            .pruned_at
            .compare_exchange(last, now, Ordering::Relaxed, Ordering::Relaxed);
        if mine.is_err() {
            return;
        }
        if self.address.len() > PRUNE_ABOVE {
            self.address.retain_recent();
        }
        if self.account.len() > PRUNE_ABOVE {
            self.account.retain_recent();
        }
    }
}

fn check_key<K>(
    limiter: &DefaultKeyedRateLimiter<K>,
    key: &K,
    scope: &'static str,
) -> Result<(), Limited>
where
    K: std::hash::Hash + Eq + Clone,
{
    limiter.check_key(key).map_err(|not_until| Limited {
        retry_after: not_until.wait_time_from(DefaultClock::default().now()),
        scope,
    })
}

/// An IPv4 address mapped into IPv6 counts as the IPv4 address.
fn canonical(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(ip, IpAddr::V4),
        v4 => v4,
    }
}

/// The subject of a valid SEP-10 token in an `Authorization` header value, or `None`
/// (no header, not a bearer token, invalid or expired token: the endpoint itself answers
/// those, and only the address quota applies).
pub fn account_of(settings: &Settings, authorization: Option<&str>) -> Option<String> {
    let token = bearer_token(authorization).ok()?;
    Sep10Claims::decode(settings, token).ok().map(|c| c.sub)
}

#[cfg(test)]
mod tests;
