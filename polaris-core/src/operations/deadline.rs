//! `user_action_required_by`: the time by which the user must act.

use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::{on_transaction, OperationError};
use crate::model::Transaction;
use crate::state;
use crate::store::Store;

/// Sets or clears the user's deadline. Wallets see it while the status waits on the user;
/// `expire-transactions` expires an `incomplete` or unpaid `pending_user_transfer_start`
/// transaction once it passed.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct UserActionDeadline {
    /// The transaction.
    pub id: Uuid,
    /// The deadline; `None` clears it.
    pub by: Option<DateTime<Utc>>,
}

impl UserActionDeadline {
    /// Sets the deadline of transaction `id` to `by` (`None` clears it).
    pub fn new(id: Uuid, by: Option<DateTime<Utc>>) -> Self {
        Self { id, by }
    }
}

/// Writes `user_action_required_by` without changing the status. Refused once the
/// transaction is over.
pub async fn set_user_action_required_by(
    store: &Store,
    request: UserActionDeadline,
) -> Result<Transaction, OperationError> {
    on_transaction(store, request.id, move |c, tx| {
        if tx.status.is_final() {
            return Err(OperationError::NotAllowed {
                status: tx.status,
                reason: "the transaction is over".into(),
            });
        }
        tx.user_action_required_by = request.by;
        // Wallets show the deadline: their callback hears of it.
        Ok(state::save_notify(c, tx)?)
    })
    .await
}
