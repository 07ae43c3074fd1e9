//! SEP-38 routes under `/sep38`. Glue only: each handler hands the raw request parts to
//! [`polaris_core::sep38::endpoints`] and writes its answer; errors become responses in
//! [`crate::error`].

use actix_web::http::header::CONTENT_TYPE;
use actix_web::{web, HttpRequest, HttpResponse};
use polaris_core::sep38::endpoints;
use polaris_core::Context;

use crate::error::{raw, read_body, HttpResult};

/// Mounts the SEP-38 routes. Needs `web::Data<Context>` as app data.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(
        web::scope("/sep38")
            .wrap(crate::cors::sep())
            .route("/info", web::get().to(info))
            .route("/prices", web::get().to(prices))
            .route("/price", web::get().to(price))
            .route("/quote", web::post().to(post_quote))
            .route("/quote/{id}", web::get().to(get_quote)),
    );
}

async fn info(ctx: web::Data<Context>, req: HttpRequest) -> HttpResult {
    Ok(HttpResponse::Ok().json(endpoints::get_info(&ctx, &raw(&req)).await?))
}

async fn prices(ctx: web::Data<Context>, req: HttpRequest) -> HttpResult {
    Ok(HttpResponse::Ok().json(endpoints::get_prices(&ctx, &raw(&req)).await?))
}

async fn price(ctx: web::Data<Context>, req: HttpRequest) -> HttpResult {
    Ok(HttpResponse::Ok().json(endpoints::get_price(&ctx, &raw(&req)).await?))
}

async fn post_quote(
    ctx: web::Data<Context>,
    req: HttpRequest,
    payload: web::Payload,
) -> HttpResult {
    let body = read_body(payload).await?;
    let content_type = req
        .headers()
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok());
    let quote = endpoints::post_quote(&ctx, &raw(&req), content_type, &body).await?;
    Ok(HttpResponse::Created().json(quote))
}

async fn get_quote(ctx: web::Data<Context>, req: HttpRequest, id: web::Path<String>) -> HttpResult {
    Ok(HttpResponse::Ok().json(endpoints::get_quote(&ctx, &raw(&req), &id).await?))
}
