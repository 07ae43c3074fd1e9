//! Horizon's JSON shapes for sandbox records: resources, pages and problem documents.
//!
//! Every function takes the server's base URL (no trailing slash) for the `_links`.

use base64::Engine as _;
use chrono::{DateTime, Utc};
use serde_json::{json, Map, Value};

use super::codes::ResultCodes;
use super::history::{OpRecord, TxRecord};
use super::state::{AccountEntry, LedgerHeader, LedgerState, TOTAL_COINS};
use super::Sandbox;
use polaris_core::stellar::amount::format_stroops;
use polaris_core::stellar::tx::{
    AUTH_CLAWBACK_FLAG, AUTH_IMMUTABLE_FLAG, AUTH_REQUIRED_FLAG, AUTH_REVOCABLE_FLAG,
};
use polaris_core::stellar::Asset;

/// The protocol version the sandbox reports.
pub const PROTOCOL_VERSION: i32 = 22;

/// RFC 3339 time as Horizon writes it (`2024-01-02T03:04:05Z`).
pub fn time(unix: i64) -> String {
    DateTime::<Utc>::from_timestamp(unix, 0)
        .unwrap_or_default()
        .format("%Y-%m-%dT%H:%M:%SZ")
        .to_string()
}

fn link(href: String) -> Value {
    json!({ "href": href })
}

fn templated(href: String) -> Value {
    json!({ "href": href, "templated": true })
}

/// `GET /`.
pub fn root(sb: &Sandbox, base: &str) -> Value {
    let latest = sb.latest_ledger();
    let l = |p: &str| link(format!("{base}{p}"));
    let t = |p: &str| templated(format!("{base}{p}"));
    json!({
        "_links": {
            "account": t("/accounts/{account_id}"),
            "accounts": t("/accounts{?signer,sponsor,asset,liquidity_pool,cursor,limit,order}"),
            "account_transactions": t("/accounts/{account_id}/transactions{?cursor,limit,order}"),
            "claimable_balances": t("/claimable_balances{?asset,sponsor,claimant,cursor,limit,order}"),
            "assets": t("/assets{?asset_code,asset_issuer,cursor,limit,order}"),
            "effects": t("/effects{?cursor,limit,order}"),
            "fee_stats": l("/fee_stats"),
            "friendbot": t("/friendbot{?addr}"),
            "ledger": t("/ledgers/{sequence}"),
            "ledgers": t("/ledgers{?cursor,limit,order}"),
            "operation": t("/operations/{id}"),
            "operations": t("/operations{?cursor,limit,order,include_failed}"),
            "order_book": t("/order_book{?selling_asset_type,selling_asset_code,selling_asset_issuer,buying_asset_type,buying_asset_code,buying_asset_issuer,limit}"),
            "payments": t("/payments{?cursor,limit,order,include_failed}"),
            "self": l("/"),
            "trade_aggregations": t("/trade_aggregations?base_asset_type={base_asset_type}"),
            "trades": t("/trades?base_asset_type={base_asset_type}"),
            "transaction": t("/transactions/{hash}"),
            "transactions": t("/transactions{?cursor,limit,order}")
        },
        "horizon_version": concat!("polaris-sandbox-", env!("CARGO_PKG_VERSION")),
        "core_version": "polaris-sandbox",
        "ingest_latest_ledger": latest.seq,
        "history_latest_ledger": latest.seq,
        "history_latest_ledger_closed_at": time(latest.closed_at),
        "history_elder_ledger": 1,
        "core_latest_ledger": latest.seq,
        "network_passphrase": sb.passphrase(),
        "current_protocol_version": PROTOCOL_VERSION,
        "supported_protocol_version": PROTOCOL_VERSION,
        "core_supported_protocol_version": PROTOCOL_VERSION
    })
}

fn flags(f: u32) -> Value {
    json!({
        "auth_required": f & AUTH_REQUIRED_FLAG != 0,
        "auth_revocable": f & AUTH_REVOCABLE_FLAG != 0,
        "auth_immutable": f & AUTH_IMMUTABLE_FLAG != 0,
        "auth_clawback_enabled": f & AUTH_CLAWBACK_FLAG != 0
    })
}

fn balances(acc: &AccountEntry) -> Vec<Value> {
    let mut out: Vec<Value> = Vec::new();
    for (key, line) in &acc.trustlines {
        let Ok(asset) = Asset::parse(key) else {
            continue;
        };
        out.push(json!({
            "balance": format_stroops(line.balance),
            "limit": format_stroops(line.limit),
            "buying_liabilities": "0.0000000",
            "selling_liabilities": "0.0000000",
            "last_modified_ledger": line.last_modified_ledger,
            "is_authorized": line.authorized,
            "is_authorized_to_maintain_liabilities": line.authorized,
            "is_clawback_enabled": false,
            "asset_type": asset.asset_type(),
            "asset_code": asset.code(),
            "asset_issuer": asset.issuer()
        }));
    }
    out.push(json!({
        "balance": format_stroops(acc.balance),
        "buying_liabilities": "0.0000000",
        "selling_liabilities": "0.0000000",
        "asset_type": "native"
    }));
    out
}

/// `GET /accounts/{id}`.
pub fn account(acc: &AccountEntry, base: &str) -> Value {
    let a = format!("{base}/accounts/{}", acc.id);
    let mut signers: Vec<Value> = acc
        .signers
        .iter()
        .map(|(k, w)| json!({"weight": w, "key": k, "type": "ed25519_public_key"}))
        .collect();
    signers.push(json!({"weight": acc.master_weight, "key": acc.id, "type": "ed25519_public_key"}));
    let b64 = base64::engine::general_purpose::STANDARD;
    let data: Map<String, Value> = acc
        .data
        .iter()
        .map(|(k, v)| (k.clone(), json!(b64.encode(v))))
        .collect();
    let mut v = json!({
        "_links": {
            "self": link(a.clone()),
            "transactions": templated(format!("{a}/transactions{{?cursor,limit,order}}")),
            "operations": templated(format!("{a}/operations{{?cursor,limit,order}}")),
            "payments": templated(format!("{a}/payments{{?cursor,limit,order}}")),
            "effects": templated(format!("{a}/effects{{?cursor,limit,order}}")),
            "offers": templated(format!("{a}/offers{{?cursor,limit,order}}")),
            "trades": templated(format!("{a}/trades{{?cursor,limit,order}}")),
            "data": templated(format!("{a}/data/{{key}}"))
        },
        "id": acc.id,
        "account_id": acc.id,
        "sequence": acc.seq.to_string(),
        "sequence_ledger": acc.last_modified_ledger,
        "sequence_time": acc.last_modified_time.to_string(),
        "subentry_count": acc.subentries(),
        "last_modified_ledger": acc.last_modified_ledger,
        "last_modified_time": time(acc.last_modified_time),
        "thresholds": {
            "low_threshold": acc.thresholds[0],
            "med_threshold": acc.thresholds[1],
            "high_threshold": acc.thresholds[2]
        },
        "flags": flags(acc.flags),
        "balances": balances(acc),
        "signers": signers,
        "data": data,
        "num_sponsoring": acc.num_sponsoring,
        "num_sponsored": 0,
        "paging_token": acc.id
    });
    if !acc.home_domain.is_empty() {
        v["home_domain"] = json!(acc.home_domain);
    }
    v
}

/// `GET /transactions/{hash}` and the records of transaction pages.
pub fn transaction(t: &TxRecord, base: &str) -> Value {
    let s = format!("{base}/transactions/{}", t.hash);
    let mut v = json!({
        "_links": {
            "self": link(s.clone()),
            "account": link(format!("{base}/accounts/{}", t.source_account)),
            "ledger": link(format!("{base}/ledgers/{}", t.ledger)),
            "operations": templated(format!("{s}/operations{{?cursor,limit,order}}")),
            "effects": templated(format!("{s}/effects{{?cursor,limit,order}}")),
            "precedes": link(format!("{base}/transactions?order=asc&cursor={}", t.toid)),
            "succeeds": link(format!("{base}/transactions?order=desc&cursor={}", t.toid)),
            "transaction": link(s)
        },
        "id": t.hash,
        "paging_token": t.paging_token(),
        "successful": t.successful,
        "hash": t.hash,
        "ledger": t.ledger,
        "created_at": time(t.created_at),
        "source_account": t.source_account,
        "source_account_sequence": t.source_seq.to_string(),
        "fee_account": t.fee_account,
        "fee_charged": t.fee_charged.to_string(),
        "max_fee": t.max_fee.to_string(),
        "operation_count": t.operation_count,
        "envelope_xdr": t.envelope_xdr,
        "result_xdr": t.result_xdr,
        "result_meta_xdr": "",
        "fee_meta_xdr": "",
        "memo_type": t.memo_type,
        "signatures": t.signatures
    });
    optional_tx_fields(&mut v, t);
    v
}

fn optional_tx_fields(v: &mut Value, t: &TxRecord) {
    if let Some(m) = &t.memo {
        v["memo"] = json!(m);
    }
    if let Some(b) = &t.memo_bytes {
        v["memo_bytes"] = json!(b);
    }
    if let Some(m) = &t.source_muxed {
        v["account_muxed"] = json!(m);
    }
    if let (Some(after), Some(before)) = (t.valid_after, t.valid_before) {
        v["valid_after"] = json!(time(after as i64));
        if before != 0 {
            v["valid_before"] = json!(time(before as i64));
        }
        let mut tb = json!({"min_time": after.to_string()});
        if before != 0 {
            tb["max_time"] = json!(before.to_string());
        }
        v["preconditions"] = json!({ "timebounds": tb });
    }
    if let Some(inner) = &t.inner_hash {
        v["fee_bump_transaction"] = json!({"hash": t.hash, "signatures": t.signatures});
        v["inner_transaction"] = json!({
            "hash": inner,
            "signatures": t.inner_signatures,
            "max_fee": t.inner_max_fee.unwrap_or_default().to_string()
        });
    }
}

/// An operation as `/payments` and `/operations` list it, with the transaction when joined.
pub fn operation(op: &OpRecord, tx: Option<&TxRecord>, base: &str) -> Value {
    let s = format!("{base}/operations/{}", op.toid);
    let mut v = json!({
        "_links": {
            "self": link(s.clone()),
            "transaction": link(format!("{base}/transactions/{}", op.tx_hash)),
            "effects": link(format!("{s}/effects")),
            "succeeds": link(format!("{base}/effects?order=desc&cursor={}", op.toid)),
            "precedes": link(format!("{base}/effects?order=asc&cursor={}", op.toid))
        },
        "id": op.toid.to_string(),
        "paging_token": op.toid.to_string(),
        "transaction_successful": op.successful,
        "source_account": op.source_account,
        "type": op.type_name,
        "type_i": op.type_i,
        "created_at": time(op.created_at),
        "transaction_hash": op.tx_hash
    });
    if let Some(m) = &op.source_muxed {
        v["source_account_muxed"] = json!(m);
    }
    if let (Value::Object(target), Value::Object(details)) = (&mut v, &op.details) {
        target.extend(details.clone());
    }
    if let Some(tx) = tx {
        v["transaction"] = transaction(tx, base);
    }
    v
}

/// A closed ledger.
pub fn ledger(h: &LedgerHeader, st: &LedgerState, max_tx_set_size: u32, base: &str) -> Value {
    let s = format!("{base}/ledgers/{}", h.seq);
    let toid = super::history::toid(h.seq, 0, 0);
    json!({
        "_links": {
            "self": link(s.clone()),
            "transactions": templated(format!("{s}/transactions{{?cursor,limit,order}}")),
            "operations": templated(format!("{s}/operations{{?cursor,limit,order}}")),
            "payments": templated(format!("{s}/payments{{?cursor,limit,order}}")),
            "effects": templated(format!("{s}/effects{{?cursor,limit,order}}"))
        },
        "id": h.hash,
        "paging_token": toid.to_string(),
        "hash": h.hash,
        "prev_hash": h.prev_hash,
        "sequence": h.seq,
        "successful_transaction_count": h.successful_transaction_count,
        "failed_transaction_count": h.failed_transaction_count,
        "operation_count": h.operation_count,
        "tx_set_operation_count": h.tx_set_operation_count.max(h.operation_count),
        "closed_at": time(h.closed_at),
        "total_coins": format_stroops(TOTAL_COINS),
        "fee_pool": format_stroops(h.fee_pool),
        "base_fee_in_stroops": st.base_fee,
        "base_reserve_in_stroops": st.base_reserve,
        "max_tx_set_size": max_tx_set_size,
        "protocol_version": PROTOCOL_VERSION,
        "header_xdr": ""
    })
}

/// `GET /fee_stats`: the sandbox never has surge pricing, so every figure is the base fee.
pub fn fee_stats(sb: &Sandbox) -> Value {
    let fee = sb.state().base_fee.to_string();
    let dist = json!({
        "max": fee, "min": fee, "mode": fee, "p10": fee, "p20": fee, "p30": fee, "p40": fee, "p50": fee,
        "p60": fee, "p70": fee, "p80": fee, "p90": fee, "p95": fee, "p99": fee
    });
    json!({
        "last_ledger": sb.latest_ledger().seq.to_string(),
        "last_ledger_base_fee": fee,
        "ledger_capacity_usage": "0.00",
        "fee_charged": dist,
        "max_fee": dist
    })
}

/// A page of records with `self`, `next` and `prev` links.
///
/// `url` is the request URL without paging parameters; `order` is `asc` or `desc`.
pub fn page(
    records: Vec<(String, Value)>,
    url: &str,
    order: &str,
    limit: usize,
    cursor: &str,
) -> Value {
    let sep = if url.contains('?') { '&' } else { '?' };
    let href = |c: &str, o: &str| link(format!("{url}{sep}cursor={c}&limit={limit}&order={o}"));
    let first = records
        .first()
        .map(|r| r.0.clone())
        .unwrap_or_else(|| cursor.to_string());
    let last = records
        .last()
        .map(|r| r.0.clone())
        .unwrap_or_else(|| cursor.to_string());
    let reverse = if order == "asc" { "desc" } else { "asc" };
    json!({
        "_links": { "self": href(cursor, order), "next": href(&last, order), "prev": href(&first, reverse) },
        "_embedded": { "records": records.into_iter().map(|r| r.1).collect::<Vec<_>>() }
    })
}

/// A Horizon problem document and its HTTP status.
#[derive(Debug, Clone, PartialEq)]
pub struct Problem {
    /// HTTP status.
    pub status: u16,
    /// The JSON body (`application/problem+json`).
    pub body: Value,
}

fn problem(status: u16, kind: &str, title: &str, detail: &str) -> Problem {
    let body = json!({
        "type": format!("https://stellar.org/horizon-errors/{kind}"),
        "title": title,
        "status": status,
        "detail": detail
    });
    Problem { status, body }
}

/// 404 `not_found`.
pub fn not_found() -> Problem {
    problem(
        404,
        "not_found",
        "Resource Missing",
        "The resource at the url requested was not found.  This usually occurs for one of two reasons:  The url requested is not valid, or no data in our database could be found with the parameters provided.",
    )
}

/// 400 `bad_request` naming the invalid field.
pub fn bad_request(field: &str, reason: &str) -> Problem {
    let mut p = problem(
        400,
        "bad_request",
        "Bad Request",
        "The request you sent was invalid in some way.",
    );
    p.body["extras"] = json!({ "invalid_field": field, "reason": reason });
    p
}

/// 400 `transaction_malformed`.
pub fn transaction_malformed(envelope_xdr: &str) -> Problem {
    let mut p = problem(
        400,
        "transaction_malformed",
        "Transaction Malformed",
        "Horizon could not decode the transaction envelope in this request. A transaction should be an XDR TransactionEnvelope struct encoded using base64.  The envelope read from this request is echoed in the `extras.envelope_xdr` field of this response for your convenience.",
    );
    p.body["extras"] = json!({ "envelope_xdr": envelope_xdr });
    p
}

/// 400 `transaction_failed` with the result codes.
pub fn transaction_failed(envelope_xdr: &str, result_xdr: &str, codes: &ResultCodes) -> Problem {
    let mut p = problem(
        400,
        "transaction_failed",
        "Transaction Failed",
        "The transaction failed when submitted to the stellar network. The `extras.result_codes` field on this response contains further details.  Descriptions of each code can be found at: https://developers.stellar.org/docs/data/apis/horizon/api-reference/errors/http-status-codes/horizon-specific/transaction-failed",
    );
    p.body["extras"] =
        json!({ "envelope_xdr": envelope_xdr, "result_xdr": result_xdr, "result_codes": codes });
    p
}

/// 504 `timeout`: the submission's outcome is unknown to the client.
pub fn timeout() -> Problem {
    problem(
        504,
        "timeout",
        "Timeout",
        "Your request timed out before completing.  Please try your request again. If you are submitting a transaction make sure you are sending exactly the same transaction (with the same sequence number).",
    )
}

/// 504 `transaction_submission_timeout`: the transaction was not in a ledger within Horizon's
/// submission timeout; it may still be.
pub fn submission_timeout(hash: &str, envelope_xdr: &str) -> Problem {
    let mut p = problem(
        504,
        "transaction_submission_timeout",
        "Transaction Submission Timeout",
        "Your transaction submission request has timed out. This does not necessarily mean the submission has failed. Before resubmitting, please use the transaction hash provided in `extras.hash` to poll the GET /transactions endpoint for sometime and check if it was included in a ledger.",
    );
    p.body["extras"] = json!({ "hash": hash, "envelope_xdr": envelope_xdr });
    p
}
