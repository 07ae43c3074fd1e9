//! Paying deposits on Stellar, crash-safely: one envelope per batch of deposits.

use chrono::Utc;
use diesel::Connection;
use stellar_base::xdr;

use crate::context::Context;
use crate::custody::{gather, KeyPairSigner, Level, SignRequest, Signer, SignerError};
use crate::model::{now, Asset, Stage, Status, Transaction};
use crate::state::{self, TransitionError};
use crate::stellar::envelope::{add_signatures, decode_envelope, encode_xdr, envelope_hash};
use crate::stellar::horizon::{base_fee, HorizonError};
use crate::stellar::memo::Memo;
use crate::stellar::tx::{Op, TransactionBuilder};
use crate::store::channels;

use super::channels::{needs_funds, signers_of, Lease};
use super::delivery::{self, Delivered, Delivery};

/// How long a signed envelope stays valid on the ledger.
const ENVELOPE_LIFETIME_SECONDS: u64 = 300;
/// Margin added to an envelope's max time before it is considered dead.
const CLOCK_MARGIN_SECONDS: u64 = 60;

/// What became of one attempt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Step {
    /// Paid: the transaction is completed.
    Completed,
    /// The destination needs a trustline: moved to `pending_trust`.
    NeedsTrust,
    /// The stored envelope can never apply: back to `pending_anchor` to be rebuilt.
    Rebuild,
    /// The outcome is not known yet (timeout, bad sequence): retried next round.
    Retry(String),
    /// The payment failed for good: the transaction is in `error`.
    Failed(String),
}

fn memo_of(tx: &Transaction) -> Result<Memo, String> {
    match &tx.memo {
        None => Ok(Memo::None),
        Some(value) => Memo::parse(tx.memo_type.as_str(), value).map_err(|e| e.to_string()),
    }
}

/// What [`prepare`] did with a batch.
#[derive(Debug, Default)]
pub(crate) struct Prepared {
    /// Deposits whose shared envelope is now stored (`pending_stellar` / `submitting`).
    pub stored: Vec<Transaction>,
    /// What became of the others (failed for good, or left for the next round).
    pub steps: Vec<Step>,
}

/// Builds and signs ONE envelope paying every deposit of `txs` (all of `asset`, claimed by
/// this worker, `pending_anchor` / `ready_to_pay`; several only when none has a memo), and
/// stores it with its hash on every one of them in a single database transaction, before
/// anything is submitted. Either all of them hold the envelope or none does, so an envelope
/// that could still apply is never rebuilt for part of its deposits. With a `channel`, the
/// envelope's source is the leased channel account, bound to the envelope in the same
/// database transaction (refused, and nothing stored, when the lease was lost).
pub(crate) async fn prepare(
    ctx: &Context,
    txs: Vec<(Transaction, Delivery)>,
    asset: &Asset,
    channel: Option<&Lease>,
) -> Result<Prepared, TransitionError> {
    let mut out = Prepared::default();
    let mut payable = Vec::new();
    for (tx, delivery) in txs {
        match delivery::ops(&tx, asset, delivery) {
            Ok(ops) => payable.push((tx, ops)),
            Err(why) => out.steps.push(fail(ctx, tx, why).await?),
        }
    }
    let Some((first, _)) = payable.first() else {
        return Ok(out);
    };
    let memo = match memo_of(first) {
        Ok(m) => m,
        Err(why) => {
            for (tx, _) in payable {
                out.steps.push(fail(ctx, tx, why.clone()).await?);
            }
            return Ok(out);
        }
    };
    let ops: Vec<Op> = payable.iter().flat_map(|(_, ops)| ops.clone()).collect();
    let (xdr_b64, hash) = match build(ctx, memo, ops, asset, channel).await {
        Ok(b) => b,
        Err(step) => {
            out.steps.extend(payable.iter().map(|_| step.clone()));
            return Ok(out);
        }
    };
    let rows: Vec<Transaction> = payable.into_iter().map(|(tx, _)| tx).collect();
    let bind = channel.map(|l| (l.channel.public_key().to_string(), l.owner.clone()));
    out.stored = ctx
        .store
        .run(move |c| {
            Ok(c.transaction::<_, TransitionError, _>(|c| {
                if let Some((key, owner)) = &bind {
                    if !channels::bind(c, key, owner, &hash)? {
                        return Err(TransitionError::Conflict {
                            expected: Status::PendingAnchor,
                            found: None,
                        });
                    }
                }
                let mut stored = Vec::with_capacity(rows.len());
                for tx in rows {
                    let mut next = tx;
                    next.envelope_xdr = Some(xdr_b64.clone());
                    next.submission_hash = Some(hash.clone());
                    next.stage = Stage::Submitting;
                    state::transition(c, &mut next, Status::PendingStellar)?;
                    stored.push(next);
                }
                Ok(stored)
            }))
        })
        .await??;
    Ok(out)
}

/// Builds the envelope of `ops` and signs it: by the channel's key (when the source is a
/// channel) and by the distribution account's signers, until its threshold is met.
async fn build(
    ctx: &Context,
    memo: Memo,
    ops: Vec<Op>,
    asset: &Asset,
    channel: Option<&Lease>,
) -> Result<(String, String), Step> {
    let distribution = asset
        .distribution_account()
        .ok_or_else(|| Step::Retry(format!("asset {} has no distribution account", asset.code)))?;
    let source_id = channel.map_or(distribution.as_str(), |l| l.channel.public_key());
    let source = ctx
        .horizon
        .load_account(source_id)
        .await
        .map_err(|e| Step::Retry(format!("loading the source account {source_id}: {e}")))?
        .ok_or_else(|| Step::Retry(format!("the source account {source_id} does not exist")))?;
    let fee = base_fee(
        ctx.horizon.as_ref(),
        ctx.settings.max_transaction_fee_stroops.unwrap_or(u32::MAX),
    )
    .await;
    let until = Utc::now().timestamp().max(0) as u64 + ENVELOPE_LIFETIME_SECONDS;
    let mut builder = TransactionBuilder::new(source_id, source.sequence + 1, fee)
        .map_err(|e| Step::Failed(e.0))?
        .memo(memo)
        .time_bounds(0, until);
    for op in ops {
        let op = match channel {
            Some(_) => op
                .with_source(&distribution)
                .map_err(|e| Step::Failed(e.0))?,
            None => op,
        };
        builder = builder.op(op);
    }
    let passphrase = &ctx.settings.network_passphrase;
    let mut env = builder
        .sign(&[], passphrase)
        .map_err(|e| Step::Failed(e.0))?;
    let hash = envelope_hash(&env, passphrase).map_err(|e| Step::Failed(e.0))?;
    let sigs = signatures(ctx, asset, hash, &distribution, channel)
        .await
        .map_err(|e| {
            tracing::error!(asset = %asset.code, error = %e, "the payment cannot be signed; left for the next round");
            Step::Retry(format!("signing: {e}"))
        })?;
    add_signatures(&mut env, sigs).map_err(|e| Step::Failed(e.0))?;
    Ok((encode_xdr(&env), hex::encode(hash)))
}

/// The channel's signature (if any), then the distribution account's up to its threshold.
async fn signatures(
    ctx: &Context,
    asset: &Asset,
    hash: [u8; 32],
    distribution: &str,
    channel: Option<&Lease>,
) -> Result<Vec<xdr::DecoratedSignature>, SignerError> {
    let mut sigs = Vec::new();
    let level = match channel {
        Some(lease) => {
            let key = &lease.channel.key;
            let request = SignRequest::new(hash, key.public_key());
            sigs.push(KeyPairSigner::new(key.clone()).sign(&request).await?);
            Level::Medium
        }
        None => Level::LowAndMedium,
    };
    let signers = signers_of(ctx, asset).map_err(SignerError::Refused)?;
    sigs.extend(gather(ctx.horizon.as_ref(), &signers, hash, distribution, level).await?);
    Ok(sigs)
}

/// Settles deposits that hold the same stored envelope: look its hash up first, then
/// resubmit the same envelope once, and rebuild only when the envelope is proven dead.
pub(crate) async fn settle(
    ctx: &Context,
    rows: Vec<Transaction>,
) -> Result<Vec<Step>, TransitionError> {
    let Some(first) = rows.first() else {
        return Ok(Vec::new());
    };
    let (Some(hash), Some(envelope)) = (first.submission_hash.clone(), first.envelope_xdr.clone())
    else {
        return rebuild_all(ctx, rows).await;
    };
    // Observed BEFORE the lookup: if the envelope was already dead then and the lookup
    // does not find it, it never applied and never will.
    let dead = is_dead(ctx, &envelope).await;
    match ctx.horizon.transaction(&hash).await {
        Ok(Some(record)) if record.successful => {
            return complete_all(ctx, rows, hash).await;
        }
        Ok(Some(_)) => {
            // Included and failed: nothing was paid and the envelope is spent.
            tracing::warn!(%hash, "a payment envelope failed on the ledger; rebuilding");
            return rebuild_all(ctx, rows).await;
        }
        Ok(None) | Err(HorizonError::NotFound) => {}
        Err(e) => return Ok(retry_all(&rows, format!("looking up {hash}: {e}"))),
    }
    if dead {
        return rebuild_all(ctx, rows).await;
    }
    submit(ctx, rows, hash, envelope).await
}

/// Submits the envelope that [`prepare`] just stored on `rows`. It was never sent, so
/// there is nothing to look up first; an unknown outcome leaves it to [`settle`].
pub(crate) async fn submit_fresh(
    ctx: &Context,
    rows: Vec<Transaction>,
) -> Result<Vec<Step>, TransitionError> {
    let Some(first) = rows.first() else {
        return Ok(Vec::new());
    };
    match (first.submission_hash.clone(), first.envelope_xdr.clone()) {
        (Some(hash), Some(envelope)) => submit(ctx, rows, hash, envelope).await,
        _ => settle(ctx, rows).await,
    }
}

async fn submit(
    ctx: &Context,
    rows: Vec<Transaction>,
    hash: String,
    envelope: String,
) -> Result<Vec<Step>, TransitionError> {
    match ctx.metrics.submission(ctx.horizon.submit(&envelope).await) {
        Ok(_) => complete_all(ctx, rows, hash).await,
        Err(HorizonError::Failed {
            transaction,
            operations,
        }) => {
            if transaction == "tx_insufficient_balance" {
                if let Some((source, _, _)) = envelope_limits(&envelope) {
                    needs_funds(ctx, source).await;
                }
            }
            let mut steps = Vec::with_capacity(rows.len());
            for tx in rows {
                let code = op_code(&envelope, &tx, &operations);
                steps.push(refused(ctx, tx, &transaction, code.as_deref(), &operations).await?);
            }
            Ok(steps)
        }
        Err(e) => Ok(retry_all(&rows, format!("submitting {hash}: {e}"))),
    }
}

fn retry_all(rows: &[Transaction], why: String) -> Vec<Step> {
    rows.iter().map(|_| Step::Retry(why.clone())).collect()
}

async fn rebuild_all(ctx: &Context, rows: Vec<Transaction>) -> Result<Vec<Step>, TransitionError> {
    let mut steps = Vec::with_capacity(rows.len());
    for tx in rows {
        steps.push(rebuild(ctx, tx).await?);
    }
    Ok(steps)
}

async fn complete_all(
    ctx: &Context,
    rows: Vec<Transaction>,
    hash: String,
) -> Result<Vec<Step>, TransitionError> {
    let mut steps = Vec::with_capacity(rows.len());
    for tx in rows {
        steps.push(complete(ctx, tx, hash.clone()).await?);
    }
    Ok(steps)
}

/// The result code of the operation of `envelope` that carries `tx`'s funds.
fn op_code(envelope: &str, tx: &Transaction, codes: &[String]) -> Option<String> {
    let (index, _) = delivery::find(envelope, tx)?;
    codes.get(index).cloned()
}

/// What to do with `tx` when its envelope was refused with `code`; `own` is the result
/// of its own operation when known, `ops` those of every operation.
async fn refused(
    ctx: &Context,
    tx: Transaction,
    code: &str,
    own: Option<&str>,
    ops: &[String],
) -> Result<Step, TransitionError> {
    let no_trust = |c: &str| matches!(c, "op_no_trust" | "op_no_destination" | "op_not_authorized");
    match (code, own) {
        // Included in the ledger and failed: the envelope is spent, nothing was paid.
        ("tx_failed", Some(c)) if no_trust(c) => {
            move_to(ctx, tx, Status::PendingTrust, Stage::None)
                .await
                .map(|_| Step::NeedsTrust)
        }
        // Another operation of the batch failed: pay this one in the next envelope.
        ("tx_failed", Some("op_success")) => rebuild(ctx, tx).await,
        ("tx_failed", None) if ops.len() > 1 => rebuild(ctx, tx).await,
        ("tx_failed", _) => fail(ctx, tx, format!("the payment failed: {}", ops.join(", "))).await,
        // Refused before the ledger: decided by the next lookup, or rebuilt once dead.
        // The source cannot pay the fee (a channel account is topped up meanwhile).
        (
            "tx_bad_seq"
            | "tx_too_late"
            | "tx_too_early"
            | "tx_insufficient_fee"
            | "tx_insufficient_balance",
            _,
        ) => Ok(Step::Retry(format!("submission refused with {code}"))),
        (other, _) => {
            fail(
                ctx,
                tx,
                format!("the payment was refused: {other} {}", ops.join(", ")),
            )
            .await
        }
    }
}

/// The sequence number and max time of a stored envelope.
fn envelope_limits(envelope: &str) -> Option<(String, i64, u64)> {
    match decode_envelope(envelope).ok()? {
        xdr::TransactionEnvelope::Tx(v1) => {
            let source =
                crate::stellar::envelope::muxed_address(&v1.tx.source_account).account_id();
            let max = match &v1.tx.cond {
                xdr::Preconditions::Time(tb) => tb.max_time.0,
                _ => 0,
            };
            Some((source, v1.tx.seq_num.0, max))
        }
        _ => None,
    }
}

/// Whether a stored envelope that is not on the ledger can never apply: its time bounds
/// have passed, or its source account's sequence number has moved past it.
async fn is_dead(ctx: &Context, envelope: &str) -> bool {
    let Some((source, seq, max_time)) = envelope_limits(envelope) else {
        return false;
    };
    let now = Utc::now().timestamp().max(0) as u64;
    if max_time != 0 && now > max_time + CLOCK_MARGIN_SECONDS {
        return true;
    }
    matches!(ctx.horizon.load_account(&source).await, Ok(Some(a)) if a.sequence >= seq)
}

async fn move_to(
    ctx: &Context,
    tx: Transaction,
    to: Status,
    stage: Stage,
) -> Result<Transaction, TransitionError> {
    let mut next = tx;
    next.stage = stage;
    next.envelope_xdr = None;
    next.submission_hash = None;
    next.lease_owner = None;
    next.lease_expires_at = None;
    ctx.store
        .run(move |c| Ok(state::transition(c, &mut next, to).map(|_| next)))
        .await?
}

async fn rebuild(ctx: &Context, tx: Transaction) -> Result<Step, TransitionError> {
    move_to(ctx, tx, Status::PendingAnchor, Stage::ReadyToPay)
        .await
        .map(|_| Step::Rebuild)
}

async fn fail(ctx: &Context, tx: Transaction, why: String) -> Result<Step, TransitionError> {
    tracing::error!(id = %tx.id, reason = %why, "deposit payment failed");
    let mut next = tx;
    next.status_message = Some(why.clone());
    move_to(ctx, next, Status::Error, Stage::None)
        .await
        .map(|_| Step::Failed(why))
}

async fn complete(ctx: &Context, tx: Transaction, hash: String) -> Result<Step, TransitionError> {
    let delivered = tx
        .envelope_xdr
        .as_deref()
        .and_then(|e| delivery::find(e, &tx))
        .map(|(_, d)| d);
    let mut next = tx;
    match delivered {
        Some(Delivered::AccountCreated) => {
            tracing::info!(id = %next.id, %hash, "destination account created; waiting for its trustline");
            return move_to(ctx, next, Status::PendingTrust, Stage::None)
                .await
                .map(|_| Step::NeedsTrust);
        }
        Some(Delivered::Claimable(id)) => next.claimable_balance_id = Some(id),
        _ => {}
    }
    next.stellar_transaction_id = Some(hash);
    next.stage = Stage::None;
    next.lease_owner = None;
    next.lease_expires_at = None;
    next.completed_at = Some(now());
    let done = ctx
        .store
        .run(move |c| Ok(state::transition(c, &mut next, Status::Completed).map(|_| next)))
        .await??;
    if let Err(e) = ctx
        .integrations
        .deposit
        .after_deposit(&crate::integrations::TransactionRequest::new(&done))
        .await
    {
        tracing::warn!(id = %done.id, error = %e.chain(), "after_deposit failed; the deposit stays completed");
    }
    Ok(Step::Completed)
}
