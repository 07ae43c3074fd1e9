//! `GET /sep6/transactions` and `GET /sep6/transaction`.

use chrono::{DateTime, Utc};
use serde_json::{json, Value};
use uuid::Uuid;

use super::json::transaction_json;
use crate::auth::Subject;
use crate::context::Context;
use crate::error::ApiError;
use crate::model::{Kind, Protocol};
use crate::params::Params;
use crate::store::transactions::{self, ListQuery, Lookup};

/// The most transactions one `/transactions` answer holds.
pub const MAX_LIMIT: i64 = 200;

fn kind(params: &Params) -> Result<Option<Kind>, ApiError> {
    match params.get("kind") {
        None => Ok(None),
        Some("deposit") => Ok(Some(Kind::Deposit)),
        Some("withdrawal") => Ok(Some(Kind::Withdrawal)),
        Some(other) => Err(ApiError::bad_request(format!(
            "kind must be deposit or withdrawal, got '{other}'"
        ))),
    }
}

fn time(params: &Params, name: &str) -> Result<Option<DateTime<Utc>>, ApiError> {
    params
        .get(name)
        .map(|v| {
            DateTime::parse_from_rfc3339(v)
                .map(|t| t.with_timezone(&Utc))
                .map_err(|_| {
                    ApiError::bad_request(format!(
                        "{name} must be an ISO 8601 date-time, got '{v}'"
                    ))
                })
        })
        .transpose()
}

/// `GET /sep6/transactions?asset_code=&no_older_than=&limit=&kind=&paging_id=`: the
/// authenticated account's transactions of that asset, newest first.
pub async fn transactions(
    ctx: &Context,
    subject: &Subject,
    params: &Params,
) -> Result<Value, ApiError> {
    let code = params.required("asset_code")?.to_string();
    let all = ctx.store.assets().await?;
    let found: Vec<_> = all.iter().filter(|a| a.code == code).cloned().collect();
    let mut found: Vec<_> = found.into_iter().filter(|a| a.sep6_enabled).collect();
    if let Some(issuer) = params.get("asset_issuer") {
        found.retain(|a| a.issuer == issuer);
    }
    let Some(asset) = found.first() else {
        return Err(ApiError::bad_request(format!(
            "unknown asset_code '{}'",
            params.required("asset_code")?
        )));
    };
    let limit = params
        .parsed::<i64>("limit", "a positive whole number")?
        .unwrap_or(MAX_LIMIT);
    if limit < 1 {
        return Err(ApiError::bad_request(
            "limit must be a positive whole number",
        ));
    }
    let query = ListQuery {
        owner: subject.owner(),
        asset_id: asset.id,
        protocol: Protocol::Sep6,
        kind: kind(params)?,
        no_older_than: time(params, "no_older_than")?,
        paging_id: params.parsed::<Uuid>("paging_id", "a transaction id")?,
        limit: limit.min(MAX_LIMIT),
    };
    let list = ctx
        .store
        .run(move |c| transactions::list(c, &query))
        .await?;
    let items: Vec<Value> = list
        .iter()
        .map(|t| transaction_json(t, asset, &ctx.settings))
        .collect();
    Ok(json!({ "transactions": items }))
}

/// `GET /sep6/transaction?id=|stellar_transaction_id=|external_transaction_id=`: one
/// transaction of the authenticated account, or a 404.
pub async fn transaction(
    ctx: &Context,
    subject: &Subject,
    params: &Params,
) -> Result<Value, ApiError> {
    let lookup = if let Some(id) = params.parsed::<Uuid>("id", "a transaction id")? {
        Lookup::Id(id)
    } else if let Some(h) = params.get("stellar_transaction_id") {
        Lookup::StellarTransactionId(h.to_string())
    } else if let Some(e) = params.get("external_transaction_id") {
        Lookup::ExternalTransactionId(e.to_string())
    } else {
        return Err(ApiError::bad_request(
            "give id, stellar_transaction_id or external_transaction_id",
        ));
    };
    let owner = subject.owner();
    let found = ctx
        .store
        .run(move |c| transactions::find_owned(c, &owner, Protocol::Sep6, &lookup))
        .await?;
    let tx = found.ok_or_else(|| ApiError::not_found("transaction not found"))?;
    let asset = super::assets::of_transaction(ctx, &tx).await?;
    Ok(json!({ "transaction": transaction_json(&tx, &asset, &ctx.settings) }))
}
