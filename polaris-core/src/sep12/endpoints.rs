//! The SEP-12 endpoints over the raw parts of a request ([`RawRequest`]) and its decoded
//! body: what a web frontend calls, then writes the answer or the [`ApiError`] as it is.
//!
//! A missing or bad token is refused with 401 `{"error": "..."}`, SEP-12's answer to a client
//! "not authenticated properly", before the body is read.

use std::collections::BTreeMap;

use serde_json::Value;

use crate::auth::Subject;
use crate::context::Context;
use crate::error::ApiError;
use crate::params::{Params, RawRequest};

/// The request's authenticated account, or SEP-12's 401. A frontend calls it before
/// reading a body.
pub fn authenticate(ctx: &Context, raw: &RawRequest<'_>) -> Result<Subject, ApiError> {
    raw.authenticate(&ctx.settings)
        .map(|a| a.subject)
        .map_err(|e| ApiError::unauthorized(e.to_string()))
}

/// `GET /kyc/customer`.
pub async fn get_customer(ctx: &Context, raw: &RawRequest<'_>) -> Result<Value, ApiError> {
    let subject = authenticate(ctx, raw)?;
    super::get_customer(ctx, &subject, &raw.params()).await
}

/// `PUT /kyc/customer` by `subject`, with the body's parameters and files.
pub async fn put_customer(
    ctx: &Context,
    subject: &Subject,
    body: &Params,
    files: BTreeMap<String, Vec<u8>>,
) -> Result<Value, ApiError> {
    let data = super::customer_data(body, files)?;
    super::put_customer(ctx, subject, body, &data).await
}

/// `PUT /kyc/customer/verification` by `subject`, with the body's parameters.
pub async fn put_verification(
    ctx: &Context,
    subject: &Subject,
    body: &Params,
) -> Result<Value, ApiError> {
    super::verify_customer(ctx, subject, body).await
}

/// `PUT /kyc/customer/callback` by `subject`, with the body's parameters.
pub async fn put_callback(ctx: &Context, subject: &Subject, body: &Params) -> Result<(), ApiError> {
    super::set_callback(ctx, subject, body).await
}

/// `DELETE /kyc/customer/{account}`.
pub async fn delete_customer(
    ctx: &Context,
    raw: &RawRequest<'_>,
    account: &str,
) -> Result<(), ApiError> {
    let subject = authenticate(ctx, raw)?;
    super::delete_customer(ctx, &subject, account, &raw.params()).await
}
