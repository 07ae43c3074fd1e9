//! The wallet's URL callbacks: when the interactive flow ends (`callback`) and when the
//! transaction changes (`on_change_callback`), the transaction is POSTed, signed with
//! `SIGNING_SEED` as SEP-24 describes (`Signature: t=<time>, s=<base64>`, over
//! `<time>.<host>.<body>`), so the wallet can check it came from this anchor. Both go
//! through the callback outbox ([`crate::store::callbacks`]) and are sent, and retried, by
//! `deliver-callbacks` ([`crate::processors::callbacks`]).
//!
//! The URL comes from the wallet: it goes through the guarded client of [`crate::net`]
//! (no forbidden addresses, no redirects, no proxies, a timeout and a size cap).

use base64::Engine;
use diesel::Connection;
use serde_json::json;

use super::object::transaction_json;
use crate::model::{Asset, Status, Transaction};
use crate::net::{GuardedClient, Limits, NetError};
use crate::settings::Settings;
use crate::state::{self, TransitionError};
use crate::store::{callbacks, DbConnection};
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

/// POSTs `body` to `target`, signed as the SEPs describe it (the `Signature` header over
/// `<time>.<host>.<body>`, the time being now), through the guarded client with the
/// `CALLBACK_REQUEST_TIMEOUT` and [`MAX_ANSWER_BYTES`]. SEP-6, SEP-12 and SEP-24 callbacks
/// share the scheme; `Ok` is a `2xx` answer.
pub async fn post_signed(settings: &Settings, target: &str, body: String) -> Result<(), NetError> {
    let url = crate::net::check_url(target, settings.local_mode)?;
    let header = signature(settings, &url, chrono::Utc::now().timestamp(), &body);
    let limits = Limits {
        timeout: std::time::Duration::from_secs(settings.callback_request_timeout),
        max_bytes: MAX_ANSWER_BYTES,
    };
    let headers = [
        ("Content-Type", "application/json"),
        ("Signature", header.as_str()),
    ];
    GuardedClient::shared(settings.local_mode)?
        .post(url.as_str(), &headers, body, limits)
        .await
        .map(drop)
}

/// The body of a SEP-24 callback: `{"transaction": ...}`, as `GET /transaction` answers.
pub fn body(settings: &Settings, tx: &Transaction, asset: &Asset) -> String {
    json!({ "transaction": transaction_json(settings, tx, asset) }).to_string()
}

/// POSTs the transaction to the wallet's callback URL `target` now and waits for the answer
/// (one attempt; the flow's callbacks go through the outbox, see [`finish_flow`]).
pub async fn post_flow_end(
    ctx: &Context,
    target: &str,
    tx: &Transaction,
    asset: &Asset,
) -> Result<(), NetError> {
    post_signed(&ctx.settings, target, body(&ctx.settings, tx, asset)).await
}

/// Ends the interactive flow of `tx`: moves it to `pending_user_transfer_start` and, when
/// the wallet gave a URL as `callback` (`postMessage` and other values are for the page),
/// writes its notification to the callback outbox in the same database transaction (after
/// the one for `on_change_callback`, if any). `deliver-callbacks` sends it, signed, and
/// retries until the wallet accepts it.
pub fn finish_flow(
    conn: &mut DbConnection,
    mut tx: Transaction,
    callback: Option<&str>,
) -> Result<Transaction, TransitionError> {
    conn.transaction(|conn| {
        state::transition(conn, &mut tx, Status::PendingUserTransferStart)?;
        if let Some(url) = callback.filter(|c| callbacks::is_url(c)) {
            callbacks::enqueue_transaction(conn, &tx, url)?;
        }
        Ok(tx)
    })
}
