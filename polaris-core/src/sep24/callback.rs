//! The wallet's URL callback: when the interactive flow ends, the transaction is POSTed,
//! signed with `SIGNING_SEED` as SEP-24 describes (`Signature: t=<time>, s=<base64>`,
//! over `<time>.<host>.<body>`), so the wallet can check it came from this anchor.
//!
//! The URL comes from the wallet: it goes through the guarded client of [`crate::net`]
//! (no forbidden addresses, no redirects, no proxies, a timeout and a size cap).

use base64::Engine;
use serde_json::json;

use super::object::transaction_json;
use crate::model::{Asset, Transaction};
use crate::net::{GuardedClient, Limits, NetError};
use crate::settings::Settings;
use crate::Context;

/// The most of a wallet's answer to a callback that is read, in bytes.
pub const MAX_ANSWER_BYTES: usize = 16 * 1024;

/// Whether `callback` is a URL Polaris may POST to; see [`crate::net::check_url`].
pub fn is_callback_url(settings: &Settings, callback: &str) -> bool {
    crate::net::check_url(callback, settings.local_mode).is_ok()
}

/// The `Signature` header value for `body` sent to `url` at `time` (seconds).
pub fn signature(settings: &Settings, url: &url::Url, time: i64, body: &str) -> String {
    let host = crate::settings::host_with_port(url);
    let payload = format!("{time}.{host}.{body}");
    let sig = settings.signing_key.sign(payload.as_bytes());
    format!(
        "t={time}, s={}",
        base64::engine::general_purpose::STANDARD.encode(sig)
    )
}

/// POSTs the transaction to the wallet's callback URL `target` and waits for the answer.
pub async fn post_flow_end(
    ctx: &Context,
    target: &str,
    tx: &Transaction,
    asset: &Asset,
) -> Result<(), NetError> {
    let url = crate::net::check_url(target, ctx.settings.local_mode)?;
    let body = json!({ "transaction": transaction_json(&ctx.settings, tx, asset) }).to_string();
    let header = signature(&ctx.settings, &url, chrono::Utc::now().timestamp(), &body);
    let limits = Limits {
        timeout: std::time::Duration::from_secs(ctx.settings.callback_request_timeout),
        max_bytes: MAX_ANSWER_BYTES,
    };
    let headers = [
        ("Content-Type", "application/json"),
        ("Signature", header.as_str()),
    ];
    GuardedClient::shared(ctx.settings.local_mode)?
        .post(url.as_str(), &headers, body, limits)
        .await
        .map(drop)
}

/// POSTs the transaction to the wallet's callback URL in the background, if it gave one
/// (`postMessage` and other non-URL values are for the page, not for Polaris).
/// Delivery is best effort: a failure is logged, never blocks the user.
pub fn spawn_flow_end(ctx: &Context, callback: Option<&str>, tx: &Transaction, asset: &Asset) {
    let Some(target) = callback.filter(|c| c.contains("://")) else {
        return;
    };
    let (ctx, target, tx, asset) = (ctx.clone(), target.to_string(), tx.clone(), asset.clone());
    tokio::spawn(async move {
        if let Err(e) = post_flow_end(&ctx, &target, &tx, &asset).await {
            tracing::info!(id = %tx.id, error = %e, "wallet callback not delivered");
        }
    });
}
