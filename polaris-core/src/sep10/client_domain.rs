//! Client attribution: fetching a client domain's `SIGNING_KEY` from its stellar.toml.
//!
//! The domain comes from the wallet, so fetching it is a server-side request forgery risk.
//! The fetch goes through the shared [`GuardedClient`]: https only
//! outside `LOCAL_MODE`, hosts resolving to a forbidden address refused (checked on the DNS
//! answer the HTTP client connects to), an asynchronous time-limited lookup, no redirects,
//! no proxy settings, at most `SEP10_CLIENT_ATTRIBUTION_REQUEST_TIMEOUT` seconds and
//! [`MAX_TOML_BYTES`]. Errors name the domain, never an address or port.

use std::net::IpAddr;
use std::time::Duration;

use async_trait::async_trait;

use super::Sep10Error;
use crate::net::{GuardedClient, Limits, NetError};
use crate::settings::Settings;

pub use crate::net::is_public;

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
    client: GuardedClient,
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
        let client = GuardedClient::shared(settings.local_mode)
            .map_err(|e| Sep10Error::Internal(e.to_string()))?;
        Ok(Self {
            client,
            local_mode: settings.local_mode,
            timeout: Duration::from_secs(settings.sep10_client_attribution_request_timeout),
        })
    }

    async fn fetch(&self, domain: &str) -> Result<String, Sep10Error> {
        split_domain(domain)?;
        let scheme = if self.local_mode { "http" } else { "https" };
        let url = format!("{scheme}://{domain}/.well-known/stellar.toml");
        let limits = Limits {
            timeout: self.timeout,
            max_bytes: MAX_TOML_BYTES,
        };
        let body = self.client.get(&url, limits).await.map_err(|e| match e {
            NetError::Setup(m) => Sep10Error::Internal(m),
            e => bad(format!(
                "cannot fetch the stellar.toml of client_domain {domain}: {e}"
            )),
        })?;
        String::from_utf8(body).map_err(|_| {
            bad(format!(
                "the stellar.toml of client_domain {domain} is not UTF-8 text"
            ))
        })
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
