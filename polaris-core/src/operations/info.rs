//! SEP-6 info requests: `pending_transaction_info_update` (answered by the wallet's
//! `PATCH /transactions/:id`) and `pending_customer_info_update` (answered through SEP-12,
//! then [`customer_verified`]).

use serde_json::Value;
use uuid::Uuid;

use super::{check, move_to, not_in_flight, on_transaction, OperationError};
use crate::model::{Kind, Protocol, Status, Transaction};
use crate::state;
use crate::store::transactions::{self, Owner};
use crate::store::Store;

/// Asks the user for transaction fields (SEP-6 `pending_transaction_info_update`).
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct TransactionInfoRequest {
    /// The transaction.
    pub id: Uuid,
    /// What to tell the user (`required_info_message`).
    pub message: String,
    /// The fields, as SEP-6 `required_info_updates` describes them, e.g.
    /// `{"dest": {"description": "your bank account number"}}`.
    pub fields: Value,
}

impl TransactionInfoRequest {
    /// Asks for `fields` of transaction `id`, with `message`.
    pub fn new(id: Uuid, message: impl Into<String>, fields: Value) -> Self {
        Self {
            id,
            message: message.into(),
            fields,
        }
    }
}

/// Asks the user to update their KYC information through SEP-12 (SEP-6
/// `pending_customer_info_update`).
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct CustomerInfoRequest {
    /// The transaction.
    pub id: Uuid,
    /// What to tell the user (`required_info_message`); `None` for no message.
    pub message: Option<String>,
}

impl CustomerInfoRequest {
    /// Asks for a KYC update for transaction `id`.
    pub fn new(id: Uuid) -> Self {
        Self { id, message: None }
    }

    /// With a message for the user.
    pub fn with_message(mut self, message: impl Into<String>) -> Self {
        self.message = Some(message.into());
        self
    }
}

/// The customer of these transactions was verified: every transaction of theirs waiting in
/// `pending_customer_info_update` moves on.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct CustomerVerified {
    /// The owner: account, SEP-10 memo and muxed address, as the transactions record them.
    pub owner: Owner,
}

impl CustomerVerified {
    /// The customer that owns transactions as `owner`.
    pub fn new(owner: Owner) -> Self {
        Self { owner }
    }
}

/// Refuses info requests on SEP-24 transactions: SEP-24 has no such statuses.
fn sep6_only(tx: &Transaction) -> Result<(), OperationError> {
    match tx.protocol {
        Protocol::Sep6 | Protocol::Sep31 => Ok(()),
        Protocol::Sep24 => Err(OperationError::NotAllowed {
            status: tx.status,
            reason: "SEP-24 has no info-update statuses: ask in the interactive flow".into(),
        }),
    }
}

/// Moves the transaction to `pending_transaction_info_update` with `required_info_message`
/// and `required_info_updates`, remembering its status. The wallet's PATCH resumes it there,
/// stage kept: a withdrawal that was ready to pay is paid out next round.
pub async fn request_transaction_info(
    store: &Store,
    request: TransactionInfoRequest,
) -> Result<Transaction, OperationError> {
    on_transaction(store, request.id, move |c, tx| {
        sep6_only(tx)?;
        not_in_flight(tx)?;
        let to = Status::PendingTransactionInfoUpdate;
        check(tx, to)?;
        tx.resume_status = Some(tx.status);
        tx.required_info_message = Some(request.message);
        tx.required_info_updates = Some(request.fields);
        move_to(c, tx, to)
    })
    .await
}

/// Moves the transaction to `pending_customer_info_update`, remembering its status;
/// [`customer_verified`] resumes it there.
pub async fn request_customer_info(
    store: &Store,
    request: CustomerInfoRequest,
) -> Result<Transaction, OperationError> {
    on_transaction(store, request.id, move |c, tx| {
        sep6_only(tx)?;
        not_in_flight(tx)?;
        let to = Status::PendingCustomerInfoUpdate;
        check(tx, to)?;
        tx.resume_status = Some(tx.status);
        tx.required_info_message = request.message;
        move_to(c, tx, to)
    })
    .await
}

/// Where a transaction goes once the user answered an info request or the anchor released
/// its hold: the status it was in before; for one interrupted before Polaris recorded that,
/// `pending_anchor` (a SEP-31 send: `pending_receiver`), as before.
pub fn resume_status(tx: &Transaction) -> Status {
    match (tx.resume_status, tx.kind) {
        (Some(status), _) => status,
        (None, Kind::Send) => Status::PendingReceiver,
        (None, Kind::Deposit | Kind::Withdrawal) => Status::PendingAnchor,
    }
}

/// Moves every transaction of the customer waiting in `pending_customer_info_update` back to
/// the status it was asked in (see [`resume_status`]); returns those moved. One changed
/// meanwhile by someone else is left out.
pub async fn customer_verified(
    store: &Store,
    request: CustomerVerified,
) -> Result<Vec<Transaction>, OperationError> {
    let moved = store
        .run(move |c| {
            let waiting = transactions::of_owner_in_status(
                c,
                &request.owner,
                Status::PendingCustomerInfoUpdate,
            )?;
            let mut moved = Vec::with_capacity(waiting.len());
            for mut tx in waiting {
                let to = resume_status(&tx);
                tx.resume_status = None;
                tx.required_info_message = None;
                match state::transition(c, &mut tx, to) {
                    Ok(()) => moved.push(tx),
                    Err(state::TransitionError::Store(e)) => return Err(e),
                    Err(e) => tracing::warn!(id = %tx.id, error = %e, "verified customer's transaction not moved"),
                }
            }
            Ok(moved)
        })
        .await?;
    Ok(moved)
}
