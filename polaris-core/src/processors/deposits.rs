//! `process-pending-deposits` and `check-trustlines`.
//!
//! 1. Pending deposits (`pending_user_transfer_start`) are handed to
//!    [`RailsIntegration::poll_pending_deposits`](crate::integrations::RailsIntegration) in
//!    batches; those whose funds arrived get their amounts and move to `pending_anchor`
//!    with stage `ready_to_pay`. Deposits in `pending_external` are asked about through
//!    `RailsIntegration::poll_external_deposits` (see `external.rs`).
//! 2. `ready_to_pay` deposits are claimed in batches; the payments of a batch go in one
//!    envelope (one per deposit with a memo), signed and stored on every deposit of the
//!    batch before it is submitted and settled; interrupted ones (`pending_stellar` /
//!    `submitting`) are resumed, once per envelope.

use chrono::{DateTime, Utc};
use diesel::Connection;

use futures::StreamExt;

use super::delivery::Delivery;
use super::payment::{prepare, settle, submit_fresh, Step};
use super::reach::{reach, reach_all, Reach};
use super::{ProcessError, Worker};
use crate::context::Context;
use crate::integrations::FeeParams;
use crate::integrations::TransactionsRequest;
use crate::model::{now, Asset, Kind, Stage, Status, Transaction};
use crate::state::{self, TransitionError};
use crate::store::transactions;
use crate::transfer::amount;
use crate::transfer::fees;

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

/// Runs both steps once over every pending deposit: those waiting for the user's transfer
/// and those in `pending_external` are polled, then every received one is paid.
pub async fn run_once(ctx: &Context, worker: &Worker) -> Result<Summary, ProcessError> {
    let mut summary = Summary::default();
    // Payments already under way are resumed even when the bank cannot be asked now.
    let polled = poll_received(ctx, worker, &mut summary).await;
    let external = super::external::poll_external(ctx, worker, &mut summary).await;
    let channels = ctx.settings.channel_accounts;
    if channels > 0 {
        if let Err(e) = super::channels::ensure_pool(ctx, channels).await {
            tracing::warn!(error = %e, "the channel account pool is not complete");
        }
    }
    pay_ready(ctx, worker, &mut summary).await?;
    polled?;
    external?;
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
        let arrived = rails
            .poll_pending_deposits(&TransactionsRequest::new(&rows))
            .await?;
        let mut moves = Vec::with_capacity(arrived.len());
        for reported in arrived {
            let Some(original) = rows.iter().find(|t| t.id == reported.id) else {
                tracing::warn!(id = %reported.id, "poll_pending_deposits returned a transaction it was not given");
                continue;
            };
            if let Some(next) = received(ctx, original.clone(), &reported).await? {
                moves.push(next);
            }
        }
        summary.received += commit_received(ctx, moves).await?;
        if !full {
            break;
        }
    }
    Ok(())
}

/// Takes the amounts the anchor reported, computes fee and amount out, and moves the
/// deposit to `pending_anchor` / `ready_to_pay`. Returns whether this call moved it.
pub(super) async fn mark_received(
    ctx: &Context,
    original: Transaction,
    reported: &Transaction,
) -> Result<bool, ProcessError> {
    let Some(next) = received(ctx, original, reported).await? else {
        return Ok(false);
    };
    Ok(commit_received(ctx, vec![next]).await? == 1)
}

/// Moves each of `rows` (as [`received`] made them) to `pending_anchor` in one database
/// transaction, so a batch of arrivals costs one commit; rows another worker moved
/// meanwhile are left alone. Returns how many moved.
async fn commit_received(ctx: &Context, rows: Vec<Transaction>) -> Result<usize, ProcessError> {
    if rows.is_empty() {
        return Ok(0);
    }
    let moved = ctx
        .store
        .run(move |c| {
            c.transaction(|c| {
                let mut moved = 0;
                for mut next in rows {
                    match state::transition(c, &mut next, Status::PendingAnchor) {
                        Ok(()) => moved += 1,
                        Err(TransitionError::Store(e)) => return Err(e),
                        Err(e) => {
                            tracing::info!(id = %next.id, reason = %e, "received deposit not moved")
                        }
                    }
                }
                Ok(moved)
            })
        })
        .await?;
    Ok(moved)
}

/// The deposit `original` as received: the amounts the anchor reported, the fee and the
/// amount out computed, at `pending_anchor` / `ready_to_pay` once stored. `None` (left
/// pending) when it cannot be paid as reported.
async fn received(
    ctx: &Context,
    original: Transaction,
    reported: &Transaction,
) -> Result<Option<Transaction>, ProcessError> {
    let Some(asset) = asset_of(ctx, &original).await? else {
        return Ok(None);
    };
    let Some(amount_in) = reported.amount_in.or(original.amount_expected) else {
        tracing::warn!(id = %original.id, "received deposit has no amount_in: set it in poll_pending_deposits");
        return Ok(None);
    };
    let amounts = match original.amount_in_asset.is_some() {
        true => exchanged(&original, reported, amount_in),
        false => converted_by_fee(ctx, &original, reported, &asset, amount_in).await?,
    };
    let Some((fee, amount_out)) = amounts else {
        return Ok(None);
    };
    let mut next = original;
    next.amount_in = Some(amount_in);
    next.amount_fee = Some(fee);
    next.amount_out = Some(amount::round_to_ledger(amount_out));
    next.from_address = reported.from_address.clone().or(next.from_address);
    next.external_transaction_id = reported
        .external_transaction_id
        .clone()
        .or(next.external_transaction_id);
    next.stage = Stage::ReadyToPay;
    Ok(Some(next))
}

/// The fee and amount out of a plain deposit of `amount_in`: the fee the anchor reported
/// (for the amount it reported) or the computed one, and what arrived minus the fee, less
/// refunds. `None` (left pending) when the fee is not covered.
async fn converted_by_fee(
    ctx: &Context,
    original: &Transaction,
    reported: &Transaction,
    asset: &Asset,
    amount_in: rust_decimal::Decimal,
) -> Result<Option<(rust_decimal::Decimal, rust_decimal::Decimal)>, ProcessError> {
    let fee = match reported.amount_fee {
        Some(fee) if reported.amount_in == original.amount_in => fee,
        _ => {
            let params = FeeParams::new(asset, Kind::Deposit, amount_in);
            fees::fee(&ctx.integrations, &params).await?
        }
    };
    // Whatever the fee mode, the anchor pays what arrived minus the fee: with
    // ADDITIVE_FEES_ENABLED the user was asked to send the amount plus the fee.
    let out = amount::net_of_fee(amount_in, fee).and_then(|out| less_refunds(original, out));
    if out.is_none() {
        tracing::warn!(id = %original.id, %amount_in, %fee, "received deposit does not cover its fee; left pending");
    }
    Ok(out.map(|out| (fee, out)))
}

/// The fee and amount out of an exchange (a deposit of another asset): no fee is computed.
/// With a quote, the quoted amounts when the quoted amount arrived (whenever it arrived: the
/// SEP leaves late funds to the anchor, who may refund or fail the transaction instead);
/// without one, the amounts the anchor reported with the funds. `None` (left pending, with a
/// warning) otherwise: another amount than quoted, or no amounts reported.
fn exchanged(
    original: &Transaction,
    reported: &Transaction,
    amount_in: rust_decimal::Decimal,
) -> Option<(rust_decimal::Decimal, rust_decimal::Decimal)> {
    if original.quote_id.is_some() {
        let quoted = original
            .amount_in
            .zip(original.amount_fee)
            .zip(original.amount_out);
        return match quoted {
            Some(((sold, fee), out)) if sold == amount_in => Some((fee, out)),
            _ => {
                tracing::warn!(id = %original.id, %amount_in, "received exchange differs from its quote; left pending for the anchor");
                None
            }
        };
    }
    match (reported.amount_fee, reported.amount_out) {
        (Some(fee), Some(out)) => Some((fee, out)),
        _ => {
            tracing::warn!(id = %original.id, "received exchange without a quote needs amount_fee and amount_out from poll_pending_deposits; left pending");
            None
        }
    }
}

/// `amount_out` less what was already refunded, with the refunds' fees (the SEPs' amount
/// formula); `None` when nothing is left.
fn less_refunds(
    tx: &Transaction,
    amount_out: rust_decimal::Decimal,
) -> Option<rust_decimal::Decimal> {
    let Some(r) = &tx.refunds else {
        return Some(amount_out);
    };
    amount_out
        .checked_sub(r.amount_refunded)?
        .checked_sub(r.amount_fee)
        .filter(|left| *left > rust_decimal::Decimal::ZERO)
}

/// The asset of `tx`, from the store's asset cache (one query per pass at most, not one
/// per deposit).
async fn asset_of(ctx: &Context, tx: &Transaction) -> Result<Option<Asset>, ProcessError> {
    let all = ctx.store.assets().await?;
    Ok(all.iter().find(|a| a.id == tx.asset_id).cloned())
}

async fn trusts(ctx: &Context, tx: &Transaction, asset: &Asset) -> bool {
    matches!(reach(ctx, tx, asset).await, Reach::Trusts)
}

/// The most payments put in one envelope (Stellar allows 100 operations).
const MAX_PAYMENTS_PER_ENVELOPE: usize = 100;

/// The most deposits one pass of a worker pays with channel accounts: the public network
/// applies at most 1,000 operations a ledger.
const MAX_PAYMENTS_PER_PASS: i64 = 1_000;

/// How many deposits one pass claims and pays: the worker's batch, or with channel accounts
/// enough to fill every channel's envelope (up to [`MAX_PAYMENTS_PER_PASS`]), since their
/// envelopes go out at once and a pass then takes about one ledger.
fn pay_batch(ctx: &Context, worker: &Worker) -> i64 {
    let channels = i64::from(ctx.settings.channel_accounts);
    match channels {
        0 => worker.batch,
        n => (n.saturating_mul(MAX_PAYMENTS_PER_ENVELOPE as i64))
            .min(MAX_PAYMENTS_PER_PASS)
            .max(worker.batch),
    }
}

async fn pay_ready(
    ctx: &Context,
    worker: &Worker,
    summary: &mut Summary,
) -> Result<(), ProcessError> {
    if ctx.settings.channel_accounts > 0 {
        super::channels::release_settled(ctx).await;
    }
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
            let size = pay_batch(ctx, worker);
            let rows = batch(ctx, statuses, Some(stage), after, size).await?;
            let Some(last) = rows.last() else { break };
            after = Some(last.started_at);
            let full = rows.len() as i64 == size;
            let claimed = claim_all(ctx, worker, rows).await?;
            let steps = match stage {
                Stage::Submitting => resume(ctx, claimed).await,
                _ => pay_claimed(ctx, worker, claimed).await,
            };
            for step in steps? {
                count(summary, step);
            }
            if !full {
                break;
            }
        }
    }
    Ok(())
}

fn count(summary: &mut Summary, step: Step) {
    match step {
        Step::Completed => summary.completed += 1,
        Step::NeedsTrust => summary.pending_trust += 1,
        Step::Failed(_) => summary.failed += 1,
        Step::Retry(_) | Step::Rebuild => summary.retried += 1,
    }
}

/// Claims what it can of `rows` for this worker, in one database round, and returns them
/// as stored after the claim (rows another worker holds or moved meanwhile are left out).
async fn claim_all(
    ctx: &Context,
    worker: &Worker,
    rows: Vec<Transaction>,
) -> Result<Vec<Transaction>, ProcessError> {
    let me = worker.id.clone();
    let until =
        now() + chrono::Duration::from_std(worker.lease).unwrap_or(chrono::Duration::seconds(60));
    Ok(ctx
        .store
        .run(move |c| {
            let mut claimed = Vec::with_capacity(rows.len());
            for tx in rows {
                if !transactions::claim(c, tx.id, tx.status, &me, now(), until)? {
                    continue;
                }
                if let Some(fresh) = transactions::by_id(c, tx.id)? {
                    if fresh.status == tx.status && fresh.stage == tx.stage {
                        claimed.push(fresh);
                    }
                }
            }
            Ok(claimed)
        })
        .await?)
}

/// Settles interrupted payments, once per stored envelope.
async fn resume(ctx: &Context, rows: Vec<Transaction>) -> Result<Vec<Step>, ProcessError> {
    let mut groups: Vec<Vec<Transaction>> = Vec::new();
    for tx in rows {
        match groups
            .iter_mut()
            .find(|g| g[0].submission_hash == tx.submission_hash)
        {
            Some(g) => g.push(tx),
            None => groups.push(vec![tx]),
        }
    }
    let settled = futures::stream::iter(groups)
        .map(|group| async move {
            let hash = group[0].submission_hash.clone();
            let steps = settle(ctx, group).await.or_else(lost_all);
            if ctx.settings.channel_accounts > 0 {
                super::channels::release_hash(ctx, hash).await;
            }
            steps
        })
        .buffer_unordered(at_once(ctx))
        .collect::<Vec<_>>()
        .await;
    let mut steps = Vec::new();
    for s in settled {
        steps.extend(s?);
    }
    Ok(steps)
}

/// How many envelopes go out at once: one per channel account, else one (envelopes from
/// the distribution account alone would only race for its sequence number).
fn at_once(ctx: &Context) -> usize {
    (ctx.settings.channel_accounts as usize).max(1)
}

/// Pays claimed `ready_to_pay` deposits: destinations checked, then one envelope per asset
/// for up to [`MAX_PAYMENTS_PER_ENVELOPE`] payments without memo, one per deposit with a
/// memo, a claimable balance or an account to create.
async fn pay_claimed(
    ctx: &Context,
    worker: &Worker,
    rows: Vec<Transaction>,
) -> Result<Vec<Step>, ProcessError> {
    let mut steps = Vec::new();
    let mut by_asset: Vec<(Asset, Vec<Transaction>)> = Vec::new();
    for tx in rows {
        if let Some((_, group)) = by_asset.iter_mut().find(|(a, _)| a.id == tx.asset_id) {
            group.push(tx);
            continue;
        }
        match asset_of(ctx, &tx).await? {
            Some(asset) => by_asset.push((asset, vec![tx])),
            None => steps.push(Step::Retry("unknown asset".into())),
        }
    }
    for (asset, group) in by_asset {
        if asset.distribution_account().is_none() {
            return Err(ProcessError::Config(format!(
                "asset {} has no distribution account: store its seed, or its account id with a signer",
                asset.code
            )));
        }
        let mut batchable = Vec::new();
        let mut envelopes: Vec<Vec<(Transaction, Delivery)>> = Vec::new();
        for (reach, tx) in reach_all(ctx, &asset, group).await {
            let claimable = tx.claimable_balance_supported;
            let delivery = match reach {
                Reach::Trusts if tx.memo.is_none() => {
                    batchable.push((tx, Delivery::Payment));
                    continue;
                }
                Reach::Trusts => Delivery::Payment,
                Reach::NoTrust if claimable => Delivery::Claimable,
                Reach::NoTrust => {
                    steps.push(wait_for_trust(ctx, tx).await?);
                    continue;
                }
                Reach::NoAccount if claimable => Delivery::CreateAndClaimable,
                Reach::NoAccount => Delivery::CreateAccount,
                Reach::Unknown => {
                    steps.push(Step::Retry("cannot read the destination account".into()));
                    continue;
                }
            };
            envelopes.push(vec![(tx, delivery)]);
        }
        envelopes.extend(
            batchable
                .chunks(MAX_PAYMENTS_PER_ENVELOPE)
                .map(<[(Transaction, Delivery)]>::to_vec),
        );
        let asset = &asset;
        let paid = futures::stream::iter(envelopes)
            .map(|txs| pay_envelope(ctx, worker, txs, asset))
            .buffer_unordered(at_once(ctx))
            .collect::<Vec<_>>()
            .await;
        for p in paid {
            steps.extend(p?);
        }
    }
    Ok(steps)
}

async fn wait_for_trust(ctx: &Context, tx: Transaction) -> Result<Step, ProcessError> {
    let mut next = tx;
    next.stage = Stage::None;
    next.lease_owner = None;
    next.lease_expires_at = None;
    let moved = ctx
        .store
        .run(move |c| Ok(state::transition(c, &mut next, Status::PendingTrust)))
        .await?;
    Ok(moved.map_or(Step::Retry("lost a race".into()), |_| Step::NeedsTrust))
}

async fn pay_envelope(
    ctx: &Context,
    worker: &Worker,
    txs: Vec<(Transaction, Delivery)>,
    asset: &Asset,
) -> Result<Vec<Step>, ProcessError> {
    let count = txs.len();
    let lease = match ctx.settings.channel_accounts {
        0 => None,
        _ => match super::channels::lease(ctx, worker).await? {
            Some(lease) => Some(lease),
            None => return Ok(vec![Step::Retry("no free channel account".into()); count]),
        },
    };
    let prepared = prepare(ctx, txs, asset, lease.as_ref()).await;
    if let Some(lease) = &lease {
        // A binding made under the lease keeps the channel until its envelope is settled.
        super::channels::release(ctx, lease).await?;
    }
    let prepared = match prepared {
        Ok(p) => p,
        Err(e) => return lost_all(e).map(|_| vec![Step::Retry("lost a race".into()); count]),
    };
    let mut steps = prepared.steps;
    let hash = prepared
        .stored
        .first()
        .and_then(|t| t.submission_hash.clone());
    let settled = submit_fresh(ctx, prepared.stored).await.or_else(lost_all);
    if lease.is_some() {
        // Settled at once (the usual case): the channel serves the next envelope now.
        super::channels::release_hash(ctx, hash).await;
    }
    let settled = settled?;
    for step in &settled {
        if let Step::Retry(why) = step {
            tracing::info!(reason = %why, "deposit payment left for the next round");
        }
    }
    steps.extend(settled);
    Ok(steps)
}

/// A lost race (another worker moved the deposit) is no error: nothing to count.
fn lost_all(e: TransitionError) -> Result<Vec<Step>, ProcessError> {
    match e {
        TransitionError::Conflict { .. } => Ok(Vec::new()),
        TransitionError::Store(s) => Err(s.into()),
        TransitionError::Forbidden { .. } => Err(ProcessError::Config(e.to_string())),
    }
}
