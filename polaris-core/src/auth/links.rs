//! Capability links: a transaction page URL carrying a signed token, so that whoever was
//! given the link (the wallet, the user) can open it, and nobody who merely knows the id.

use serde::{Deserialize, Serialize};

use crate::settings::Settings;

/// How long a link stays valid after the transaction started: a year.
const LIFETIME_SECONDS: i64 = 365 * 24 * 3600;

#[derive(Serialize, Deserialize)]
struct LinkClaims {
    iss: String,
    sub: String,
    exp: i64,
}

/// The URL of the page at `path` (under `HOST_URL`) for transaction `id`, started at `started`.
pub fn sign(settings: &Settings, path: &str, id: &str, started: i64) -> String {
    let iss = settings.url(path);
    let claims = LinkClaims {
        iss: iss.clone(),
        sub: id.to_string(),
        exp: started + LIFETIME_SECONDS,
    };
    let token = super::encode(&settings.jwt_key, &claims).unwrap_or_default();
    format!("{iss}?id={id}&token={token}")
}

/// Whether `token` is a valid link token of the page at `path` for transaction `id`.
pub fn verify(settings: &Settings, path: &str, id: &str, token: &str) -> bool {
    super::decode::<LinkClaims>(&settings.jwt_key, token, &settings.url(path))
        .is_ok_and(|c| c.sub == id)
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
        let old = sign(&s, "a/page", "tx1", now - LIFETIME_SECONDS - 3600);
        assert!(!verify(
            &s,
            "a/page",
            "tx1",
            old.split("token=").nth(1).unwrap()
        ));
    }
}
