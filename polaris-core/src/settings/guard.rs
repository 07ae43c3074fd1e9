//! Refuses `LOCAL_MODE` where it could only be a production deployment.
//!
//! Local mode generates keys, allows http, drops the `Secure` cookie flag and lets
//! callbacks reach loopback addresses. None of that may reach real money, so local mode is
//! refused with the public network's passphrase, and with an https `HOST_URL` whose host is
//! a public name (anything but loopback, private addresses, `localhost` and the names
//! reserved for tests and documentation).

use std::net::IpAddr;

use url::{Host, Url};

use super::SettingsError;
use crate::stellar::envelope::PUBLIC_PASSPHRASE;

/// Fails when `local_mode` is on together with the public network or a public https host.
pub(super) fn refuse_local_in_production(
    local_mode: bool,
    passphrase: &str,
    host_url: &Url,
) -> Result<(), SettingsError> {
    if !local_mode {
        return Ok(());
    }
    if passphrase == PUBLIC_PASSPHRASE {
        return Err(SettingsError::new(
            "LOCAL_MODE",
            "must be false on the public network (STELLAR_NETWORK_PASSPHRASE is the public one)",
        ));
    }
    if host_url.scheme() == "https" && is_public(host_url) {
        return Err(SettingsError::new(
            "LOCAL_MODE",
            format!(
                "must be false for a public HOST_URL ({host_url}); local mode is for development on this machine"
            ),
        ));
    }
    Ok(())
}

/// Whether `url`'s host is reachable as a public name or address.
fn is_public(url: &Url) -> bool {
    match url.host() {
        Some(Host::Ipv4(ip)) => public_ip(IpAddr::V4(ip)),
        Some(Host::Ipv6(ip)) => public_ip(IpAddr::V6(ip)),
        Some(Host::Domain(name)) => !reserved_name(&name.to_ascii_lowercase()),
        None => false,
    }
}

fn public_ip(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => !(v4.is_loopback() || v4.is_private() || v4.is_link_local()),
        IpAddr::V6(v6) => !(v6.is_loopback() || (v6.segments()[0] & 0xfe00) == 0xfc00),
    }
}

/// `localhost` and the names RFC 2606 / RFC 6761 reserve for tests and examples, plus
/// the usual private suffixes.
fn reserved_name(name: &str) -> bool {
    const EXACT: [&str; 4] = ["localhost", "example.com", "example.net", "example.org"];
    const SUFFIXES: [&str; 9] = [
        ".localhost",
        ".example.com",
        ".example.net",
        ".example.org",
        ".example",
        ".test",
        ".invalid",
        ".local",
        ".internal",
    ];
    EXACT.contains(&name) || SUFFIXES.iter().any(|s| name.ends_with(s))
}
