//! The SEP-24 API endpoints over the raw parts of a request ([`RawRequest`]): what a web
//! frontend calls, then writes the answer or the [`ApiError`] (its status and SEP body) as it
//! is. The interactive pages are in [`super::flow`] and [`super::pages`].
//!
//! Protected endpoints refuse a missing or bad token with 403
//! `{"type": "authentication_required"}`, as SEP-24 specifies, before reading anything else.

use std::sync::Arc;

use serde_json::Value;

use crate::context::Context;
use crate::error::ApiError;
use crate::model::Kind;
use crate::params::{Authenticated, Params, RawRequest};

/// The request's verified token, or SEP-24's 403 `{"type": "authentication_required"}`.
/// A frontend calls it before reading a start request's body.
pub fn authenticate(ctx: &Context, raw: &RawRequest<'_>) -> Result<Authenticated, ApiError> {
    raw.authenticate(&ctx.settings)
        .map_err(|_| super::authentication_required())
}

/// `GET /sep24/info`, as JSON text.
pub async fn get_info(ctx: &Context) -> Result<Arc<str>, ApiError> {
    super::info_text(ctx).await
}

/// `GET /sep24/fee` (authenticated, as `/info` announces).
pub async fn get_fee(ctx: &Context, raw: &RawRequest<'_>) -> Result<Value, ApiError> {
    authenticate(ctx, raw)?;
    super::fee(ctx, &raw.params()).await
}

/// `POST /sep24/transactions/{deposit,withdraw}/interactive`, by the client `who` (see
/// [`authenticate`]), with the body's parameters (JSON, form or multipart).
pub async fn post_interactive(
    ctx: &Context,
    kind: Kind,
    who: &Authenticated,
    body: &Params,
) -> Result<Value, ApiError> {
    let request = super::StartRequest::from_params(body)?;
    let domain = who.claims.client_domain.clone();
    super::start(ctx, kind, &who.subject, domain, &request).await
}

/// `GET /sep24/transactions`, as JSON text.
pub async fn get_transactions(ctx: &Context, raw: &RawRequest<'_>) -> Result<String, ApiError> {
    let who = authenticate(ctx, raw)?;
    super::transactions(ctx, &who.subject, &raw.params()).await
}

/// `GET /sep24/transaction`.
pub async fn get_transaction(ctx: &Context, raw: &RawRequest<'_>) -> Result<Value, ApiError> {
    let who = authenticate(ctx, raw)?;
    super::transaction(ctx, &who.subject, &raw.params()).await
}
