//! SEP-12 routes under `/kyc`. Glue only; the logic is in [`polaris_core::sep12`].

use actix_web::{web, HttpRequest, HttpResponse};
use polaris_core::params::Params;
use polaris_core::{sep12, Context};

use crate::auth::Sep12Token;
use crate::body;
use crate::error::HttpResult;

/// Mounts the SEP-12 routes. Needs `web::Data<Context>` as app data.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(
        web::scope("/kyc")
            .wrap(crate::cors::sep())
            .route("/customer", web::get().to(get_customer))
            .route("/customer", web::put().to(put_customer))
            .route("/customer/verification", web::put().to(verify_customer))
            .route("/customer/callback", web::put().to(set_callback))
            .route("/customer/{account}", web::delete().to(delete_customer)),
    );
}

async fn get_customer(ctx: web::Data<Context>, token: Sep12Token, req: HttpRequest) -> HttpResult {
    let params = Params::parse(req.query_string());
    let body = sep12::get_customer(&ctx, &token.subject, &params).await?;
    Ok(HttpResponse::Ok().json(body))
}

async fn put_customer(
    ctx: web::Data<Context>,
    token: Sep12Token,
    req: HttpRequest,
    payload: web::Payload,
) -> HttpResult {
    let (params, files) = body::read(&req, payload).await?;
    let files = files.into_iter().map(|(k, f)| (k, f.data)).collect();
    let data = sep12::customer_data(&params, files)?;
    let answer = sep12::put_customer(&ctx, &token.subject, &params, &data).await?;
    Ok(HttpResponse::Accepted().json(answer))
}

async fn verify_customer(
    ctx: web::Data<Context>,
    token: Sep12Token,
    req: HttpRequest,
    payload: web::Payload,
) -> HttpResult {
    let (params, _) = body::read(&req, payload).await?;
    let answer = sep12::verify_customer(&ctx, &token.subject, &params).await?;
    Ok(HttpResponse::Ok().json(answer))
}

async fn set_callback(
    ctx: web::Data<Context>,
    token: Sep12Token,
    req: HttpRequest,
    payload: web::Payload,
) -> HttpResult {
    let (params, _) = body::read(&req, payload).await?;
    sep12::set_callback(&ctx, &token.subject, &params).await?;
    Ok(HttpResponse::Ok().finish())
}

async fn delete_customer(
    ctx: web::Data<Context>,
    token: Sep12Token,
    account: web::Path<String>,
    req: HttpRequest,
) -> HttpResult {
    let params = Params::parse(req.query_string());
    sep12::delete_customer(&ctx, &token.subject, &account, &params).await?;
    Ok(HttpResponse::Ok().finish())
}
