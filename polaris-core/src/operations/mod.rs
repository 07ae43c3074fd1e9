//! What an anchor does to its transactions: ask for information, hold and release,
//! mark a customer verified, set the user's deadline, refund, hand over to an external
//! system, fail.
//!
//! Each operation takes one request struct (built with its constructor, extended with
//! `with_*` methods) and returns the transaction as stored afterwards, or an
//! [`OperationError`]. Every status change goes through [`crate::state::transition`]: a move
//! the table [`crate::state::ALLOWED`] does not permit is refused with
//! [`OperationError::IllegalTransition`], and of two callers racing for the same transaction
//! one gets [`OperationError::Conflict`]. Changes of fields alone go through
//! [`crate::state::save_notify`], with the same conditional write. Either way the wallet's
//! `on_change_callback` hears of the change (see `docs/callbacks.md`).
//!
//! A transaction whose money is moving (stage `paying_out` or `submitting`) is refused with
//! [`OperationError::NotAllowed`]: let the processes settle it first.
//!
//! Holds and info requests remember the status they interrupted in
//! [`Transaction::resume_status`] and leave the stage alone, so a transaction whose funds had
//! arrived (`ready_to_pay`) is paid by the processes as soon as it resumes.

mod deadline;
mod error;
mod hold;
mod info;
mod refund;
mod status;

pub use deadline::{set_user_action_required_by, UserActionDeadline};
pub use error::OperationError;
pub use hold::{put_on_hold, release, PutOnHold, Release};
pub use info::{
    customer_verified, request_customer_info, request_transaction_info, resume_status,
    CustomerInfoRequest, CustomerVerified, TransactionInfoRequest,
};
pub(crate) use refund::apply_refund;
pub use refund::{refund, Refund, RefundIdType};
pub use status::{fail, to_pending_external, Fail, ToPendingExternal};

use uuid::Uuid;

use crate::model::{Stage, Status, Transaction};
use crate::state;
use crate::store::{transactions, DbConnection, Store};

/// Runs `op` on transaction `id` on the blocking pool: loads it, lets `op` change and
/// write it, and returns it as written.
async fn on_transaction<F>(store: &Store, id: Uuid, op: F) -> Result<Transaction, OperationError>
where
    F: FnOnce(&mut DbConnection, &mut Transaction) -> Result<(), OperationError> + Send + 'static,
{
    store
        .run(move |c| {
            Ok(load(c, id).and_then(|mut tx| {
                op(c, &mut tx)?;
                Ok(tx)
            }))
        })
        .await?
}

/// The transaction `id`, or [`OperationError::NotFound`].
fn load(c: &mut DbConnection, id: Uuid) -> Result<Transaction, OperationError> {
    transactions::by_id(c, id)?.ok_or(OperationError::NotFound(id))
}

/// Refuses to touch a transaction whose money is moving.
fn not_in_flight(tx: &Transaction) -> Result<(), OperationError> {
    match tx.stage {
        Stage::PayingOut | Stage::Submitting => Err(OperationError::NotAllowed {
            status: tx.status,
            reason: format!(
                "its money is moving (stage {}): wait until the processes settled it",
                tx.stage
            ),
        }),
        Stage::None
        | Stage::KycReview
        | Stage::ReadyToPay
        | Stage::AwaitingExternal
        | Stage::AmountReview => Ok(()),
    }
}

/// Checks the table first, so that a refused move says so before anything is written.
fn check(tx: &Transaction, to: Status) -> Result<(), OperationError> {
    match state::allowed(tx.kind, tx.status, to) {
        true => Ok(()),
        false => Err(OperationError::IllegalTransition {
            kind: tx.kind,
            from: tx.status,
            to,
        }),
    }
}

/// Moves `tx` to `to` through [`state::transition`].
fn move_to(c: &mut DbConnection, tx: &mut Transaction, to: Status) -> Result<(), OperationError> {
    Ok(state::transition(c, tx, to)?)
}
