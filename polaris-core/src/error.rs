//! The error every SEP endpoint answers with: a status code and a SEP-shaped JSON body.
//!
//! SEP logic returns `ApiError` as a value for client mistakes (4xx); faults are
//! turned into a 500 whose body says nothing internal, after being logged. The web
//! crate maps it to an HTTP response in one place.

use serde_json::{json, Value};

/// A SEP error response: status code and JSON body.
#[derive(Debug, Clone, PartialEq)]
pub struct ApiError {
    /// The HTTP status code.
    pub status: u16,
    /// The JSON body, in the SEP's shape (usually `{"error": "..."}`).
    pub body: Value,
}

impl ApiError {
    /// Any status with `{"error": message}`.
    pub fn new(status: u16, message: impl Into<String>) -> Self {
        Self {
            status,
            body: json!({ "error": message.into() }),
        }
    }

    /// 400 with `{"error": message}`: the request is wrong; the message says how.
    pub fn bad_request(message: impl Into<String>) -> Self {
        Self::new(400, message)
    }

    /// 401 with `{"error": message}`.
    pub fn unauthorized(message: impl Into<String>) -> Self {
        Self::new(401, message)
    }

    /// 403 with a SEP-specific body (e.g. `{"type": "authentication_required"}`).
    pub fn forbidden(body: Value) -> Self {
        Self { status: 403, body }
    }

    /// 404 with `{"error": message}`.
    pub fn not_found(message: impl Into<String>) -> Self {
        Self::new(404, message)
    }

    /// 413: the request body is over the limit.
    pub fn too_large() -> Self {
        Self::new(413, "request body too large")
    }

    /// 503 with `{"error": message}`: a dependency (Horizon, the anchor's backend) is down.
    pub fn unavailable(message: impl Into<String>) -> Self {
        Self::new(503, message)
    }

    /// 500 after logging `cause`; the body reveals nothing internal.
    pub fn internal(cause: impl std::fmt::Display) -> Self {
        tracing::error!(%cause, "internal error");
        Self::new(500, "internal server error")
    }
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {}", self.status, self.body)
    }
}

impl std::error::Error for ApiError {}

impl From<crate::store::StoreError> for ApiError {
    fn from(e: crate::store::StoreError) -> Self {
        Self::internal(e)
    }
}
