//! Unit tests of the URL checks; the network behaviour (redirects, forbidden answers) is
//! tested against live local servers in `polaris-actix/tests/security/web.rs`.

use super::*;

#[test]
fn only_https_outside_local_mode() {
    assert_eq!(
        check_url("http://wallet.example/cb", false),
        Err(NetError::NotHttps)
    );
    assert!(check_url("http://wallet.example/cb", true).is_ok());
    assert!(check_url("https://wallet.example/cb", false).is_ok());
    for bad in ["ftp://wallet.example/", "file:///etc/passwd", "gopher://x/"] {
        assert_eq!(check_url(bad, true), Err(NetError::NotHttps), "{bad}");
    }
}

#[test]
fn literal_forbidden_hosts_and_credentials_are_refused() {
    for url in [
        "https://169.254.169.254/latest/meta-data/",
        "https://[fe80::1]/",
        "https://[::ffff:169.254.169.254]/",
        "https://100.100.100.200/",
    ] {
        assert_eq!(check_url(url, true), Err(NetError::Refused), "{url}");
    }
    assert_eq!(
        check_url("https://127.0.0.1:8000/", false),
        Err(NetError::Refused)
    );
    assert!(check_url("http://127.0.0.1:8000/", true).is_ok());
    assert_eq!(
        check_url("https://user:pw@wallet.example/", false),
        Err(NetError::InvalidUrl)
    );
    assert_eq!(check_url("not a url", false), Err(NetError::InvalidUrl));
}

#[test]
fn error_texts_name_no_address_or_port() {
    for e in [
        NetError::Refused,
        NetError::Unresolved,
        NetError::Connection,
    ] {
        let text = e.to_string();
        assert!(!text.chars().any(|c| c.is_ascii_digit()), "{text}");
    }
}
