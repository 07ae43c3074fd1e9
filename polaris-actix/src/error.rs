//! Request intake and errors: the raw request parts handed to the SEP endpoints of
//! `polaris_core`, and the one place where core errors become HTTP responses.

use actix_web::error::{JsonPayloadError, QueryPayloadError, UrlencodedError};
use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse, ResponseError};
use polaris_core::params::RawRequest;
use polaris_core::ApiError;

/// The most a SEP request body may hold, in bytes.
pub const BODY_LIMIT: usize = 64 * 1024;

/// An [`ApiError`] as an actix response: its status code and its JSON body.
#[derive(Debug)]
pub struct HttpError(pub ApiError);

impl std::fmt::Display for HttpError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

impl ResponseError for HttpError {
    fn status_code(&self) -> StatusCode {
        StatusCode::from_u16(self.0.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
    }

    fn error_response(&self) -> HttpResponse {
        HttpResponse::build(self.status_code()).json(&self.0.body)
    }
}

impl From<ApiError> for HttpError {
    fn from(e: ApiError) -> Self {
        Self(e)
    }
}

impl From<polaris_core::StoreError> for HttpError {
    fn from(e: polaris_core::StoreError) -> Self {
        Self(e.into())
    }
}

/// The result type of every handler.
pub type HttpResult<T = HttpResponse> = Result<T, HttpError>;

/// A request body of at most [`BODY_LIMIT`] bytes; a larger one is a 413.
pub async fn read_body(payload: web::Payload) -> Result<web::Bytes, HttpError> {
    Ok(crate::body::limited(payload, BODY_LIMIT).await?)
}

/// The raw parts of `req` that the SEP endpoints of `polaris_core` read: the query string
/// and the `Authorization` header.
pub fn raw(req: &HttpRequest) -> RawRequest<'_> {
    RawRequest {
        query: req.query_string(),
        authorization: req
            .headers()
            .get(actix_web::http::header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok()),
    }
}

fn json_error(err: JsonPayloadError, _req: &HttpRequest) -> actix_web::Error {
    let api = match &err {
        JsonPayloadError::Overflow { .. } | JsonPayloadError::OverflowKnownLength { .. } => {
            ApiError::too_large()
        }
        JsonPayloadError::ContentType => {
            ApiError::bad_request("expected a JSON body (Content-Type: application/json)")
        }
        other => ApiError::bad_request(format!("invalid JSON body: {other}")),
    };
    HttpError(api).into()
}

fn query_error(err: QueryPayloadError, _req: &HttpRequest) -> actix_web::Error {
    HttpError(ApiError::bad_request(format!(
        "invalid query parameters: {err}"
    )))
    .into()
}

fn form_error(err: UrlencodedError, _req: &HttpRequest) -> actix_web::Error {
    let api = match &err {
        UrlencodedError::Overflow { .. } => ApiError::too_large(),
        other => ApiError::bad_request(format!("invalid form body: {other}")),
    };
    HttpError(api).into()
}

/// Registers extractor configurations whose errors have the SEP shape and a body limit.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.app_data(
        web::JsonConfig::default()
            .limit(BODY_LIMIT)
            .error_handler(json_error),
    )
    .app_data(web::QueryConfig::default().error_handler(query_error))
    .app_data(
        web::FormConfig::default()
            .limit(BODY_LIMIT)
            .error_handler(form_error),
    )
    .app_data(web::PayloadConfig::default().limit(BODY_LIMIT));
}

#[cfg(test)]
mod tests {
    use super::*;
    use actix_web::body::to_bytes;

    #[actix_web::test]
    async fn status_and_body_come_from_the_api_error() {
        let resp = HttpError(ApiError::bad_request("no asset_code")).error_response();
        assert_eq!(resp.status(), StatusCode::BAD_REQUEST);
        let body = to_bytes(resp.into_body()).await.unwrap();
        assert_eq!(body, r#"{"error":"no asset_code"}"#);
    }
}
