//! SEP-10 routes: `GET /auth` and `POST /auth`. Glue only; the logic is in
//! [`polaris_core::sep10`].
//!
//! Mount with `App::new().app_data(web::Data::new(context)).configure(polaris_actix::sep10::configure)`.
//! Both routes answer CORS preflights and send `Access-Control-Allow-Origin: *`, errors
//! included, as SEP-10 requires. Bodies over [`MAX_BODY_BYTES`] get a 413. Both are rate
//! limited ([`crate::ratelimit`]).

use crate::error::HttpResult;
use actix_web::http::header::{AUTHORIZATION, CONTENT_TYPE};
use actix_web::middleware::from_fn;
use actix_web::{web, HttpRequest, HttpResponse};
use polaris_core::sep10::{get_auth, post_auth, MAX_BODY_BYTES};
use polaris_core::Context;

/// Registers `GET /auth` and `POST /auth` on `cfg`. Needs `web::Data<Context>` as app data.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(
        web::resource("/auth")
            .wrap(from_fn(crate::ratelimit::limit))
            .wrap(crate::cors::sep())
            .route(web::get().to(challenge))
            .route(web::post().to(token)),
    );
}

fn header(req: &HttpRequest, name: actix_web::http::header::HeaderName) -> Option<&str> {
    req.headers().get(name).and_then(|v| v.to_str().ok())
}

async fn challenge(ctx: web::Data<Context>, req: HttpRequest) -> HttpResult<HttpResponse> {
    let answer = get_auth(&ctx, req.query_string(), header(&req, AUTHORIZATION)).await?;
    Ok(HttpResponse::Ok().json(answer))
}

async fn token(
    ctx: web::Data<Context>,
    req: HttpRequest,
    payload: web::Payload,
) -> HttpResult<HttpResponse> {
    let body = crate::body::limited(payload, MAX_BODY_BYTES).await?;
    let answer = post_auth(&ctx, header(&req, CONTENT_TYPE), &body).await?;
    Ok(HttpResponse::Ok().json(answer))
}
