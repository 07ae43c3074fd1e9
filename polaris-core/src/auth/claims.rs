//! The claims of the tokens this server issues.

use serde::{Deserialize, Serialize};

use super::AuthError;
use crate::settings::{Secret, Settings};
use crate::stellar::keys::Address;

/// The claims of a SEP-10 session token ([SEP-10 "Token"](https://github.com/stellar/stellar-protocol/blob/master/ecosystem/sep-0010.md#token)).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Sep10Claims {
    /// The issuer: this server's `WEB_AUTH_ENDPOINT` (`<HOST_URL>/auth`).
    pub iss: String,
    /// The authenticated principal: `G...`, `M...` or `G...:<memo>`.
    pub sub: String,
    /// Issued at (seconds since the epoch): the challenge's minimum time bound.
    pub iat: u64,
    /// Expiry (seconds since the epoch).
    pub exp: u64,
    /// A unique id: the hex hash of the challenge transaction.
    pub jti: String,
    /// The client domain whose key signed the challenge, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_domain: Option<String>,
}

/// The principal a SEP-10 token names, split into its parts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Subject {
    /// The Stellar account (`G...`); for a muxed account, the underlying one.
    pub account: String,
    /// The muxed account (`M...`), when the wallet authenticated one.
    pub muxed_account: Option<String>,
    /// The memo (type id) the wallet authenticated with, for shared `G...` accounts.
    pub memo: Option<u64>,
}

impl Subject {
    /// Builds the subject of an address and an optional memo (memos go with `G...` accounts only).
    pub fn new(address: &Address, memo: Option<u64>) -> Self {
        Self {
            account: address.account_id(),
            muxed_account: address.muxed_id().map(|_| address.to_string()),
            memo,
        }
    }

    /// The owner of the transactions this subject may see and change.
    pub fn owner(&self) -> crate::store::transactions::Owner {
        crate::store::transactions::Owner {
            account: self.account.clone(),
            memo: self.memo.map(|m| m.to_string()),
            muxed: self.muxed_account.clone(),
        }
    }

    /// Parses a `sub` claim: `G...`, `M...` or `G...:<u64 memo>`.
    pub fn parse(sub: &str) -> Result<Self, AuthError> {
        let bad = |why: &str| AuthError::Malformed(format!("'sub' claim {why}"));
        let (addr, memo) = match sub.split_once(':') {
            Some((a, m)) => (
                a,
                Some(
                    m.parse::<u64>()
                        .map_err(|_| bad("has a memo that is not a u64"))?,
                ),
            ),
            None => (sub, None),
        };
        let address = Address::parse(addr).map_err(|_| bad("is not a Stellar account"))?;
        if memo.is_some() && address.muxed_id().is_some() {
            return Err(bad("combines a muxed account and a memo"));
        }
        Ok(Self::new(&address, memo))
    }

    /// The `sub` claim for this subject.
    pub fn to_sub(&self) -> String {
        let memo = self.memo.map(|m| m.to_string());
        crate::model::user_key(
            &self.account,
            memo.as_deref(),
            self.muxed_account.as_deref(),
        )
    }
}

/// The issuer of SEP-10 tokens: this server's `WEB_AUTH_ENDPOINT`.
pub fn sep10_issuer(settings: &Settings) -> String {
    settings.url("auth")
}

impl Sep10Claims {
    /// Claims for `subject`, issued at `iat`, living `settings.sep10_jwt_expiration` seconds.
    pub fn new(
        settings: &Settings,
        subject: &Subject,
        iat: u64,
        jti: String,
        client_domain: Option<String>,
    ) -> Self {
        Self {
            iss: sep10_issuer(settings),
            sub: subject.to_sub(),
            iat,
            exp: iat.saturating_add(settings.sep10_jwt_expiration),
            jti,
            client_domain,
        }
    }

    /// The principal named by `sub`.
    pub fn subject(&self) -> Result<Subject, AuthError> {
        Subject::parse(&self.sub)
    }

    /// Signs the claims with `SERVER_JWT_KEY`.
    pub fn encode(&self, key: &Secret) -> Result<String, AuthError> {
        super::encode(key, self)
    }

    /// Verifies a SEP-10 token issued by this server and returns its claims.
    pub fn decode(settings: &Settings, token: &str) -> Result<Self, AuthError> {
        let claims: Self = super::decode(&settings.jwt_key, token, &sep10_issuer(settings))?;
        claims.subject()?;
        Ok(claims)
    }
}

/// The claims of the one-time token in a SEP-24 interactive URL.
///
/// This type only encodes and decodes; marking a token as used belongs to SEP-24.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InteractiveClaims {
    /// The issuer: the interactive endpoint's URL.
    pub iss: String,
    /// The account (`G...` or `M...`) the transaction belongs to.
    pub sub: String,
    /// Issued at (seconds since the epoch).
    pub iat: u64,
    /// Expiry: `iat + INTERACTIVE_JWT_EXPIRATION`.
    pub exp: u64,
    /// A unique id, for single-use bookkeeping.
    pub jti: String,
    /// The transaction the URL was made for.
    pub transaction_id: String,
    /// The memo the account authenticated with, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub memo: Option<String>,
}

impl InteractiveClaims {
    /// Claims for `transaction_id` of `account`, issued `now`, with a fresh random `jti`.
    pub fn new(
        settings: &Settings,
        interactive_url: &str,
        transaction_id: &str,
        account: &str,
        memo: Option<String>,
        now: u64,
    ) -> Self {
        Self {
            iss: interactive_url.to_string(),
            sub: account.to_string(),
            iat: now,
            exp: now.saturating_add(settings.interactive_jwt_expiration),
            jti: uuid::Uuid::new_v4().to_string(),
            transaction_id: transaction_id.to_string(),
            memo,
        }
    }

    /// Signs the claims with `SERVER_JWT_KEY`.
    pub fn encode(&self, key: &Secret) -> Result<String, AuthError> {
        super::encode(key, self)
    }

    /// Verifies an interactive token issued for `interactive_url` and returns its claims.
    pub fn decode(key: &Secret, token: &str, interactive_url: &str) -> Result<Self, AuthError> {
        super::decode(key, token, interactive_url)
    }
}
