//! SEP-24 routes: `/sep24/info`, `/sep24/fee`, the interactive start endpoints and the
//! transaction read endpoints. Glue only: each handler hands the raw request parts to
//! [`polaris_core::sep24::endpoints`] and writes its answer; errors become responses in
//! [`crate::error`].

use actix_web::middleware::from_fn;
use actix_web::{web, HttpRequest, HttpResponse};
use polaris_core::model::Kind;
use polaris_core::sep24::endpoints;
use polaris_core::Context;

use crate::body;
use crate::error::{raw, HttpResult};

/// Mounts the SEP-24 API routes under `/sep24`.
pub fn configure(cfg: &mut web::ServiceConfig) {
    let api = |path: &str, route: actix_web::Route| {
        web::resource(path).wrap(crate::cors::sep()).route(route)
    };
    // Starting a transaction creates a row: rate limited, CORS outermost so a 429 has it.
    let limited = |path: &str, route: actix_web::Route| {
        web::resource(path)
            .wrap(from_fn(crate::ratelimit::limit))
            .wrap(crate::cors::sep())
            .route(route)
    };
    cfg.service(api("/sep24/info", web::get().to(info)))
        .service(api("/sep24/fee", web::get().to(fee)))
        .service(limited(
            "/sep24/transactions/deposit/interactive",
            web::post().to(deposit),
        ))
        .service(limited(
            "/sep24/transactions/withdraw/interactive",
            web::post().to(withdraw),
        ))
        .service(api("/sep24/transactions", web::get().to(transactions)))
        .service(api("/sep24/transaction", web::get().to(transaction)));
}

fn json_text(text: impl Into<String>) -> HttpResponse {
    HttpResponse::Ok()
        .content_type("application/json")
        .body(text.into())
}

async fn info(ctx: web::Data<Context>) -> HttpResult {
    Ok(json_text(endpoints::get_info(&ctx).await?.to_string()))
}

async fn fee(ctx: web::Data<Context>, req: HttpRequest) -> HttpResult {
    Ok(HttpResponse::Ok().json(endpoints::get_fee(&ctx, &raw(&req)).await?))
}

async fn start(ctx: &Context, req: HttpRequest, payload: web::Payload, kind: Kind) -> HttpResult {
    let who = endpoints::authenticate(ctx, &raw(&req))?;
    let (params, _files) = body::read(&req, payload).await?;
    let answer = endpoints::post_interactive(ctx, kind, &who, &params).await?;
    Ok(HttpResponse::Ok().json(answer))
}

async fn deposit(ctx: web::Data<Context>, req: HttpRequest, payload: web::Payload) -> HttpResult {
    start(&ctx, req, payload, Kind::Deposit).await
}

async fn withdraw(ctx: web::Data<Context>, req: HttpRequest, payload: web::Payload) -> HttpResult {
    start(&ctx, req, payload, Kind::Withdrawal).await
}

async fn transactions(ctx: web::Data<Context>, req: HttpRequest) -> HttpResult {
    Ok(json_text(
        endpoints::get_transactions(&ctx, &raw(&req)).await?,
    ))
}

async fn transaction(ctx: web::Data<Context>, req: HttpRequest) -> HttpResult {
    Ok(HttpResponse::Ok().json(endpoints::get_transaction(&ctx, &raw(&req)).await?))
}
