//! Deposits in `pending_external`, polled in each `process-pending-deposits` round: the
//! rails report which transfers arrived (then paid like any received deposit), failed, or
//! were sent back to the user (refunds recorded).

use super::deposits::{mark_received, Summary};
use super::{ProcessError, Worker};
use crate::context::Context;
use crate::integrations::{ExternalDepositOutcome, ExternalDepositUpdate, TransactionsRequest};
use crate::model::{Kind, RefundPayment, Stage, Status, Transaction};
use crate::operations::{self, OperationError};
use crate::state;
use crate::store::transactions;

/// Asks the rails about every deposit in `pending_external`, batch by batch, and applies
/// what they report.
pub(super) async fn poll_external(
    ctx: &Context,
    worker: &Worker,
    summary: &mut Summary,
) -> Result<(), ProcessError> {
    let Some(rails) = ctx.integrations.rails.clone() else {
        return Err(ProcessError::Config(
            "no RailsIntegration registered".into(),
        ));
    };
    let mut after = None;
    loop {
        let size = worker.batch;
        let rows = ctx
            .store
            .run(move |c| {
                let statuses = [Status::PendingExternal];
                transactions::pending(c, Kind::Deposit, &statuses, None, after, size)
            })
            .await?;
        let Some(last) = rows.last() else { break };
        after = Some(last.started_at);
        let full = rows.len() as i64 == worker.batch;
        let updates = rails
            .poll_external_deposits(&TransactionsRequest::new(&rows))
            .await?;
        for update in updates {
            let Some(original) = rows.iter().find(|t| t.id == update.id) else {
                tracing::warn!(id = %update.id, "poll_external_deposits returned a transaction it was not given");
                continue;
            };
            apply(ctx, original.clone(), update, summary).await?;
        }
        if !full {
            break;
        }
    }
    Ok(())
}

async fn apply(
    ctx: &Context,
    original: Transaction,
    update: ExternalDepositUpdate,
    summary: &mut Summary,
) -> Result<(), ProcessError> {
    match update.outcome {
        ExternalDepositOutcome::Arrived(reported) => {
            if mark_received(ctx, original, &reported).await? {
                summary.received += 1;
            }
        }
        ExternalDepositOutcome::Failed { message } => {
            let mut tx = original;
            tx.stage = Stage::None;
            tx.status_message = Some(message);
            let moved = ctx
                .store
                .run(move |c| Ok(state::transition(c, &mut tx, Status::Error)))
                .await?;
            match moved {
                Ok(()) => summary.failed += 1,
                Err(e) => tracing::warn!(error = %e, "failed external deposit not moved"),
            }
        }
        ExternalDepositOutcome::Refunded {
            amount_in,
            payments,
        } => {
            let mut tx = original;
            tx.amount_in = Some(amount_in);
            refunded(ctx, tx, payments).await?;
        }
    }
    Ok(())
}

/// Records each refund payment in turn; a refused one (bad amounts, the deposit moved
/// meanwhile) is logged for the operator and the rest are skipped.
async fn refunded(
    ctx: &Context,
    original: Transaction,
    payments: Vec<RefundPayment>,
) -> Result<(), ProcessError> {
    let id = original.id;
    let result = ctx
        .store
        .run(move |c| {
            let mut tx = original;
            for payment in payments {
                if let Err(e) = operations::apply_refund(c, &mut tx, payment) {
                    return Ok(Err(e));
                }
            }
            Ok(Ok(()))
        })
        .await?;
    match result {
        Ok(()) => Ok(()),
        Err(OperationError::Store(e)) => Err(e.into()),
        Err(e) => {
            tracing::error!(%id, error = %e, "a refund reported by poll_external_deposits was not recorded: check it");
            Ok(())
        }
    }
}
