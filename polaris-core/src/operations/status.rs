//! Plain moves: to `pending_external`, and to `error`.

use uuid::Uuid;

use super::{check, move_to, not_in_flight, on_transaction, OperationError};
use crate::model::{Kind, Stage, Status, Transaction};
use crate::store::Store;

/// Hands the transaction to an external system (a bank transfer under way): a deposit whose
/// user started the transfer, or a withdrawal whose payout the anchor started itself.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct ToPendingExternal {
    /// The transaction.
    pub id: Uuid,
    /// The external system's reference (`external_transaction_id`), if known.
    pub external_transaction_id: Option<String>,
    /// Estimated seconds until it arrives (`status_eta`).
    pub eta: Option<i64>,
}

impl ToPendingExternal {
    /// Moves transaction `id` to `pending_external`.
    pub fn new(id: Uuid) -> Self {
        Self {
            id,
            external_transaction_id: None,
            eta: None,
        }
    }

    /// With the external reference.
    pub fn with_external_id(mut self, id: impl Into<String>) -> Self {
        self.external_transaction_id = Some(id.into());
        self
    }

    /// With an estimate in seconds.
    pub fn with_eta(mut self, seconds: i64) -> Self {
        self.eta = Some(seconds);
        self
    }
}

/// Ends the transaction in `error` with a message for the user.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Fail {
    /// The transaction.
    pub id: Uuid,
    /// Why (`status_message`).
    pub message: String,
}

impl Fail {
    /// Fails transaction `id` with `message`.
    pub fn new(id: Uuid, message: impl Into<String>) -> Self {
        Self {
            id,
            message: message.into(),
        }
    }
}

/// Moves the transaction to `pending_external`. A withdrawal is then polled by
/// `poll-outgoing-transactions` (`RailsIntegration::poll_outgoing_transactions`), a deposit
/// by `process-pending-deposits` (`RailsIntegration::poll_external_deposits`).
pub async fn to_pending_external(
    store: &Store,
    request: ToPendingExternal,
) -> Result<Transaction, OperationError> {
    on_transaction(store, request.id, move |c, tx| {
        not_in_flight(tx)?;
        check(tx, Status::PendingExternal)?;
        tx.stage = match tx.kind {
            Kind::Withdrawal | Kind::Send => Stage::AwaitingExternal,
            Kind::Deposit => Stage::None,
        };
        if let Some(id) = request.external_transaction_id {
            tx.external_transaction_id = Some(id);
        }
        tx.status_eta = request.eta.or(tx.status_eta);
        move_to(c, tx, Status::PendingExternal)
    })
    .await
}

/// Moves the transaction to `error` with `status_message`. Refused while its money is
/// moving: a payout or payment under way settles first.
pub async fn fail(store: &Store, request: Fail) -> Result<Transaction, OperationError> {
    on_transaction(store, request.id, move |c, tx| {
        not_in_flight(tx)?;
        check(tx, Status::Error)?;
        tx.stage = Stage::None;
        tx.status_message = Some(request.message);
        tx.resume_status = None;
        move_to(c, tx, Status::Error)
    })
    .await
}
