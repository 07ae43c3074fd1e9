//! Sample integrations: KYC kept in memory, SEP-6 transfers that ask for it first, and a
//! SEP-24 flow of two forms (the amount, then the KYC fields still missing).
//!
//! Customers are kept in the database (see `customers.rs`). A real anchor would also review
//! them; here every customer who gave the three fields is accepted at once, and their
//! transactions waiting for a KYC update move on (`operations::customer_verified`).

use async_trait::async_trait;
use polaris_core::forms::{Field, Form};
use polaris_core::integrations::{
    default_form, ContentRequest, CustomerInfo, CustomerIntegration, CustomerRequest,
    CustomerStatus, DeleteCustomer, DepositIntegration, IntegrationError, InteractiveIntegration,
    InteractiveRequest, PageContent, PutCustomer, Sep6Integration, Sep6Request, Sep6Response,
    Sep9Fields, TransactionRequest, ValidatedForm,
};
use polaris_core::operations::{self, CustomerVerified};
use polaris_core::store::transactions::Owner;
use serde_json::{json, Map, Value};

use crate::customers::Customers;

/// The KYC fields the reference anchor asks for.
const REQUIRED: &[(&str, &str)] = &[
    ("first_name", "your given name"),
    ("last_name", "your family name"),
    ("email_address", "where we send status updates"),
];

/// KYC backed by the customer table.
#[derive(Clone)]
pub struct Kyc {
    customers: Customers,
}

impl Kyc {
    /// KYC kept in `customers`.
    pub fn new(customers: Customers) -> Self {
        Self { customers }
    }

    /// The fields `user` (see `polaris_core::model::user_key`) has not given yet.
    async fn missing(&self, user: &str) -> Result<Vec<String>, IntegrationError> {
        let found = self.customers.of(user).await?;
        let given = found.as_ref().map(|(_, f)| f);
        Ok(REQUIRED
            .iter()
            .filter(|(name, _)| given.is_none_or(|f| !f.contains_key(*name)))
            .map(|(name, _)| name.to_string())
            .collect())
    }
}

/// Guidance shown above each SEP-24 form.
fn guidance(form: Option<&Form>, lang: &str) -> Option<PageContent> {
    let key = match form.map(Form::id) {
        Some("kyc") => "kyc",
        Some(_) => "amount",
        None => return None,
    };
    let text = text(lang, key);
    Some(PageContent {
        guidance: Some(text.into()),
        ..PageContent::default()
    })
}

/// The reference anchor's own texts, in the languages Polaris ships (an anchor translates
/// what it writes; Polaris translates its own strings).
fn text(lang: &str, key: &str) -> &'static str {
    match (lang, key) {
        ("es", "kyc") => {
            "Necesitamos saber quién es usted antes de la transferencia. Se pide una sola vez."
        }
        ("fr", "kyc") => {
            "Nous devons savoir qui vous êtes avant le transfert. C'est demandé une seule fois."
        }
        (_, "kyc") => "We need to know who you are before the transfer. This is asked once.",
        ("es", "amount") => "Introduzca el monto. La comisión se muestra mientras escribe.",
        ("fr", "amount") => "Saisissez le montant. Les frais s'affichent pendant la saisie.",
        (_, "amount") => "Enter the amount. The fee is shown as you type.",
        ("es", "first_name") => "Nombre",
        ("fr", "first_name") => "Prénom",
        (_, "first_name") => "First name",
        ("es", "last_name") => "Apellido",
        ("fr", "last_name") => "Nom",
        (_, "last_name") => "Last name",
        ("es", "email_address") => "Correo electrónico",
        ("fr", "email_address") => "E-mail",
        _ => "Email",
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
        let missing = self.missing(&request.user()).await?;
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

    /// Saves the fields; once every required one is given, the customer counts as verified
    /// and their SEP-6 transactions waiting in `pending_customer_info_update` move on.
    async fn put(&self, request: &PutCustomer<'_>) -> Result<String, IntegrationError> {
        let customer = &request.customer;
        let id = self
            .customers
            .save(customer.id, &customer.user(), &request.data.fields)
            .await?;
        if self.missing(&customer.user()).await?.is_empty() {
            let owner = Owner {
                account: customer.account.to_string(),
                memo: customer.memo.map(str::to_string),
                muxed: customer.muxed_account.map(str::to_string),
            };
            let verified = CustomerVerified::new(owner);
            operations::customer_verified(self.customers.store(), verified)
                .await
                .map_err(|e| {
                    IntegrationError::unavailable_because("cannot resume transactions", e)
                })?;
        }
        Ok(id)
    }

    async fn delete(&self, request: &DeleteCustomer<'_>) -> Result<(), IntegrationError> {
        self.customers.delete(request.id).await
    }
}

/// SEP-24, deposits and withdrawals alike: the amount, then the KYC fields still missing,
/// then done.
#[async_trait]
impl InteractiveIntegration for Kyc {
    async fn form_for_transaction(
        &self,
        request: &InteractiveRequest<'_>,
    ) -> Result<Option<Form>, IntegrationError> {
        if let Some(amount) = default_form(request) {
            return Ok(Some(amount));
        }
        let missing = self.missing(&request.transaction.user()).await?;
        if missing.is_empty() {
            return Ok(None);
        }
        let mut form = Form::new("kyc");
        for name in &missing {
            form = form.field(match name.as_str() {
                "email_address" => Field::email(name, text(request.lang, name)).required(),
                _ => Field::text(name, text(request.lang, name)).required(),
            });
        }
        Ok(Some(form))
    }

    async fn content_for_template(
        &self,
        request: &ContentRequest<'_>,
    ) -> Result<Option<PageContent>, IntegrationError> {
        Ok(guidance(request.form, request.interactive.lang))
    }

    /// Keeps what the KYC form collected, as if sent through SEP-12.
    async fn after_form_validation(
        &self,
        request: &ValidatedForm<'_>,
    ) -> Result<(), IntegrationError> {
        let form = request.form;
        if form.id() != "kyc" {
            return Ok(());
        }
        let fields: Sep9Fields = form
            .fields()
            .iter()
            .filter_map(|f| Some((f.name().to_string(), f.value()?.to_string())))
            .collect();
        let user = request.interactive.transaction.user();
        self.customers.save(None, &user, &fields).await?;
        Ok(())
    }
}

/// SEP-6: KYC first, then bank instructions for deposits; withdrawals need a `dest`.
#[async_trait]
impl Sep6Integration for Kyc {
    async fn process_deposit(
        &self,
        request: &Sep6Request<'_>,
    ) -> Result<Sep6Response, IntegrationError> {
        let tx = request.transaction;
        let missing = self.missing(&tx.user()).await?;
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

    async fn process_withdrawal(
        &self,
        request: &Sep6Request<'_>,
    ) -> Result<Sep6Response, IntegrationError> {
        let tx = request.transaction;
        let missing = self.missing(&tx.user()).await?;
        if !missing.is_empty() {
            return Ok(Sep6Response::CustomerInfoNeeded { fields: missing });
        }
        if tx.to_address.is_none() {
            return Err(IntegrationError::rejected(
                "dest is required: the bank account to pay",
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

/// Deposits: where to wire the money.
#[async_trait]
impl DepositIntegration for Kyc {
    async fn instructions_for_pending_deposit(
        &self,
        request: &TransactionRequest<'_>,
    ) -> Result<Option<String>, IntegrationError> {
        let tx = request.transaction;
        let amount = tx.amount_in.map(|a| a.to_string()).unwrap_or_default();
        Ok(Some(format!(
            "Wire {amount} USD to the Reference Bank, account 000123, with the reference {}. \
             (The bank is simulated: it receives the wire after a few seconds.)",
            tx.id
        )))
    }
}

#[cfg(test)]
#[path = "kyc_tests.rs"]
mod tests;
