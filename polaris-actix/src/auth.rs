//! The SEP-10 token extractor for protected endpoints.
//!
//! ```no_run
//! use actix_web::HttpResponse;
//! use polaris_actix::auth::{Sep24Token, SepToken};
//!
//! async fn info(token: SepToken) -> HttpResponse {
//!     HttpResponse::Ok().body(token.subject.account.clone())
//! }
//! async fn sep24_deposit(token: Sep24Token) -> HttpResponse {
//!     HttpResponse::Ok().body(token.subject.account.clone())
//! }
//! ```
//!
//! A missing, malformed, expired, foreign (wrong issuer or key) or non-HS256 token is
//! refused. Status and body depend on the SEP: 403 `{"error": "..."}` by default
//! ([`ErrorBody`]), 403 `{"type": "authentication_required"}` for SEP-24 ([`Sep24Body`]),
//! 401 `{"error": "..."}` for SEP-12 ([`Sep12Body`]).

use std::future::{ready, Ready};
use std::marker::PhantomData;

use actix_web::dev::Payload;
use actix_web::error::InternalError;
use actix_web::http::header::AUTHORIZATION;
use actix_web::http::StatusCode;
use actix_web::{web, FromRequest, HttpRequest, HttpResponse};
use polaris_core::auth::{bearer_token, AuthError, Sep10Claims, Subject};
use polaris_core::Context;
use serde_json::{json, Value};

/// How a SEP answers a refused token.
pub trait AuthErrorBody: 'static {
    /// The JSON body for `error`.
    fn body(error: &AuthError) -> Value;

    /// The status of the refusal: 403 unless the SEP says otherwise.
    fn status() -> StatusCode {
        StatusCode::FORBIDDEN
    }
}

/// `{"error": "<what is wrong>"}`: SEP-6, SEP-12 and most others.
#[derive(Debug, Clone, Copy)]
pub struct ErrorBody;

impl AuthErrorBody for ErrorBody {
    fn body(error: &AuthError) -> Value {
        json!({ "error": error.to_string() })
    }
}

/// `{"type": "authentication_required"}`: SEP-24.
#[derive(Debug, Clone, Copy)]
pub struct Sep24Body;

impl AuthErrorBody for Sep24Body {
    fn body(_: &AuthError) -> Value {
        json!({ "type": "authentication_required" })
    }
}

/// 401 `{"error": "<what is wrong>"}`: SEP-12, whose text answers a client "not
/// authenticated properly" with `401 Unauthorized`.
#[derive(Debug, Clone, Copy)]
pub struct Sep12Body;

impl AuthErrorBody for Sep12Body {
    fn body(error: &AuthError) -> Value {
        ErrorBody::body(error)
    }

    fn status() -> StatusCode {
        StatusCode::UNAUTHORIZED
    }
}

/// A verified SEP-10 token from `Authorization: Bearer <token>`.
#[derive(Debug, Clone)]
pub struct SepToken<B: AuthErrorBody = ErrorBody> {
    /// The token's claims.
    pub claims: Sep10Claims,
    /// The authenticated account, muxed account and memo.
    pub subject: Subject,
    body: PhantomData<B>,
}

/// A SEP-10 token for SEP-24 endpoints (403 body `{"type": "authentication_required"}`).
pub type Sep24Token = SepToken<Sep24Body>;

/// A SEP-10 token for SEP-12 endpoints (401 `{"error": "..."}`).
pub type Sep12Token = SepToken<Sep12Body>;

impl<B: AuthErrorBody> SepToken<B> {
    /// The client domain the token was issued with, if any.
    pub fn client_domain(&self) -> Option<&str> {
        self.claims.client_domain.as_deref()
    }

    fn extract(req: &HttpRequest) -> Result<Self, actix_web::Error> {
        let ctx = req.app_data::<web::Data<Context>>().ok_or_else(|| {
            InternalError::from_response("no context", HttpResponse::InternalServerError().finish())
        })?;
        let header = req
            .headers()
            .get(AUTHORIZATION)
            .and_then(|v| v.to_str().ok());
        let verified = bearer_token(header)
            .and_then(|token| Sep10Claims::decode(&ctx.settings, token))
            .and_then(|claims| Ok((claims.subject()?, claims)));
        match verified {
            Ok((subject, claims)) => Ok(Self {
                claims,
                subject,
                body: PhantomData,
            }),
            Err(e) => Err(InternalError::from_response(
                e.clone(),
                HttpResponse::build(B::status()).json(B::body(&e)),
            )
            .into()),
        }
    }
}

impl<B: AuthErrorBody> FromRequest for SepToken<B> {
    type Error = actix_web::Error;
    type Future = Ready<Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(Self::extract(req))
    }
}
