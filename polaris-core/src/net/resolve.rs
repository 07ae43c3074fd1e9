//! The DNS resolver of the guarded client: asynchronous (never on the blocking thread pool
//! the database store uses), time-limited, and refusing any answer with an address the
//! request may not connect to.

use std::net::{IpAddr, SocketAddr};
use std::time::Duration;

use hickory_resolver::TokioResolver;

use super::{ip, NetError};

/// The longest a host name lookup may take.
pub const DNS_TIMEOUT: Duration = Duration::from_secs(5);

/// A time-limited resolver that refuses hosts with a forbidden address.
#[derive(Clone)]
pub(super) struct GuardedResolver {
    resolver: TokioResolver,
    local_mode: bool,
}

impl GuardedResolver {
    /// A resolver reading the system's DNS configuration (`/etc/resolv.conf`, hosts file).
    pub(super) fn new(local_mode: bool) -> Result<Self, NetError> {
        let mut builder = TokioResolver::builder_tokio()
            .map_err(|e| NetError::Setup(format!("cannot read the DNS configuration: {e}")))?;
        builder.options_mut().timeout = DNS_TIMEOUT / 2;
        builder.options_mut().attempts = 2;
        Ok(Self {
            resolver: builder.build(),
            local_mode,
        })
    }

    /// The addresses of `host`, all allowed, or why not.
    pub(super) async fn lookup(&self, host: &str) -> Result<Vec<IpAddr>, NetError> {
        let found = tokio::time::timeout(DNS_TIMEOUT, self.resolver.lookup_ip(host))
            .await
            .map_err(|_| NetError::Timeout)?
            .map_err(|e| {
                tracing::debug!(host, error = %e, "DNS lookup failed");
                NetError::Unresolved
            })?;
        let addrs: Vec<IpAddr> = found.iter().collect();
        if addrs.is_empty() {
            return Err(NetError::Unresolved);
        }
        if let Some(refused) = ip::first_refused(&addrs, self.local_mode) {
            tracing::info!(host, address = %refused, "outgoing request to a forbidden address refused");
            return Err(NetError::Refused);
        }
        Ok(addrs)
    }
}

impl reqwest::dns::Resolve for GuardedResolver {
    fn resolve(&self, name: reqwest::dns::Name) -> reqwest::dns::Resolving {
        let this = self.clone();
        Box::pin(async move {
            let addrs = this.lookup(name.as_str()).await?;
            let addrs = addrs.into_iter().map(|ip| SocketAddr::new(ip, 0));
            Ok(Box::new(addrs) as reqwest::dns::Addrs)
        })
    }
}
