//! JSON Web Tokens issued by this server.
//!
//! * [`Sep10Claims`]: the session token of SEP-10 (`POST /auth`), sent back by wallets
//!   as `Authorization: Bearer <token>` on every protected endpoint.
//! * [`InteractiveClaims`]: the short-lived one-time token placed in SEP-24 interactive URLs.
//!
//! Both are signed with HMAC-SHA256 (`SERVER_JWT_KEY`). Decoding pins the algorithm to HS256
//! (so `alg: none` and asymmetric algorithms are refused), requires `exp`, checks the issuer
//! and uses an explicit leeway of [`LEEWAY_SECONDS`].

use jsonwebtoken::errors::ErrorKind;
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::de::DeserializeOwned;
use serde::Serialize;

use crate::settings::Secret;

mod claims;
pub mod links;
pub use claims::{InteractiveClaims, Sep10Claims, Subject};

/// Seconds of clock skew tolerated when checking `exp`: none.
pub const LEEWAY_SECONDS: u64 = 0;

/// Why a token was refused. The message tells the wallet what is wrong.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AuthError {
    /// No `Authorization` header, or not a `Bearer` one.
    #[error("missing 'Authorization: Bearer <token>' header")]
    Missing,
    /// The token is not a well-formed JWT, or its claims are not the expected ones.
    #[error("malformed token: {0}")]
    Malformed(String),
    /// The token has expired.
    #[error("token has expired")]
    Expired,
    /// The token was issued by someone else.
    #[error("token was not issued by this server")]
    WrongIssuer,
    /// The token is signed with another algorithm than HS256.
    #[error("token algorithm not accepted (only HS256)")]
    WrongAlgorithm,
    /// The signature does not match.
    #[error("token signature is invalid")]
    BadSignature,
    /// The token could not be created (a fault of the server, not of the wallet).
    #[error("could not create token: {0}")]
    Encoding(String),
}

impl From<jsonwebtoken::errors::Error> for AuthError {
    fn from(e: jsonwebtoken::errors::Error) -> Self {
        match e.kind() {
            ErrorKind::ExpiredSignature => AuthError::Expired,
            ErrorKind::InvalidIssuer => AuthError::WrongIssuer,
            ErrorKind::InvalidAlgorithm | ErrorKind::InvalidAlgorithmName => {
                AuthError::WrongAlgorithm
            }
            ErrorKind::InvalidSignature => AuthError::BadSignature,
            _ => AuthError::Malformed(e.to_string()),
        }
    }
}

/// Signs `claims` with HS256 and `key`.
pub fn encode<T: Serialize>(key: &Secret, claims: &T) -> Result<String, AuthError> {
    jsonwebtoken::encode(
        &Header::new(Algorithm::HS256),
        claims,
        &EncodingKey::from_secret(key.expose().as_bytes()),
    )
    .map_err(|e| AuthError::Encoding(e.to_string()))
}

/// Verifies an HS256 token signed with `key` and issued by `issuer`, and returns its claims.
///
/// `exp` is required and checked with [`LEEWAY_SECONDS`] of leeway.
pub fn decode<T: DeserializeOwned>(
    key: &Secret,
    token: &str,
    issuer: &str,
) -> Result<T, AuthError> {
    let header = jsonwebtoken::decode_header(token)?;
    if header.alg != Algorithm::HS256 {
        return Err(AuthError::WrongAlgorithm);
    }
    let mut validation = Validation::new(Algorithm::HS256);
    validation.leeway = LEEWAY_SECONDS;
    validation.set_issuer(&[issuer]);
    validation.set_required_spec_claims(&["exp", "iss", "sub"]);
    validation.validate_aud = false;
    let data = jsonwebtoken::decode::<T>(
        token,
        &DecodingKey::from_secret(key.expose().as_bytes()),
        &validation,
    )?;
    Ok(data.claims)
}

/// Takes the token out of an `Authorization` header value (`Bearer <token>`).
pub fn bearer_token(header: Option<&str>) -> Result<&str, AuthError> {
    let value = header.ok_or(AuthError::Missing)?.trim();
    let (scheme, token) = value.split_once(' ').ok_or(AuthError::Missing)?;
    let token = token.trim();
    if !scheme.eq_ignore_ascii_case("bearer") || token.is_empty() {
        return Err(AuthError::Missing);
    }
    Ok(token)
}

#[cfg(test)]
mod tests;
