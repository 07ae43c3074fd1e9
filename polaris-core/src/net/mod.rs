//! Outgoing HTTP requests to URLs a client gave: the one guarded client.
//!
//! A wallet decides where some of the anchor's requests go: the SEP-24 `callback` and
//! `on_change_callback`, the SEP-6 `on_change_callback`, the SEP-10 `client_domain`'s
//! stellar.toml. Each of them is a server-side request forgery risk, so every such request
//! goes through [`GuardedClient`], which:
//!
//! - accepts https only (http too in `LOCAL_MODE`) and no user name or password in the URL;
//! - resolves host names itself, asynchronously and within [`DNS_TIMEOUT`], and refuses a
//!   host if *any* of its addresses is forbidden (see [`is_allowed`]: outside local mode
//!   only public addresses; in local mode loopback and private ones too; link-local and
//!   cloud metadata addresses never). Literal IP hosts are checked the same way;
//! - connects only to the addresses it checked (the check is the resolver of the HTTP
//!   client, so there is no window between check and use);
//! - follows no redirect: a `3xx` answer is an error ([`NetError::Redirect`]);
//! - ignores proxy settings from the environment;
//! - stops after the caller's timeout and reads at most the caller's byte limit.
//!
//! Error texts are generic on purpose (no address, port or system message): they may reach
//! the client, and must not make the anchor a network scanner. Details go to the debug log.

use std::sync::{Arc, OnceLock};
use std::time::Duration;

use url::Url;

mod ip;
mod resolve;

pub use ip::{is_allowed, is_public};
pub use resolve::DNS_TIMEOUT;

/// Why an outgoing request was refused or failed. The texts are safe to show to clients.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NetError {
    /// Not an absolute URL with a host, or it carries credentials.
    #[error("the URL is not a valid absolute URL")]
    InvalidUrl,
    /// Not https (outside local mode), or not http(s) at all.
    #[error("the URL must use https (http only in local mode)")]
    NotHttps,
    /// The host is, or resolves to, an address the anchor may not connect to.
    #[error("the host is not allowed")]
    Refused,
    /// The host name has no address.
    #[error("the host cannot be resolved")]
    Unresolved,
    /// The lookup or the request took too long.
    #[error("the request timed out")]
    Timeout,
    /// The server answered a redirect, which is never followed.
    #[error("the server answered a redirect; redirects are not followed")]
    Redirect,
    /// The server answered another non-success status.
    #[error("the server answered status {0}")]
    Status(u16),
    /// The answer is larger than the caller's limit.
    #[error("the answer is larger than {0} bytes")]
    TooLarge(usize),
    /// The connection failed or broke.
    #[error("the connection failed")]
    Connection,
    /// The HTTP client cannot be set up (an operator problem, not the client's).
    #[error("cannot set up the HTTP client: {0}")]
    Setup(String),
}

/// How long a request may take and how much of its answer is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// The whole request, connection and answer included.
    pub timeout: Duration,
    /// The most bytes of the answer's body read.
    pub max_bytes: usize,
}

/// Checks a client-given URL before any request: absolute http(s) with a host, https only
/// outside `local_mode`, no credentials, and a literal IP host must be allowed.
pub fn check_url(url: &str, local_mode: bool) -> Result<Url, NetError> {
    let parsed = Url::parse(url).map_err(|_| NetError::InvalidUrl)?;
    match parsed.scheme() {
        "https" => {}
        "http" if local_mode => {}
        _ => return Err(NetError::NotHttps),
    }
    if !parsed.username().is_empty() || parsed.password().is_some() {
        return Err(NetError::InvalidUrl);
    }
    let literal = match parsed.host() {
        None => return Err(NetError::InvalidUrl),
        Some(url::Host::Ipv4(v4)) => Some(std::net::IpAddr::V4(v4)),
        Some(url::Host::Ipv6(v6)) => Some(std::net::IpAddr::V6(v6)),
        Some(url::Host::Domain(_)) => None,
    };
    match literal {
        Some(ip) if !is_allowed(ip, local_mode) => Err(NetError::Refused),
        _ => Ok(parsed),
    }
}

/// The HTTP client for client-given URLs; see the [module docs](self).
#[derive(Debug, Clone)]
pub struct GuardedClient {
    client: reqwest::Client,
    local_mode: bool,
}

impl GuardedClient {
    /// The client of `local_mode`, built once per process and mode.
    pub fn shared(local_mode: bool) -> Result<Self, NetError> {
        static CLIENTS: [OnceLock<Result<reqwest::Client, NetError>>; 2] =
            [OnceLock::new(), OnceLock::new()];
        let client = CLIENTS[usize::from(local_mode)]
            .get_or_init(|| build_client(local_mode))
            .clone()?;
        Ok(Self { client, local_mode })
    }

    /// `GET url`: the body of a `2xx` answer.
    pub async fn get(&self, url: &str, limits: Limits) -> Result<Vec<u8>, NetError> {
        let url = check_url(url, self.local_mode)?;
        self.send(self.client.get(url), limits).await
    }

    /// `POST url` with `body` and `headers`: the body of a `2xx` answer.
    pub async fn post(
        &self,
        url: &str,
        headers: &[(&str, &str)],
        body: String,
        limits: Limits,
    ) -> Result<Vec<u8>, NetError> {
        let url = check_url(url, self.local_mode)?;
        let mut request = self.client.post(url).body(body);
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        self.send(request, limits).await
    }

    async fn send(
        &self,
        request: reqwest::RequestBuilder,
        limits: Limits,
    ) -> Result<Vec<u8>, NetError> {
        let work = async {
            let mut response = request.send().await.map_err(|e| classify(&e))?;
            let status = response.status();
            if status.is_redirection() {
                return Err(NetError::Redirect);
            }
            if !status.is_success() {
                return Err(NetError::Status(status.as_u16()));
            }
            read_capped(&mut response, limits.max_bytes).await
        };
        tokio::time::timeout(limits.timeout, work)
            .await
            .map_err(|_| NetError::Timeout)?
    }
}

async fn read_capped(response: &mut reqwest::Response, max: usize) -> Result<Vec<u8>, NetError> {
    if response.content_length().is_some_and(|n| n > max as u64) {
        return Err(NetError::TooLarge(max));
    }
    let mut body = Vec::new();
    while let Some(chunk) = response.chunk().await.map_err(|e| classify(&e))? {
        if body.len() + chunk.len() > max {
            return Err(NetError::TooLarge(max));
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

/// The [`NetError`] behind a transport error: the resolver's refusal when it is one.
fn classify(e: &reqwest::Error) -> NetError {
    if e.is_timeout() {
        return NetError::Timeout;
    }
    let mut cause: Option<&(dyn std::error::Error + 'static)> = Some(e);
    while let Some(c) = cause {
        if let Some(net) = c.downcast_ref::<NetError>() {
            return net.clone();
        }
        cause = c.source();
    }
    tracing::debug!(error = ?e, "outgoing request failed");
    NetError::Connection
}

fn build_client(local_mode: bool) -> Result<reqwest::Client, NetError> {
    let resolver = resolve::GuardedResolver::new(local_mode)?;
    reqwest::Client::builder()
        .no_proxy()
        .https_only(!local_mode)
        .redirect(reqwest::redirect::Policy::none())
        .dns_resolver(Arc::new(resolver))
        .connect_timeout(Duration::from_secs(5))
        .user_agent("polaris-rs")
        .build()
        .map_err(|e| NetError::Setup(e.to_string()))
}

#[cfg(test)]
mod tests;
