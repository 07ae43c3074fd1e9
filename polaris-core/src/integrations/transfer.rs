//! Deposit and withdrawal integrations, shared by SEP-6 and SEP-24.

use std::collections::BTreeMap;

use async_trait::async_trait;

use super::IntegrationError;
use crate::model::Transaction;

/// SEP-9 KYC fields a wallet passed along with a request, by SEP-9 name.
pub type Sep9Fields = BTreeMap<String, String>;

/// The anchor's deposit logic. Every method has a default, so an anchor implements
/// only what its flows need.
#[async_trait]
pub trait DepositIntegration: Send + Sync + 'static {
    /// Instructions (text or HTML) shown on the more-info page of a pending deposit.
    async fn instructions_for_pending_deposit(
        &self,
        _transaction: &Transaction,
    ) -> Result<Option<String>, IntegrationError> {
        Ok(None)
    }

    /// Called once a deposit is completed on Stellar. Errors are logged, never undo the deposit.
    async fn after_deposit(&self, _transaction: &Transaction) -> Result<(), IntegrationError> {
        Ok(())
    }

    /// Stores SEP-9 fields a wallet sent for `account`; `Rejected` becomes a 400 with its message.
    async fn save_sep9_fields(
        &self,
        _account: &str,
        _fields: &Sep9Fields,
        _lang: &str,
    ) -> Result<(), IntegrationError> {
        Ok(())
    }
}

/// The anchor's withdrawal logic. Every method has a default.
#[async_trait]
pub trait WithdrawalIntegration: Send + Sync + 'static {
    /// Stores SEP-9 fields a wallet sent for `account`; `Rejected` becomes a 400 with its message.
    async fn save_sep9_fields(
        &self,
        _account: &str,
        _fields: &Sep9Fields,
        _lang: &str,
    ) -> Result<(), IntegrationError> {
        Ok(())
    }
}

/// Deposits with every default: no instructions, nothing after the deposit.
#[derive(Debug, Clone, Copy, Default)]
pub struct DefaultDeposit;

impl DepositIntegration for DefaultDeposit {}

/// Withdrawals with every default.
#[derive(Debug, Clone, Copy, Default)]
pub struct DefaultWithdrawal;

impl WithdrawalIntegration for DefaultWithdrawal {}
