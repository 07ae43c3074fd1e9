//! Unmatched payments: payments to a distribution account that `watch-transactions` could
//! not match to a withdrawal (no memo, an unknown memo, several candidates ...). An operator
//! matches one to the withdrawal it pays, or records that it was sent back.
//!
//! Either decision is one database transaction with the row of `unmatched_resolutions`
//! that marks the payment resolved (its primary key is the payment), so a payment is never
//! matched twice, nor matched and refunded, even by two operators at once or a crash
//! between two writes. Matching moves the withdrawal exactly as the watcher does
//! ([`crate::processors::withdrawals`]): its amounts and fee are recorded and it reaches
//! `pending_anchor`, to be paid out by `execute-outgoing-transactions` (or held in
//! `amount_review` when its amount differs from the agreed one).
//!
//! Refunding records the reference of the payment the operator sent back with the
//! distribution account's own wallet: the back office signs and submits nothing.

use diesel::Connection;
use rust_decimal::Decimal;
use serde_json::{json, Map, Value};
use uuid::Uuid;

use super::{render, Flash, View};
use crate::model::{now, Kind, Status, Transaction};
use crate::state::{self, TransitionError};
use crate::store::backoffice::{self as queries, Resolution};
use crate::store::watcher::UnmatchedPayment;
use crate::store::{assets, transactions, StoreError};
use crate::{ApiError, Context};

/// The most payments the page lists.
const LIST_LIMIT: i64 = 200;

/// The page of unmatched payments, open ones with their forms.
pub async fn list_page(ctx: &Context, view: &View<'_>) -> Result<String, ApiError> {
    let rows = ctx
        .store
        .run(|c| queries::unmatched_payments(c, LIST_LIMIT))
        .await?;
    let list: Vec<Value> = rows
        .iter()
        .map(|(p, r)| {
            json!({
                "paging_token": p.paging_token,
                "account": p.account,
                "from_address": p.from_address,
                "asset": p.asset,
                "amount": p.amount,
                "memo": p.memo,
                "transaction_hash": p.transaction_hash,
                "reason": p.reason,
                "created_at": super::pages::time(p.created_at.and_utc()),
                "resolution": r.as_ref().map(|r| json!({
                    "resolution": r.resolution,
                    "transaction_id": r.transaction_id,
                    "reference": r.reference,
                    "resolved_at": super::pages::time(r.resolved_at),
                })),
            })
        })
        .collect();
    let mut values = Map::new();
    values.insert("payments".into(), json!(list));
    render(view, "payments", "payments", values)
}

/// Why a payment could not be matched or refunded: shown to the operator.
fn refused(text: impl std::fmt::Display) -> Flash {
    Flash::error(format!("Not done: {text}."))
}

/// Whether `e` is the unique-key violation of a second resolution of the same payment.
fn already_resolved(e: &StoreError) -> bool {
    use diesel::result::{DatabaseErrorKind, Error};
    matches!(
        e,
        StoreError::Query(Error::DatabaseError(DatabaseErrorKind::UniqueViolation, _))
    )
}

fn store_failed(e: StoreError) -> Flash {
    Flash::error(format!("the database failed: {e}"))
}

/// The open payment `token`, or why not.
async fn open_payment(ctx: &Context, token: &str) -> Result<UnmatchedPayment, Flash> {
    let key = token.to_string();
    match ctx
        .store
        .run(move |c| queries::unmatched_payment(c, &key))
        .await
    {
        Ok(Some((_, true))) => Err(refused("this payment was resolved already")),
        Ok(Some((p, false))) => Ok(p),
        Ok(None) => Err(refused("no such unmatched payment")),
        Err(e) => Err(store_failed(e)),
    }
}

/// Matches payment `token` to withdrawal `transaction_id`.
pub async fn match_payment(ctx: &Context, token: &str, transaction_id: &str) -> Flash {
    match try_match(ctx, token, transaction_id).await {
        Ok(tx) => Flash::ok(format!(
            "Payment matched to {}: the withdrawal is now {} (stage {}).",
            tx.id, tx.status, tx.stage
        )),
        Err(flash) => flash,
    }
}

async fn try_match(ctx: &Context, token: &str, transaction_id: &str) -> Result<Transaction, Flash> {
    let payment = open_payment(ctx, token).await?;
    let id: Uuid = transaction_id
        .trim()
        .parse()
        .map_err(|_| refused("the transaction id is not a UUID"))?;
    let loaded = ctx.store.run(move |c| transactions::by_id(c, id)).await;
    let mut tx = loaded
        .map_err(store_failed)?
        .ok_or_else(|| refused("no such transaction"))?;
    if tx.kind != Kind::Withdrawal || tx.status != Status::PendingUserTransferStart {
        return Err(refused(format!(
            "only a withdrawal waiting for the user's payment can be matched; this {} is {}",
            tx.kind, tx.status
        )));
    }
    let asset_id = tx.asset_id;
    let asset = ctx.store.run(move |c| assets::by_id(c, asset_id)).await;
    let asset = asset
        .map_err(store_failed)?
        .ok_or_else(|| refused("the transaction's asset is gone"))?;
    if asset.asset_id() != payment.asset {
        return Err(refused(format!(
            "the payment is in {}, the withdrawal in {}",
            payment.asset,
            asset.asset_id()
        )));
    }
    let amount: Decimal = payment
        .amount
        .parse()
        .map_err(|_| refused("the payment's amount is unreadable"))?;
    crate::processors::withdrawals::received(
        ctx,
        &mut tx,
        &asset,
        amount,
        &payment.from_address,
        &payment.transaction_hash,
    )
    .await;
    let resolution = Resolution {
        resolution: "matched".into(),
        transaction_id: Some(tx.id.to_string()),
        reference: None,
        resolved_at: now(),
    };
    let token = payment.paging_token.clone();
    let written = ctx
        .store
        .run(move |c| {
            Ok(c.transaction::<_, TransitionError, _>(|c| {
                queries::resolve(c, &token, &resolution)?;
                state::transition(c, &mut tx, Status::PendingAnchor)?;
                Ok(tx)
            }))
        })
        .await
        .map_err(store_failed)?;
    written.map_err(|e| match e {
        TransitionError::Store(e) if already_resolved(&e) => {
            refused("this payment was resolved meanwhile")
        }
        TransitionError::Store(e) => store_failed(e),
        other => refused(other),
    })
}

/// Records that payment `token` was sent back to its payer by the payment `reference`.
pub async fn refund_payment(ctx: &Context, token: &str, reference: &str) -> Flash {
    let reference = reference.trim();
    if reference.is_empty() || reference.chars().count() > 128 {
        return refused("give the reference of the refund payment (at most 128 characters)");
    }
    let payment = match open_payment(ctx, token).await {
        Ok(p) => p,
        Err(flash) => return flash,
    };
    let resolution = Resolution {
        resolution: "refunded".into(),
        transaction_id: None,
        reference: Some(reference.to_string()),
        resolved_at: now(),
    };
    let token = payment.paging_token.clone();
    match ctx
        .store
        .run(move |c| queries::resolve(c, &token, &resolution))
        .await
    {
        Ok(()) => Flash::ok(format!(
            "Recorded: {} {} returned to {}.",
            payment.amount, payment.asset, payment.from_address
        )),
        Err(e) if already_resolved(&e) => refused("this payment was resolved meanwhile"),
        Err(e) => store_failed(e),
    }
}
