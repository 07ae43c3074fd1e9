//! SEP-10 routes: `GET /auth` and `POST /auth`. Glue only; the logic is in
//! [`polaris_core::sep10`].
//!
//! Mount with `App::new().app_data(web::Data::new(context)).configure(polaris_actix::sep10::configure)`.
//! Both routes answer CORS preflights and send `Access-Control-Allow-Origin: *`, errors
//! included, as SEP-10 requires. Bodies over [`MAX_BODY_BYTES`] get a 413.

use actix_cors::Cors;
use actix_web::http::header::{AUTHORIZATION, CONTENT_TYPE};
use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use polaris_core::sep10::{get_auth, post_auth, MAX_BODY_BYTES};
use polaris_core::{ApiError, Context};
use serde::Serialize;

/// Registers `GET /auth` and `POST /auth` on `cfg`. Needs `web::Data<Context>` as app data.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(
        web::resource("/auth")
            .wrap(cors())
            .route(web::get().to(challenge))
            .route(web::post().to(token)),
    );
}

fn cors() -> Cors {
    Cors::default()
        .allow_any_origin()
        .send_wildcard()
        .allowed_methods(["GET", "POST"])
        .allow_any_header()
        .max_age(3600)
}

fn header(req: &HttpRequest, name: actix_web::http::header::HeaderName) -> Option<&str> {
    req.headers().get(name).and_then(|v| v.to_str().ok())
}

/// Turns a core result into JSON with the right status.
pub(crate) fn reply<T: Serialize>(result: Result<T, ApiError>) -> HttpResponse {
    match result {
        Ok(value) => HttpResponse::Ok().json(value),
        Err(e) => HttpResponse::build(
            StatusCode::from_u16(e.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
        )
        .json(e.body),
    }
}

fn context(req: &HttpRequest) -> Result<&Context, ApiError> {
    req.app_data::<web::Data<Context>>()
        .map(|d| d.get_ref())
        .ok_or_else(|| ApiError::internal("web::Data<Context> is not registered on the app"))
}

async fn challenge(req: HttpRequest) -> HttpResponse {
    let result = match context(&req) {
        Ok(ctx) => get_auth(ctx, req.query_string(), header(&req, AUTHORIZATION)).await,
        Err(e) => Err(e),
    };
    reply(result)
}

async fn read_body(payload: web::Payload) -> Result<web::Bytes, ApiError> {
    match payload.to_bytes_limited(MAX_BODY_BYTES).await {
        Ok(Ok(bytes)) => Ok(bytes),
        Ok(Err(e)) => Err(ApiError::bad_request(format!(
            "cannot read the request body: {e}"
        ))),
        Err(_) => Err(ApiError::too_large()),
    }
}

async fn token(req: HttpRequest, payload: web::Payload) -> HttpResponse {
    let body = match read_body(payload).await {
        Ok(body) => body,
        Err(e) => return reply::<()>(Err(e)),
    };
    let result = match context(&req) {
        Ok(ctx) => post_auth(ctx, header(&req, CONTENT_TYPE), &body).await,
        Err(e) => Err(e),
    };
    reply(result)
}
