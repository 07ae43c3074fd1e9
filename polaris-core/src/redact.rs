//! Redaction of secrets from what is logged.
//!
//! Request URLs carry bearer secrets in their query: the SEP-24 one-time interactive
//! `token`, the year-long more-info link `token`, CSRF tokens, JWTs. Whoever reads the logs
//! must not be able to replay them, so [`redact_target`] replaces their values.

/// What a redacted value is replaced with.
pub const REDACTED: &str = "[redacted]";

/// Whether a query parameter named `name` carries a secret: `token` or any `*token`
/// (`csrf_token`, `access_token`), anything naming a JWT, a signature, a seed, a secret,
/// a password or a key.
pub fn is_secret_parameter(name: &str) -> bool {
    let name = name.to_ascii_lowercase();
    name.ends_with("token")
        || ["jwt", "signature", "seed", "secret", "password", "key"]
            .iter()
            .any(|word| name.contains(word))
}

/// `path?query` with the value of every secret parameter replaced by [`REDACTED`]; the
/// rest is kept byte for byte.
pub fn redact_target(target: &str) -> String {
    let Some((path, query)) = target.split_once('?') else {
        return target.to_string();
    };
    let pairs: Vec<String> = query
        .split('&')
        .map(|pair| {
            let (name, _) = pair.split_once('=').unwrap_or((pair, ""));
            let decoded: String = url::form_urlencoded::parse(name.as_bytes())
                .map(|(k, _)| k.into_owned())
                .next()
                .unwrap_or_default();
            if is_secret_parameter(&decoded) {
                format!("{name}={REDACTED}")
            } else {
                pair.to_string()
            }
        })
        .collect();
    format!("{path}?{}", pairs.join("&"))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Security finding 13: interactive and more-info tokens never reach the logs.
    #[test]
    fn tokens_are_redacted_from_logged_urls() {
        let logged = redact_target(
            "/sep24/transactions/deposit/webapp?transaction_id=t1&token=eyJhbGciOi.abc.def&lang=fr",
        );
        assert_eq!(
            logged,
            "/sep24/transactions/deposit/webapp?transaction_id=t1&token=[redacted]&lang=fr"
        );
        let logged = redact_target("/sep24/transaction/more_info?id=t1&token=secret-link");
        assert_eq!(
            logged,
            "/sep24/transaction/more_info?id=t1&token=[redacted]"
        );
        for name in ["csrf_token", "JWT", "access_token", "%74oken", "client_jwt"] {
            let logged = redact_target(&format!("/x?{name}=s3cr3t&a=1"));
            assert!(!logged.contains("s3cr3t"), "{logged}");
            assert!(logged.ends_with("&a=1"), "{logged}");
        }
    }

    #[test]
    fn other_targets_are_unchanged() {
        for target in [
            "/info",
            "/fee?asset_code=USDC&amount=10",
            "/x?",
            "/x?flag&a=b",
        ] {
            assert_eq!(redact_target(target), target);
        }
    }
}
