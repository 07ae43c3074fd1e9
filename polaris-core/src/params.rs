//! Request parameters of the SEP endpoints: a query string or form body, parsed into
//! typed values with errors that name the parameter.

use std::collections::HashMap;
use std::str::FromStr;

use rust_decimal::Decimal;

use crate::error::ApiError;
use crate::stellar::keys::Address;
use crate::stellar::memo::Memo;

/// Decoded `name=value` pairs; [`Params::get`] of a repeated name gives its last value,
/// [`Params::list`] all of them.
#[derive(Debug, Clone, Default)]
pub struct Params {
    last: HashMap<String, String>,
    pairs: Vec<(String, String)>,
}

impl Params {
    /// Parses a URL-encoded query string or form body.
    pub fn parse(encoded: &str) -> Self {
        let pairs: Vec<(String, String)> = url::form_urlencoded::parse(encoded.as_bytes())
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect();
        Self {
            last: pairs.iter().cloned().collect(),
            pairs,
        }
    }

    /// Wraps already decoded pairs.
    pub fn from_map(map: HashMap<String, String>) -> Self {
        Self {
            pairs: map.iter().map(|(k, v)| (k.clone(), v.clone())).collect(),
            last: map,
        }
    }

    /// The value of `name`, if present and not empty.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.last
            .get(name)
            .map(String::as_str)
            .filter(|v| !v.trim().is_empty())
    }

    /// Every value of `name`, whether the name is repeated (`kind=a&kind=b`) or its values
    /// are separated by commas (`kind=a,b`), trimmed, empty ones left out, in order.
    pub fn list(&self, name: &str) -> Vec<&str> {
        self.pairs
            .iter()
            .filter(|(k, _)| k == name)
            .flat_map(|(_, v)| v.split(','))
            .map(str::trim)
            .filter(|v| !v.is_empty())
            .collect()
    }

    /// Every pair (a repeated name with its last value).
    pub fn all(&self) -> &HashMap<String, String> {
        &self.last
    }

    /// The value of `name`, or a 400 saying it is required.
    pub fn required(&self, name: &str) -> Result<&str, ApiError> {
        self.get(name)
            .ok_or_else(|| ApiError::bad_request(format!("{name} is required")))
    }

    /// `name` parsed as `T`, or a 400 saying what was expected.
    pub fn parsed<T: FromStr>(&self, name: &str, expected: &str) -> Result<Option<T>, ApiError> {
        self.get(name)
            .map(|v| {
                v.trim().parse().map_err(|_| {
                    ApiError::bad_request(format!("{name} must be {expected}, got '{v}'"))
                })
            })
            .transpose()
    }

    /// A positive decimal amount.
    pub fn amount(&self, name: &str) -> Result<Option<Decimal>, ApiError> {
        match self.parsed::<Decimal>(name, "a decimal number")? {
            Some(a) if a <= Decimal::ZERO => {
                Err(ApiError::bad_request(format!("{name} must be positive")))
            }
            other => Ok(other),
        }
    }

    /// `true` or `false` (default false).
    pub fn flag(&self, name: &str) -> Result<bool, ApiError> {
        match self.get(name).map(str::to_ascii_lowercase).as_deref() {
            None | Some("false") => Ok(false),
            Some("true") => Ok(true),
            Some(other) => Err(ApiError::bad_request(format!(
                "{name} must be true or false, got '{other}'"
            ))),
        }
    }

    /// A Stellar account (`G...` or `M...`).
    pub fn address(&self, name: &str) -> Result<Option<Address>, ApiError> {
        self.get(name)
            .map(|v| Address::parse(v).map_err(|e| ApiError::bad_request(format!("{name}: {e}"))))
            .transpose()
    }

    /// `memo` and `memo_type` together (type defaults to `text`).
    pub fn memo(&self, memo: &str, memo_type: &str) -> Result<Option<Memo>, ApiError> {
        let kind = self.get(memo_type);
        match (self.get(memo), kind) {
            (None, None) => Ok(None),
            (None, Some(_)) => Err(ApiError::bad_request(format!(
                "{memo_type} given without {memo}"
            ))),
            (Some(value), kind) => {
                let kind = kind.unwrap_or("text");
                if !["text", "id", "hash"].contains(&kind) {
                    return Err(ApiError::bad_request(format!(
                        "{memo_type} must be text, id or hash, got '{kind}'"
                    )));
                }
                Memo::parse(kind, value)
                    .map(Some)
                    .map_err(|e| ApiError::bad_request(format!("{memo}: {e}")))
            }
        }
    }

    /// An optional URL the anchor will POST to, checked by [`crate::net::check_url`]:
    /// https (http too in `local_mode`), no credentials, no forbidden literal address.
    pub fn callback_url(&self, name: &str, local_mode: bool) -> Result<Option<String>, ApiError> {
        self.get(name)
            .map(|v| match crate::net::check_url(v, local_mode) {
                Ok(_) => Ok(v.to_string()),
                Err(e) => Err(ApiError::bad_request(format!("{name} is refused: {e}"))),
            })
            .transpose()
    }
}

/// The raw parts of an HTTP request that a SEP endpoint reads, as every web framework has
/// them: the undecoded query string and the `Authorization` header. Each SEP's endpoint
/// functions take one and answer a value or an [`ApiError`] carrying the SEP's status and body.
#[derive(Debug, Clone, Copy, Default)]
pub struct RawRequest<'a> {
    /// The query string, still URL-encoded (without the `?`).
    pub query: &'a str,
    /// The value of the `Authorization` header, if any.
    pub authorization: Option<&'a str>,
}

/// A request's verified SEP-10 token.
#[derive(Debug, Clone)]
pub struct Authenticated {
    /// The token's claims.
    pub claims: crate::auth::Sep10Claims,
    /// The authenticated account, muxed account and memo.
    pub subject: crate::auth::Subject,
}

impl RawRequest<'_> {
    /// The decoded query parameters.
    pub fn params(&self) -> Params {
        Params::parse(self.query)
    }

    /// The verified SEP-10 token of `Authorization: Bearer <token>`; each SEP turns the
    /// refusal into its own status and body.
    pub fn authenticate(
        &self,
        settings: &crate::Settings,
    ) -> Result<Authenticated, crate::auth::AuthError> {
        let token = crate::auth::bearer_token(self.authorization)?;
        let claims = crate::auth::Sep10Claims::decode(settings, token)?;
        let subject = claims.subject()?;
        Ok(Authenticated { claims, subject })
    }
}

/// The JSON body of a request whose `Content-Type` is `application/json` (or `...+json`).
pub fn json_body(content_type: Option<&str>, body: &[u8]) -> Result<serde_json::Value, ApiError> {
    let essence = content_type
        .and_then(|t| t.split(';').next())
        .map(|t| t.trim().to_ascii_lowercase())
        .unwrap_or_default();
    if essence != "application/json" && !essence.ends_with("+json") {
        return Err(ApiError::bad_request(
            "expected a JSON body (Content-Type: application/json)",
        ));
    }
    serde_json::from_slice(body)
        .map_err(|e| ApiError::bad_request(format!("invalid JSON body: {e}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_raw_request_authenticates_its_bearer_token() {
        let settings = crate::testing::settings(&[]);
        let account = crate::stellar::KeyPair::random().public_key().to_string();
        let header = format!(
            "Bearer {}",
            crate::testing::token(&settings, &account, None)
        );
        let raw = RawRequest {
            query: "asset_code=USDC&lang=",
            authorization: Some(&header),
        };
        let who = raw.authenticate(&settings).map(|a| a.subject.account);
        assert_eq!(who.ok(), Some(account));
        assert_eq!(raw.params().get("asset_code"), Some("USDC"));
        assert_eq!(raw.params().get("lang"), None);
        for authorization in [None, Some("Bearer nope"), Some("Basic x")] {
            let raw = RawRequest {
                query: "",
                authorization,
            };
            assert!(raw.authenticate(&settings).is_err(), "{authorization:?}");
        }
    }

    #[test]
    fn a_json_body_needs_its_content_type() {
        let ok = json_body(Some("application/json; charset=utf-8"), br#"{"a": 1}"#);
        assert_eq!(ok.ok(), Some(serde_json::json!({"a": 1})));
        assert!(json_body(Some("application/merge-patch+json"), b"{}").is_ok());
        let refused = json_body(Some("text/plain"), b"{}").unwrap_err();
        assert_eq!(
            refused.body["error"],
            "expected a JSON body (Content-Type: application/json)"
        );
        assert!(json_body(None, b"{}").is_err());
        assert_eq!(
            json_body(Some("application/json"), b"{")
                .unwrap_err()
                .status,
            400
        );
    }

    /// Security finding 2: an `on_change_callback` to a metadata address is refused at intake.
    #[test]
    fn callback_urls_to_forbidden_hosts_are_refused() {
        let p = Params::parse(
            "cb=https%3A%2F%2F169.254.169.254%2F&local=http%3A%2F%2F127.0.0.1%3A9%2F",
        );
        for local_mode in [false, true] {
            let err = p.callback_url("cb", local_mode).unwrap_err();
            assert_eq!(err.body["error"], "cb is refused: the host is not allowed");
        }
        assert!(p.callback_url("local", false).is_err());
        assert!(p.callback_url("local", true).unwrap().is_some());
        assert_eq!(p.callback_url("absent", false).unwrap(), None);
    }

    #[test]
    fn errors_name_the_parameter() {
        let p = Params::parse("amount=abc&memo=x&memo_type=id&flag=maybe&neg=-1");
        assert_eq!(
            p.required("asset_code").unwrap_err().body["error"],
            "asset_code is required"
        );
        assert!(p.amount("amount").unwrap_err().body["error"]
            .as_str()
            .unwrap()
            .starts_with("amount "));
        assert!(p.amount("neg").is_err());
        assert!(p.memo("memo", "memo_type").unwrap_err().body["error"]
            .as_str()
            .unwrap()
            .starts_with("memo:"));
        assert!(p.flag("flag").is_err());
        assert!(!p.flag("absent").unwrap());
    }

    #[test]
    fn memos_parse_by_type() {
        let p = Params::parse("memo=18446744073709551615&memo_type=id");
        assert_eq!(
            p.memo("memo", "memo_type").unwrap(),
            Some(Memo::Id(u64::MAX))
        );
        let p = Params::parse("memo=hello");
        assert_eq!(
            p.memo("memo", "memo_type").unwrap(),
            Some(Memo::Text("hello".into()))
        );
        let p = Params::parse("memo_type=id");
        assert!(p.memo("memo", "memo_type").is_err());
        let p = Params::parse("memo=x&memo_type=return");
        assert!(p.memo("memo", "memo_type").is_err());
    }
}
