//! `execute-outgoing-transactions` and `poll-outgoing-transactions`: paying withdrawals out
//! through the anchor's rails, at most once.
//!
//! A lease alone cannot keep a slow rails call from running twice: once the lease expires,
//! another worker could claim the withdrawal while the first call is still paying it. So the
//! worker holding the lease first records `paying_out` (with `payout_started_at`) in one
//! conditional write that only one worker can win, and only then calls the rails. Nothing ever
//! picks a `paying_out` withdrawal up again: the call's answer settles it, an error puts it back
//! to `ready_to_pay` (the hook promises nothing was sent), and a worker killed during the call
//! leaves it for the operator, flagged once the lease has passed.

use std::sync::Arc;

use super::{ProcessError, Worker};
use crate::context::Context;
use crate::integrations::{
    OutgoingOutcome, RailsIntegration, TransactionRequest, TransactionsRequest,
};
use crate::model::{now, Kind, Stage, Status, Transaction};
use crate::state;
use crate::store::transactions;

/// What a wallet reads on a withdrawal whose payout never reported back.
const STALLED_MESSAGE: &str = "The payout was started and is waiting for a check by the anchor.";

/// Up to a batch of withdrawals in `status` (and `stage`, when given).
async fn withdrawals(
    ctx: &Context,
    worker: &Worker,
    status: Status,
    stage: Option<Stage>,
) -> Result<Vec<Transaction>, ProcessError> {
    let size = worker.batch;
    let rows = ctx
        .store
        .run(move |c| transactions::pending(c, Kind::Withdrawal, &[status], stage, None, size))
        .await?;
    Ok(rows)
}

/// One round of `execute-outgoing-transactions`: pays out every withdrawal whose funds
/// arrived (never one held for review); returns how many reached a new status.
pub async fn execute_outgoing(ctx: &Context, worker: &Worker) -> Result<usize, ProcessError> {
    let rails = rails(ctx)?;
    flag_stalled(ctx, worker).await?;
    let rows = withdrawals(ctx, worker, Status::PendingAnchor, Some(Stage::ReadyToPay)).await?;
    let mut moved = 0;
    for tx in rows {
        let Some(tx) = claim(ctx, worker, tx).await? else {
            continue;
        };
        let Some(tx) = start(ctx, worker, tx).await? else {
            continue;
        };
        match rails
            .execute_outgoing_transaction(&TransactionRequest::new(&tx))
            .await
        {
            Ok(outcome) => moved += usize::from(settle(ctx, tx, outcome).await?),
            Err(e) => {
                tracing::warn!(id = %tx.id, error = %e.chain(), "execute_outgoing_transaction failed; retrying next round");
                release(ctx, tx).await?;
            }
        }
    }
    Ok(moved)
}

fn rails(ctx: &Context) -> Result<Arc<dyn RailsIntegration>, ProcessError> {
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
    let until = now() + lease(worker);
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

fn lease(worker: &Worker) -> chrono::Duration {
    chrono::Duration::from_std(worker.lease).unwrap_or(chrono::Duration::seconds(60))
}

/// Records `paying_out` before the rails call; `None` when another worker got there first.
async fn start(
    ctx: &Context,
    worker: &Worker,
    mut tx: Transaction,
) -> Result<Option<Transaction>, ProcessError> {
    let (id, me, at) = (tx.id, worker.id.clone(), now());
    let started = ctx
        .store
        .run(move |c| transactions::start_payout(c, id, &me, at))
        .await?;
    if !started {
        return Ok(None);
    }
    tx.stage = Stage::PayingOut;
    tx.payout_started_at = Some(at);
    tx.updated_at = at;
    Ok(Some(tx))
}

/// The rails said nothing was sent: back to `ready_to_pay` for the next round.
async fn release(ctx: &Context, mut tx: Transaction) -> Result<(), ProcessError> {
    tx.stage = Stage::ReadyToPay;
    tx.payout_started_at = None;
    tx.lease_owner = None;
    tx.lease_expires_at = None;
    let _ = ctx.store.run(move |c| Ok(state::save(c, &mut tx))).await?;
    Ok(())
}

/// Puts a message on every payout that started more than a lease ago and never reported
/// back, and tells the operator: its worker died during the rails call, and only the rails
/// know whether it was paid. It is never called again.
async fn flag_stalled(ctx: &Context, worker: &Worker) -> Result<(), ProcessError> {
    let (before, size) = (now() - lease(worker), worker.batch);
    let rows = ctx
        .store
        .run(move |c| transactions::stalled_payouts(c, before, size))
        .await?;
    for mut tx in rows {
        tracing::error!(id = %tx.id, started = ?tx.payout_started_at, "a payout never reported back: check with the rails whether it was paid, then complete or refund it");
        tx.status_message = Some(STALLED_MESSAGE.into());
        let _ = ctx.store.run(move |c| Ok(state::save(c, &mut tx))).await?;
    }
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
            // Nothing was sent: once the wallet answered, the payout is tried again.
            tx.stage = Stage::ReadyToPay;
            tx.payout_started_at = None;
            tx.resume_status = Some(Status::PendingAnchor);
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
    let rows = withdrawals(ctx, worker, Status::PendingExternal, None).await?;
    if rows.is_empty() {
        return Ok(0);
    }
    let done = rails
        .poll_outgoing_transactions(&TransactionsRequest::new(&rows))
        .await?;
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
