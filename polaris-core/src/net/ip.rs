//! Which IP addresses an outgoing request to a client-given URL may connect to.
//!
//! Outside `LOCAL_MODE` only public unicast addresses. In local mode loopback and private
//! (RFC 1918, unique local) addresses are allowed too, so that a wallet on the same machine
//! or network gets its callbacks; link-local, cloud metadata, shared (CGNAT) and the other
//! special ranges are refused in every mode.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

/// Whether `ip` is a public unicast address: not private, loopback, link-local,
/// shared (CGNAT), documentation, benchmarking, multicast, broadcast, reserved or unspecified.
pub fn is_public(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => is_public_v4(v4),
        IpAddr::V6(v6) => is_public_v6(v6),
    }
}

fn is_public_v4(ip: Ipv4Addr) -> bool {
    let [a, b, c, _] = ip.octets();
    !(ip.is_private()
        || ip.is_loopback()
        || ip.is_link_local()
        || ip.is_unspecified()
        || ip.is_broadcast()
        || ip.is_documentation()
        || ip.is_multicast()
        || a == 0
        || (a == 100 && (64..128).contains(&b))
        || (a == 192 && b == 0 && c == 0)
        || (a == 198 && (18..20).contains(&b))
        || a >= 240)
}

fn is_public_v6(ip: Ipv6Addr) -> bool {
    if let Some(v4) = ip.to_ipv4_mapped() {
        return is_public_v4(v4);
    }
    let seg = ip.segments();
    !(ip.is_loopback()
        || ip.is_unspecified()
        || ip.is_multicast()
        || (seg[0] & 0xfe00) == 0xfc00
        || (seg[0] & 0xffc0) == 0xfe80
        || (seg[0] == 0x2001 && seg[1] == 0x0db8)
        || (seg[0] == 0x0064 && seg[1] == 0xff9b)
        || seg[..6] == [0, 0, 0, 0, 0, 0])
}

/// The AWS IPv6 instance metadata address: inside the unique local range, never allowed.
const AWS_METADATA_V6: Ipv6Addr = Ipv6Addr::new(0xfd00, 0x0ec2, 0, 0, 0, 0, 0, 0x0254);

/// Whether `ip` is loopback or private (RFC 1918, unique local), metadata addresses excluded.
fn is_local(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => v4.is_loopback() || v4.is_private(),
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => is_local(IpAddr::V4(v4)),
            None => {
                v6.is_loopback() || ((v6.segments()[0] & 0xfe00) == 0xfc00 && v6 != AWS_METADATA_V6)
            }
        },
    }
}

/// Whether an outgoing request may connect to `ip`: public addresses always, loopback and
/// private ones only in `local_mode`, link-local and metadata addresses never.
pub fn is_allowed(ip: IpAddr, local_mode: bool) -> bool {
    is_public(ip) || (local_mode && is_local(ip))
}

/// The first address of `addrs` that may not be connected to, if any.
pub(super) fn first_refused(addrs: &[IpAddr], local_mode: bool) -> Option<IpAddr> {
    addrs
        .iter()
        .copied()
        .find(|ip| !is_allowed(*ip, local_mode))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn private_and_special_addresses_are_not_public() {
        for ip in [
            "127.0.0.1",
            "10.1.2.3",
            "172.16.0.1",
            "192.168.1.1",
            "169.254.169.254",
            "0.0.0.0",
            "100.64.0.1",
            "255.255.255.255",
            "224.0.0.1",
            "::1",
            "::",
            "fe80::1",
            "fd00::1",
            "::ffff:127.0.0.1",
            "::ffff:10.0.0.1",
            "2001:db8::1",
            "::127.0.0.1",
        ] {
            assert!(!is_public(ip.parse().unwrap()), "{ip} should not be public");
        }
        for ip in [
            "8.8.8.8",
            "1.1.1.1",
            "2606:4700:4700::1111",
            "::ffff:8.8.8.8",
        ] {
            assert!(is_public(ip.parse().unwrap()), "{ip} should be public");
        }
    }

    #[test]
    fn one_refused_answer_is_enough_to_refuse() {
        let addrs: Vec<IpAddr> = vec!["8.8.8.8".parse().unwrap(), "127.0.0.1".parse().unwrap()];
        assert!(first_refused(&addrs, false).is_some());
        assert!(first_refused(&addrs, true).is_none());
    }

    #[test]
    fn local_mode_allows_loopback_but_never_link_local_or_metadata() {
        for ip in ["127.0.0.1", "::1", "10.0.0.2", "192.168.1.9", "fd12::1"] {
            assert!(is_allowed(ip.parse().unwrap(), true), "{ip}");
            assert!(!is_allowed(ip.parse().unwrap(), false), "{ip}");
        }
        for ip in [
            "169.254.169.254",
            "fe80::1",
            "fd00:ec2::254",
            "100.100.100.200",
            "192.0.0.192",
            "0.0.0.0",
            "::",
            "224.0.0.1",
            "::ffff:169.254.169.254",
        ] {
            assert!(!is_allowed(ip.parse().unwrap(), true), "{ip}");
        }
    }
}
