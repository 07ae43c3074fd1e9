//! `GET /health` (liveness: no I/O) and `GET /ready` (readiness: database, migrations,
//! Horizon). Glue only; the checks are [`polaris_core::health`]'s.
//!
//! [`Polaris::configure`](crate::Polaris::configure) mounts both with the SEP routes:
//! at the root of the app, or under the base path with [`Polaris::scope`](crate::Polaris::scope)
//! (`/anchor/health` for `HOST_URL=https://example.com/anchor`).

use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use polaris_core::{health, Context};

/// Registers `GET /health` and `GET /ready`. Needs `web::Data<Context>` as app data.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/health", web::get().to(liveness))
        .route("/ready", web::get().to(readiness));
}

async fn liveness() -> HttpResponse {
    HttpResponse::Ok().json(health::liveness())
}

async fn readiness(ctx: web::Data<Context>) -> HttpResponse {
    let report = health::readiness(&ctx).await;
    let status =
        StatusCode::from_u16(report.status_code()).unwrap_or(StatusCode::SERVICE_UNAVAILABLE);
    HttpResponse::build(status)
        .insert_header(("Cache-Control", "no-store"))
        .json(report.to_json())
}
