//! The optional `Authorization` header of `GET /auth` (SEP-10 3.4, "Request Header").
//!
//! A wallet may sign its challenge request: an EdDSA JWT signed by the client domain's
//! `SIGNING_KEY` when `client_domain` is given, by the client account's key otherwise,
//! whose `web_auth_endpoint` claim names this endpoint and whose other claims repeat
//! the request's parameters. An invalid header is a 400.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use serde_json::{Map, Value};

use super::{ChallengeRequest, Sep10Error};
use crate::auth::LEEWAY_SECONDS;
use crate::settings::Settings;

fn bad(message: impl Into<String>) -> Sep10Error {
    Sep10Error::BadRequest(format!("invalid Authorization header: {}", message.into()))
}

fn claim_text(value: &Value) -> Option<String> {
    match value {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

fn decode(token: &str, signer: &[u8; 32]) -> Result<Map<String, Value>, Sep10Error> {
    let header = jsonwebtoken::decode_header(token).map_err(|_| bad("not a JWT"))?;
    if header.alg != Algorithm::EdDSA {
        return Err(bad("the JWT must be signed with EdDSA (ed25519)"));
    }
    let key = DecodingKey::from_ed_components(&URL_SAFE_NO_PAD.encode(signer))
        .map_err(|_| bad("unusable key"))?;
    let mut validation = Validation::new(Algorithm::EdDSA);
    validation.leeway = LEEWAY_SECONDS;
    validation.set_required_spec_claims(&["exp", "iat"]);
    validation.validate_aud = false;
    jsonwebtoken::decode::<Map<String, Value>>(token, &key, &validation)
        .map(|d| d.claims)
        .map_err(|e| match e.kind() {
            jsonwebtoken::errors::ErrorKind::ExpiredSignature => bad("the JWT has expired"),
            jsonwebtoken::errors::ErrorKind::InvalidSignature => {
                bad("the JWT is not signed by the client domain's SIGNING_KEY or the account's key")
            }
            _ => bad(format!("the JWT is invalid ({e})")),
        })
}

/// Verifies the request JWT `token` against `request`, `signer` being the expected key.
pub fn verify_request_jwt(
    settings: &Settings,
    token: &str,
    request: &ChallengeRequest,
    signer: &[u8; 32],
) -> Result<(), Sep10Error> {
    let claims = decode(token, signer)?;
    let endpoint = settings.url("auth");
    if claims
        .get("web_auth_endpoint")
        .and_then(claim_text)
        .as_deref()
        != Some(endpoint.as_str())
    {
        return Err(bad(format!(
            "the 'web_auth_endpoint' claim must be {endpoint}"
        )));
    }
    let params = [
        ("account", &request.account),
        ("memo", &request.memo),
        ("home_domain", &request.home_domain),
        ("client_domain", &request.client_domain),
    ];
    for (name, value) in params {
        let Some(value) = value else { continue };
        if claims.get(name).and_then(claim_text).as_deref() != Some(value.as_str()) {
            return Err(bad(format!(
                "the '{name}' claim does not match the request"
            )));
        }
    }
    Ok(())
}
