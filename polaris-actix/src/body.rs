//! Request bodies as parameters: JSON objects, URL-encoded forms and multipart forms.
//!
//! Every byte of a body counts toward its limit: a declared `Content-Length` above it is
//! refused before reading, and the stream itself fails once past it, so a multipart body's
//! preamble and part headers (which the multipart parser buffers) cannot grow memory.

use std::collections::{BTreeMap, HashMap};

use actix_multipart::{Multipart, MultipartError};
use actix_web::error::PayloadError;
use actix_web::http::header::{CONTENT_LENGTH, CONTENT_TYPE};
use actix_web::web::Bytes;
use actix_web::{web, HttpRequest};
use futures::{Stream, StreamExt};
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

fn multipart_error(e: MultipartError) -> ApiError {
    match e {
        MultipartError::Payload(PayloadError::Overflow) => ApiError::too_large(),
        e => ApiError::bad_request(format!("invalid multipart body: {e}")),
    }
}

/// Whether `req` says its body is longer than `limit` bytes.
pub fn declares_more_than(req: &HttpRequest, limit: usize) -> bool {
    req.headers()
        .get(CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok())
        .is_some_and(|n| n > limit as u64)
}

/// `stream`, failing with [`PayloadError::Overflow`] once more than `limit` bytes came.
pub fn capped<S>(stream: S, limit: usize) -> impl Stream<Item = Result<Bytes, PayloadError>>
where
    S: Stream<Item = Result<Bytes, PayloadError>>,
{
    let mut seen = 0usize;
    stream.map(move |chunk| {
        let chunk = chunk?;
        seen = seen.saturating_add(chunk.len());
        if seen > limit {
            Err(PayloadError::Overflow)
        } else {
            Ok(chunk)
        }
    })
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

/// Reads the body of `req` as parameters and files, whatever its supported content type:
/// multipart up to [`MULTIPART_LIMIT`] bytes, anything else up to [`BODY_LIMIT`].
pub async fn read(req: &HttpRequest, payload: web::Payload) -> Result<(Params, Files), ApiError> {
    let kind = content_type(req);
    if is_multipart(req) {
        if declares_more_than(req, MULTIPART_LIMIT) {
            return Err(ApiError::too_large());
        }
        let stream = capped(payload.into_inner(), MULTIPART_LIMIT);
        return multipart_params(Multipart::new(req.headers(), stream)).await;
    }
    let body = limited(payload, BODY_LIMIT).await?;
    Ok((simple_params(&kind, &body)?, Files::new()))
}

/// The whole body, refused with a 413 once it passes `limit` bytes (nothing more is read)
/// and with a 400 when the connection fails mid-body.
pub async fn limited(payload: web::Payload, limit: usize) -> Result<web::Bytes, ApiError> {
    match payload.to_bytes_limited(limit).await {
        Ok(Ok(bytes)) => Ok(bytes),
        Ok(Err(e)) => Err(ApiError::bad_request(format!(
            "cannot read the request body: {e}"
        ))),
        Err(_) => Err(ApiError::too_large()),
    }
}

/// Whether the body of `req` is `multipart/form-data`.
pub fn is_multipart(req: &HttpRequest) -> bool {
    content_type(req).starts_with("multipart/form-data")
}

#[cfg(test)]
mod tests {
    use super::*;
    use actix_web::http::header::{HeaderMap, HeaderValue};

    fn multipart_headers() -> HeaderMap {
        let mut headers = HeaderMap::new();
        let value = HeaderValue::from_static("multipart/form-data; boundary=b");
        headers.insert(CONTENT_TYPE, value);
        headers
    }

    /// Security finding 5: a part header that never ends is cut at the limit (413), with no
    /// `Content-Length` to refuse it up front.
    #[actix_web::test]
    async fn multipart_part_headers_count_toward_the_limit() {
        let head =
            Bytes::from_static(b"--b\r\nContent-Disposition: form-data; name=\"x\"\r\nX-Pad: ");
        let pad = Bytes::from(vec![b'a'; 64 * 1024]);
        let chunks = std::iter::once(head).chain(std::iter::repeat_n(pad, 320));
        let stream = futures::stream::iter(chunks.map(Ok::<_, PayloadError>));
        let parts = Multipart::new(&multipart_headers(), capped(stream, MULTIPART_LIMIT));
        let err = multipart_params(parts).await.unwrap_err();
        assert_eq!(err.status, 413, "{err:?}");
    }

    #[actix_web::test]
    async fn a_small_multipart_body_is_read() {
        let body = "--b\r\nContent-Disposition: form-data; name=\"x\"\r\n\r\n1\r\n--b--\r\n";
        let stream = futures::stream::iter([Ok::<_, PayloadError>(Bytes::from(body))]);
        let parts = Multipart::new(&multipart_headers(), capped(stream, MULTIPART_LIMIT));
        let (params, files) = multipart_params(parts).await.unwrap();
        assert_eq!(params.get("x"), Some("1"));
        assert!(files.is_empty());
    }
}
