//! `watch-transactions`, `execute-outgoing-transactions` and `poll-outgoing-transactions`.
//!
//! The watcher reads each distribution account's payments from a cursor kept in the
//! database. Matching a payment to its withdrawal and moving the cursor past it are one
//! database transaction, so a restart resumes exactly after the last payment handled: no gap,
//! nothing handled twice. A payment that matches no withdrawal, or several, is stored in
//! `unmatched_payments` for an operator, never dropped. [`watch_once`] reads pages;
//! [`watch_stream`] catches up the same way, then follows the accounts' payment streams.

use std::collections::BTreeMap;
use std::time::Duration;

use diesel::Connection;
use futures::StreamExt;
use rust_decimal::Decimal;
use tokio::sync::watch;

use super::{ProcessError, Worker};
use crate::context::Context;
use crate::integrations::{calculate_fee, FeeParams, OutgoingOutcome};
use crate::model::{now, Asset, Kind, Stage, Status, Transaction};
use crate::state::{self, TransitionError};
use crate::stellar::horizon::{Order, PageQuery, PaymentKind, PaymentRecord};
use crate::stellar::Asset as StellarAsset;
use crate::store::watcher::{self, UnmatchedPayment};
use crate::store::{transactions, StoreError};

/// The distribution accounts to watch, each with the assets it receives.
async fn watched(ctx: &Context) -> Result<BTreeMap<String, Vec<Asset>>, ProcessError> {
    let all = ctx.store.assets().await?;
    let mut map: BTreeMap<String, Vec<Asset>> = BTreeMap::new();
    for asset in all.iter() {
        if let Some(account) = asset.distribution_account() {
            map.entry(account).or_default().push(asset.clone());
        }
    }
    Ok(map)
}

/// One round of `watch-transactions` over every distribution account; returns how many
/// withdrawals it matched.
pub async fn watch_once(ctx: &Context) -> Result<usize, ProcessError> {
    let mut matched = 0;
    for (account, assets) in watched(ctx).await? {
        matched += watch_account(ctx, &account, &assets).await?;
    }
    Ok(matched)
}

async fn start_cursor(ctx: &Context, account: &str) -> Result<Option<String>, ProcessError> {
    let key = account.to_string();
    if let Some(c) = ctx.store.run(move |c| watcher::cursor(c, &key)).await? {
        return Ok(Some(c));
    }
    // First run: start from now, not from the account's whole history.
    let newest = PageQuery {
        cursor: None,
        limit: 1,
        order: Order::Desc,
    };
    match ctx.horizon.payments(account, &newest).await {
        Ok(page) => {
            let start = page
                .records
                .first()
                .map_or("0".to_string(), |r| r.paging_token.clone());
            let (key, stored) = (account.to_string(), start.clone());
            ctx.store
                .run(move |c| watcher::set_cursor(c, &key, &stored))
                .await?;
            Ok(Some(start))
        }
        Err(e) => {
            tracing::warn!(%account, error = %e, "cannot read payments; retrying next round");
            Ok(None)
        }
    }
}

async fn watch_account(
    ctx: &Context,
    account: &str,
    assets: &[Asset],
) -> Result<usize, ProcessError> {
    let Some(mut cursor) = start_cursor(ctx, account).await? else {
        return Ok(0);
    };
    let mut matched = 0;
    loop {
        let query = PageQuery {
            cursor: Some(cursor.clone()),
            limit: 200,
            order: Order::Asc,
        };
        let page = match ctx.horizon.payments(account, &query).await {
            Ok(p) => p,
            Err(e) => {
                tracing::warn!(%account, error = %e, "cannot read payments; retrying next round");
                return Ok(matched);
            }
        };
        if page.records.is_empty() {
            return Ok(matched);
        }
        for record in page.records {
            if handle(ctx, account, assets, &record).await? {
                matched += 1;
            }
            cursor = record.paging_token.clone();
        }
    }
}

/// How often `watch_stream` re-reads the distribution accounts (new assets) and restarts
/// its streams after catching up by pages.
pub const STREAM_REFRESH: Duration = Duration::from_secs(60);

/// The longest wait before a broken stream is opened again.
const MAX_BACKOFF: Duration = Duration::from_secs(30);

/// `watch-transactions` as a long-running process: catches up page by page from the stored
/// cursors, then follows every distribution account's payment stream, handling each payment
/// as it arrives. A dropped stream reconnects with backoff, from the last payment handled;
/// nothing is skipped or handled twice, since the cursor moves with each payment in one
/// database transaction. Returns when `shutdown` turns true.
pub async fn watch_stream(
    ctx: &Context,
    mut shutdown: watch::Receiver<bool>,
) -> Result<(), ProcessError> {
    loop {
        if *shutdown.borrow() {
            return Ok(());
        }
        if let Err(e) = watch_once(ctx).await {
            tracing::error!(error = %e, "catching up on payments failed; following the streams anyway");
        }
        let accounts = watched(ctx).await?;
        let follows = accounts
            .iter()
            .map(|(account, assets)| follow(ctx, account, assets));
        tokio::select! {
            result = futures::future::try_join_all(follows) => {
                if let Err(e) = result {
                    tracing::error!(error = %e, "following payments failed; starting again");
                    tokio::time::sleep(Duration::from_secs(1)).await;
                }
            }
            _ = tokio::time::sleep(STREAM_REFRESH) => {}
            _ = shutdown.changed() => return Ok(()),
        }
    }
}

/// Whether paging token `token` comes after `cursor`.
fn after(token: &str, cursor: &str) -> bool {
    match (token.parse::<u128>(), cursor.parse::<u128>()) {
        (Ok(t), Ok(c)) => t > c,
        _ => token > cursor,
    }
}

async fn follow(ctx: &Context, account: &str, assets: &[Asset]) -> Result<(), ProcessError> {
    let Some(mut cursor) = start_cursor(ctx, account).await? else {
        return Ok(());
    };
    let mut payments = ctx.horizon.stream_payments(account, &cursor);
    let mut backoff = Duration::from_millis(250);
    while let Some(item) = payments.next().await {
        match item {
            Ok(record) if after(&record.paging_token, &cursor) => {
                handle(ctx, account, assets, &record).await?;
                cursor = record.paging_token;
                backoff = Duration::from_millis(250);
            }
            Ok(_) => {}
            Err(e) => {
                tracing::warn!(%account, error = %e, "payment stream interrupted; reconnecting");
                tokio::time::sleep(backoff).await;
                backoff = (backoff * 2).min(MAX_BACKOFF);
            }
        }
    }
    Ok(())
}

fn decimal(stroops: i64) -> Decimal {
    Decimal::new(stroops, 7).normalize()
}

/// Handles one payment and moves the cursor past it, atomically. Returns whether it matched.
async fn handle(
    ctx: &Context,
    account: &str,
    assets: &[Asset],
    record: &PaymentRecord,
) -> Result<bool, ProcessError> {
    let incoming = record.to == account
        && record.transaction_successful
        && matches!(
            record.kind,
            PaymentKind::Payment
                | PaymentKind::PathPaymentStrictReceive
                | PaymentKind::PathPaymentStrictSend
        );
    let verdict = if incoming {
        match_withdrawal(ctx, assets, record).await?
    } else {
        Verdict::Skip
    };
    let (account, record) = (account.to_string(), record.clone());
    let matched = ctx
        .store
        .run(move |conn| {
            conn.transaction::<_, StoreError, _>(|c| {
                let matched = apply(c, &account, &record, verdict)?;
                watcher::set_cursor(c, &account, &record.paging_token)?;
                Ok(matched)
            })
        })
        .await?;
    Ok(matched)
}

/// What to do with one payment.
enum Verdict {
    /// Not a payment into the account: just move on.
    Skip,
    /// Matched this withdrawal, already updated with the amounts received.
    Matched(Box<Transaction>),
    /// Matched nothing usable.
    Unmatched(String),
}

async fn match_withdrawal(
    ctx: &Context,
    assets: &[Asset],
    record: &PaymentRecord,
) -> Result<Verdict, ProcessError> {
    let Some(memo) = record.memo.as_ref().and_then(|m| m.value()) else {
        return Ok(Verdict::Unmatched("the payment has no memo".into()));
    };
    let Some(asset) = assets
        .iter()
        .find(|a| StellarAsset::credit(&a.code, &a.issuer).is_ok_and(|s| s == record.asset))
    else {
        return Ok(Verdict::Unmatched(
            "the asset is not one this anchor withdraws".into(),
        ));
    };
    let found = ctx
        .store
        .run(move |c| {
            transactions::by_memo(c, &memo, Kind::Withdrawal, Status::PendingUserTransferStart)
        })
        .await?;
    let mut candidates: Vec<Transaction> = found
        .into_iter()
        .filter(|t| t.asset_id == asset.id)
        .collect();
    if candidates.len() > 1 {
        return Ok(Verdict::Unmatched(format!(
            "{} withdrawals share this memo",
            candidates.len()
        )));
    }
    let Some(mut tx) = candidates.pop() else {
        return Ok(Verdict::Unmatched(
            "no withdrawal waits for this memo".into(),
        ));
    };
    let amount_in = decimal(record.amount);
    let agreed = tx.amount_fee.filter(|_| tx.amount_in == Some(amount_in));
    let fee = match agreed {
        // The amount the interactive form agreed on (fee added on top or taken out).
        Some(fee) => fee,
        None => {
            let params = FeeParams {
                asset,
                operation: Kind::Withdrawal,
                kind: None,
                amount: amount_in,
            };
            calculate_fee(&ctx.integrations, &params).await?
        }
    };
    if tx.amount_expected.is_some_and(|e| e != amount_in) {
        tracing::warn!(id = %tx.id, expected = ?tx.amount_expected, received = %amount_in, "withdrawal amount differs from the announced one");
    }
    tx.amount_in = Some(amount_in);
    tx.amount_fee = Some(fee);
    tx.amount_out = Some((amount_in - fee).max(Decimal::ZERO));
    tx.from_address = Some(record.from.clone());
    tx.stellar_transaction_id = Some(record.transaction_hash.clone());
    if tx.stage != Stage::KycReview {
        tx.stage = Stage::ReadyToPay;
    }
    Ok(Verdict::Matched(Box::new(tx)))
}

fn apply(
    c: &mut crate::store::DbConnection,
    account: &str,
    record: &PaymentRecord,
    verdict: Verdict,
) -> Result<bool, StoreError> {
    match verdict {
        Verdict::Skip => Ok(false),
        Verdict::Matched(mut tx) => match state::transition(c, &mut tx, Status::PendingAnchor) {
            Ok(()) => Ok(true),
            Err(TransitionError::Store(e)) => Err(e),
            Err(e) => {
                unmatched(
                    c,
                    account,
                    record,
                    &format!("its withdrawal changed meanwhile: {e}"),
                )?;
                Ok(false)
            }
        },
        Verdict::Unmatched(reason) => {
            unmatched(c, account, record, &reason)?;
            Ok(false)
        }
    }
}

fn unmatched(
    c: &mut crate::store::DbConnection,
    account: &str,
    r: &PaymentRecord,
    reason: &str,
) -> Result<(), StoreError> {
    tracing::warn!(%account, payment = %r.paging_token, %reason, "unmatched payment recorded");
    let asset = match (r.asset.code(), r.asset.issuer()) {
        (Some(code), Some(issuer)) => format!("{code}:{issuer}"),
        _ => "native".into(),
    };
    watcher::record_unmatched(
        c,
        &UnmatchedPayment {
            paging_token: r.paging_token.clone(),
            account: account.to_string(),
            from_address: r.from.clone(),
            asset,
            amount: decimal(r.amount).to_string(),
            memo: r.memo.as_ref().and_then(|m| m.value()),
            transaction_hash: r.transaction_hash.clone(),
            reason: reason.to_string(),
            created_at: crate::store::rows::to_db_time(now()),
        },
    )
}

/// One round of `execute-outgoing-transactions`: pays out every withdrawal whose funds
/// arrived (never one held for KYC review); returns how many reached a new status.
pub async fn execute_outgoing(ctx: &Context, worker: &Worker) -> Result<usize, ProcessError> {
    let rails = rails(ctx)?;
    let size = worker.batch;
    let rows = ctx
        .store
        .run(move |c| {
            transactions::pending(
                c,
                Kind::Withdrawal,
                &[Status::PendingAnchor],
                Some(Stage::ReadyToPay),
                None,
                size,
            )
        })
        .await?;
    let mut moved = 0;
    for tx in rows {
        let Some(tx) = claim(ctx, worker, tx).await? else {
            continue;
        };
        match rails.execute_outgoing_transaction(&tx).await {
            Ok(outcome) => moved += usize::from(settle(ctx, tx, outcome).await?),
            Err(e) => {
                tracing::warn!(id = %tx.id, error = %e, "execute_outgoing_transaction failed; retrying next round");
                release(ctx, tx).await?;
            }
        }
    }
    Ok(moved)
}

fn rails(
    ctx: &Context,
) -> Result<std::sync::Arc<dyn crate::integrations::RailsIntegration>, ProcessError> {
    ctx.integrations
        .rails
        .clone()
        .ok_or_else(|| ProcessError::Config("no RailsIntegration registered".into()))
}

async fn claim(
    ctx: &Context,
    worker: &Worker,
    tx: Transaction,
) -> Result<Option<Transaction>, ProcessError> {
    let (id, status, me) = (tx.id, tx.status, worker.id.clone());
    let until =
        now() + chrono::Duration::from_std(worker.lease).unwrap_or(chrono::Duration::seconds(60));
    let claimed = ctx
        .store
        .run(move |c| transactions::claim(c, id, status, &me, now(), until))
        .await?;
    if !claimed {
        return Ok(None);
    }
    let fresh = ctx.store.run(move |c| transactions::by_id(c, id)).await?;
    Ok(fresh.filter(|t| t.status == status && t.stage == tx.stage))
}

async fn release(ctx: &Context, mut tx: Transaction) -> Result<(), ProcessError> {
    tx.lease_owner = None;
    tx.lease_expires_at = None;
    let _ = ctx.store.run(move |c| Ok(state::save(c, &mut tx))).await?;
    Ok(())
}

async fn settle(
    ctx: &Context,
    mut tx: Transaction,
    outcome: OutgoingOutcome,
) -> Result<bool, ProcessError> {
    tx.lease_owner = None;
    tx.lease_expires_at = None;
    let to = match outcome {
        OutgoingOutcome::Completed => {
            tx.stage = Stage::None;
            Status::Completed
        }
        OutgoingOutcome::PendingExternal => {
            tx.stage = Stage::AwaitingExternal;
            Status::PendingExternal
        }
        OutgoingOutcome::Error { message, refunded } => {
            tx.stage = Stage::None;
            tx.status_message = Some(message);
            tx.refunded = refunded;
            Status::Error
        }
        OutgoingOutcome::InfoUpdate { message, fields } => {
            tx.stage = Stage::None;
            tx.required_info_message = Some(message);
            tx.required_info_updates = Some(fields);
            Status::PendingTransactionInfoUpdate
        }
    };
    let moved = ctx
        .store
        .run(move |c| Ok(state::transition(c, &mut tx, to)))
        .await?;
    if let Err(e) = &moved {
        tracing::warn!(error = %e, "withdrawal not moved");
    }
    Ok(moved.is_ok())
}

/// One round of `poll-outgoing-transactions`: completes the payouts the rails report done.
pub async fn poll_outgoing(ctx: &Context, worker: &Worker) -> Result<usize, ProcessError> {
    let rails = rails(ctx)?;
    let size = worker.batch;
    let rows = ctx
        .store
        .run(move |c| {
            transactions::pending(
                c,
                Kind::Withdrawal,
                &[Status::PendingExternal],
                None,
                None,
                size,
            )
        })
        .await?;
    if rows.is_empty() {
        return Ok(0);
    }
    let done = rails.poll_outgoing_transactions(&rows).await?;
    let mut moved = 0;
    for tx in rows.into_iter().filter(|t| done.contains(&t.id)) {
        let mut next = tx;
        next.stage = Stage::None;
        if ctx
            .store
            .run(move |c| Ok(state::transition(c, &mut next, Status::Completed)))
            .await?
            .is_ok()
        {
            moved += 1;
        }
    }
    Ok(moved)
}
