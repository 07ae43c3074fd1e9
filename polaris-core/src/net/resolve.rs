//! The DNS resolver of the guarded client: asynchronous (never on the blocking thread pool
//! the database store uses), time-limited, and refusing any answer with an address the
//! request may not connect to.

use std::net::{IpAddr, SocketAddr};
use std::time::Duration;

use hickory_resolver::name_server::TokioConnectionProvider;
use hickory_resolver::{ResolverBuilder, TokioResolver};

use super::{ip, NetError};

/// The longest a host name lookup may take.
pub const DNS_TIMEOUT: Duration = Duration::from_secs(5);

/// A time-limited resolver that refuses hosts with a forbidden address.
#[derive(Clone)]
pub(super) struct GuardedResolver {
    resolver: TokioResolver,
    local_mode: bool,
    timeout: Duration,
}

impl GuardedResolver {
    /// A resolver reading the system's DNS configuration (`/etc/resolv.conf`, hosts file).
    pub(super) fn new(local_mode: bool) -> Result<Self, NetError> {
        let builder = TokioResolver::builder_tokio()
            .map_err(|e| NetError::Setup(format!("cannot read the DNS configuration: {e}")))?;
        Ok(Self::from_builder(builder, local_mode, DNS_TIMEOUT))
    }

    fn from_builder(
        mut builder: ResolverBuilder<TokioConnectionProvider>,
        local_mode: bool,
        timeout: Duration,
    ) -> Self {
        builder.options_mut().timeout = timeout / 2;
        builder.options_mut().attempts = 2;
        Self {
            resolver: builder.build(),
            local_mode,
            timeout,
        }
    }

    /// The addresses of `host`, all allowed, or why not.
    pub(super) async fn lookup(&self, host: &str) -> Result<Vec<IpAddr>, NetError> {
        let found = tokio::time::timeout(self.timeout, self.resolver.lookup_ip(host))
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

#[cfg(test)]
mod tests {
    use super::*;
    use hickory_resolver::config::{NameServerConfigGroup, ResolverConfig};

    /// Security finding 11: a lookup needs no thread of the blocking pool (which the
    /// database store uses): it completes while that pool is fully taken.
    #[test]
    fn lookups_do_not_wait_for_the_blocking_pool() {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .max_blocking_threads(1)
            .build()
            .unwrap();
        rt.block_on(async {
            let resolver = GuardedResolver::new(true).unwrap();
            let (release, wait) = std::sync::mpsc::channel::<()>();
            let busy = tokio::task::spawn_blocking(move || {
                let _ = wait.recv_timeout(Duration::from_secs(10));
            });
            let found =
                tokio::time::timeout(Duration::from_secs(2), resolver.lookup("localhost")).await;
            release.send(()).unwrap();
            busy.await.unwrap();
            let addrs = found.expect("the lookup waited for the blocking pool");
            assert!(addrs.unwrap().iter().all(|ip| ip.is_loopback()));
        });
    }

    /// Security finding 11: a name server that never answers costs the time limit, no more.
    #[tokio::test]
    async fn a_silent_name_server_times_out() {
        let silent = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
        let port = silent.local_addr().unwrap().port();
        let servers =
            NameServerConfigGroup::from_ips_clear(&["127.0.0.1".parse().unwrap()], port, true);
        let config = ResolverConfig::from_parts(None, vec![], servers);
        let builder =
            TokioResolver::builder_with_config(config, TokioConnectionProvider::default());
        let limit = Duration::from_millis(400);
        let resolver = GuardedResolver::from_builder(builder, false, limit);
        let started = std::time::Instant::now();
        let found = resolver.lookup("wallet.example.com").await;
        assert!(
            matches!(found, Err(NetError::Timeout | NetError::Unresolved)),
            "{found:?}"
        );
        assert!(started.elapsed() < limit * 3, "{:?}", started.elapsed());
        drop(silent);
    }
}
