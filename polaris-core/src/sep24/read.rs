//! `GET /sep24/transactions` and `GET /sep24/transaction`.

use chrono::{DateTime, Utc};
use serde::Deserialize;
use serde_json::{json, Value};
use uuid::Uuid;

use super::info::sep24_asset;
use super::object::{asset_id, transaction_json, TransactionObject};
use crate::auth::Subject;
use crate::model::{Kind, Protocol};
use crate::store::assets;
use crate::store::transactions::{self, ListQuery, Lookup, Owner};
use crate::{ApiError, Context};

/// The query of `GET /sep24/transactions`.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct TransactionsQuery {
    /// The asset code (required).
    pub asset_code: Option<String>,
    /// Only transactions started at or after this UTC ISO 8601 time.
    pub no_older_than: Option<String>,
    /// The most to return.
    pub limit: Option<String>,
    /// `deposit` or `withdrawal`.
    pub kind: Option<String>,
    /// Only transactions older than this one.
    pub paging_id: Option<String>,
    /// UI language.
    pub lang: Option<String>,
}

/// The query of `GET /sep24/transaction`: one of the three ids.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct TransactionQuery {
    /// Polaris id.
    pub id: Option<String>,
    /// Stellar transaction hash.
    pub stellar_transaction_id: Option<String>,
    /// The anchor's id.
    pub external_transaction_id: Option<String>,
    /// UI language.
    pub lang: Option<String>,
}

fn owner(subject: &Subject) -> Owner {
    Owner {
        account: subject.account.clone(),
        memo: subject.memo.map(|m| m.to_string()),
        muxed: subject.muxed_account.clone(),
    }
}

fn parse_uuid(text: &str, name: &str) -> Result<Uuid, ApiError> {
    text.parse()
        .map_err(|_| ApiError::bad_request(format!("invalid '{name}'")))
}

fn list_query(
    q: &TransactionsQuery,
    subject: &Subject,
    asset_id: i64,
) -> Result<ListQuery, ApiError> {
    let kind = match q.kind.as_deref() {
        None | Some("") => None,
        Some("deposit") => Some(Kind::Deposit),
        Some("withdrawal") => Some(Kind::Withdrawal),
        Some(_) => {
            return Err(ApiError::bad_request(
                "'kind' must be 'deposit' or 'withdrawal'",
            ))
        }
    };
    let no_older_than = match q.no_older_than.as_deref() {
        None | Some("") => None,
        Some(t) => Some(
            DateTime::parse_from_rfc3339(t)
                .map_err(|_| ApiError::bad_request("invalid 'no_older_than'"))?
                .with_timezone(&Utc),
        ),
    };
    let limit = match q.limit.as_deref() {
        None | Some("") => 100,
        Some(l) => l
            .parse::<i64>()
            .ok()
            .filter(|l| *l > 0)
            .ok_or_else(|| ApiError::bad_request("invalid 'limit'"))?,
    };
    let paging_id = match q.paging_id.as_deref() {
        None | Some("") => None,
        Some(p) => Some(parse_uuid(p, "paging_id")?),
    };
    Ok(ListQuery {
        owner: owner(subject),
        asset_id,
        protocol: Protocol::Sep24,
        kind,
        no_older_than,
        paging_id,
        limit: limit.min(200),
    })
}

/// The authenticated account's SEP-24 transactions as JSON text: `{"transactions": [...]}`.
pub async fn transactions(
    ctx: &Context,
    subject: &Subject,
    q: &TransactionsQuery,
) -> Result<String, ApiError> {
    super::check_lang(&ctx.settings, q.lang.as_deref())?;
    let asset = sep24_asset(ctx, q.asset_code.as_deref(), None).await?;
    let query = list_query(q, subject, asset.id)?;
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

/// One of the authenticated account's SEP-24 transactions: `{"transaction": {...}}`.
pub async fn transaction(
    ctx: &Context,
    subject: &Subject,
    q: &TransactionQuery,
) -> Result<Value, ApiError> {
    super::check_lang(&ctx.settings, q.lang.as_deref())?;
    let non_empty = |v: &Option<String>| v.clone().filter(|s| !s.is_empty());
    let lookup = if let Some(id) = non_empty(&q.id) {
        Lookup::Id(parse_uuid(&id, "id")?)
    } else if let Some(h) = non_empty(&q.stellar_transaction_id) {
        Lookup::StellarTransactionId(h)
    } else if let Some(e) = non_empty(&q.external_transaction_id) {
        Lookup::ExternalTransactionId(e)
    } else {
        return Err(ApiError::bad_request(
            "one of 'id', 'stellar_transaction_id' or 'external_transaction_id' is required",
        ));
    };
    let who = owner(subject);
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
