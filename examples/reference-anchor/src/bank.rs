//! A simulated bank: a deposit's money "arrives" a few seconds after the user was told
//! how to send it, and a withdrawal's payout completes a few seconds after it started.

use std::time::Duration;

use async_trait::async_trait;
use polaris_core::integrations::{
    IntegrationError, OutgoingOutcome, RailsIntegration, TransactionRequest, TransactionsRequest,
};
use polaris_core::model::Transaction;

/// Deposits count as received `delay` after they reached `pending_user_transfer_start`,
/// for the amount the user announced.
#[derive(Debug, Clone)]
pub struct SimulatedBank {
    /// How long the simulated transfer takes (`BANK_DELAY_SECONDS`, default 5).
    pub delay: Duration,
}

impl SimulatedBank {
    /// Reads `BANK_DELAY_SECONDS` (default 5).
    pub fn from_env() -> Self {
        let seconds = std::env::var("BANK_DELAY_SECONDS")
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(5);
        Self {
            delay: Duration::from_secs(seconds),
        }
    }
}

#[async_trait]
impl RailsIntegration for SimulatedBank {
    async fn poll_pending_deposits(
        &self,
        request: &TransactionsRequest<'_>,
    ) -> Result<Vec<Transaction>, IntegrationError> {
        let delay = chrono::Duration::from_std(self.delay).unwrap_or_default();
        let now = chrono::Utc::now();
        Ok(request
            .transactions
            .iter()
            .filter(|t| t.updated_at + delay <= now && t.amount_expected.is_some())
            .map(|t| {
                let mut t = t.clone();
                t.amount_in = t.amount_expected;
                t.external_transaction_id = Some(format!("simulated-{}", t.id.simple()));
                t
            })
            .collect())
    }

    /// Payouts start at once and are pending at the bank for `delay`.
    async fn execute_outgoing_transaction(
        &self,
        _request: &TransactionRequest<'_>,
    ) -> Result<OutgoingOutcome, IntegrationError> {
        Ok(OutgoingOutcome::PendingExternal)
    }

    async fn poll_outgoing_transactions(
        &self,
        request: &TransactionsRequest<'_>,
    ) -> Result<Vec<uuid::Uuid>, IntegrationError> {
        let delay = chrono::Duration::from_std(self.delay).unwrap_or_default();
        let now = chrono::Utc::now();
        Ok(request
            .transactions
            .iter()
            .filter(|t| t.updated_at + delay <= now)
            .map(|t| t.id)
            .collect())
    }
}
