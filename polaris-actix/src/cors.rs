//! The one CORS layer of every SEP API route (SEP-1, SEP-6, SEP-10, SEP-12, SEP-24).
//!
//! The SEPs ask for `Access-Control-Allow-Origin: *` on every answer, errors included, so a
//! wallet running in a browser can call the anchor; preflight `OPTIONS` requests are answered
//! by the layer itself, before any handler or token check. The pages a user opens (SEP-24's
//! interactive pages and more-info pages) are not wrapped: a browser navigates to them.

use actix_cors::Cors;

/// Seconds a browser may cache a preflight answer.
pub const MAX_AGE_SECONDS: usize = 3600;

/// The CORS middleware of the SEP routes: any origin (`*`, no credentials), the methods the
/// SEPs use, any request header (`Authorization`, `Content-Type`).
pub fn sep() -> Cors {
    Cors::default()
        .allow_any_origin()
        .send_wildcard()
        .allowed_methods(["GET", "POST", "PUT", "PATCH", "DELETE"])
        .allow_any_header()
        .max_age(MAX_AGE_SECONDS)
}
