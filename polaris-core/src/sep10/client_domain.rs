//! Client attribution: fetching a client domain's `SIGNING_KEY` from its stellar.toml.
//!
//! The domain comes from the wallet, so fetching it is a server-side request forgery risk.
//! Outside `LOCAL_MODE` the fetch uses https only, refuses hosts that resolve to any
//! private, loopback, link-local or otherwise non-public address (checked on every DNS
//! answer the HTTP client connects to, redirects included), ignores proxy settings,
//! stops after `SEP10_CLIENT_ATTRIBUTION_REQUEST_TIMEOUT` seconds and reads at most
//! [`MAX_TOML_BYTES`].

use std::net::{IpAddr, SocketAddr};
use std::sync::{Arc, OnceLock};
use std::time::Duration;

use async_trait::async_trait;

use super::Sep10Error;
use crate::settings::Settings;

mod ip;
pub use ip::is_public;

/// The largest stellar.toml read, in bytes.
pub const MAX_TOML_BYTES: usize = 100 * 1024;

/// Looks up the `SIGNING_KEY` of a client domain.
#[async_trait]
pub trait ClientDomainKeys: Send + Sync {
    /// The raw ed25519 `SIGNING_KEY` of `domain`; a 400 error when it cannot be obtained.
    async fn signing_key(&self, domain: &str) -> Result<[u8; 32], Sep10Error>;
}

/// Fetches `http(s)://<domain>/.well-known/stellar.toml` with the guards of this module.
#[derive(Debug, Clone)]
pub struct TomlFetcher {
    client: reqwest::Client,
    local_mode: bool,
    timeout: Duration,
}

fn bad(message: String) -> Sep10Error {
    Sep10Error::BadRequest(message)
}

impl TomlFetcher {
    /// A fetcher configured from `LOCAL_MODE` and `SEP10_CLIENT_ATTRIBUTION_REQUEST_TIMEOUT`.
    /// The HTTP client is shared by every fetcher of the same mode.
    pub fn from_settings(settings: &Settings) -> Result<Self, Sep10Error> {
        static CLIENTS: [OnceLock<Result<reqwest::Client, String>>; 2] =
            [OnceLock::new(), OnceLock::new()];
        let local = settings.local_mode;
        let client = CLIENTS[usize::from(local)]
            .get_or_init(|| build_client(local))
            .clone()
            .map_err(|e| Sep10Error::Internal(format!("cannot create the HTTP client: {e}")))?;
        Ok(Self {
            client,
            local_mode: local,
            timeout: Duration::from_secs(settings.sep10_client_attribution_request_timeout),
        })
    }

    async fn fetch(&self, domain: &str) -> Result<String, Sep10Error> {
        let (host, port) = split_domain(domain)?;
        check_resolves_public(&host, port.unwrap_or(443), self.local_mode).await?;
        let scheme = if self.local_mode { "http" } else { "https" };
        let url = format!("{scheme}://{domain}/.well-known/stellar.toml");
        let fail = |e: reqwest::Error| {
            bad(format!(
                "cannot fetch the stellar.toml of client_domain {domain}: {}",
                root_cause(&e)
            ))
        };
        let mut response = self
            .client
            .get(&url)
            .timeout(self.timeout)
            .send()
            .await
            .map_err(fail)?;
        if !response.status().is_success() {
            return Err(bad(format!("{url} answered {}", response.status())));
        }
        let mut body = Vec::new();
        while let Some(chunk) = response.chunk().await.map_err(fail)? {
            body.extend_from_slice(&chunk);
            if body.len() > MAX_TOML_BYTES {
                return Err(bad(format!("{url} is larger than {MAX_TOML_BYTES} bytes")));
            }
        }
        String::from_utf8(body).map_err(|_| bad(format!("{url} is not UTF-8 text")))
    }
}

#[async_trait]
impl ClientDomainKeys for TomlFetcher {
    async fn signing_key(&self, domain: &str) -> Result<[u8; 32], Sep10Error> {
        let text = self.fetch(domain).await?;
        signing_key_of(domain, &text)
    }
}

/// Reads `SIGNING_KEY` from the text of a stellar.toml.
pub fn signing_key_of(domain: &str, toml_text: &str) -> Result<[u8; 32], Sep10Error> {
    let table: toml::Table = toml_text.parse().map_err(|_| {
        bad(format!(
            "the stellar.toml of client_domain {domain} is not valid TOML"
        ))
    })?;
    let key = table
        .get("SIGNING_KEY")
        .and_then(|v| v.as_str())
        .ok_or_else(|| {
            bad(format!(
                "the stellar.toml of client_domain {domain} has no SIGNING_KEY"
            ))
        })?;
    stellar_strkey::ed25519::PublicKey::from_string(key)
        .map(|k| k.0)
        .map_err(|_| {
            bad(format!(
                "the SIGNING_KEY of client_domain {domain} is not a G... key"
            ))
        })
}

fn root_cause(e: &reqwest::Error) -> String {
    if e.is_timeout() {
        return "timed out".into();
    }
    let mut cause: &dyn std::error::Error = e;
    while let Some(next) = cause.source() {
        cause = next;
    }
    cause.to_string()
}

/// Splits `host[:port]`, refusing anything that is not a bare host name or IP address.
pub fn split_domain(domain: &str) -> Result<(String, Option<u16>), Sep10Error> {
    let invalid = || {
        bad(format!(
            "'client_domain' {domain} must be a host name such as wallet.example.com"
        ))
    };
    if domain.is_empty() || domain.len() > 253 + 6 {
        return Err(invalid());
    }
    let (host, port) = match domain.rsplit_once(':') {
        Some((h, p)) if !h.contains(':') => (h, Some(p.parse::<u16>().map_err(|_| invalid())?)),
        _ => (domain, None),
    };
    let label_ok = |l: &str| {
        !l.is_empty()
            && l.len() <= 63
            && !l.starts_with('-')
            && !l.ends_with('-')
            && l.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
    };
    if host.parse::<IpAddr>().is_err() && !host.split('.').all(label_ok) {
        return Err(invalid());
    }
    Ok((host.to_ascii_lowercase(), port))
}

/// Resolves `host` and refuses it if any address is not public (unless `local_mode`).
async fn check_resolves_public(host: &str, port: u16, local_mode: bool) -> Result<(), Sep10Error> {
    let addrs: Vec<SocketAddr> = match host.parse::<IpAddr>() {
        Ok(ip) => vec![SocketAddr::new(ip, port)],
        Err(_) => tokio::net::lookup_host((host, port))
            .await
            .map_err(|_| bad(format!("'client_domain' {host} cannot be resolved")))?
            .collect(),
    };
    ip::check_all(host, &addrs, local_mode).map_err(bad)
}

/// A DNS resolver for the HTTP client that refuses non-public answers.
struct GuardedResolver {
    local_mode: bool,
}

impl reqwest::dns::Resolve for GuardedResolver {
    fn resolve(&self, name: reqwest::dns::Name) -> reqwest::dns::Resolving {
        let local_mode = self.local_mode;
        Box::pin(async move {
            let host = name.as_str().to_string();
            let addrs: Vec<SocketAddr> =
                tokio::net::lookup_host((host.as_str(), 0)).await?.collect();
            ip::check_all(&host, &addrs, local_mode)?;
            Ok(Box::new(addrs.into_iter()) as reqwest::dns::Addrs)
        })
    }
}

fn redirect_policy(local_mode: bool) -> reqwest::redirect::Policy {
    reqwest::redirect::Policy::custom(move |attempt| {
        let url = attempt.url();
        if attempt.previous().len() >= 3 {
            return attempt.error("too many redirects");
        }
        if !local_mode && url.scheme() != "https" {
            return attempt.error("redirect to a non-https URL");
        }
        let literal = match url.host() {
            Some(url::Host::Ipv4(ip)) => Some(IpAddr::V4(ip)),
            Some(url::Host::Ipv6(ip)) => Some(IpAddr::V6(ip)),
            _ => None,
        };
        match literal {
            Some(ip) if !local_mode && !is_public(ip) => {
                attempt.error("redirect to a private address")
            }
            _ => attempt.follow(),
        }
    })
}

fn build_client(local_mode: bool) -> Result<reqwest::Client, String> {
    reqwest::Client::builder()
        .no_proxy()
        .https_only(!local_mode)
        .redirect(redirect_policy(local_mode))
        .dns_resolver(Arc::new(GuardedResolver { local_mode }))
        .connect_timeout(Duration::from_secs(5))
        .user_agent("polaris-rs")
        .build()
        .map_err(|e| e.to_string())
}
