//! Capability links: a transaction page URL carrying a signed token, so that whoever was
//! given the link (the wallet, the user) can open it, and nobody who merely knows the id.

use base64::Engine;
use hmac::{Hmac, Mac};
use sha2::Sha256;

use crate::settings::Settings;

/// How long a link stays valid after the transaction started: a year.
const LIFETIME_SECONDS: i64 = 365 * 24 * 3600;

fn mac(settings: &Settings, path: &str, id: &str, exp: i64) -> Hmac<Sha256> {
    let mut mac = Hmac::<Sha256>::new_from_slice(settings.jwt_key.expose().as_bytes())
        .expect("HMAC takes keys of any length");
    mac.update(format!("polaris-link\n{path}\n{id}\n{exp}").as_bytes());
    mac
}

/// The URL of the page at `path` (under `HOST_URL`) for transaction `id`, started at
/// `started`: `?id=<id>&token=<expiry>.<HMAC-SHA256 of path, id and expiry>`.
pub fn sign(settings: &Settings, path: &str, id: &str, started: i64) -> String {
    let exp = started + LIFETIME_SECONDS;
    let tag = mac(settings, path, id, exp).finalize().into_bytes();
    let tag = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(tag);
    format!("{}?id={id}&token={exp}.{tag}", settings.url(path))
}

/// Whether `token` is a valid, unexpired link token of the page at `path` for transaction `id`.
pub fn verify(settings: &Settings, path: &str, id: &str, token: &str) -> bool {
    let Some((exp, tag)) = token.split_once('.') else {
        return false;
    };
    let Ok(exp) = exp.parse::<i64>() else {
        return false;
    };
    let Ok(tag) = base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(tag) else {
        return false;
    };
    exp > chrono::Utc::now().timestamp() && mac(settings, path, id, exp).verify_slice(&tag).is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_link_opens_its_own_page_and_transaction_only() {
        let s = crate::testing::settings(&[]);
        let now = chrono::Utc::now().timestamp();
        let url = sign(&s, "a/page", "tx1", now);
        let token = url.split("token=").nth(1).unwrap();
        assert!(url.starts_with(&format!("{}?id=tx1&token=", s.url("a/page"))));
        assert!(verify(&s, "a/page", "tx1", token));
        assert!(!verify(&s, "a/page", "tx2", token));
        assert!(!verify(&s, "b/page", "tx1", token));
        assert!(!verify(&s, "a/page", "tx1", "garbage"));
        let (exp, tag) = token.split_once('.').unwrap();
        let later = format!("{}.{tag}", exp.parse::<i64>().unwrap() + 1);
        assert!(!verify(&s, "a/page", "tx1", &later), "the expiry is signed");
        let old = sign(&s, "a/page", "tx1", now - LIFETIME_SECONDS - 3600);
        assert!(!verify(
            &s,
            "a/page",
            "tx1",
            old.split("token=").nth(1).unwrap()
        ));
    }
}
