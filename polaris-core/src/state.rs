//! The transaction state machine.
//!
//! [`ALLOWED`] is the one table of permitted status changes. Every change goes through
//! [`transition`], which checks the table and writes with a conditional update on the
//! expected current status, so of two workers racing the same change exactly one wins
//! and the other gets [`TransitionError::Conflict`].
//!
//! A change the wallet can see is reported to the wallet's `on_change_callback`, when it
//! gave one: [`transition`] and [`save_notify`] write the transaction and its notification
//! (a row of the callback outbox, [`crate::store::callbacks`]) in one database transaction,
//! so one is never committed without the other. [`save`] writes internal fields (stored
//! envelopes, leases, stages) and notifies no one.
//!
//! Every change of status is also recorded in the transaction's history
//! ([`crate::store::events`]), in the same database transaction as the change.

use diesel::Connection;

use crate::model::{now, Kind, Status, Transaction};
use crate::store::{callbacks, events, transactions, DbConnection, Store, StoreError};

use Status::*;

/// The permitted changes: for each kind, each status and the statuses it may move to.
pub const ALLOWED: &[(Kind, Status, &[Status])] = &[
    // SEP-6 and SEP-24 deposits.
    (
        Kind::Deposit,
        Incomplete,
        &[
            PendingUserTransferStart,
            PendingCustomerInfoUpdate,
            Expired,
            Error,
        ],
    ),
    (
        Kind::Deposit,
        PendingUserTransferStart,
        &[
            PendingExternal,
            PendingAnchor,
            PendingCustomerInfoUpdate,
            PendingTransactionInfoUpdate,
            Expired,
            Error,
        ],
    ),
    // Info requests return to the status they interrupted (`resume_status`).
    (
        Kind::Deposit,
        PendingCustomerInfoUpdate,
        &[Incomplete, PendingUserTransferStart, PendingAnchor, Error],
    ),
    (
        Kind::Deposit,
        PendingTransactionInfoUpdate,
        &[PendingUserTransferStart, PendingAnchor, Error],
    ),
    (
        Kind::Deposit,
        PendingExternal,
        &[PendingAnchor, OnHold, Refunded, Error],
    ),
    (
        Kind::Deposit,
        PendingAnchor,
        &[
            PendingStellar,
            PendingTrust,
            PendingCustomerInfoUpdate,
            PendingTransactionInfoUpdate,
            OnHold,
            Completed,
            Refunded,
            Error,
        ],
    ),
    // Released to the status it was held in (`resume_status`).
    (
        Kind::Deposit,
        OnHold,
        &[PendingExternal, PendingAnchor, Refunded, Error],
    ),
    (
        Kind::Deposit,
        PendingTrust,
        &[PendingAnchor, PendingStellar, Completed, Error],
    ),
    // Back to pending_anchor only when the stored envelope is proven dead (never applicable).
    (
        Kind::Deposit,
        PendingStellar,
        &[PendingAnchor, PendingTrust, Completed, Error],
    ),
    (Kind::Deposit, Error, &[PendingAnchor, Refunded]),
    // SEP-6 and SEP-24 withdrawals.
    (
        Kind::Withdrawal,
        Incomplete,
        &[
            PendingUserTransferStart,
            PendingCustomerInfoUpdate,
            Expired,
            Error,
        ],
    ),
    (
        Kind::Withdrawal,
        PendingUserTransferStart,
        &[
            PendingUserTransferComplete,
            PendingAnchor,
            PendingCustomerInfoUpdate,
            PendingTransactionInfoUpdate,
            Expired,
            Error,
        ],
    ),
    (
        Kind::Withdrawal,
        PendingCustomerInfoUpdate,
        &[Incomplete, PendingUserTransferStart, PendingAnchor, Error],
    ),
    (
        Kind::Withdrawal,
        PendingUserTransferComplete,
        &[
            PendingAnchor,
            PendingExternal,
            OnHold,
            Completed,
            Refunded,
            Error,
        ],
    ),
    (
        Kind::Withdrawal,
        PendingAnchor,
        &[
            PendingExternal,
            PendingTransactionInfoUpdate,
            PendingCustomerInfoUpdate,
            OnHold,
            Completed,
            Refunded,
            Error,
        ],
    ),
    (
        Kind::Withdrawal,
        PendingTransactionInfoUpdate,
        &[PendingUserTransferStart, PendingAnchor, Error],
    ),
    (
        Kind::Withdrawal,
        OnHold,
        &[PendingUserTransferComplete, PendingAnchor, Refunded, Error],
    ),
    (
        Kind::Withdrawal,
        PendingExternal,
        &[Completed, Refunded, Error],
    ),
    (Kind::Withdrawal, Error, &[PendingAnchor, Refunded]),
    // SEP-31 sends, received by this anchor.
    (
        Kind::Send,
        PendingSender,
        &[PendingStellar, PendingReceiver, Expired, Error],
    ),
    (Kind::Send, PendingStellar, &[PendingReceiver, Error]),
    (
        Kind::Send,
        PendingReceiver,
        &[
            PendingExternal,
            PendingCustomerInfoUpdate,
            PendingTransactionInfoUpdate,
            OnHold,
            Completed,
            Refunded,
            Error,
        ],
    ),
    (
        Kind::Send,
        PendingCustomerInfoUpdate,
        &[PendingReceiver, Error],
    ),
    (
        Kind::Send,
        PendingTransactionInfoUpdate,
        &[PendingReceiver, Error],
    ),
    (Kind::Send, OnHold, &[PendingReceiver, Refunded, Error]),
    (Kind::Send, PendingExternal, &[Completed, Refunded, Error]),
    (Kind::Send, Error, &[PendingReceiver, Refunded]),
];

/// Whether a `kind` transaction may move from `from` to `to`.
pub fn allowed(kind: Kind, from: Status, to: Status) -> bool {
    ALLOWED
        .iter()
        .any(|(k, f, tos)| *k == kind && *f == from && tos.contains(&to))
}

/// Why a transition did not happen.
#[derive(Debug, thiserror::Error)]
pub enum TransitionError {
    /// The table does not permit it.
    #[error("a {kind} cannot move from {from} to {to}")]
    Forbidden {
        /// The transaction's kind.
        kind: Kind,
        /// Its current status.
        from: Status,
        /// The status asked for.
        to: Status,
    },
    /// The stored status was no longer the expected one: another worker won, or the row is gone.
    #[error("transaction changed meanwhile: expected {expected}, found {found:?}")]
    Conflict {
        /// The status the caller expected.
        expected: Status,
        /// The status found (`None`: the row does not exist).
        found: Option<Status>,
    },
    /// The database failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Moves `tx` to `to` and writes all of its fields, if its stored status is still `tx.status`;
/// when the transaction has an `on_change_callback` URL, the change is written to the
/// callback outbox in the same database transaction.
///
/// On success `tx` holds the new status; on failure it is left as it was.
pub fn transition(
    conn: &mut DbConnection,
    tx: &mut Transaction,
    to: Status,
) -> Result<(), TransitionError> {
    let from = tx.status;
    if !allowed(tx.kind, from, to) {
        return Err(TransitionError::Forbidden {
            kind: tx.kind,
            from,
            to,
        });
    }
    let mut next = tx.clone();
    next.status = to;
    next.updated_at = now();
    // SEP-24: `completed_at` is when the transaction reached `completed` or `refunded`.
    if matches!(to, Completed | Refunded) && next.completed_at.is_none() {
        next.completed_at = Some(next.updated_at);
    }
    write_notify(conn, &next, from)?;
    *tx = next;
    Ok(())
}

/// Writes the fields of `tx` without changing its status, if the stored status is still
/// `tx.status`, and notifies no one: for fields the wallet does not see (envelopes, leases,
/// stages). Use [`save_notify`] for fields it does.
pub fn save(conn: &mut DbConnection, tx: &mut Transaction) -> Result<(), TransitionError> {
    let mut next = tx.clone();
    next.updated_at = now();
    write(conn, &next, tx.status)?;
    *tx = next;
    Ok(())
}

/// [`save`] for fields the wallet sees (amounts, messages, `required_info_*`, refunds ...):
/// the change is also reported to the transaction's `on_change_callback`, in the same
/// database transaction.
pub fn save_notify(conn: &mut DbConnection, tx: &mut Transaction) -> Result<(), TransitionError> {
    let mut next = tx.clone();
    next.updated_at = now();
    write_notify(conn, &next, tx.status)?;
    *tx = next;
    Ok(())
}

/// The URL the changes of `tx` are reported to, if it has one Polaris can POST to.
pub fn callback_url(tx: &Transaction) -> Option<&str> {
    tx.on_change_callback
        .as_deref()
        .filter(|url| callbacks::is_url(url))
}

/// [`write`], plus the notification for the wallet when it gave a callback URL, both in
/// one database transaction (a savepoint inside an outer one).
fn write_notify(
    conn: &mut DbConnection,
    tx: &Transaction,
    expected: Status,
) -> Result<(), TransitionError> {
    let Some(url) = callback_url(tx) else {
        return write(conn, tx, expected);
    };
    conn.transaction(|conn| {
        write(conn, tx, expected)?;
        callbacks::enqueue_transaction(conn, tx, url)?;
        Ok(())
    })
}

/// Writes `tx` if its stored status is still `expected`; a change of status is recorded in
/// the transaction's history ([`events`]) in the same database transaction.
fn write(
    conn: &mut DbConnection,
    tx: &Transaction,
    expected: Status,
) -> Result<(), TransitionError> {
    if tx.status == expected {
        return write_row(conn, tx, expected);
    }
    conn.transaction(|conn| {
        write_row(conn, tx, expected)?;
        events::record(conn, tx, Some(expected))?;
        Ok(())
    })
}

fn write_row(
    conn: &mut DbConnection,
    tx: &Transaction,
    expected: Status,
) -> Result<(), TransitionError> {
    if transactions::update_if_status(conn, tx, expected)? {
        return Ok(());
    }
    let found = transactions::by_id(conn, tx.id)?.map(|t| t.status);
    Err(TransitionError::Conflict { expected, found })
}

impl From<diesel::result::Error> for TransitionError {
    fn from(e: diesel::result::Error) -> Self {
        Self::Store(e.into())
    }
}

/// [`transition`] on the blocking pool; returns the updated transaction.
pub async fn transition_async(
    store: &Store,
    mut tx: Transaction,
    to: Status,
) -> Result<Transaction, TransitionError> {
    let result = store
        .run(move |conn| Ok(transition(conn, &mut tx, to).map(|_| tx)))
        .await?;
    result
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_has_no_duplicate_rows_and_no_way_out_of_completed() {
        let mut seen = std::collections::HashSet::new();
        for (kind, from, tos) in ALLOWED {
            assert!(seen.insert((*kind, *from)), "duplicate row {kind} {from}");
            assert!(!tos.contains(from), "{kind} {from} loops to itself");
        }
        for kind in Kind::ALL {
            for to in Status::ALL {
                assert!(!allowed(*kind, Completed, *to));
                assert!(!allowed(*kind, Refunded, *to));
                assert!(!allowed(*kind, Expired, *to));
            }
        }
    }

    #[test]
    fn deposits_follow_the_sep_lifecycle() {
        let path = [
            Incomplete,
            PendingUserTransferStart,
            PendingAnchor,
            PendingTrust,
            PendingStellar,
            Completed,
        ];
        for w in path.windows(2) {
            assert!(allowed(Kind::Deposit, w[0], w[1]), "{} -> {}", w[0], w[1]);
        }
        assert!(!allowed(Kind::Deposit, Incomplete, Completed));
        assert!(!allowed(Kind::Deposit, PendingUserTransferStart, Completed));
        assert!(!allowed(
            Kind::Deposit,
            PendingUserTransferStart,
            PendingUserTransferComplete
        ));
    }

    #[test]
    fn withdrawals_follow_the_sep_lifecycle() {
        let path = [
            Incomplete,
            PendingUserTransferStart,
            PendingUserTransferComplete,
            PendingExternal,
            Completed,
        ];
        for w in path.windows(2) {
            assert!(
                allowed(Kind::Withdrawal, w[0], w[1]),
                "{} -> {}",
                w[0],
                w[1]
            );
        }
        assert!(!allowed(Kind::Withdrawal, Incomplete, PendingStellar));
        assert!(!allowed(
            Kind::Withdrawal,
            PendingUserTransferStart,
            Completed
        ));
        assert!(!allowed(Kind::Withdrawal, PendingTrust, Completed));
    }
}
