//! Operations settings: the metrics endpoint (`METRICS_ENABLED`, `METRICS_BIND`) and the
//! rate limits (`RATE_LIMIT_*`, `TRUSTED_PROXIES`).

use std::net::SocketAddr;

use ipnet::IpNet;

use super::{SettingsError, Source};

/// Where Prometheus metrics are served (see `docs/metrics.md`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct MetricsSettings {
    /// `METRICS_ENABLED`: serve `GET /metrics`. Default false.
    pub enabled: bool,
    /// `METRICS_BIND`: an address (`127.0.0.1:9100`) on which `serve` and the process
    /// commands serve `/metrics` on a listener of its own, and then not on the public
    /// routes. Setting it turns metrics on. Default: none.
    pub bind: Option<SocketAddr>,
}

impl MetricsSettings {
    /// Whether `/metrics` is served at all.
    pub fn is_enabled(&self) -> bool {
        self.enabled || self.bind.is_some()
    }

    /// Whether `/metrics` is served among the public routes (enabled, no `METRICS_BIND`).
    pub fn on_public_routes(&self) -> bool {
        self.enabled && self.bind.is_none()
    }
}

/// A quota: a sustained rate and the burst allowed above it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Quota {
    /// Requests per minute, sustained.
    pub per_minute: u32,
    /// Requests allowed at once before the rate applies.
    pub burst: u32,
}

/// The rate limits of the endpoints that cost CPU or create rows (see
/// `docs/configuration.md#rate-limits`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RateLimitSettings {
    /// `RATE_LIMIT_ENABLED`: limit at all. Default true.
    pub enabled: bool,
    /// `RATE_LIMIT_PER_ADDRESS_PER_MINUTE` and `RATE_LIMIT_PER_ADDRESS_BURST`: the quota of
    /// one client address. Default 300 per minute, burst 100.
    pub per_address: Quota,
    /// `RATE_LIMIT_PER_ACCOUNT_PER_MINUTE` and `RATE_LIMIT_PER_ACCOUNT_BURST`: the quota of
    /// one authenticated account (SEP-10 token subject). Default 120 per minute, burst 60.
    pub per_account: Quota,
    /// `TRUSTED_PROXIES`: addresses or networks (`10.0.0.1`, `10.0.0.0/8`) of the reverse
    /// proxies in front of the server, whose `X-Forwarded-For` header names the client.
    /// Default: none (the peer address is the client).
    pub trusted_proxies: Vec<IpNet>,
}

impl Default for RateLimitSettings {
    fn default() -> Self {
        Self {
            enabled: true,
            per_address: Quota {
                per_minute: 300,
                burst: 100,
            },
            per_account: Quota {
                per_minute: 120,
                burst: 60,
            },
            trusted_proxies: Vec::new(),
        }
    }
}

pub(super) fn metrics(src: &Source) -> Result<MetricsSettings, SettingsError> {
    let bind = src
        .get("METRICS_BIND")
        .map(|v| {
            v.parse().map_err(|_| {
                SettingsError::new(
                    "METRICS_BIND",
                    format!("expected an address and port such as 127.0.0.1:9100, got '{v}'"),
                )
            })
        })
        .transpose()?;
    Ok(MetricsSettings {
        enabled: src.flag("METRICS_ENABLED", false)?,
        bind,
    })
}

pub(super) fn rate_limits(src: &Source) -> Result<RateLimitSettings, SettingsError> {
    let defaults = RateLimitSettings::default();
    Ok(RateLimitSettings {
        enabled: src.flag("RATE_LIMIT_ENABLED", defaults.enabled)?,
        per_address: quota(
            src,
            "RATE_LIMIT_PER_ADDRESS_PER_MINUTE",
            "RATE_LIMIT_PER_ADDRESS_BURST",
            defaults.per_address,
        )?,
        per_account: quota(
            src,
            "RATE_LIMIT_PER_ACCOUNT_PER_MINUTE",
            "RATE_LIMIT_PER_ACCOUNT_BURST",
            defaults.per_account,
        )?,
        trusted_proxies: trusted_proxies(src)?,
    })
}

fn quota(
    src: &Source,
    rate: &'static str,
    burst: &'static str,
    default: Quota,
) -> Result<Quota, SettingsError> {
    let at_least_one = |name: &'static str, v: u32| match v {
        0 => Err(SettingsError::new(name, "must be at least 1")),
        v => Ok(v),
    };
    let per_minute = src.parse(rate, default.per_minute, "a number of requests per minute")?;
    let burst_v = src.parse(burst, default.burst, "a number of requests")?;
    Ok(Quota {
        per_minute: at_least_one(rate, per_minute)?,
        burst: at_least_one(burst, burst_v)?,
    })
}

fn trusted_proxies(src: &Source) -> Result<Vec<IpNet>, SettingsError> {
    src.list("TRUSTED_PROXIES")
        .iter()
        .map(|v| {
            v.parse::<IpNet>()
                .or_else(|_| v.parse::<std::net::IpAddr>().map(IpNet::from))
                .map_err(|_| {
                    SettingsError::new(
                        "TRUSTED_PROXIES",
                        format!("expected IP addresses or networks (10.0.0.0/8), got '{v}'"),
                    )
                })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::*;

    fn read<T>(
        pairs: &[(&str, &str)],
        f: fn(&Source) -> Result<T, SettingsError>,
    ) -> Result<T, SettingsError> {
        let map: HashMap<String, String> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        let lookup = move |name: &str| map.get(name).cloned();
        f(&Source(&lookup))
    }

    #[test]
    fn metrics_are_off_by_default_and_a_bind_address_turns_them_on_apart() {
        let off = read(&[], metrics).unwrap();
        assert!(!off.is_enabled());
        let public = read(&[("METRICS_ENABLED", "true")], metrics).unwrap();
        assert!(public.on_public_routes());
        let apart = read(&[("METRICS_BIND", "127.0.0.1:9100")], metrics).unwrap();
        assert!(apart.is_enabled() && !apart.on_public_routes());
        let bad = read(&[("METRICS_BIND", "localhost")], metrics).expect_err("no port");
        assert_eq!(bad.setting, "METRICS_BIND");
    }

    #[test]
    fn rate_limits_read_quotas_and_proxies() {
        let limits = read(
            &[
                ("RATE_LIMIT_PER_ADDRESS_PER_MINUTE", "10"),
                ("RATE_LIMIT_PER_ACCOUNT_BURST", "2"),
                ("TRUSTED_PROXIES", "10.0.0.1, 192.168.0.0/16"),
            ],
            rate_limits,
        )
        .unwrap();
        assert!(limits.enabled);
        assert_eq!(limits.per_address.per_minute, 10);
        assert_eq!(limits.per_account.burst, 2);
        assert_eq!(limits.trusted_proxies.len(), 2);
        let zero = read(&[("RATE_LIMIT_PER_ACCOUNT_BURST", "0")], rate_limits);
        assert_eq!(
            zero.expect_err("zero").setting,
            "RATE_LIMIT_PER_ACCOUNT_BURST"
        );
        let bad = read(&[("TRUSTED_PROXIES", "proxy.local")], rate_limits);
        assert_eq!(bad.expect_err("name").setting, "TRUSTED_PROXIES");
    }
}
