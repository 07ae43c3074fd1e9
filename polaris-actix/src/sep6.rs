//! SEP-6 routes under `/sep6`. Glue only: each handler hands the raw request parts to
//! [`polaris_core::sep6::endpoints`] and writes its answer; errors become responses in
//! [`crate::error`].

use actix_web::http::header::CONTENT_TYPE;
use actix_web::middleware::from_fn;
use actix_web::{guard, web, HttpRequest, HttpResponse};
use polaris_core::sep6::endpoints;
use polaris_core::Context;

use crate::error::{raw, read_body, HttpResult};
use crate::ratelimit::limit;

/// A GET resource whose requests create transactions (wrapped with the rate limit of
/// [`crate::ratelimit`] by the caller).
fn limited(path: &str) -> actix_web::Resource {
    web::resource(path).guard(guard::Get())
}

/// Mounts the SEP-6 routes. Needs `web::Data<Context>` as app data.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(
        web::scope("/sep6")
            .wrap(crate::cors::sep())
            .route("/info", web::get().to(info))
            .route("/fee", web::get().to(fee))
            .service(
                limited("/deposit")
                    .wrap(from_fn(limit))
                    .route(web::get().to(deposit)),
            )
            .service(
                limited("/withdraw")
                    .wrap(from_fn(limit))
                    .route(web::get().to(withdraw)),
            )
            .service(
                limited("/deposit-exchange")
                    .wrap(from_fn(limit))
                    .route(web::get().to(deposit_exchange)),
            )
            .service(
                limited("/withdraw-exchange")
                    .wrap(from_fn(limit))
                    .route(web::get().to(withdraw_exchange)),
            )
            .route("/transactions", web::get().to(transactions))
            .route("/transaction", web::get().to(transaction))
            .route("/transaction/more_info", web::get().to(more_info))
            .route("/transactions/{id}", web::patch().to(patch)),
    );
}

fn json(body: serde_json::Value) -> HttpResponse {
    HttpResponse::Ok().json(body)
}

async fn info(ctx: web::Data<Context>, req: HttpRequest) -> HttpResult {
    let text = endpoints::get_info(&ctx, &raw(&req)).await?;
    Ok(HttpResponse::Ok()
        .content_type("application/json")
        .body(text.to_string()))
}

async fn fee(ctx: web::Data<Context>, req: HttpRequest) -> HttpResult {
    Ok(json(endpoints::get_fee(&ctx, &raw(&req)).await?))
}

async fn deposit(ctx: web::Data<Context>, req: HttpRequest) -> HttpResult {
    Ok(json(endpoints::get_deposit(&ctx, &raw(&req)).await?))
}

async fn withdraw(ctx: web::Data<Context>, req: HttpRequest) -> HttpResult {
    Ok(json(endpoints::get_withdraw(&ctx, &raw(&req)).await?))
}

async fn deposit_exchange(ctx: web::Data<Context>, req: HttpRequest) -> HttpResult {
    Ok(json(
        endpoints::get_deposit_exchange(&ctx, &raw(&req)).await?,
    ))
}

async fn withdraw_exchange(ctx: web::Data<Context>, req: HttpRequest) -> HttpResult {
    Ok(json(
        endpoints::get_withdraw_exchange(&ctx, &raw(&req)).await?,
    ))
}

async fn transactions(ctx: web::Data<Context>, req: HttpRequest) -> HttpResult {
    Ok(json(endpoints::get_transactions(&ctx, &raw(&req)).await?))
}

async fn transaction(ctx: web::Data<Context>, req: HttpRequest) -> HttpResult {
    Ok(json(endpoints::get_transaction(&ctx, &raw(&req)).await?))
}

async fn patch(
    ctx: web::Data<Context>,
    req: HttpRequest,
    id: web::Path<String>,
    payload: web::Payload,
) -> HttpResult {
    let body = read_body(payload).await?;
    let content_type = req
        .headers()
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok());
    let answer = endpoints::patch_transaction(&ctx, &raw(&req), &id, content_type, &body).await?;
    Ok(json(answer))
}

async fn more_info(ctx: web::Data<Context>, req: HttpRequest) -> HttpResult {
    let page = endpoints::get_more_info(&ctx, &raw(&req)).await?;
    Ok(HttpResponse::Ok()
        .content_type("text/html; charset=utf-8")
        .body(page))
}
