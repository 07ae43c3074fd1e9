//! SEP-6 routes under `/sep6`. Glue only; the logic is in [`polaris_core::sep6`].
//!
//! Protected endpoints answer a missing or bad token with 403
//! `{"type": "authentication_required"}`, as SEP-6 specifies.

use actix_web::{web, HttpRequest, HttpResponse};
use polaris_core::params::Params;
use polaris_core::{sep6, Context};

use crate::auth::Sep24Token as Sep6Token;
use crate::error::HttpResult;

/// Mounts the SEP-6 routes. Needs `web::Data<Context>` as app data.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(
        web::scope("/sep6")
            .wrap(crate::cors::sep())
            .route("/info", web::get().to(info))
            .route("/fee", web::get().to(fee))
            .route("/deposit", web::get().to(deposit))
            .route("/withdraw", web::get().to(withdraw))
            .route("/transactions", web::get().to(transactions))
            .route("/transaction", web::get().to(transaction))
            .route("/transaction/more_info", web::get().to(more_info))
            .route("/transactions/{id}", web::patch().to(patch)),
    );
}

fn params(req: &HttpRequest) -> Params {
    Params::parse(req.query_string())
}

async fn info(ctx: web::Data<Context>, req: HttpRequest) -> HttpResult {
    let text = sep6::info_text(&ctx, &params(&req)).await?;
    Ok(HttpResponse::Ok()
        .content_type("application/json")
        .body(text.to_string()))
}

async fn fee(ctx: web::Data<Context>, req: HttpRequest) -> HttpResult {
    Ok(HttpResponse::Ok().json(sep6::fee(&ctx, &params(&req)).await?))
}

async fn deposit(ctx: web::Data<Context>, token: Sep6Token, req: HttpRequest) -> HttpResult {
    let body = sep6::deposit(&ctx, &token.subject, &params(&req)).await?;
    Ok(HttpResponse::Ok().json(body))
}

async fn withdraw(ctx: web::Data<Context>, token: Sep6Token, req: HttpRequest) -> HttpResult {
    let body = sep6::withdraw(&ctx, &token.subject, &params(&req)).await?;
    Ok(HttpResponse::Ok().json(body))
}

async fn transactions(ctx: web::Data<Context>, token: Sep6Token, req: HttpRequest) -> HttpResult {
    let body = sep6::transactions(&ctx, &token.subject, &params(&req)).await?;
    Ok(HttpResponse::Ok().json(body))
}

async fn transaction(ctx: web::Data<Context>, token: Sep6Token, req: HttpRequest) -> HttpResult {
    let body = sep6::transaction(&ctx, &token.subject, &params(&req)).await?;
    Ok(HttpResponse::Ok().json(body))
}

async fn patch(
    ctx: web::Data<Context>,
    token: Sep6Token,
    id: web::Path<String>,
    body: web::Json<serde_json::Value>,
) -> HttpResult {
    let answer = sep6::patch_transaction(&ctx, &token.subject, &id, &body).await?;
    Ok(HttpResponse::Ok().json(answer))
}

async fn more_info(ctx: web::Data<Context>, req: HttpRequest) -> HttpResult {
    let page = sep6::more_info_page(&ctx, &params(&req)).await?;
    Ok(HttpResponse::Ok()
        .content_type("text/html; charset=utf-8")
        .body(page))
}
