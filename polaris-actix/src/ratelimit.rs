//! Rate limits on the endpoints that cost CPU or create rows: SEP-10's `GET /auth` and
//! `POST /auth`, SEP-24's interactive deposit and withdraw, SEP-6's `/deposit`,
//! `/withdraw` and their exchange variants, SEP-12's `PUT /kyc/customer`.
//!
//! Each such resource is wrapped with `from_fn(`[`limit`]`)`. The quotas and the client
//! address behind trusted proxies are [`polaris_core::ratelimit`]'s; this module only reads
//! the request parts and answers `429 Too Many Requests` with `Retry-After` (seconds) and a
//! SEP-shaped body, `{"error": "too many requests from this address: retry in 3 second(s)"}`.
//!
//! The limiter lives in the [`Polaris`](crate::Polaris) handle (app data
//! `web::Data<RateLimiter>`), shared by every worker; routes mounted without it are not
//! limited.

use actix_web::body::{EitherBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{HeaderValue, AUTHORIZATION, RETRY_AFTER};
use actix_web::middleware::Next;
use actix_web::{web, Error, ResponseError};
use polaris_core::ratelimit::{account_of, Limited, RateLimiter};
use polaris_core::Context;

use crate::error::HttpError;

/// The `X-Forwarded-For` header, read only when the peer is a trusted proxy.
pub const FORWARDED_FOR: &str = "x-forwarded-for";

/// The middleware: counts the request against its client address and, with a valid SEP-10
/// token, its account; over either quota, answers 429 without calling the handler.
pub async fn limit<B: MessageBody>(
    req: ServiceRequest,
    next: Next<B>,
) -> Result<ServiceResponse<EitherBody<B>>, Error> {
    let limiter = req.app_data::<web::Data<RateLimiter>>().cloned();
    let Some(limiter) = limiter.filter(|l| l.is_enabled()) else {
        return Ok(next.call(req).await?.map_into_left_body());
    };
    let ctx = req.app_data::<web::Data<Context>>().cloned();
    let address = limiter.client_address(req.peer_addr().map(|a| a.ip()), &forwarded_for(&req));
    let authorization = req
        .headers()
        .get(AUTHORIZATION)
        .and_then(|v| v.to_str().ok());
    let account = ctx
        .as_ref()
        .and_then(|c| account_of(&c.settings, authorization));
    match limiter.check(address, account.as_deref()) {
        Ok(()) => Ok(next.call(req).await?.map_into_left_body()),
        Err(limited) => {
            if let Some(ctx) = ctx {
                ctx.metrics.rate_limited(limited.scope);
            }
            Ok(req.into_response(too_many(&limited)).map_into_right_body())
        }
    }
}

/// Every `X-Forwarded-For` header of the request, joined in order.
fn forwarded_for(req: &ServiceRequest) -> String {
    req.headers()
        .get_all(FORWARDED_FOR)
        .filter_map(|v| v.to_str().ok())
        .collect::<Vec<_>>()
        .join(",")
}

fn too_many(limited: &Limited) -> actix_web::HttpResponse {
    let mut response = HttpError(limited.to_api_error()).error_response();
    response.headers_mut().insert(
        RETRY_AFTER,
        HeaderValue::from(limited.retry_after_seconds()),
    );
    response
}
