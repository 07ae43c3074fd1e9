//! The SEP-38 endpoints over the raw parts of a request ([`RawRequest`]): what a web frontend
//! calls, then writes the answer or the [`ApiError`] (its status and SEP body) as it is.
//!
//! `POST /quote` and `GET /quote/:id` need a SEP-10 token; the other endpoints take one when
//! given (to personalize the answer). A missing token where one is needed, or a bad token
//! anywhere, is refused with 403 `{"error": "..."}`, as SEP-38 specifies.

use serde_json::{json, Value};

use crate::auth::Subject;
use crate::context::Context;
use crate::error::ApiError;
use crate::params::{json_body, RawRequest};

fn forbidden(e: crate::auth::AuthError) -> ApiError {
    ApiError::forbidden(json!({ "error": e.to_string() }))
}

/// The request's authenticated account, or SEP-38's 403.
pub fn authenticate(ctx: &Context, raw: &RawRequest<'_>) -> Result<Subject, ApiError> {
    raw.authenticate(&ctx.settings)
        .map(|a| a.subject)
        .map_err(forbidden)
}

/// The authenticated account when the request carries an `Authorization` header; a bad
/// token is still refused with SEP-38's 403.
pub fn authenticate_optional(
    ctx: &Context,
    raw: &RawRequest<'_>,
) -> Result<Option<Subject>, ApiError> {
    match raw.authorization {
        None => Ok(None),
        Some(_) => authenticate(ctx, raw).map(Some),
    }
}

/// `GET /sep38/info`.
pub async fn get_info(ctx: &Context, raw: &RawRequest<'_>) -> Result<Value, ApiError> {
    let client = authenticate_optional(ctx, raw)?;
    super::info(ctx, client.as_ref()).await
}

/// `GET /sep38/prices`.
pub async fn get_prices(ctx: &Context, raw: &RawRequest<'_>) -> Result<Value, ApiError> {
    let client = authenticate_optional(ctx, raw)?;
    super::prices(ctx, client.as_ref(), &raw.params()).await
}

/// `GET /sep38/price`.
pub async fn get_price(ctx: &Context, raw: &RawRequest<'_>) -> Result<Value, ApiError> {
    let client = authenticate_optional(ctx, raw)?;
    super::price(ctx, client.as_ref(), &raw.params()).await
}

/// `POST /sep38/quote` with the `Content-Type` header value and the body; the frontend
/// answers 201 with the value.
pub async fn post_quote(
    ctx: &Context,
    raw: &RawRequest<'_>,
    content_type: Option<&str>,
    body: &[u8],
) -> Result<Value, ApiError> {
    let subject = authenticate(ctx, raw)?;
    let body = json_body(content_type, body)?;
    super::post_quote(ctx, &subject, &body).await
}

/// `GET /sep38/quote/{id}`.
pub async fn get_quote(ctx: &Context, raw: &RawRequest<'_>, id: &str) -> Result<Value, ApiError> {
    let subject = authenticate(ctx, raw)?;
    super::get_quote(ctx, &subject, id).await
}
