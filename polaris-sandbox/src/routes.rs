//! Horizon's endpoints over the sandbox: request parsing and responses only.

use std::time::{SystemTime, UNIX_EPOCH};

use crate::ledger::render::{self, Problem};
use crate::ledger::{Cursor, Query, Sandbox, SubmitError};
use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use polaris_core::stellar::keys::is_account_id;
use serde_json::Value;

use super::faults::FaultPlan;
use super::{stream, Shared};

type Data = web::Data<Shared>;

pub(super) fn configure(cfg: &mut web::ServiceConfig) {
    use web::{get, post};
    cfg.route("/", get().to(root))
        .route("/accounts/{id}", get().to(account))
        .route("/accounts/{id}/payments", get().to(account_payments))
        .route("/accounts/{id}/operations", get().to(account_operations))
        .route(
            "/accounts/{id}/transactions",
            get().to(account_transactions),
        )
        .route("/transactions", get().to(transactions))
        .route("/transactions", post().to(submit))
        .route(
            "/transactions_async",
            post().to(super::submission::asynchronous),
        )
        .route("/transactions/{hash}", get().to(transaction))
        .route(
            "/transactions/{hash}/operations",
            get().to(transaction_operations),
        )
        .route(
            "/transactions/{hash}/payments",
            get().to(transaction_operations),
        )
        .route("/payments", get().to(payments))
        .route("/operations", get().to(operations))
        .route("/fee_stats", get().to(fee_stats))
        .route("/ledgers", get().to(ledgers))
        .route("/ledgers/{seq}", get().to(ledger))
        .route("/friendbot", get().to(friendbot))
        .route("/friendbot", post().to(friendbot))
        .route("/_sandbox/faults", get().to(get_faults))
        .route("/_sandbox/faults", post().to(set_faults))
        .route("/_sandbox/drop_streams", post().to(drop_streams))
        .default_service(web::to(|| async { problem(render::not_found()) }));
}

/// The current time, unix seconds.
pub(super) fn now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64)
}

/// The server's own URL as the client reached it.
pub(super) fn base_url(req: &HttpRequest) -> String {
    let info = req.connection_info();
    format!("{}://{}", info.scheme(), info.host())
}

pub(super) fn json(v: &Value) -> HttpResponse {
    HttpResponse::Ok()
        .content_type("application/hal+json; charset=utf-8")
        .body(v.to_string())
}

pub(super) fn problem(p: Problem) -> HttpResponse {
    let status = StatusCode::from_u16(p.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    HttpResponse::build(status)
        .content_type("application/problem+json; charset=utf-8")
        .body(p.body.to_string())
}

async fn delay(data: &Data) {
    let latency = data.faults.latency();
    if !latency.is_zero() {
        tokio::time::sleep(latency).await;
    }
}

fn query_pairs(req: &HttpRequest) -> Vec<(String, String)> {
    url::form_urlencoded::parse(req.query_string().as_bytes())
        .into_owned()
        .collect()
}

fn param(req: &HttpRequest, name: &str) -> Option<String> {
    query_pairs(req)
        .into_iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v)
}

/// Paging parameters of a list request.
pub(super) struct Params {
    pub query: Query,
    pub cursor_text: String,
    pub join: bool,
}

fn params(req: &HttpRequest) -> Result<Params, Problem> {
    let cursor_text = req
        .headers()
        .get("Last-Event-ID")
        .and_then(|v| v.to_str().ok())
        .map(String::from)
        .or_else(|| param(req, "cursor"))
        .unwrap_or_default();
    let cursor = Cursor::parse(Some(&cursor_text))
        .ok_or_else(|| render::bad_request("cursor", "cursor must be a paging token or \"now\""))?;
    let descending = match param(req, "order").as_deref() {
        None | Some("") | Some("asc") => false,
        Some("desc") => true,
        Some(_) => {
            return Err(render::bad_request(
                "order",
                "order must be \"asc\" or \"desc\"",
            ))
        }
    };
    let limit = match param(req, "limit").as_deref() {
        None | Some("") => 10,
        Some(l) => l
            .parse()
            .ok()
            .filter(|l| (1..=200).contains(l))
            .ok_or_else(|| render::bad_request("limit", "limit must be between 1 and 200"))?,
    };
    let include_failed = param(req, "include_failed").as_deref() == Some("true");
    let join = param(req, "join").as_deref() == Some("transactions");
    Ok(Params {
        query: Query {
            cursor,
            descending,
            limit,
            include_failed,
        },
        cursor_text,
        join,
    })
}

/// What a list endpoint lists.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum List {
    Payments(Option<String>),
    Operations(Option<String>),
    Transactions(Option<String>),
}

/// The records of a list, each with its paging token.
pub(super) fn records(sb: &Sandbox, list: &List, p: &Params, base: &str) -> Vec<(String, Value)> {
    let h = sb.history();
    let last = sb.latest_token();
    let op = |o: &&crate::ledger::OpRecord| {
        let tx = if p.join {
            h.transaction(&o.tx_hash)
        } else {
            None
        };
        (o.toid.to_string(), render::operation(o, tx, base))
    };
    match list {
        List::Payments(a) => h
            .payments(a.as_deref(), &p.query, last)
            .iter()
            .map(op)
            .collect(),
        List::Operations(a) => h
            .operations(a.as_deref(), &p.query, last)
            .iter()
            .map(op)
            .collect(),
        List::Transactions(a) => h
            .transactions(a.as_deref(), &p.query, last)
            .iter()
            .map(|t| (t.paging_token(), render::transaction(t, base)))
            .collect(),
    }
}

fn wants_stream(req: &HttpRequest) -> bool {
    req.headers()
        .get("Accept")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.contains("text/event-stream"))
}

async fn list(req: HttpRequest, data: Data, list: List) -> HttpResponse {
    let account = match &list {
        List::Payments(a) | List::Operations(a) | List::Transactions(a) => a.clone(),
    };
    if account.as_deref().is_some_and(|a| !is_account_id(a)) {
        return problem(render::bad_request(
            "account_id",
            "Account ID must start with `G` and contain 56 alphanum characters",
        ));
    }
    let p = match params(&req) {
        Ok(p) => p,
        Err(e) => return problem(e),
    };
    let base = base_url(&req);
    if wants_stream(&req) {
        return stream::respond(data.into_inner(), list, p, base);
    }
    delay(&data).await;
    let records = records(&data.sandbox(), &list, &p, &base);
    let url = format!("{base}{}", req.path());
    let order = if p.query.descending { "desc" } else { "asc" };
    json(&render::page(
        records,
        &url,
        order,
        p.query.limit,
        &p.cursor_text,
    ))
}

async fn root(req: HttpRequest, data: Data) -> HttpResponse {
    delay(&data).await;
    json(&render::root(&data.sandbox(), &base_url(&req)))
}

async fn account(req: HttpRequest, data: Data, id: web::Path<String>) -> HttpResponse {
    delay(&data).await;
    if !is_account_id(&id) {
        return problem(render::bad_request(
            "account_id",
            "Account ID must start with `G` and contain 56 alphanum characters",
        ));
    }
    match data.sandbox().account(&id) {
        Some(acc) => json(&render::account(acc, &base_url(&req))),
        None => problem(render::not_found()),
    }
}

async fn account_payments(req: HttpRequest, data: Data, id: web::Path<String>) -> HttpResponse {
    list(req, data, List::Payments(Some(id.into_inner()))).await
}

async fn account_operations(req: HttpRequest, data: Data, id: web::Path<String>) -> HttpResponse {
    list(req, data, List::Operations(Some(id.into_inner()))).await
}

async fn account_transactions(req: HttpRequest, data: Data, id: web::Path<String>) -> HttpResponse {
    list(req, data, List::Transactions(Some(id.into_inner()))).await
}

async fn transactions(req: HttpRequest, data: Data) -> HttpResponse {
    list(req, data, List::Transactions(None)).await
}

async fn payments(req: HttpRequest, data: Data) -> HttpResponse {
    list(req, data, List::Payments(None)).await
}

async fn operations(req: HttpRequest, data: Data) -> HttpResponse {
    list(req, data, List::Operations(None)).await
}

async fn transaction(req: HttpRequest, data: Data, hash: web::Path<String>) -> HttpResponse {
    delay(&data).await;
    match data.sandbox().history().transaction(&hash) {
        Some(t) => json(&render::transaction(t, &base_url(&req))),
        None => problem(render::not_found()),
    }
}

async fn transaction_operations(
    req: HttpRequest,
    data: Data,
    hash: web::Path<String>,
) -> HttpResponse {
    delay(&data).await;
    let sb = data.sandbox();
    let Some(tx) = sb.history().transaction(&hash) else {
        return problem(render::not_found());
    };
    let base = base_url(&req);
    let payments_only = req.path().ends_with("/payments");
    let records = sb
        .history()
        .operations_of(&tx.hash)
        .into_iter()
        .filter(|o| !payments_only || o.is_payment())
        .map(|o| (o.toid.to_string(), render::operation(o, None, &base)))
        .collect();
    json(&render::page(
        records,
        &format!("{base}{}", req.path()),
        "asc",
        200,
        "",
    ))
}

async fn fee_stats(data: Data) -> HttpResponse {
    delay(&data).await;
    json(&render::fee_stats(&data.sandbox()))
}

async fn ledgers(req: HttpRequest, data: Data) -> HttpResponse {
    delay(&data).await;
    let p = match params(&req) {
        Ok(p) => p,
        Err(e) => return problem(e),
    };
    let base = base_url(&req);
    let sb = data.sandbox();
    let st = sb.state();
    let token = |seq: u32| crate::ledger::history::toid(seq, 0, 0);
    let after = |seq: u32| match p.query.cursor {
        Cursor::Start => true,
        Cursor::Now => false,
        Cursor::At(c) if p.query.descending => token(seq) < c,
        Cursor::At(c) => token(seq) > c,
    };
    let iter: Box<dyn Iterator<Item = _>> = if p.query.descending {
        Box::new(st.ledgers.iter().rev())
    } else {
        Box::new(st.ledgers.iter())
    };
    let records = iter
        .filter(|h| after(h.seq))
        .take(p.query.limit)
        .map(|h| {
            let v = render::ledger(h, st, sb.limits().max_ops_per_ledger, &base);
            (token(h.seq).to_string(), v)
        })
        .collect();
    let order = if p.query.descending { "desc" } else { "asc" };
    json(&render::page(
        records,
        &format!("{base}/ledgers"),
        order,
        p.query.limit,
        &p.cursor_text,
    ))
}

async fn ledger(req: HttpRequest, data: Data, seq: web::Path<String>) -> HttpResponse {
    delay(&data).await;
    let sb = data.sandbox();
    let found = seq
        .parse::<u32>()
        .ok()
        .and_then(|s| sb.state().ledgers.iter().find(|h| h.seq == s));
    match found {
        Some(h) => {
            let max = sb.limits().max_ops_per_ledger;
            json(&render::ledger(h, sb.state(), max, &base_url(&req)))
        }
        None => problem(render::not_found()),
    }
}

pub(super) fn form_field(body: &[u8], name: &str) -> Option<String> {
    url::form_urlencoded::parse(body)
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.into_owned())
}

async fn submit(req: HttpRequest, data: Data, body: web::Bytes) -> HttpResponse {
    delay(&data).await;
    let Some(tx) = form_field(&body, "tx") else {
        return problem(render::bad_request(
            "tx",
            "the form field `tx` must hold a base64 TransactionEnvelope",
        ));
    };
    if data.faults.take_before() {
        return problem(render::timeout());
    }
    if data.pace().is_some() {
        return super::submission::synchronous(&req, &data, &tx).await;
    }
    let outcome = data.sandbox().submit(&tx, now());
    let after = data.faults.latency_after_apply();
    if !after.is_zero() {
        tokio::time::sleep(after).await;
    }
    answer_submission(&req, &data, &tx, outcome)
}

fn answer_submission(
    req: &HttpRequest,
    data: &Data,
    tx: &str,
    outcome: Result<crate::ledger::TxRecord, SubmitError>,
) -> HttpResponse {
    if matches!(
        &outcome,
        Ok(_)
            | Err(SubmitError::Failed {
                record: Some(_),
                ..
            })
    ) {
        data.ledger_closed();
        if data.faults.take_after() {
            return problem(render::timeout());
        }
    }
    match outcome {
        Ok(record) => json(&render::transaction(&record, &base_url(req))),
        Err(SubmitError::Malformed(_)) => problem(render::transaction_malformed(tx)),
        Err(SubmitError::Failed {
            codes, result_xdr, ..
        }) => problem(render::transaction_failed(tx, &result_xdr, &codes)),
    }
}

async fn friendbot(req: HttpRequest, data: Data) -> HttpResponse {
    delay(&data).await;
    let addr = param(&req, "addr").unwrap_or_default();
    if !is_account_id(&addr) {
        return problem(render::bad_request(
            "addr",
            "addr must be a Stellar account id (G...)",
        ));
    }
    if data.pace().is_some() {
        return super::submission::friendbot(&req, &data, &addr).await;
    }
    let outcome = data.sandbox().friendbot(&addr, now());
    let tx = match &outcome {
        Ok(r) => r.envelope_xdr.clone(),
        Err(SubmitError::Failed {
            record: Some(r), ..
        }) => r.envelope_xdr.clone(),
        Err(_) => String::new(),
    };
    if outcome.is_ok()
        || matches!(
            &outcome,
            Err(SubmitError::Failed {
                record: Some(_),
                ..
            })
        )
    {
        data.ledger_closed();
    }
    match outcome {
        Ok(record) => json(&render::transaction(&record, &base_url(&req))),
        Err(SubmitError::Malformed(m)) => problem(render::bad_request("addr", &m)),
        Err(SubmitError::Failed {
            codes, result_xdr, ..
        }) => problem(render::transaction_failed(&tx, &result_xdr, &codes)),
    }
}

async fn get_faults(data: Data) -> HttpResponse {
    HttpResponse::Ok().json(data.faults.get())
}

async fn set_faults(data: Data, body: web::Bytes) -> HttpResponse {
    match serde_json::from_slice::<FaultPlan>(&body) {
        Ok(plan) => {
            data.faults.set(plan.clone());
            HttpResponse::Ok().json(plan)
        }
        Err(e) => problem(render::bad_request(
            "body",
            &format!("expected a JSON fault plan: {e}"),
        )),
    }
}

async fn drop_streams(data: Data) -> HttpResponse {
    data.faults.drop_streams();
    HttpResponse::NoContent().finish()
}
