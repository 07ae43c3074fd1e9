//! Request bodies as parameters: JSON objects, URL-encoded forms and multipart forms.

use std::collections::{BTreeMap, HashMap};

use actix_multipart::Multipart;
use actix_web::http::header::CONTENT_TYPE;
use actix_web::{web, FromRequest, HttpRequest};
use futures::StreamExt;
use polaris_core::forms::UploadedFile;
use polaris_core::params::Params;
use polaris_core::ApiError;
use serde_json::Value;

use crate::error::BODY_LIMIT;

/// The most a multipart body (with its photos and documents) may hold.
pub const MULTIPART_LIMIT: usize = 10 * 1024 * 1024;

/// Uploaded files by field name.
pub type Files = BTreeMap<String, UploadedFile>;

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

fn multipart_error(e: impl std::fmt::Display) -> ApiError {
    ApiError::bad_request(format!("invalid multipart body: {e}"))
}

/// Text parts become parameters, parts with a file name become files.
async fn multipart_params(mut parts: Multipart) -> Result<(Params, Files), ApiError> {
    let (mut text, mut files, mut total) = (HashMap::new(), Files::new(), 0usize);
    while let Some(part) = parts.next().await {
        let mut part = part.map_err(multipart_error)?;
        let disposition = part.content_disposition().cloned();
        let name = disposition
            .as_ref()
            .and_then(|d| d.get_name())
            .ok_or_else(|| ApiError::bad_request("a multipart part has no name"))?
            .to_string();
        let filename = disposition
            .as_ref()
            .and_then(|d| d.get_filename())
            .map(str::to_string);
        let mime = part.content_type().map(|m| m.essence_str().to_string());
        let mut data = Vec::new();
        while let Some(chunk) = part.next().await {
            let chunk = chunk.map_err(multipart_error)?;
            total += chunk.len();
            if total > MULTIPART_LIMIT {
                return Err(ApiError::too_large());
            }
            data.extend_from_slice(&chunk);
        }
        if filename.is_some() {
            let file = UploadedFile {
                filename,
                content_type: mime,
                data,
            };
            files.insert(name, file);
        } else {
            let value = String::from_utf8(data)
                .map_err(|_| ApiError::bad_request(format!("{name} is not UTF-8 text")))?;
            text.insert(name, value);
        }
    }
    Ok((Params::from_map(text), files))
}

/// Reads the body of `req` as parameters and files, whatever its supported content type.
pub async fn read(req: &HttpRequest, payload: web::Payload) -> Result<(Params, Files), ApiError> {
    let kind = content_type(req);
    if kind.starts_with("multipart/form-data") {
        let mut payload = payload.into_inner();
        let parts = Multipart::from_request(req, &mut payload)
            .await
            .map_err(multipart_error)?;
        return multipart_params(parts).await;
    }
    let body = match payload.to_bytes_limited(BODY_LIMIT).await {
        Ok(Ok(bytes)) => bytes,
        Ok(Err(e)) => return Err(ApiError::bad_request(format!("cannot read the body: {e}"))),
        Err(_) => return Err(ApiError::too_large()),
    };
    Ok((simple_params(&kind, &body)?, Files::new()))
}
