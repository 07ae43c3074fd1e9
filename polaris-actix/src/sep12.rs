//! SEP-12 routes under `/kyc`. Glue only; the logic is in [`polaris_core::sep12`].

use std::collections::{BTreeMap, HashMap};

use actix_cors::Cors;
use actix_multipart::Multipart;
use actix_web::http::header::CONTENT_TYPE;
use actix_web::{web, FromRequest, HttpRequest, HttpResponse};
use futures::StreamExt;
use polaris_core::params::Params;
use polaris_core::{sep12, ApiError, Context};
use serde_json::Value;

use crate::auth::SepToken;
use crate::error::{HttpResult, BODY_LIMIT};

/// The most a multipart `PUT /kyc/customer` (with its photos and documents) may hold.
pub const MULTIPART_LIMIT: usize = 10 * 1024 * 1024;

/// Mounts the SEP-12 routes. Needs `web::Data<Context>` as app data.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(
        web::scope("/kyc")
            .wrap(cors())
            .route("/customer", web::get().to(get_customer))
            .route("/customer", web::put().to(put_customer))
            .route("/customer/verification", web::put().to(verify_customer))
            .route("/customer/callback", web::put().to(set_callback))
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

fn content_type(req: &HttpRequest) -> String {
    req.headers()
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_ascii_lowercase()
}

/// A JSON object or a URL-encoded form as parameters.
fn simple_params(content_type: &str, body: &[u8]) -> Result<Params, ApiError> {
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
        "unsupported Content-Type '{content_type}': send JSON, a URL-encoded form or multipart/form-data"
    )))
}

type Files = BTreeMap<String, Vec<u8>>;

/// Text parts become parameters, parts with a file name become files.
async fn multipart_params(mut parts: Multipart) -> Result<(Params, Files), ApiError> {
    let (mut text, mut files, mut total) = (HashMap::new(), Files::new(), 0usize);
    while let Some(part) = parts.next().await {
        let mut part =
            part.map_err(|e| ApiError::bad_request(format!("invalid multipart body: {e}")))?;
        let disposition = part.content_disposition().cloned();
        let name = disposition
            .as_ref()
            .and_then(|d| d.get_name())
            .ok_or_else(|| ApiError::bad_request("a multipart part has no name"))?
            .to_string();
        let is_file = disposition
            .as_ref()
            .and_then(|d| d.get_filename())
            .is_some();
        let mut data = Vec::new();
        while let Some(chunk) = part.next().await {
            let chunk =
                chunk.map_err(|e| ApiError::bad_request(format!("invalid multipart body: {e}")))?;
            total += chunk.len();
            if total > MULTIPART_LIMIT {
                return Err(ApiError::too_large());
            }
            data.extend_from_slice(&chunk);
        }
        if is_file {
            files.insert(name, data);
        } else {
            let value = String::from_utf8(data)
                .map_err(|_| ApiError::bad_request(format!("{name} is not UTF-8 text")))?;
            text.insert(name, value);
        }
    }
    Ok((Params::from_map(text), files))
}

async fn body_params(
    req: &HttpRequest,
    payload: web::Payload,
) -> Result<(Params, Files), ApiError> {
    let kind = content_type(req);
    if kind.starts_with("multipart/form-data") {
        let mut payload = payload.into_inner();
        let parts = Multipart::from_request(req, &mut payload)
            .await
            .map_err(|e| ApiError::bad_request(format!("invalid multipart body: {e}")))?;
        return multipart_params(parts).await;
    }
    let body = match payload.to_bytes_limited(BODY_LIMIT).await {
        Ok(Ok(bytes)) => bytes,
        Ok(Err(e)) => return Err(ApiError::bad_request(format!("cannot read the body: {e}"))),
        Err(_) => return Err(ApiError::too_large()),
    };
    Ok((simple_params(&kind, &body)?, Files::new()))
}

async fn put_customer(
    ctx: web::Data<Context>,
    token: SepToken,
    req: HttpRequest,
    payload: web::Payload,
) -> HttpResult {
    let (params, files) = body_params(&req, payload).await?;
    let data = sep12::customer_data(&params, files)?;
    let answer = sep12::put_customer(&ctx, &token.subject, &params, &data).await?;
    Ok(HttpResponse::Accepted().json(answer))
}

async fn verify_customer(
    ctx: web::Data<Context>,
    token: SepToken,
    req: HttpRequest,
    payload: web::Payload,
) -> HttpResult {
    let (params, _) = body_params(&req, payload).await?;
    let answer = sep12::verify_customer(&ctx, &token.subject, &params).await?;
    Ok(HttpResponse::Ok().json(answer))
}

async fn set_callback(
    ctx: web::Data<Context>,
    token: SepToken,
    req: HttpRequest,
    payload: web::Payload,
) -> HttpResult {
    let (params, _) = body_params(&req, payload).await?;
    sep12::set_callback(&ctx, &token.subject, &params).await?;
    Ok(HttpResponse::Ok().finish())
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
