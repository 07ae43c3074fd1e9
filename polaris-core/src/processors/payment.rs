//! Paying one deposit on Stellar, crash-safely.

use chrono::Utc;
use rust_decimal::prelude::ToPrimitive;
use rust_decimal::Decimal;
use stellar_base::xdr;

use crate::context::Context;
use crate::model::{now, Asset, Stage, Status, Transaction};
use crate::state::{self, TransitionError};
use crate::stellar::envelope::{decode_envelope, encode_xdr, envelope_hash_hex};
use crate::stellar::horizon::{base_fee, HorizonError};
use crate::stellar::memo::Memo;
use crate::stellar::tx::{Op, TransactionBuilder};
use crate::stellar::{Address, Asset as StellarAsset, KeyPair};

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

fn stroops(amount: Decimal) -> Option<i64> {
    let scaled = amount * Decimal::from(10_000_000);
    (scaled.fract().is_zero() && scaled > Decimal::ZERO)
        .then(|| scaled.to_i64())
        .flatten()
}

fn memo_of(tx: &Transaction) -> Result<Memo, String> {
    match &tx.memo {
        None => Ok(Memo::None),
        Some(value) => Memo::parse(tx.memo_type.as_str(), value).map_err(|e| e.to_string()),
    }
}

/// Builds and signs the payment of `tx` and stores it before anything is submitted.
/// `tx` must be `pending_anchor` / `ready_to_pay` and claimed by this worker.
pub(crate) async fn prepare(
    ctx: &Context,
    tx: Transaction,
    asset: &Asset,
    key: &KeyPair,
) -> Result<Result<Transaction, Step>, TransitionError> {
    let built = build(ctx, &tx, asset, key).await;
    let (xdr_b64, hash) = match built {
        Ok(b) => b,
        Err(Step::Failed(why)) => return fail(ctx, tx, why).await.map(Err),
        Err(other) => return Ok(Err(other)),
    };
    let mut next = tx;
    next.envelope_xdr = Some(xdr_b64);
    next.submission_hash = Some(hash);
    next.stage = Stage::Submitting;
    let stored = ctx
        .store
        .run(move |c| Ok(state::transition(c, &mut next, Status::PendingStellar).map(|_| next)))
        .await?;
    stored.map(Ok)
}

async fn build(
    ctx: &Context,
    tx: &Transaction,
    asset: &Asset,
    key: &KeyPair,
) -> Result<(String, String), Step> {
    let amount = tx
        .amount_out
        .ok_or_else(|| Step::Failed("no amount_out to pay".into()))?;
    let amount = stroops(amount)
        .ok_or_else(|| Step::Failed(format!("amount {amount} cannot be paid on Stellar")))?;
    let destination = tx
        .to_address
        .clone()
        .ok_or_else(|| Step::Failed("no destination account".into()))?;
    Address::parse(&destination).map_err(|e| Step::Failed(e.0))?;
    let memo = memo_of(tx).map_err(Step::Failed)?;
    let stellar_asset =
        StellarAsset::credit(&asset.code, &asset.issuer).map_err(|e| Step::Failed(e.0))?;
    let source = ctx
        .horizon
        .load_account(key.public_key())
        .await
        .map_err(|e| Step::Retry(format!("loading the distribution account: {e}")))?
        .ok_or_else(|| Step::Retry("the distribution account does not exist".into()))?;
    let fee = base_fee(
        ctx.horizon.as_ref(),
        ctx.settings.max_transaction_fee_stroops.unwrap_or(u32::MAX),
    )
    .await;
    let until = Utc::now().timestamp().max(0) as u64 + ENVELOPE_LIFETIME_SECONDS;
    let op = Op::payment(&destination, stellar_asset, amount).map_err(|e| Step::Failed(e.0))?;
    let env = TransactionBuilder::new(key.public_key(), source.sequence + 1, fee)
        .map_err(|e| Step::Failed(e.0))?
        .memo(memo)
        .time_bounds(0, until)
        .op(op)
        .sign(&[key], &ctx.settings.network_passphrase)
        .map_err(|e| Step::Failed(e.0))?;
    let hash =
        envelope_hash_hex(&env, &ctx.settings.network_passphrase).map_err(|e| Step::Failed(e.0))?;
    Ok((encode_xdr(&env), hash))
}

/// Settles a stored envelope: look the hash up first, then resubmit the same envelope,
/// and rebuild only when the envelope is proven dead.
pub(crate) async fn settle(ctx: &Context, tx: Transaction) -> Result<Step, TransitionError> {
    let (Some(hash), Some(envelope)) = (tx.submission_hash.clone(), tx.envelope_xdr.clone()) else {
        return rebuild(ctx, tx).await;
    };
    // Observed BEFORE the lookup: if the envelope was already dead then and the lookup
    // does not find it, it never applied and never will.
    let dead = is_dead(ctx, &envelope).await;
    match ctx.horizon.transaction(&hash).await {
        Ok(Some(record)) if record.successful => return complete(ctx, tx, hash).await,
        Ok(Some(_)) => {
            return fail(ctx, tx, format!("the payment {hash} failed on the ledger")).await
        }
        Ok(None) | Err(HorizonError::NotFound) => {}
        Err(e) => return Ok(Step::Retry(format!("looking up {hash}: {e}"))),
    }
    if dead {
        return rebuild(ctx, tx).await;
    }
    match ctx.horizon.submit(&envelope).await {
        Ok(_) => complete(ctx, tx, hash).await,
        Err(HorizonError::Failed {
            transaction,
            operations,
        }) => refused(ctx, tx, &transaction, &operations).await,
        Err(e) => Ok(Step::Retry(format!("submitting {hash}: {e}"))),
    }
}

async fn refused(
    ctx: &Context,
    tx: Transaction,
    code: &str,
    ops: &[String],
) -> Result<Step, TransitionError> {
    let has = |c: &str| ops.iter().any(|o| o == c);
    match code {
        // Included in the ledger and failed: the envelope is spent.
        "tx_failed"
            if has("op_no_trust") || has("op_no_destination") || has("op_not_authorized") =>
        {
            move_to(ctx, tx, Status::PendingTrust, Stage::None)
                .await
                .map(|_| Step::NeedsTrust)
        }
        "tx_failed" => fail(ctx, tx, format!("the payment failed: {}", ops.join(", "))).await,
        // Refused before the ledger: decided by the next lookup, or rebuilt once dead.
        "tx_bad_seq" | "tx_too_late" | "tx_too_early" | "tx_insufficient_fee" => {
            Ok(Step::Retry(format!("submission refused with {code}")))
        }
        other => {
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
    let mut next = tx;
    next.stellar_transaction_id = Some(hash);
    next.stage = Stage::None;
    next.lease_owner = None;
    next.lease_expires_at = None;
    next.completed_at = Some(now());
    let done = ctx
        .store
        .run(move |c| Ok(state::transition(c, &mut next, Status::Completed).map(|_| next)))
        .await??;
    if let Err(e) = ctx.integrations.deposit.after_deposit(&done).await {
        tracing::warn!(id = %done.id, error = %e, "after_deposit failed; the deposit stays completed");
    }
    Ok(Step::Completed)
}
