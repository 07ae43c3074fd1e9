//! Sample integrations: KYC kept in memory, and SEP-6 transfers that ask for it first.
//!
//! A real anchor stores customers in its own database and reviews them; here every customer
//! who gave a first and a last name is accepted at once.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use async_trait::async_trait;
use polaris_core::integrations::{
    CustomerData, CustomerInfo, CustomerIntegration, CustomerRequest, CustomerStatus,
    DepositIntegration, IntegrationError, Sep6Request, Sep6Response, Sep9Fields,
    WithdrawalIntegration,
};
use polaris_core::model::Transaction;
use serde_json::{json, Map, Value};

/// The KYC fields the reference anchor asks for.
const REQUIRED: &[(&str, &str)] = &[
    ("first_name", "your given name"),
    ("last_name", "your family name"),
    ("email_address", "where we send status updates"),
];

/// Customers by id, each with the account that created it and its fields.
type Customers = HashMap<String, (String, Sep9Fields)>;

/// The in-memory customer store.
#[derive(Clone, Default)]
pub struct Kyc {
    customers: Arc<Mutex<Customers>>,
}

impl Kyc {
    fn lock(&self) -> Result<std::sync::MutexGuard<'_, Customers>, IntegrationError> {
        self.customers
            .lock()
            .map_err(|_| IntegrationError::Other("customer store poisoned".into()))
    }

    /// The fields `account` has not given yet.
    fn missing(&self, account: &str) -> Result<Vec<String>, IntegrationError> {
        let all = self.lock()?;
        let given = all.values().find(|(a, _)| a == account).map(|(_, f)| f);
        Ok(REQUIRED
            .iter()
            .filter(|(name, _)| given.is_none_or(|f| !f.contains_key(*name)))
            .map(|(name, _)| name.to_string())
            .collect())
    }
}

fn describe(names: &[String]) -> Map<String, Value> {
    REQUIRED
        .iter()
        .filter(|(n, _)| names.iter().any(|m| m == n))
        .map(|(n, d)| (n.to_string(), json!({ "type": "string", "description": d })))
        .collect()
}

#[async_trait]
impl CustomerIntegration for Kyc {
    async fn get(&self, request: &CustomerRequest<'_>) -> Result<CustomerInfo, IntegrationError> {
        let missing = self.missing(request.account)?;
        let all: Vec<String> = REQUIRED.iter().map(|(n, _)| n.to_string()).collect();
        let provided: Vec<String> = all
            .iter()
            .filter(|n| !missing.contains(n))
            .cloned()
            .collect();
        let mut provided_fields = describe(&provided);
        for v in provided_fields.values_mut() {
            v["status"] = json!("ACCEPTED");
        }
        let status = if missing.is_empty() {
            CustomerStatus::Accepted
        } else {
            CustomerStatus::NeedsInfo
        };
        Ok(CustomerInfo {
            status,
            fields: describe(&missing),
            provided_fields,
            message: None,
        })
    }

    async fn put(
        &self,
        request: &CustomerRequest<'_>,
        data: &CustomerData,
    ) -> Result<String, IntegrationError> {
        let mut all = self.lock()?;
        let id = request
            .id
            .map_or_else(|| uuid::Uuid::new_v4().to_string(), str::to_string);
        let entry = all
            .entry(id.clone())
            .or_insert_with(|| (request.account.to_string(), Sep9Fields::new()));
        entry.1.extend(data.fields.clone());
        Ok(id)
    }

    async fn delete(&self, customer_id: &str) -> Result<(), IntegrationError> {
        self.lock()?.remove(customer_id);
        Ok(())
    }
}

/// SEP-6 deposits: KYC first, then bank instructions.
#[async_trait]
impl DepositIntegration for Kyc {
    async fn process_sep6_request(
        &self,
        request: &Sep6Request<'_>,
        tx: &Transaction,
    ) -> Result<Sep6Response, IntegrationError> {
        let missing = self.missing(&tx.stellar_account)?;
        if !missing.is_empty() {
            return Ok(Sep6Response::CustomerInfoNeeded { fields: missing });
        }
        Ok(Sep6Response::Success {
            how: Some(format!(
                "Wire to the Reference Bank, account 000123, reference {}",
                tx.id
            )),
            instructions: None,
            extra_info: Some(
                json!({ "message": format!("Deposits of {} arrive within a day", request.asset.code) }),
            ),
            eta: Some(86_400),
        })
    }
}

/// SEP-6 withdrawals: KYC first.
#[async_trait]
impl WithdrawalIntegration for Kyc {
    async fn process_sep6_request(
        &self,
        _request: &Sep6Request<'_>,
        tx: &Transaction,
    ) -> Result<Sep6Response, IntegrationError> {
        let missing = self.missing(&tx.stellar_account)?;
        if !missing.is_empty() {
            return Ok(Sep6Response::CustomerInfoNeeded { fields: missing });
        }
        if tx.to_address.is_none() {
            return Err(IntegrationError::Rejected(
                "dest is required: the bank account to pay".into(),
            ));
        }
        Ok(Sep6Response::Success {
            how: None,
            instructions: None,
            extra_info: None,
            eta: Some(86_400),
        })
    }
}
