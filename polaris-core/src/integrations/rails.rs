//! The anchor's connection to its bank or payment processor, used by the background processes.

use async_trait::async_trait;

use super::{IntegrationError, TransactionRequest};
use crate::model::Transaction;

/// What became of an off-chain payout started by [`RailsIntegration::execute_outgoing_transaction`].
#[derive(Debug, Clone, PartialEq)]
pub enum OutgoingOutcome {
    /// The user has the money: the withdrawal is completed.
    Completed,
    /// The payout was started and is pending in an external system: `poll_outgoing_transactions`
    /// reports when it completes.
    PendingExternal,
    /// The payout is refused for good; `refunded` says whether the funds went back to the user.
    Error {
        /// Why, for `status_message`.
        message: String,
        /// Whether the user's Stellar payment was returned.
        refunded: bool,
    },
    /// The anchor needs more information from the user (`pending_transaction_info_update`).
    InfoUpdate {
        /// What to tell the user.
        message: String,
        /// The fields to update, as SEP-6 `required_info_updates`.
        fields: serde_json::Value,
    },
}

/// Transactions an integration is asked about, e.g. deposits waiting for funds.
#[derive(Debug, Clone, Copy)]
#[non_exhaustive]
pub struct TransactionsRequest<'a> {
    /// The transactions.
    pub transactions: &'a [Transaction],
}

impl<'a> TransactionsRequest<'a> {
    /// A request about `transactions`.
    pub fn new(transactions: &'a [Transaction]) -> Self {
        Self { transactions }
    }
}

/// Off-chain money movement: detecting deposits and paying out withdrawals.
#[async_trait]
pub trait RailsIntegration: Send + Sync + 'static {
    /// Of `request.transactions`, deposits waiting for the user's off-chain transfer,
    /// returns those whose funds have arrived, with `amount_in` (and `from_address`,
    /// `external_transaction_id`) set to what was actually received.
    async fn poll_pending_deposits(
        &self,
        request: &TransactionsRequest<'_>,
    ) -> Result<Vec<Transaction>, IntegrationError>;

    /// Pays out a withdrawal whose Stellar payment arrived (`amount_in` is what
    /// arrived, `amount_fee` and `amount_out` what Polaris computed).
    ///
    /// Polaris records the withdrawal as `paying_out` before this call, so no other worker
    /// calls it again for the same withdrawal, however long it takes; a worker killed during
    /// the call leaves it `paying_out` for the operator. Return an error only when nothing
    /// was sent: the withdrawal goes back to `ready_to_pay` and is tried again next round.
    /// When the outcome is unknown (a timeout after sending), return
    /// [`OutgoingOutcome::PendingExternal`] and settle it in
    /// [`RailsIntegration::poll_outgoing_transactions`]. The default refuses.
    async fn execute_outgoing_transaction(
        &self,
        _request: &TransactionRequest<'_>,
    ) -> Result<OutgoingOutcome, IntegrationError> {
        Err(IntegrationError::unavailable(
            "this anchor has no payout rails",
        ))
    }

    /// Of `request.transactions`, payouts in `pending_external`, returns the ids of those
    /// now completed. The default: none.
    async fn poll_outgoing_transactions(
        &self,
        _request: &TransactionsRequest<'_>,
    ) -> Result<Vec<uuid::Uuid>, IntegrationError> {
        Ok(Vec::new())
    }
}
