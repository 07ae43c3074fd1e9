//! The SEP-6 endpoints over the raw parts of a request ([`RawRequest`]): what a web frontend
//! calls, then writes the answer or the [`ApiError`] (its status and SEP body) as it is.
//!
//! Protected endpoints refuse a missing or bad token with 403
//! `{"type": "authentication_required"}`, as SEP-6 specifies, before reading anything else.

use std::sync::Arc;

use serde_json::Value;

use crate::auth::Subject;
use crate::context::Context;
use crate::error::ApiError;
use crate::params::{json_body, RawRequest};

fn authenticate(ctx: &Context, raw: &RawRequest<'_>) -> Result<Subject, ApiError> {
    raw.authenticate(&ctx.settings)
        .map(|a| a.subject)
        .map_err(|_| crate::sep24::authentication_required())
}

/// `GET /sep6/info`, as JSON text.
pub async fn get_info(ctx: &Context, raw: &RawRequest<'_>) -> Result<Arc<str>, ApiError> {
    super::info_text(ctx, &raw.params()).await
}

/// `GET /sep6/fee`.
pub async fn get_fee(ctx: &Context, raw: &RawRequest<'_>) -> Result<Value, ApiError> {
    super::fee(ctx, &raw.params()).await
}

/// `GET /sep6/deposit`.
pub async fn get_deposit(ctx: &Context, raw: &RawRequest<'_>) -> Result<Value, ApiError> {
    let subject = authenticate(ctx, raw)?;
    super::deposit(ctx, &subject, &raw.params()).await
}

/// `GET /sep6/withdraw`.
pub async fn get_withdraw(ctx: &Context, raw: &RawRequest<'_>) -> Result<Value, ApiError> {
    let subject = authenticate(ctx, raw)?;
    super::withdraw(ctx, &subject, &raw.params()).await
}

/// `GET /sep6/deposit-exchange`.
pub async fn get_deposit_exchange(ctx: &Context, raw: &RawRequest<'_>) -> Result<Value, ApiError> {
    let subject = authenticate(ctx, raw)?;
    super::deposit_exchange(ctx, &subject, &raw.params()).await
}

/// `GET /sep6/withdraw-exchange`.
pub async fn get_withdraw_exchange(ctx: &Context, raw: &RawRequest<'_>) -> Result<Value, ApiError> {
    let subject = authenticate(ctx, raw)?;
    super::withdraw_exchange(ctx, &subject, &raw.params()).await
}

/// `GET /sep6/transactions`.
pub async fn get_transactions(ctx: &Context, raw: &RawRequest<'_>) -> Result<Value, ApiError> {
    let subject = authenticate(ctx, raw)?;
    super::transactions(ctx, &subject, &raw.params()).await
}

/// `GET /sep6/transaction`.
pub async fn get_transaction(ctx: &Context, raw: &RawRequest<'_>) -> Result<Value, ApiError> {
    let subject = authenticate(ctx, raw)?;
    super::transaction(ctx, &subject, &raw.params()).await
}

/// `GET /sep6/transaction/more_info`: an HTML page (the signed link authorizes it).
pub async fn get_more_info(ctx: &Context, raw: &RawRequest<'_>) -> Result<String, ApiError> {
    super::more_info_page(ctx, &raw.params()).await
}

/// `PATCH /sep6/transactions/{id}` with the `Content-Type` header value and the body.
pub async fn patch_transaction(
    ctx: &Context,
    raw: &RawRequest<'_>,
    id: &str,
    content_type: Option<&str>,
    body: &[u8],
) -> Result<Value, ApiError> {
    let subject = authenticate(ctx, raw)?;
    let body = json_body(content_type, body)?;
    super::patch_transaction(ctx, &subject, id, &body).await
}
