//! SEP-12 routes under `/kyc`. Glue only: each handler hands the raw request parts to
//! [`polaris_core::sep12::endpoints`] and writes its answer; errors become responses in
//! [`crate::error`].

use actix_web::middleware::from_fn;
use actix_web::{guard, web, HttpRequest, HttpResponse};
use polaris_core::sep12::endpoints;
use polaris_core::Context;

use crate::body;
use crate::error::{raw, HttpResult};

/// Mounts the SEP-12 routes. Needs `web::Data<Context>` as app data.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(
        web::scope("/kyc")
            .wrap(crate::cors::sep())
            .route("/customer", web::get().to(get_customer))
            .service(
                web::resource("/customer")
                    .guard(guard::Put())
                    .wrap(from_fn(crate::ratelimit::limit))
                    .route(web::put().to(put_customer)),
            )
            .route("/customer/verification", web::put().to(verify_customer))
            .route("/customer/callback", web::put().to(set_callback))
            .route("/customer/{account}", web::delete().to(delete_customer)),
    );
}

async fn get_customer(ctx: web::Data<Context>, req: HttpRequest) -> HttpResult {
    Ok(HttpResponse::Ok().json(endpoints::get_customer(&ctx, &raw(&req)).await?))
}

async fn put_customer(
    ctx: web::Data<Context>,
    req: HttpRequest,
    payload: web::Payload,
) -> HttpResult {
    let subject = endpoints::authenticate(&ctx, &raw(&req))?;
    let (params, files) = body::read(&req, payload).await?;
    let files = files.into_iter().map(|(k, f)| (k, f.data)).collect();
    let answer = endpoints::put_customer(&ctx, &subject, &params, files).await?;
    Ok(HttpResponse::Accepted().json(answer))
}

async fn verify_customer(
    ctx: web::Data<Context>,
    req: HttpRequest,
    payload: web::Payload,
) -> HttpResult {
    let subject = endpoints::authenticate(&ctx, &raw(&req))?;
    let (params, _) = body::read(&req, payload).await?;
    let answer = endpoints::put_verification(&ctx, &subject, &params).await?;
    Ok(HttpResponse::Ok().json(answer))
}

async fn set_callback(
    ctx: web::Data<Context>,
    req: HttpRequest,
    payload: web::Payload,
) -> HttpResult {
    let subject = endpoints::authenticate(&ctx, &raw(&req))?;
    let (params, _) = body::read(&req, payload).await?;
    endpoints::put_callback(&ctx, &subject, &params).await?;
    Ok(HttpResponse::Ok().finish())
}

async fn delete_customer(
    ctx: web::Data<Context>,
    account: web::Path<String>,
    req: HttpRequest,
) -> HttpResult {
    endpoints::delete_customer(&ctx, &raw(&req), &account).await?;
    Ok(HttpResponse::Ok().finish())
}
