//! SEP-12 routes under `/kyc`. Glue only; the logic is in [`polaris_core::sep12`].

use actix_cors::Cors;
use actix_web::http::header::CONTENT_TYPE;
use actix_web::{web, HttpRequest, HttpResponse};
use polaris_core::params::Params;
use polaris_core::{sep12, ApiError, Context};
use serde_json::Value;

use crate::auth::SepToken;
use crate::error::{HttpResult, BODY_LIMIT};

/// Mounts the SEP-12 routes. Needs `web::Data<Context>` as app data.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(
        web::scope("/kyc")
            .wrap(cors())
            .route("/customer", web::get().to(get_customer))
            .route("/customer", web::put().to(put_customer))
            .route("/customer/{account}", web::delete().to(delete_customer)),
    );
}

fn cors() -> Cors {
    Cors::default()
        .allow_any_origin()
        .send_wildcard()
        .allowed_methods(["GET", "PUT", "DELETE"])
        .allow_any_header()
        .max_age(3600)
}

async fn get_customer(ctx: web::Data<Context>, token: SepToken, req: HttpRequest) -> HttpResult {
    let params = Params::parse(req.query_string());
    let body = sep12::get_customer(&ctx, &token.subject, &params).await?;
    Ok(HttpResponse::Ok().json(body))
}

/// A JSON object or a URL-encoded form as parameters.
fn body_params(req: &HttpRequest, body: &[u8]) -> Result<Params, ApiError> {
    let content_type = req
        .headers()
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    if content_type.starts_with("application/json") {
        let value: Value = serde_json::from_slice(body)
            .map_err(|e| ApiError::bad_request(format!("invalid JSON body: {e}")))?;
        let Value::Object(map) = value else {
            return Err(ApiError::bad_request("the JSON body must be an object"));
        };
        let pairs = map.into_iter().map(|(k, v)| match v {
            Value::String(s) => (k, s),
            other => (k, other.to_string()),
        });
        return Ok(Params::from_map(pairs.collect()));
    }
    if content_type.starts_with("application/x-www-form-urlencoded") || content_type.is_empty() {
        let text = std::str::from_utf8(body)
            .map_err(|_| ApiError::bad_request("the body is not UTF-8"))?;
        return Ok(Params::parse(text));
    }
    Err(ApiError::bad_request(format!(
        "unsupported Content-Type '{content_type}': send JSON or a URL-encoded form"
    )))
}

async fn put_customer(
    ctx: web::Data<Context>,
    token: SepToken,
    req: HttpRequest,
    payload: web::Payload,
) -> HttpResult {
    let body = match payload.to_bytes_limited(BODY_LIMIT).await {
        Ok(Ok(bytes)) => bytes,
        Ok(Err(e)) => {
            return Err(ApiError::bad_request(format!("cannot read the body: {e}")).into())
        }
        Err(_) => return Err(ApiError::too_large().into()),
    };
    let params = body_params(&req, &body)?;
    let answer = sep12::put_customer(&ctx, &token.subject, &params).await?;
    Ok(HttpResponse::Accepted().json(answer))
}

async fn delete_customer(
    ctx: web::Data<Context>,
    token: SepToken,
    account: web::Path<String>,
    req: HttpRequest,
) -> HttpResult {
    let params = Params::parse(req.query_string());
    sep12::delete_customer(&ctx, &token.subject, &account, &params).await?;
    Ok(HttpResponse::Ok().finish())
}
