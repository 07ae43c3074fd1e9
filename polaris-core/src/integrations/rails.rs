//! The anchor's connection to its bank or payment processor, used by the background processes.

use async_trait::async_trait;

use super::IntegrationError;
use crate::model::Transaction;

/// Off-chain money movement: detecting deposits and paying out withdrawals.
#[async_trait]
pub trait RailsIntegration: Send + Sync + 'static {
    /// Of `pending` deposits (waiting for the user's off-chain transfer), returns those whose
    /// funds have arrived, with `amount_in` (and `from_address`, `external_transaction_id`)
    /// set to what was actually received.
    async fn poll_pending_deposits(
        &self,
        pending: &[Transaction],
    ) -> Result<Vec<Transaction>, IntegrationError>;
}
