//! Parsing of the two SEP-10 requests: the `GET /auth` query and the `POST /auth` body.

use serde::Deserialize;

use super::build::ChallengeParams;
use super::Sep10Error;
use crate::settings::Settings;
use crate::stellar::keys::Address;

/// The largest `POST /auth` body accepted, in bytes. A challenge signed by 20 keys is ~3 KiB.
pub const MAX_BODY_BYTES: usize = 16 * 1024;

/// The query of `GET /auth`, as sent.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
pub struct ChallengeRequest {
    /// `account`: the client account, `G...` or `M...`.
    pub account: Option<String>,
    /// `memo`: an id memo (u64), only with `G...` accounts.
    pub memo: Option<String>,
    /// `home_domain`: one of `SEP10_HOME_DOMAINS`; the first is the default.
    pub home_domain: Option<String>,
    /// `client_domain`: the wallet's domain, for client attribution.
    pub client_domain: Option<String>,
}

impl ChallengeRequest {
    /// Parses a URL query string (`account=G...&memo=1`). Empty values count as absent.
    pub fn from_query(query: &str) -> Self {
        let mut req = Self::default();
        for (k, v) in url::form_urlencoded::parse(query.as_bytes()) {
            let v = Some(v.trim().to_string()).filter(|v| !v.is_empty());
            match k.as_ref() {
                "account" => req.account = v,
                "memo" => req.memo = v,
                "home_domain" => req.home_domain = v,
                "client_domain" => req.client_domain = v,
                _ => {}
            }
        }
        req
    }

    /// Checks the parameters against the spec and the settings.
    pub fn validate(&self, settings: &Settings) -> Result<ChallengeParams, Sep10Error> {
        let account = self
            .account
            .as_deref()
            .ok_or_else(|| Sep10Error::bad("'account' is required"))?;
        let address = Address::parse(account).map_err(|_| {
            Sep10Error::bad("'account' is not a valid Stellar account (G... or M...)")
        })?;
        if *address.key() == settings.signing_key.public_key_bytes() {
            return Err(Sep10Error::bad(
                "'account' is this server's SIGNING_KEY; authenticate with your own account",
            ));
        }
        let memo = self.memo.as_deref().map(parse_memo).transpose()?;
        if memo.is_some() && address.muxed_id().is_some() {
            return Err(Sep10Error::bad(
                "'memo' cannot be used with a muxed account (M...)",
            ));
        }
        Ok(ChallengeParams {
            address,
            memo,
            home_domain: home_domain(settings, self.home_domain.as_deref())?,
            client_domain: self.client_domain.clone(),
        })
    }
}

fn parse_memo(memo: &str) -> Result<u64, Sep10Error> {
    if memo.is_empty() || !memo.bytes().all(|b| b.is_ascii_digit()) {
        return Err(Sep10Error::bad(
            "'memo' must be an id memo: a whole number from 0 to 18446744073709551615",
        ));
    }
    memo.parse().map_err(|_| {
        Sep10Error::bad("'memo' must be an id memo: a whole number from 0 to 18446744073709551615")
    })
}

fn home_domain(settings: &Settings, asked: Option<&str>) -> Result<String, Sep10Error> {
    let Some(asked) = asked else {
        return settings
            .sep10_home_domains
            .first()
            .cloned()
            .ok_or_else(|| Sep10Error::Internal("SEP10_HOME_DOMAINS is empty".into()));
    };
    if settings.sep10_home_domains.iter().any(|d| d == asked) {
        Ok(asked.to_string())
    } else {
        Err(Sep10Error::bad(format!(
            "'home_domain' {asked} is not served here; expected one of: {}",
            settings.sep10_home_domains.join(", ")
        )))
    }
}

#[derive(Deserialize)]
struct TokenBody {
    transaction: Option<String>,
}

/// Extracts the `transaction` field of a `POST /auth` body, JSON or form-encoded.
pub fn parse_token_request(content_type: Option<&str>, body: &[u8]) -> Result<String, Sep10Error> {
    if body.len() > MAX_BODY_BYTES {
        return Err(Sep10Error::bad(format!(
            "request body larger than {MAX_BODY_BYTES} bytes"
        )));
    }
    let mime = content_type
        .unwrap_or("")
        .split(';')
        .next()
        .unwrap_or("")
        .trim();
    let is_json = mime.eq_ignore_ascii_case("application/json")
        || (mime.is_empty() && body.iter().find(|b| !b.is_ascii_whitespace()) == Some(&b'{'));
    let transaction = if is_json {
        serde_json::from_slice::<TokenBody>(body)
            .map_err(|_| {
                Sep10Error::bad(
                    "request body is not valid JSON of the form {\"transaction\": \"<XDR>\"}",
                )
            })?
            .transaction
    } else {
        url::form_urlencoded::parse(body)
            .find(|(k, _)| k == "transaction")
            .map(|(_, v)| v.into_owned())
    };
    transaction
        .map(|t| t.trim().to_string())
        .filter(|t| !t.is_empty())
        .ok_or_else(|| Sep10Error::bad("'transaction' is required"))
}
