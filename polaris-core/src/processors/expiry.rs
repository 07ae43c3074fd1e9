//! `expire-transactions`: abandoned transactions end `expired`.
//!
//! A transaction expires when the user's deadline (`user_action_required_by`) passed, or,
//! without a deadline, when it sat unchanged longer than its setting allows:
//! `INCOMPLETE_EXPIRATION_SECONDS` for `incomplete`, and
//! `PENDING_USER_TRANSFER_START_EXPIRATION_SECONDS` for `pending_user_transfer_start`
//! (funds never arrived). Only transactions in stage `none` expire: one held for the
//! anchor's review is the anchor's to decide. Each expiry is a conditional transition, so
//! any number of workers may run this process: of two racing for a transaction, or racing
//! the deposit poll that finds its funds, exactly one wins.

use chrono::{DateTime, Duration, Utc};

use super::{ProcessError, Worker};
use crate::context::Context;
use crate::model::{now, Status, Transaction};
use crate::state::{self, TransitionError};
use crate::store::transactions;

/// What the user reads on an expired transaction.
const EXPIRED_MESSAGE: &str = "The transaction expired: the user did not act in time.";

/// One round of `expire-transactions`; returns how many transactions it expired.
pub async fn run_once(ctx: &Context, worker: &Worker) -> Result<usize, ProcessError> {
    let settings = &ctx.settings;
    let rules = [
        (Status::Incomplete, settings.incomplete_expiration_seconds),
        (
            Status::PendingUserTransferStart,
            settings.pending_user_transfer_start_expiration_seconds,
        ),
    ];
    let mut expired = 0;
    for (status, age) in rules {
        expired += expire_status(ctx, worker, status, age).await?;
    }
    Ok(expired)
}

/// The time before which an unchanged transaction is too old; `None` when the age is off
/// (or too large to count back from now).
fn idle_since(now: DateTime<Utc>, age_seconds: Option<u64>) -> Option<DateTime<Utc>> {
    let seconds = i64::try_from(age_seconds?).ok()?;
    now.checked_sub_signed(Duration::try_seconds(seconds)?)
}

async fn expire_status(
    ctx: &Context,
    worker: &Worker,
    status: Status,
    age_seconds: Option<u64>,
) -> Result<usize, ProcessError> {
    let mut expired = 0;
    loop {
        let (at, size) = (now(), worker.batch);
        let since = idle_since(at, age_seconds);
        let rows = ctx
            .store
            .run(move |c| transactions::expirable(c, status, at, since, size))
            .await?;
        let full = rows.len() as i64 == size;
        let mut moved_any = false;
        for tx in rows {
            if expire(ctx, tx).await? {
                expired += 1;
                moved_any = true;
            }
        }
        // Rows that could not move (a kind without that move, lost races) stay in place:
        // stop instead of reading them again.
        if !full || !moved_any {
            return Ok(expired);
        }
    }
}

/// Expires one transaction; `false` when another worker or process moved it first, or its
/// kind has no such move.
async fn expire(ctx: &Context, mut tx: Transaction) -> Result<bool, ProcessError> {
    tx.status_message = Some(EXPIRED_MESSAGE.into());
    tx.lease_owner = None;
    tx.lease_expires_at = None;
    let id = tx.id;
    let moved = ctx
        .store
        .run(move |c| Ok(state::transition(c, &mut tx, Status::Expired)))
        .await?;
    match moved {
        Ok(()) => {
            tracing::info!(%id, "transaction expired");
            Ok(true)
        }
        Err(TransitionError::Store(e)) => Err(e.into()),
        Err(e) => {
            tracing::debug!(%id, error = %e, "transaction not expired");
            Ok(false)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_age_of_zero_or_too_large_never_expires() {
        let now = now();
        assert_eq!(idle_since(now, None), None);
        assert_eq!(idle_since(now, Some(u64::MAX)), None);
        assert_eq!(idle_since(now, Some(60)), Some(now - Duration::seconds(60)));
    }
}
