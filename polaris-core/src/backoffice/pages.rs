//! The read pages: transactions (searched, and one in full) and customers.

use chrono::{DateTime, Utc};
use serde_json::{json, Map, Value};
use uuid::Uuid;

use super::filters::{self, Search, PAGE_SIZE};
use super::{actions, render, View};
use crate::integrations::CustomerRequest;
use crate::model::{Asset, Kind, Status, Transaction};
use crate::params::Params;
use crate::store::backoffice::{self as queries, CustomerRecord};
use crate::store::callbacks::{self, Topic};
use crate::store::{events, transactions};
use crate::{ApiError, Context};

/// A time as the pages show it: `2026-12-03 09:41:07 UTC`.
pub fn time(t: DateTime<Utc>) -> String {
    t.format("%Y-%m-%d %H:%M:%S UTC").to_string()
}

fn code_of(assets: &[Asset], id: i64) -> String {
    assets
        .iter()
        .find(|a| a.id == id)
        .map(|a| a.code.clone())
        .unwrap_or_else(|| format!("#{id}"))
}

fn row(tx: &Transaction, assets: &[Asset]) -> Value {
    json!({
        "id": tx.id,
        "kind": tx.kind.as_str(),
        "protocol": tx.protocol.as_str(),
        "status": tx.status.as_str(),
        "asset": code_of(assets, tx.asset_id),
        "amount_in": tx.amount_in.map(|a| a.to_string()),
        "amount_out": tx.amount_out.map(|a| a.to_string()),
        "account": tx.stellar_account,
        "memo": tx.memo,
        "started_at": time(tx.started_at),
    })
}

/// The pagination of a list: current page, last page, and the query of each neighbour.
fn pagination<F>(search: &Search<F>, total: i64) -> Value {
    let last = ((total + PAGE_SIZE - 1) / PAGE_SIZE).max(1);
    let link = |page: i64| {
        let mut q = url::form_urlencoded::Serializer::new(String::new());
        for (k, v) in &search.form {
            q.append_pair(k, v.as_str().unwrap_or_default());
        }
        q.append_pair("page", &page.to_string());
        format!("?{}", q.finish())
    };
    json!({
        "page": search.page,
        "last": last,
        "total": total,
        "previous": (search.page > 1).then(|| link(search.page - 1)),
        "next": (search.page < last).then(|| link(search.page + 1)),
    })
}

/// The transaction list for the query `params`: the status code (400 when a filter was
/// refused) and the page.
pub async fn transactions_page(
    ctx: &Context,
    view: &View<'_>,
    params: &Params,
) -> Result<(u16, String), ApiError> {
    let search = filters::transactions(params);
    let (list, total) = match search.errors.is_empty() {
        true => {
            let (f, offset) = (search.filter.clone(), search.offset());
            ctx.store
                .run(move |c| queries::search_transactions(c, &f, offset, PAGE_SIZE))
                .await?
        }
        false => (Vec::new(), 0),
    };
    let assets = ctx.store.assets().await?;
    let mut v = Map::new();
    v.insert(
        "transactions".into(),
        json!(list.iter().map(|t| row(t, &assets)).collect::<Vec<_>>()),
    );
    v.insert("pagination".into(), pagination(&search, total));
    v.insert("form".into(), Value::Object(search.form.clone()));
    v.insert("errors".into(), json!(search.errors));
    v.insert(
        "statuses".into(),
        json!(Status::ALL.iter().map(|s| s.as_str()).collect::<Vec<_>>()),
    );
    v.insert(
        "kinds".into(),
        json!(Kind::ALL.iter().map(|k| k.as_str()).collect::<Vec<_>>()),
    );
    let status = if search.errors.is_empty() { 200 } else { 400 };
    Ok((status, render(view, "transactions", "transactions", v)?))
}

/// Every stored field of `tx`, by column name, as text.
fn fields(tx: &Transaction) -> Result<Vec<(String, String)>, ApiError> {
    let row = crate::store::rows::TransactionRow::from(tx);
    let Value::Object(map) = serde_json::to_value(row).map_err(ApiError::internal)? else {
        return Err(ApiError::internal("a transaction row is not an object"));
    };
    Ok(map
        .into_iter()
        .map(|(k, v)| {
            let text = match v {
                Value::Null => String::new(),
                Value::String(s) => s,
                other => other.to_string(),
            };
            (k, text)
        })
        .collect())
}

/// The page of transaction `id`: its fields, the history of its statuses, its callbacks and
/// the operations that apply to it.
pub async fn transaction_page(
    ctx: &Context,
    view: &View<'_>,
    id: Uuid,
) -> Result<String, ApiError> {
    let (tx, history, sent) = ctx
        .store
        .run(move |c| {
            let Some(tx) = transactions::by_id(c, id)? else {
                return Ok(None);
            };
            let history = events::of_transaction(c, id)?;
            let sent = callbacks::of_subject(c, Topic::Transaction, &id.to_string())?;
            Ok(Some((tx, history, sent)))
        })
        .await?
        .ok_or_else(|| ApiError::not_found(format!("no transaction {id}")))?;
    let assets = ctx.store.assets().await?;
    let history: Vec<Value> = history
        .iter()
        .map(|e| json!({ "from": e.from_status.map(|s| s.as_str()), "to": e.to_status.as_str(), "stage": e.stage.as_str(), "message": e.status_message, "at": time(e.created_at) }))
        .collect();
    let sent: Vec<Value> = sent
        .iter()
        .map(|c| {
            let state = match (c.delivered_at, c.given_up_at) {
                (Some(t), _) => format!("delivered {}", time(t)),
                (None, Some(t)) => format!("given up {}", time(t)),
                (None, None) => format!("next attempt {}", time(c.next_attempt_at)),
            };
            json!({ "sequence": c.sequence, "url": c.url, "attempts": c.attempts, "state": state, "last_error": c.last_error, "at": time(c.created_at) })
        })
        .collect();
    let mut v = Map::new();
    v.insert("tx".into(), row(&tx, &assets));
    v.insert("fields".into(), json!(fields(&tx)?));
    v.insert("history".into(), json!(history));
    v.insert("callbacks".into(), json!(sent));
    v.insert("operations".into(), json!(actions::available(&tx)));
    render(view, "transaction", "transactions", v)
}

/// The KYC status of `c` from the anchor's SEP-12 integration: `ACCEPTED`, ... or why not.
async fn kyc_status(ctx: &Context, c: &CustomerRecord) -> String {
    let Some(integration) = &ctx.integrations.customer else {
        return "no SEP-12 integration".into();
    };
    let request = CustomerRequest::new(&c.stellar_account, "en")
        .with_id(Some(&c.id))
        .with_memo(c.account_memo.as_deref())
        .with_muxed_account(c.muxed_account.as_deref());
    match integration.get(&request).await {
        Ok(info) => info.status.as_str().into(),
        Err(e) => format!("unavailable ({e})"),
    }
}

/// The customer list for the query `params` (`account`, `page`).
pub async fn customers_page(
    ctx: &Context,
    view: &View<'_>,
    params: &Params,
) -> Result<(u16, String), ApiError> {
    let search = filters::customers(params);
    let (list, total) = match search.errors.is_empty() {
        true => {
            let (account, offset) = (search.filter.clone(), search.offset());
            ctx.store
                .run(move |c| queries::search_customers(c, account.as_deref(), offset, PAGE_SIZE))
                .await?
        }
        false => (Vec::new(), 0),
    };
    let mut rows = Vec::with_capacity(list.len());
    for c in &list {
        rows.push(json!({
            "id": c.id,
            "account": c.stellar_account,
            "memo": c.account_memo,
            "muxed": c.muxed_account,
            "callback_url": c.callback_url,
            "created_at": time(c.created_at.and_utc()),
            "kyc": kyc_status(ctx, c).await,
        }));
    }
    let mut v = Map::new();
    v.insert("customers".into(), json!(rows));
    v.insert("pagination".into(), pagination(&search, total));
    v.insert("form".into(), Value::Object(search.form.clone()));
    v.insert("errors".into(), json!(search.errors));
    let status = if search.errors.is_empty() { 200 } else { 400 };
    Ok((status, render(view, "customers", "customers", v)?))
}
