//! SEP-10 Stellar Web Authentication, version 3.4
//! ([spec](https://github.com/stellar/stellar-protocol/blob/master/ecosystem/sep-0010.md)).
//!
//! * [`challenge`]: `GET /auth` builds a challenge transaction signed by `SIGNING_SEED`.
//! * [`read_challenge`] and [`verify_signers`]: the checks of `POST /auth`.
//! * [`token`]: `POST /auth` end to end: verify, mark the challenge used, issue the JWT.
//! * [`get_auth`] and [`post_auth`]: both endpoints over a [`Context`](crate::Context), for web frontends.
//! * [`client_domain`]: fetching a client domain's `SIGNING_KEY`, with a guard against
//!   requests to private networks.
//!
//! Everything a wallet can get wrong comes back as a [`Sep10Error`] value whose
//! [`status`](Sep10Error::status) and [`body`](Sep10Error::body) are the HTTP answer.

use serde::Serialize;

mod build;
pub mod client_domain;
mod endpoints;
mod flow;
mod request;
mod request_jwt;
mod used;
mod verify;

pub use build::{build_challenge, sign_challenge, ChallengeParams, ClientDomainAccount};
pub use client_domain::{ClientDomainKeys, TomlFetcher};
pub use endpoints::{get_auth, post_auth};
pub use flow::{challenge, token};
pub use request::{parse_token_request, ChallengeRequest, MAX_BODY_BYTES};
pub use request_jwt::verify_request_jwt;
pub use used::{MemoryUsedChallenges, UsedChallenges};
pub use verify::{read_challenge, verify_signers, Challenge};

/// The lifetime of a challenge: its time bounds span 15 minutes.
pub const CHALLENGE_LIFETIME_SECONDS: u64 = 900;

/// A refused SEP-10 request (or, for [`Sep10Error::Unavailable`], a fault on our side).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Sep10Error {
    /// 400: the request or the challenge is invalid; the message says why.
    #[error("{0}")]
    BadRequest(String),
    /// 401: authentication of the request itself is missing.
    #[error("{0}")]
    Unauthorized(String),
    /// 403: the request is understood but not allowed (e.g. a refused client domain).
    #[error("{0}")]
    Forbidden(String),
    /// 503: a service we depend on (Horizon, the store) failed; the wallet may retry.
    #[error("{0}")]
    Unavailable(String),
    /// 500: this server is misconfigured or broken; the message is for the operator.
    #[error("{0}")]
    Internal(String),
}

impl Sep10Error {
    /// Shorthand for a 400 with `message`.
    pub fn bad(message: impl Into<String>) -> Self {
        Self::BadRequest(message.into())
    }

    /// The HTTP status code of this error.
    pub fn status(&self) -> u16 {
        match self {
            Self::BadRequest(_) => 400,
            Self::Unauthorized(_) => 401,
            Self::Forbidden(_) => 403,
            Self::Unavailable(_) => 503,
            Self::Internal(_) => 500,
        }
    }

    /// The JSON body SEP-10 defines for errors: `{"error": "..."}`.
    pub fn body(&self) -> serde_json::Value {
        serde_json::json!({ "error": self.to_string() })
    }
}

/// The answer to `GET /auth`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ChallengeResponse {
    /// The challenge transaction envelope, base64 XDR.
    pub transaction: String,
    /// The network passphrase the wallet must sign with.
    pub network_passphrase: String,
}

/// The answer to `POST /auth`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TokenResponse {
    /// The session JWT.
    pub token: String,
}

#[cfg(test)]
mod tests;
