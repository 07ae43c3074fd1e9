//! The one error of every operation.

use uuid::Uuid;

use crate::model::{Kind, Status};
use crate::state::TransitionError;
use crate::store::StoreError;

/// Why an operation did not happen. Nothing was written when it is returned.
#[derive(Debug, thiserror::Error)]
pub enum OperationError {
    /// No transaction has this id.
    #[error("transaction {0} not found")]
    NotFound(Uuid),
    /// The state machine does not permit this move (see [`crate::state::ALLOWED`]).
    #[error("a {kind} cannot move from {from} to {to}")]
    IllegalTransition {
        /// The transaction's kind.
        kind: Kind,
        /// Its current status.
        from: Status,
        /// The status the operation would move it to.
        to: Status,
    },
    /// The operation does not apply to the transaction as it stands.
    #[error("not possible in status {status}: {reason}")]
    NotAllowed {
        /// Its current status.
        status: Status,
        /// Why, for the operator.
        reason: String,
    },
    /// An amount is not positive, does not add up, or exceeds what was received.
    #[error("bad amount: {0}")]
    BadAmount(String),
    /// The transaction changed meanwhile (another worker or operator moved it): load it again.
    #[error("transaction changed meanwhile: expected {expected}, found {found:?}")]
    Conflict {
        /// The status it had when loaded.
        expected: Status,
        /// The status found (`None`: the row is gone).
        found: Option<Status>,
    },
    /// The database failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<TransitionError> for OperationError {
    fn from(e: TransitionError) -> Self {
        match e {
            TransitionError::Forbidden { kind, from, to } => {
                Self::IllegalTransition { kind, from, to }
            }
            TransitionError::Conflict { expected, found } => Self::Conflict { expected, found },
            TransitionError::Store(e) => Self::Store(e),
        }
    }
}
