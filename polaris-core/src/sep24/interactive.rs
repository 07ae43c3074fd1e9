//! The interactive flow's gate and its default amount step.
//!
//! A wallet opens the interactive URL with a one-time token. [`open`] checks it and
//! records its `jti` as used in the store (so a second use fails on every instance
//! sharing the database); the web layer then sets a session cookie made by
//! [`session_token`], scoped to that one transaction. Later requests are checked with
//! [`check_session`], and forms carry [`csrf_token`].
//!
//! What happens once the request is authenticated is in [`super::flow`].

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use uuid::Uuid;

use super::start::webapp_path;
use crate::auth::{self, InteractiveClaims};
use crate::model::{Asset, Kind, Transaction};
use crate::settings::Secret;
use crate::store::{assets, challenges, transactions};
use crate::{ApiError, Context};

/// How long the interactive session cookie lives, in seconds.
pub const SESSION_SECONDS: u64 = 3600;

/// Why the interactive flow refuses a request (always shown as a 403 page).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Denied {
    /// The token is missing, malformed, expired, forged or for another transaction.
    #[error("the link is invalid or has expired")]
    BadToken,
    /// The token was already used once.
    #[error("the link was already used")]
    Reused,
    /// No session, or a session for another transaction.
    #[error("no session for this transaction")]
    NoSession,
    /// The transaction is not waiting for interactive input.
    #[error("the transaction is not waiting for input")]
    NotIncomplete,
    /// A form was posted without the session's CSRF token.
    #[error("the form's CSRF token is missing or wrong")]
    Csrf,
    /// The user came back from the anchor's external app, but the anchor's
    /// `after_interactive_flow` hook does not confirm that its flow is done.
    #[error("the anchor has not confirmed the end of its interactive flow")]
    FlowNotDone,
}

#[derive(Debug, Serialize, Deserialize)]
struct SessionClaims {
    iss: String,
    sub: String,
    exp: u64,
    transaction_id: String,
}

fn now_secs() -> u64 {
    u64::try_from(chrono::Utc::now().timestamp()).unwrap_or_default()
}

fn session_key(ctx: &Context) -> Secret {
    let digest = Sha256::digest(format!(
        "polaris-sep24-session:{}",
        ctx.settings.jwt_key.expose()
    ));
    Secret::new(hex::encode(digest))
}

fn session_issuer(ctx: &Context) -> String {
    ctx.settings.url("sep24/session")
}

/// The transaction and its asset, if both exist.
pub async fn load(ctx: &Context, id: Uuid) -> Result<Option<(Transaction, Asset)>, ApiError> {
    Ok(ctx
        .store
        .run(move |c| {
            let Some(tx) = transactions::by_id(c, id)? else {
                return Ok(None);
            };
            Ok(assets::by_id(c, tx.asset_id)?.map(|a| (tx, a)))
        })
        .await?)
}

/// Verifies a one-time token for `transaction_id` and marks it used.
pub async fn open(
    ctx: &Context,
    kind: Kind,
    token: &str,
    transaction_id: &str,
) -> Result<Uuid, Denied> {
    let iss = ctx.settings.url(webapp_path(kind));
    let claims = InteractiveClaims::decode(&ctx.settings.jwt_key, token, &iss)
        .map_err(|_| Denied::BadToken)?;
    if claims.transaction_id != transaction_id {
        return Err(Denied::BadToken);
    }
    let id: Uuid = transaction_id.parse().map_err(|_| Denied::BadToken)?;
    let key = format!("sep24:{}", claims.jti);
    let expires =
        chrono::DateTime::from_timestamp(i64::try_from(claims.exp).unwrap_or(i64::MAX), 0)
            .unwrap_or_else(chrono::Utc::now);
    let first = ctx
        .store
        .run(move |c| challenges::mark_used(c, &key, expires))
        .await
        .map_err(|_| Denied::BadToken)?;
    if first {
        Ok(id)
    } else {
        Err(Denied::Reused)
    }
}

/// A signed session value for one transaction, for the session cookie.
pub fn session_token(ctx: &Context, transaction_id: Uuid) -> Result<String, ApiError> {
    let claims = SessionClaims {
        iss: session_issuer(ctx),
        sub: transaction_id.to_string(),
        exp: now_secs().saturating_add(SESSION_SECONDS),
        transaction_id: transaction_id.to_string(),
    };
    auth::encode(&session_key(ctx), &claims).map_err(ApiError::internal)
}

/// Checks that a session cookie value belongs to `transaction_id`.
pub fn check_session(
    ctx: &Context,
    cookie: Option<&str>,
    transaction_id: Uuid,
) -> Result<(), Denied> {
    let cookie = cookie.ok_or(Denied::NoSession)?;
    let claims: SessionClaims = auth::decode(&session_key(ctx), cookie, &session_issuer(ctx))
        .map_err(|_| Denied::NoSession)?;
    if claims.transaction_id == transaction_id.to_string() {
        Ok(())
    } else {
        Err(Denied::NoSession)
    }
}

/// The CSRF token of a session: forms must post it back.
pub fn csrf_token(session: &str) -> String {
    hex::encode(&Sha256::digest(format!("csrf:{session}"))[..16])
}
