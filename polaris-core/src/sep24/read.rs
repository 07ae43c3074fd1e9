//! `GET /sep24/transactions` and `GET /sep24/transaction`.

use serde_json::{json, Value};

use super::object::{transaction_json, TransactionObject};
use crate::auth::Subject;
use crate::model::Protocol;
use crate::params::Params;
use crate::store::assets;
use crate::store::transactions;
use crate::transfer::assets::Naming;
use crate::transfer::view::asset_id;
use crate::transfer::{self, ListParams, LookupParams};
use crate::{ApiError, Context};

/// The authenticated account's SEP-24 transactions as JSON text: `{"transactions": [...]}`.
/// The query is `asset_code`, `no_older_than`, `limit`, `kind`, `paging_id` and `lang`.
pub async fn transactions(
    ctx: &Context,
    subject: &Subject,
    params: &Params,
) -> Result<String, ApiError> {
    super::check_lang(&ctx.settings, params.get("lang"))?;
    let list = ListParams::parse(params, Protocol::Sep24)?;
    let asset = transfer::find(
        ctx,
        Protocol::Sep24,
        list.asset(),
        Naming::FirstOfCode,
        None,
    )
    .await?;
    let query = list.query(subject, Protocol::Sep24, asset.id);
    let found = ctx
        .store
        .run(move |c| transactions::list(c, &query))
        .await?;
    let id = asset_id(&asset);
    let list = List {
        transactions: found
            .iter()
            .map(|tx| TransactionObject::new(&ctx.settings, tx, &asset, &id))
            .collect(),
    };
    serde_json::to_string(&list).map_err(ApiError::internal)
}

#[derive(serde::Serialize)]
struct List<'a> {
    transactions: Vec<TransactionObject<'a>>,
}

/// One of the authenticated account's SEP-24 transactions: `{"transaction": {...}}`, by
/// `id`, `stellar_transaction_id` or `external_transaction_id`.
pub async fn transaction(
    ctx: &Context,
    subject: &Subject,
    params: &Params,
) -> Result<Value, ApiError> {
    super::check_lang(&ctx.settings, params.get("lang"))?;
    let LookupParams(lookup) = LookupParams::parse(params)?;
    let who = subject.owner();
    let found = ctx
        .store
        .run(move |c| {
            let Some(tx) = transactions::find_owned(c, &who, Protocol::Sep24, &lookup)? else {
                return Ok(None);
            };
            Ok(assets::by_id(c, tx.asset_id)?.map(|a| (tx, a)))
        })
        .await?;
    let (tx, asset) = found.ok_or_else(|| ApiError::not_found("transaction not found"))?;
    Ok(json!({ "transaction": transaction_json(&ctx.settings, &tx, &asset) }))
}
