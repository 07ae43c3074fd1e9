//! `GET /sep6/transactions` and `GET /sep6/transaction`.

use serde_json::{json, Value};

use super::json::transaction_json;
use crate::auth::Subject;
use crate::context::Context;
use crate::error::ApiError;
use crate::model::Protocol;
use crate::params::Params;
use crate::store::transactions;
use crate::transfer::assets::Naming;
use crate::transfer::{self, ListParams, LookupParams};

/// `GET /sep6/transactions?asset_code=&no_older_than=&limit=&kind=&paging_id=`: the
/// authenticated account's transactions of that asset, newest first.
pub async fn transactions(
    ctx: &Context,
    subject: &Subject,
    params: &Params,
) -> Result<Value, ApiError> {
    let list = ListParams::parse(params, Protocol::Sep6)?;
    let asset =
        transfer::find(ctx, Protocol::Sep6, list.asset(), Naming::FirstOfCode, None).await?;
    let query = list.query(subject, Protocol::Sep6, asset.id);
    let found = ctx
        .store
        .run(move |c| transactions::list(c, &query))
        .await?;
    let items: Vec<Value> = found
        .iter()
        .map(|t| transaction_json(t, &asset, &ctx.settings))
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
    let LookupParams(lookup) = LookupParams::parse(params)?;
    let owner = subject.owner();
    let found = ctx
        .store
        .run(move |c| transactions::find_owned(c, &owner, Protocol::Sep6, &lookup))
        .await?;
    let tx = found.ok_or_else(|| ApiError::not_found("transaction not found"))?;
    let asset = transfer::of_transaction(ctx, &tx).await?;
    Ok(json!({ "transaction": transaction_json(&tx, &asset, &ctx.settings) }))
}
