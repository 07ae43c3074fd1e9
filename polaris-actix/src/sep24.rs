//! SEP-24 routes: `/sep24/info`, `/sep24/fee`, the interactive start endpoints and the
//! transaction read endpoints. The logic lives in [`polaris_core::sep24`].

use actix_web::{web, HttpRequest, HttpResponse};
use polaris_core::model::Kind;
use polaris_core::params::Params;
use polaris_core::sep24::{self, StartRequest};
use polaris_core::{ApiError, Context};

use crate::auth::Sep24Token;
use crate::body;
use crate::error::HttpResult;

/// Mounts the SEP-24 API routes under `/sep24`.
pub fn configure(cfg: &mut web::ServiceConfig) {
    let api = |path: &str, route: actix_web::Route| {
        web::resource(path).wrap(crate::cors::sep()).route(route)
    };
    cfg.service(api("/sep24/info", web::get().to(info)))
        .service(api("/sep24/fee", web::get().to(fee)))
        .service(api(
            "/sep24/transactions/deposit/interactive",
            web::post().to(deposit),
        ))
        .service(api(
            "/sep24/transactions/withdraw/interactive",
            web::post().to(withdraw),
        ))
        .service(api("/sep24/transactions", web::get().to(transactions)))
        .service(api("/sep24/transaction", web::get().to(transaction)));
}

fn ok(body: serde_json::Value) -> HttpResponse {
    HttpResponse::Ok().json(body)
}

async fn info(ctx: web::Data<Context>) -> HttpResult {
    let text = sep24::info_text(&ctx).await?;
    Ok(HttpResponse::Ok()
        .content_type("application/json")
        .body(text.to_string()))
}

fn params(req: &HttpRequest) -> Params {
    Params::parse(req.query_string())
}

async fn fee(ctx: web::Data<Context>, _token: Sep24Token, req: HttpRequest) -> HttpResult {
    Ok(ok(sep24::fee(&ctx, &params(&req)).await?))
}

/// A start request from a JSON, URL-encoded or multipart body.
async fn parse_start(req: &HttpRequest, payload: web::Payload) -> Result<StartRequest, ApiError> {
    let (params, _files) = body::read(req, payload).await?;
    let object: serde_json::Map<String, serde_json::Value> = params
        .all()
        .iter()
        .map(|(k, v)| (k.clone(), serde_json::Value::String(v.clone())))
        .collect();
    serde_json::from_value(serde_json::Value::Object(object))
        .map_err(|e| ApiError::bad_request(format!("invalid request: {e}")))
}

async fn start(
    ctx: web::Data<Context>,
    token: Sep24Token,
    req: HttpRequest,
    payload: web::Payload,
    kind: Kind,
) -> HttpResult {
    let request = parse_start(&req, payload).await?;
    let domain = token.client_domain().map(str::to_string);
    Ok(ok(sep24::start(
        &ctx,
        kind,
        &token.subject,
        domain,
        &request,
    )
    .await?))
}

async fn deposit(
    ctx: web::Data<Context>,
    token: Sep24Token,
    req: HttpRequest,
    payload: web::Payload,
) -> HttpResult {
    start(ctx, token, req, payload, Kind::Deposit).await
}

async fn withdraw(
    ctx: web::Data<Context>,
    token: Sep24Token,
    req: HttpRequest,
    payload: web::Payload,
) -> HttpResult {
    start(ctx, token, req, payload, Kind::Withdrawal).await
}

async fn transactions(ctx: web::Data<Context>, token: Sep24Token, req: HttpRequest) -> HttpResult {
    let text = sep24::transactions(&ctx, &token.subject, &params(&req)).await?;
    Ok(HttpResponse::Ok()
        .content_type("application/json")
        .body(text))
}

async fn transaction(ctx: web::Data<Context>, token: Sep24Token, req: HttpRequest) -> HttpResult {
    Ok(ok(
        sep24::transaction(&ctx, &token.subject, &params(&req)).await?
    ))
}
