use std::net::IpAddr;

use super::*;
use crate::auth::Subject;
use crate::stellar::keys::KeyPair;
use crate::testing::settings;

fn ip(s: &str) -> IpAddr {
    s.parse().unwrap()
}

#[test]
fn an_address_is_refused_after_its_burst_and_another_is_not() {
    let limiter = RateLimiter::new(&settings(&[
        ("RATE_LIMIT_PER_ADDRESS_PER_MINUTE", "1"),
        ("RATE_LIMIT_PER_ADDRESS_BURST", "2"),
    ]));
    let a = Some(ip("203.0.113.7"));
    assert!(limiter.check(a, None).is_ok());
    assert!(limiter.check(a, None).is_ok());
    let refused = limiter.check(a, None).expect_err("over the burst");
    assert_eq!(refused.scope, "address");
    assert!((1..=60).contains(&refused.retry_after_seconds()));
    assert_eq!(refused.to_api_error().status, 429);
    assert!(limiter.check(Some(ip("203.0.113.8")), None).is_ok());
}

#[test]
fn an_account_has_its_own_quota_whatever_the_address() {
    let limiter = RateLimiter::new(&settings(&[("RATE_LIMIT_PER_ACCOUNT_BURST", "1")]));
    assert!(limiter.check(Some(ip("198.51.100.1")), Some("GA")).is_ok());
    let refused = limiter
        .check(Some(ip("198.51.100.2")), Some("GA"))
        .expect_err("same account");
    assert_eq!(refused.scope, "account");
    assert!(limiter.check(Some(ip("198.51.100.2")), Some("GB")).is_ok());
}

#[test]
fn disabled_limits_refuse_nothing() {
    let limiter = RateLimiter::new(&settings(&[
        ("RATE_LIMIT_ENABLED", "false"),
        ("RATE_LIMIT_PER_ADDRESS_BURST", "1"),
    ]));
    for _ in 0..5 {
        assert!(limiter.check(Some(ip("203.0.113.7")), None).is_ok());
    }
}

#[test]
fn forwarded_for_is_read_only_behind_a_trusted_proxy() {
    let limiter = RateLimiter::new(&settings(&[("TRUSTED_PROXIES", "10.0.0.0/8")]));
    let header = "1.1.1.1, 203.0.113.9, 10.0.0.2";
    // A proxy we trust: the right-most address that is not a proxy of ours.
    assert_eq!(
        limiter.client_address(Some(ip("10.0.0.1")), header),
        Some(ip("203.0.113.9"))
    );
    // A peer we do not trust: its header is ignored.
    assert_eq!(
        limiter.client_address(Some(ip("198.51.100.1")), header),
        Some(ip("198.51.100.1"))
    );
    // Garbage stops the walk at the last good hop.
    assert_eq!(
        limiter.client_address(Some(ip("10.0.0.1")), "nonsense"),
        Some(ip("10.0.0.1"))
    );
    assert_eq!(limiter.client_address(None, header), None);
}

#[test]
fn the_account_is_the_subject_of_a_valid_token_only() {
    let settings = settings(&[]);
    let account = KeyPair::random().public_key().to_string();
    let subject = Subject::parse(&account).unwrap();
    let now = chrono::Utc::now().timestamp() as u64;
    let claims = Sep10Claims::new(&settings, &subject, now, "jti".into(), None);
    let token = claims.encode(&settings.jwt_key).unwrap();
    let header = format!("Bearer {token}");
    assert_eq!(account_of(&settings, Some(&header)), Some(account));
    assert_eq!(account_of(&settings, Some("Bearer not-a-token")), None);
    assert_eq!(account_of(&settings, None), None);
}
