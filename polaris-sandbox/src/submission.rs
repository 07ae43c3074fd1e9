//! Submissions at the realistic pace, answered as Horizon answers them, and
//! `POST /transactions_async` at both paces.
//!
//! Horizon's synchronous `POST /transactions` first looks the hash up in its history (a
//! transaction already in a ledger is answered from there), then hands the envelope to
//! stellar-core: `ERROR` is answered 400 `transaction_failed` with the result codes at once;
//! `PENDING`, `DUPLICATE` and `TRY_AGAIN_LATER` all wait until the transaction shows up in a
//! closed ledger, or answer 504 `transaction_submission_timeout` after the submission timeout
//! (a `TRY_AGAIN_LATER` transaction never shows up, so it always ends that way).
//! `POST /transactions_async` answers core's status at once: 201 `PENDING`, 409
//! `DUPLICATE`, 503 `TRY_AGAIN_LATER`, 400 `ERROR` with `error_result_xdr`.

use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use serde_json::json;
use tokio::time::{timeout_at, Instant};

use crate::ledger::render;
use crate::ledger::{Admission, SubmitError, TxRecord};

use super::routes::{base_url, json, now, problem};
use super::Shared;

type Data = web::Data<Shared>;

/// Waits until a ledger after `since` holds `hash`, for at most the submission timeout.
async fn included(data: &Data, hash: &str, since: u32) -> Option<TxRecord> {
    let deadline = Instant::now() + data.submission_timeout;
    let mut ledgers = data.subscribe();
    loop {
        ledgers.mark_unchanged();
        if let Some(t) = data.sandbox().history().included_since(hash, since) {
            return Some(t.clone());
        }
        match timeout_at(deadline, ledgers.changed()).await {
            Ok(Ok(())) => continue,
            _ => return None,
        }
    }
}

/// The answer for a transaction found in a ledger: 200 with it, or 400 when it failed.
fn answer_record(req: &HttpRequest, t: TxRecord) -> HttpResponse {
    let envelope = t.envelope_xdr.clone();
    match crate::ledger::submit_outcome(t) {
        Ok(t) => json(&render::transaction(&t, &base_url(req))),
        Err(error) => refusal(&envelope, error),
    }
}

/// Waits for a queued (or refused for now) transaction: its record, or Horizon's answer.
async fn await_inclusion(
    data: &Data,
    envelope: &str,
    admission: Admission,
    since: u32,
) -> Result<TxRecord, HttpResponse> {
    let hash = match admission {
        Admission::Malformed(_) => return Err(problem(render::transaction_malformed(envelope))),
        Admission::Error { error, .. } => return Err(refusal(envelope, error)),
        Admission::Pending { hash }
        | Admission::Duplicate { hash }
        | Admission::TryAgainLater { hash } => hash,
    };
    included(data, &hash, since)
        .await
        .ok_or_else(|| problem(render::submission_timeout(&hash, envelope)))
}

fn refusal(envelope: &str, error: SubmitError) -> HttpResponse {
    match error {
        SubmitError::Failed {
            codes, result_xdr, ..
        } => problem(render::transaction_failed(envelope, &result_xdr, &codes)),
        SubmitError::Malformed(_) => problem(render::transaction_malformed(envelope)),
    }
}

/// Synchronous `POST /transactions` at the realistic pace.
pub(super) async fn synchronous(req: &HttpRequest, data: &Data, envelope: &str) -> HttpResponse {
    let (admission, since) = {
        let mut sb = data.sandbox();
        if let Some(hash) = sb.hash_of(envelope) {
            if let Some(t) = sb.history().transaction(&hash) {
                let t = t.clone();
                drop(sb);
                return answer_record(req, t);
            }
        }
        let since = sb.latest_ledger().seq;
        (sb.admit(envelope, now()), since)
    };
    match await_inclusion(data, envelope, admission, since).await {
        Ok(record) => {
            let after = data.faults.latency_after_apply();
            if !after.is_zero() {
                tokio::time::sleep(after).await;
            }
            if data.faults.take_after() {
                return problem(render::timeout());
            }
            answer_record(req, record)
        }
        Err(answer) => answer,
    }
}

/// Friendbot at the realistic pace: answers once the account is created.
pub(super) async fn friendbot(req: &HttpRequest, data: &Data, addr: &str) -> HttpResponse {
    let (admission, since) = {
        let mut sb = data.sandbox();
        let since = sb.latest_ledger().seq;
        (sb.friendbot_queued(addr, now()), since)
    };
    if let Admission::Malformed(m) = &admission {
        return problem(render::bad_request("addr", m));
    }
    match await_inclusion(data, "", admission, since).await {
        Ok(record) => answer_record(req, record),
        Err(answer) => answer,
    }
}

fn async_answer(status: u16, tx_status: &str, hash: &str, error: Option<&str>) -> HttpResponse {
    let mut body = json!({ "tx_status": tx_status, "hash": hash });
    if let Some(e) = error {
        body["error_result_xdr"] = json!(e);
    }
    HttpResponse::build(StatusCode::from_u16(status).unwrap_or(StatusCode::OK))
        .content_type("application/hal+json; charset=utf-8")
        .body(body.to_string())
}

/// `POST /transactions_async`: core's status at once, at either pace.
pub(super) async fn asynchronous(data: Data, body: web::Bytes) -> HttpResponse {
    let Some(envelope) = super::routes::form_field(&body, "tx") else {
        return problem(render::bad_request(
            "tx",
            "the form field `tx` must hold a base64 TransactionEnvelope",
        ));
    };
    if data.pace().is_some() {
        let admission = data.sandbox().admit(&envelope, now());
        return admission_answer(&envelope, admission);
    }
    let (hash, outcome) = {
        let mut sb = data.sandbox();
        (sb.hash_of(&envelope), sb.submit(&envelope, now()))
    };
    let hash = hash.unwrap_or_default();
    match outcome {
        Ok(_)
        | Err(SubmitError::Failed {
            record: Some(_), ..
        }) => {
            data.ledger_closed();
            async_answer(201, "PENDING", &hash, None)
        }
        Err(SubmitError::Failed { result_xdr, .. }) => {
            async_answer(400, "ERROR", &hash, Some(&result_xdr))
        }
        Err(SubmitError::Malformed(_)) => problem(render::transaction_malformed(&envelope)),
    }
}

fn admission_answer(envelope: &str, admission: Admission) -> HttpResponse {
    match admission {
        Admission::Pending { hash } => async_answer(201, "PENDING", &hash, None),
        Admission::Duplicate { hash } => async_answer(409, "DUPLICATE", &hash, None),
        Admission::TryAgainLater { hash } => async_answer(503, "TRY_AGAIN_LATER", &hash, None),
        Admission::Error {
            hash,
            error: SubmitError::Failed { result_xdr, .. },
        } => async_answer(400, "ERROR", &hash, Some(&result_xdr)),
        Admission::Error { .. } | Admission::Malformed(_) => {
            problem(render::transaction_malformed(envelope))
        }
    }
}
