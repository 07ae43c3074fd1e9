//! The SEP-10 endpoints over a [`Context`]: what a web frontend calls with the raw request parts.

use super::{
    challenge, parse_token_request, token, ChallengeRequest, ChallengeResponse, Sep10Error,
    TokenResponse, TomlFetcher,
};
use crate::context::Context;
use crate::error::ApiError;

impl From<Sep10Error> for ApiError {
    fn from(e: Sep10Error) -> Self {
        match e {
            Sep10Error::BadRequest(m) => ApiError::bad_request(m),
            Sep10Error::Unauthorized(m) => ApiError::unauthorized(m),
            Sep10Error::Forbidden(m) => ApiError::new(403, m),
            Sep10Error::Unavailable(m) => ApiError::unavailable(m),
            Sep10Error::Internal(m) => ApiError::internal(m),
        }
    }
}

fn now() -> u64 {
    chrono::Utc::now().timestamp().max(0) as u64
}

/// `GET /auth` with the raw query string and `Authorization` header value.
pub async fn get_auth(
    ctx: &Context,
    query: &str,
    authorization: Option<&str>,
) -> Result<ChallengeResponse, ApiError> {
    let request = ChallengeRequest::from_query(query);
    let fetcher = TomlFetcher::from_settings(&ctx.settings)?;
    let answer = challenge(&ctx.settings, &fetcher, &request, authorization, now()).await?;
    ctx.metrics.challenge_issued();
    Ok(answer)
}

/// `POST /auth` with the `Content-Type` header value and the body (JSON or form).
///
/// Used challenges are recorded in the context's store, shared by every instance.
pub async fn post_auth(
    ctx: &Context,
    content_type: Option<&str>,
    body: &[u8],
) -> Result<TokenResponse, ApiError> {
    let transaction = parse_token_request(content_type, body)?;
    let answer = token(
        &ctx.settings,
        ctx.horizon.as_ref(),
        &ctx.store,
        &transaction,
        now(),
    )
    .await?;
    ctx.metrics.token_issued();
    Ok(answer)
}
