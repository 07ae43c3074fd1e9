//! `on_hold`: held for the anchor's checks after the funds arrived, then released to the
//! status it was held in.

use uuid::Uuid;

use super::{check, move_to, not_in_flight, on_transaction, OperationError};
use crate::model::{Status, Transaction};
use crate::store::Store;

/// Puts a transaction on hold (SEP-6 and SEP-24 `on_hold`).
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct PutOnHold {
    /// The transaction.
    pub id: Uuid,
    /// What the user reads meanwhile (`status_message`); `None` leaves it as it is.
    pub message: Option<String>,
}

impl PutOnHold {
    /// Holds transaction `id`.
    pub fn new(id: Uuid) -> Self {
        Self { id, message: None }
    }

    /// With a message for the user.
    pub fn with_message(mut self, message: impl Into<String>) -> Self {
        self.message = Some(message.into());
        self
    }
}

/// Releases a held transaction to the status it was held in.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Release {
    /// The transaction.
    pub id: Uuid,
}

impl Release {
    /// Releases transaction `id`.
    pub fn new(id: Uuid) -> Self {
        Self { id }
    }
}

/// Moves the transaction to `on_hold`, remembering its status (and keeping its stage) so
/// that [`release`] resumes it where it stopped. Permitted after the funds arrived
/// (`pending_anchor`, a withdrawal's `pending_user_transfer_complete`, a deposit's
/// `pending_external`), never while its money is moving.
pub async fn put_on_hold(store: &Store, request: PutOnHold) -> Result<Transaction, OperationError> {
    on_transaction(store, request.id, move |c, tx| {
        not_in_flight(tx)?;
        check(tx, Status::OnHold)?;
        tx.resume_status = Some(tx.status);
        if let Some(message) = request.message {
            tx.status_message = Some(message);
        }
        move_to(c, tx, Status::OnHold)
    })
    .await
}

/// Moves a transaction on hold back to the status it was held in (see
/// [`super::resume_status`]), with its stage: a deposit or withdrawal whose funds had arrived
/// is then paid by the processes.
pub async fn release(store: &Store, request: Release) -> Result<Transaction, OperationError> {
    on_transaction(store, request.id, move |c, tx| {
        if tx.status != Status::OnHold {
            return Err(OperationError::NotAllowed {
                status: tx.status,
                reason: "the transaction is not on hold".into(),
            });
        }
        let to = super::resume_status(tx);
        check(tx, to)?;
        tx.resume_status = None;
        tx.status_message = None;
        move_to(c, tx, to)
    })
    .await
}
