//! Request logging: one span per request with its id, method, route, status and a target
//! whose secrets are redacted ([`polaris_core::redact`]).
//!
//! Client errors (4xx) are logged at `DEBUG` with their short message, server errors at
//! `ERROR`; nothing dumps a whole error structure. Use with
//! `tracing_actix_web::TracingLogger::<RequestLog>::new()`.

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::StatusCode;
use actix_web::{Error, HttpMessage};
use polaris_core::redact::redact_target;
use tracing::field::Empty;
use tracing::Span;
use tracing_actix_web::{RequestId, RootSpanBuilder};

/// The longest error message logged for a client error, in characters.
pub const MAX_CLIENT_ERROR_CHARS: usize = 200;

/// The [`RootSpanBuilder`] of Polaris' request logs.
#[derive(Debug, Clone, Copy, Default)]
pub struct RequestLog;

impl RootSpanBuilder for RequestLog {
    fn on_request_start(request: &ServiceRequest) -> Span {
        let target = request.uri().path_and_query().map_or_else(
            || request.path().to_string(),
            |pq| redact_target(pq.as_str()),
        );
        let id = request
            .extensions()
            .get::<RequestId>()
            .map(ToString::to_string)
            .unwrap_or_default();
        tracing::info_span!(
            "HTTP request",
            http.method = %request.method(),
            http.route = request.match_pattern().unwrap_or_default(),
            http.target = %target,
            http.status_code = Empty,
            request_id = %id,
        )
    }

    fn on_request_end<B: MessageBody>(span: Span, outcome: &Result<ServiceResponse<B>, Error>) {
        let (status, error) = match outcome {
            Ok(response) => (
                response.status(),
                response.response().error().map(ToString::to_string),
            ),
            Err(error) => (
                error.as_response_error().status_code(),
                Some(error.to_string()),
            ),
        };
        span.record("http.status_code", status.as_u16());
        if let Some(message) = error {
            log_error(status, &message);
        }
    }
}

fn log_error(status: StatusCode, message: &str) {
    if status.is_server_error() {
        tracing::error!(status = status.as_u16(), "request failed: {message}");
    } else {
        let short: String = message.chars().take(MAX_CLIENT_ERROR_CHARS).collect();
        tracing::debug!(status = status.as_u16(), "client error: {short}");
    }
}
