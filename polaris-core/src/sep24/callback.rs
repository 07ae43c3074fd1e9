//! The wallet's URL callback: when the interactive flow ends, the transaction is POSTed,
//! signed with `SIGNING_SEED` as SEP-24 describes (`Signature: t=<time>, s=<base64>`,
//! over `<time>.<host>.<body>`), so the wallet can check it came from this anchor.

use base64::Engine;
use serde_json::json;

use super::object::transaction_json;
use crate::model::{Asset, Transaction};
use crate::settings::Settings;
use crate::Context;

/// Whether `callback` is a URL Polaris may POST to: https, or http in local mode.
pub fn is_callback_url(settings: &Settings, callback: &str) -> bool {
    match url::Url::parse(callback) {
        Ok(u) => u.scheme() == "https" || (settings.local_mode && u.scheme() == "http"),
        Err(_) => false,
    }
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

/// POSTs the transaction to the wallet's callback URL in the background, if it gave one.
/// Delivery is best effort: a failure is logged, never blocks the user.
pub fn spawn_flow_end(ctx: &Context, callback: Option<&str>, tx: &Transaction, asset: &Asset) {
    let Some(target) = callback.filter(|c| is_callback_url(&ctx.settings, c)) else {
        return;
    };
    let Ok(url) = url::Url::parse(target) else {
        return;
    };
    let body = json!({ "transaction": transaction_json(&ctx.settings, tx, asset) }).to_string();
    let header = signature(&ctx.settings, &url, chrono::Utc::now().timestamp(), &body);
    let timeout = std::time::Duration::from_secs(ctx.settings.callback_request_timeout);
    let id = tx.id;
    tokio::spawn(async move {
        let client = reqwest::Client::new();
        let sent = client
            .post(url)
            .timeout(timeout)
            .header("Content-Type", "application/json")
            .header("Signature", header)
            .body(body)
            .send()
            .await;
        match sent {
            Ok(r) if r.status().is_success() => {}
            Ok(r) => tracing::warn!(%id, status = %r.status(), "wallet callback refused"),
            Err(e) => tracing::warn!(%id, error = %e, "wallet callback failed"),
        }
    });
}
