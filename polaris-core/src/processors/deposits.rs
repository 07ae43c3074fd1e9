//! `process-pending-deposits` and `check-trustlines`.
//!
//! 1. Pending deposits (`pending_user_transfer_start`) are handed to
//!    [`RailsIntegration::poll_pending_deposits`](crate::integrations::RailsIntegration) in
//!    batches; those whose funds arrived get their amounts and move to `pending_anchor`
//!    with stage `ready_to_pay`.
//! 2. Every `ready_to_pay` deposit is claimed, its payment signed and stored, then
//!    submitted and settled; interrupted ones (`pending_stellar` / `submitting`) are resumed.

use chrono::{DateTime, Utc};

use super::payment::{prepare, settle, Step};
use super::{ProcessError, Worker};
use crate::context::Context;
use crate::integrations::{calculate_fee, FeeParams};
use crate::model::{now, Asset, Kind, Stage, Status, Transaction};
use crate::state::{self, TransitionError};
use crate::stellar::{Address, Asset as StellarAsset};
use crate::store::{assets, transactions};

/// What one run did.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Summary {
    /// Deposits whose funds arrived this run.
    pub received: usize,
    /// Deposits paid this run.
    pub completed: usize,
    /// Deposits waiting for a trustline.
    pub pending_trust: usize,
    /// Deposits that failed for good.
    pub failed: usize,
    /// Deposits left for the next run (unknown outcome, lost race, lease held elsewhere).
    pub retried: usize,
}

async fn batch(
    ctx: &Context,
    statuses: &'static [Status],
    stage: Option<Stage>,
    after: Option<DateTime<Utc>>,
    size: i64,
) -> Result<Vec<Transaction>, ProcessError> {
    Ok(ctx
        .store
        .run(move |c| transactions::pending(c, Kind::Deposit, statuses, stage, after, size))
        .await?)
}

/// Runs both steps once over every pending deposit.
pub async fn run_once(ctx: &Context, worker: &Worker) -> Result<Summary, ProcessError> {
    let mut summary = Summary::default();
    poll_received(ctx, worker, &mut summary).await?;
    pay_ready(ctx, worker, &mut summary).await?;
    Ok(summary)
}

/// `check-trustlines`: deposits in `pending_trust` whose destination now trusts the asset
/// go back to `ready_to_pay`, and are paid.
pub async fn check_trustlines(ctx: &Context, worker: &Worker) -> Result<Summary, ProcessError> {
    let mut summary = Summary::default();
    let mut after = None;
    loop {
        let rows = batch(ctx, &[Status::PendingTrust], None, after, worker.batch).await?;
        let Some(last) = rows.last() else { break };
        after = Some(last.started_at);
        let full = rows.len() as i64 == worker.batch;
        for tx in rows {
            let Some(asset) = asset_of(ctx, &tx).await? else {
                continue;
            };
            if trusts(ctx, &tx, &asset).await {
                let mut next = tx;
                next.stage = Stage::ReadyToPay;
                let moved = ctx
                    .store
                    .run(move |c| Ok(state::transition(c, &mut next, Status::PendingAnchor)))
                    .await?;
                if moved.is_err() {
                    summary.retried += 1;
                }
            }
        }
        if !full {
            break;
        }
    }
    pay_ready(ctx, worker, &mut summary).await?;
    Ok(summary)
}

async fn poll_received(
    ctx: &Context,
    worker: &Worker,
    summary: &mut Summary,
) -> Result<(), ProcessError> {
    let rails = ctx
        .integrations
        .rails
        .clone()
        .ok_or_else(|| ProcessError::Config("no RailsIntegration registered".into()))?;
    let mut after = None;
    loop {
        let rows = batch(
            ctx,
            &[Status::PendingUserTransferStart],
            Some(Stage::None),
            after,
            worker.batch,
        )
        .await?;
        let Some(last) = rows.last() else { break };
        after = Some(last.started_at);
        let full = rows.len() as i64 == worker.batch;
        let arrived = rails.poll_pending_deposits(&rows).await?;
        for reported in arrived {
            let Some(original) = rows.iter().find(|t| t.id == reported.id) else {
                tracing::warn!(id = %reported.id, "poll_pending_deposits returned a transaction it was not given");
                continue;
            };
            if mark_received(ctx, original.clone(), &reported).await? {
                summary.received += 1;
            }
        }
        if !full {
            break;
        }
    }
    Ok(())
}

/// Takes the amounts the anchor reported, computes fee and amount out, and moves the
/// deposit to `pending_anchor` / `ready_to_pay`. Returns whether this call moved it.
async fn mark_received(
    ctx: &Context,
    original: Transaction,
    reported: &Transaction,
) -> Result<bool, ProcessError> {
    let Some(asset) = asset_of(ctx, &original).await? else {
        return Ok(false);
    };
    let Some(amount_in) = reported.amount_in.or(original.amount_expected) else {
        tracing::warn!(id = %original.id, "received deposit has no amount_in: set it in poll_pending_deposits");
        return Ok(false);
    };
    let fee = match reported.amount_fee {
        Some(fee) if reported.amount_in == original.amount_in => fee,
        _ => {
            let params = FeeParams {
                asset: &asset,
                operation: Kind::Deposit,
                kind: None,
                amount: amount_in,
            };
            calculate_fee(&ctx.integrations, &params).await?
        }
    };
    let amount_out = if ctx.settings.additive_fees_enabled {
        amount_in
    } else {
        amount_in - fee
    };
    let mut next = original;
    next.amount_in = Some(amount_in);
    next.amount_fee = Some(fee);
    next.amount_out = Some(amount_out.round_dp(7));
    next.from_address = reported.from_address.clone().or(next.from_address);
    next.external_transaction_id = reported
        .external_transaction_id
        .clone()
        .or(next.external_transaction_id);
    next.stage = Stage::ReadyToPay;
    let moved = ctx
        .store
        .run(move |c| Ok(state::transition(c, &mut next, Status::PendingAnchor)))
        .await?;
    Ok(moved.is_ok())
}

async fn asset_of(ctx: &Context, tx: &Transaction) -> Result<Option<Asset>, ProcessError> {
    let id = tx.asset_id;
    Ok(ctx.store.run(move |c| assets::by_id(c, id)).await?)
}

async fn trusts(ctx: &Context, tx: &Transaction, asset: &Asset) -> bool {
    let Some(account) = tx
        .to_address
        .as_deref()
        .and_then(|a| Address::parse(a).ok())
    else {
        return false;
    };
    let Ok(stellar_asset) = StellarAsset::credit(&asset.code, &asset.issuer) else {
        return false;
    };
    match ctx.horizon.account(&account.account_id()).await {
        Ok(Some(details)) => details
            .balance(&stellar_asset)
            .is_some_and(|b| b.is_authorized),
        _ => false,
    }
}

async fn pay_ready(
    ctx: &Context,
    worker: &Worker,
    summary: &mut Summary,
) -> Result<(), ProcessError> {
    for (status, stage) in [
        (Status::PendingStellar, Stage::Submitting),
        (Status::PendingAnchor, Stage::ReadyToPay),
    ] {
        let statuses: &'static [Status] = if status == Status::PendingStellar {
            &[Status::PendingStellar]
        } else {
            &[Status::PendingAnchor]
        };
        let mut after = None;
        loop {
            let rows = batch(ctx, statuses, Some(stage), after, worker.batch).await?;
            let Some(last) = rows.last() else { break };
            after = Some(last.started_at);
            let full = rows.len() as i64 == worker.batch;
            for tx in rows {
                let step = pay_one(ctx, worker, tx).await?;
                count(summary, step);
            }
            if !full {
                break;
            }
        }
    }
    Ok(())
}

fn count(summary: &mut Summary, step: Option<Step>) {
    match step {
        Some(Step::Completed) => summary.completed += 1,
        Some(Step::NeedsTrust) => summary.pending_trust += 1,
        Some(Step::Failed(_)) => summary.failed += 1,
        Some(Step::Retry(_)) | Some(Step::Rebuild) | None => summary.retried += 1,
    }
}

/// Claims one deposit and drives it as far as it goes now; `None` when another worker has it.
async fn pay_one(
    ctx: &Context,
    worker: &Worker,
    tx: Transaction,
) -> Result<Option<Step>, ProcessError> {
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
    // Reload after claiming: another worker may have moved it meanwhile.
    let Some(mut tx) = ctx.store.run(move |c| transactions::by_id(c, id)).await? else {
        return Ok(None);
    };
    if tx.status != status {
        return Ok(None);
    }
    let Some(asset) = asset_of(ctx, &tx).await? else {
        return Ok(None);
    };
    if tx.status == Status::PendingAnchor {
        if !trusts(ctx, &tx, &asset).await {
            let mut next = tx;
            next.stage = Stage::None;
            let moved = ctx
                .store
                .run(move |c| Ok(state::transition(c, &mut next, Status::PendingTrust)))
                .await?;
            return Ok(moved.ok().map(|_| Step::NeedsTrust));
        }
        let Some(Ok(key)) = asset.distribution_key() else {
            return Err(ProcessError::Config(format!(
                "asset {} has no valid distribution seed",
                asset.code
            )));
        };
        tx = match prepare(ctx, tx, &asset, &key).await {
            Ok(Ok(stored)) => stored,
            Ok(Err(step)) => return Ok(Some(step)),
            Err(e) => return lost(e),
        };
    }
    match settle(ctx, tx).await {
        Ok(step) => {
            if let Step::Retry(why) = &step {
                tracing::info!(%id, reason = %why, "deposit payment left for the next round");
            }
            Ok(Some(step))
        }
        Err(e) => lost(e),
    }
}

fn lost(e: TransitionError) -> Result<Option<Step>, ProcessError> {
    match e {
        TransitionError::Conflict { .. } => Ok(None),
        TransitionError::Store(s) => Err(s.into()),
        TransitionError::Forbidden { .. } => Err(ProcessError::Config(e.to_string())),
    }
}
