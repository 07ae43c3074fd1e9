//! The anchor's connection to its bank or payment processor, used by the background processes.

use async_trait::async_trait;

use super::{IntegrationError, TransactionRequest};
use crate::model::{RefundPayment, Transaction};

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
    /// The anchor needs more information from the user (`pending_transaction_info_update`)
    /// and sent nothing. Once the wallet answered (SEP-6 `PATCH`), the withdrawal is back in
    /// `pending_anchor`, ready to pay, and the payout is asked again.
    InfoUpdate {
        /// What to tell the user.
        message: String,
        /// The fields to update, as SEP-6 `required_info_updates`.
        fields: serde_json::Value,
    },
}

/// What became of a deposit in `pending_external`, as
/// [`RailsIntegration::poll_external_deposits`] reports it.
#[derive(Debug, Clone, PartialEq)]
pub enum ExternalDepositOutcome {
    /// The funds arrived: the transaction carries `amount_in` (and `from_address`,
    /// `external_transaction_id`) as received. It moves to `pending_anchor` and is paid on
    /// Stellar like any received deposit.
    Arrived(Box<Transaction>),
    /// The transfer failed for good: the deposit ends in `error` with this message.
    Failed {
        /// Why, for `status_message`.
        message: String,
    },
    /// The funds arrived and went back to the user: `amount_in` and these refund payments
    /// are recorded (SEP `refunds`); when the payments and their fees add up to `amount_in`
    /// the deposit ends `refunded`; after a partial refund it stays in `pending_external`, and
    /// the rest is paid once reported [`ExternalDepositOutcome::Arrived`].
    Refunded {
        /// What arrived from the user.
        amount_in: rust_decimal::Decimal,
        /// The refund payments.
        payments: Vec<RefundPayment>,
    },
}

/// One deposit in `pending_external` that changed.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct ExternalDepositUpdate {
    /// The deposit's id.
    pub id: uuid::Uuid,
    /// What happened to it.
    pub outcome: ExternalDepositOutcome,
}

impl ExternalDepositUpdate {
    /// Deposit `id` had `outcome`.
    pub fn new(id: uuid::Uuid, outcome: ExternalDepositOutcome) -> Self {
        Self { id, outcome }
    }
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

    /// Of `request.transactions`, deposits in `pending_external` (the user's transfer is
    /// under way at the bank), reports those whose transfer arrived, failed or was sent
    /// back. Asked in each `process-pending-deposits` round; deposits not reported stay
    /// as they are. The default reports nothing.
    async fn poll_external_deposits(
        &self,
        _request: &TransactionsRequest<'_>,
    ) -> Result<Vec<ExternalDepositUpdate>, IntegrationError> {
        Ok(Vec::new())
    }
}
