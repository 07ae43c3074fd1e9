//! SEP-12: KYC customers
//! ([spec](https://github.com/stellar/stellar-protocol/blob/master/ecosystem/sep-0012.md)).
//!
//! Polaris keeps which authenticated account (and memo) owns each customer id, and answers
//! 404 for a customer id of another account before the anchor's integration is even asked:
//! one account can never read or change another account's KYC data.

pub mod endpoints;
mod notify;

pub use notify::{notify_customer_status, notify_customer_status_async};

use serde_json::{json, Map, Value};

use crate::auth::Subject;
use crate::context::Context;
use crate::error::ApiError;
use crate::integrations::{
    CustomerCallback, CustomerData, CustomerInfo, CustomerIntegration, CustomerRequest,
    DeleteCustomer, PutCustomer, Sep9Fields, VerifyCustomer,
};
use crate::params::Params;
use crate::store::customers;

/// Parameters of `PUT /customer` that are not KYC fields.
const RESERVED: &[&str] = &[
    "id",
    "account",
    "memo",
    "memo_type",
    "type",
    "transaction_id",
    "lang",
];

fn integration(ctx: &Context) -> Result<&dyn CustomerIntegration, ApiError> {
    ctx.integrations
        .customer
        .as_deref()
        .ok_or_else(|| ApiError::unavailable("KYC is not configured on this anchor"))
}

/// Refuses `account` / `memo` parameters that name someone other than the token's subject.
fn check_subject(subject: &Subject, params: &Params) -> Result<(), ApiError> {
    if let Some(account) = params.get("account") {
        let own = account == subject.account || subject.muxed_account.as_deref() == Some(account);
        if !own {
            return Err(ApiError::forbidden(json!({
                "error": "account does not match the authenticated account"
            })));
        }
    }
    if let Some(memo) = params.get("memo") {
        if subject.memo.map(|m| m.to_string()).as_deref() != Some(memo) {
            return Err(ApiError::forbidden(json!({
                "error": "memo does not match the authenticated memo"
            })));
        }
    }
    Ok(())
}

/// The customer id of the subject, checking a given `id` belongs to it (else 404).
async fn own_id(
    ctx: &Context,
    subject: &Subject,
    params: &Params,
) -> Result<Option<String>, ApiError> {
    let owner = subject.owner();
    let known = ctx.store.run(move |c| customers::id_of(c, &owner)).await?;
    match params.get("id") {
        Some(id) if known.as_deref() != Some(id) => Err(ApiError::not_found("customer not found")),
        _ => Ok(known),
    }
}

fn request<'a>(
    subject: &'a Subject,
    memo: &'a Option<String>,
    id: Option<&'a str>,
    params: &'a Params,
) -> CustomerRequest<'a> {
    CustomerRequest {
        id,
        account: &subject.account,
        memo: memo.as_deref(),
        muxed_account: subject.muxed_account.as_deref(),
        customer_type: params.get("type"),
        lang: params.get("lang").unwrap_or("en"),
    }
}

/// `GET /kyc/customer`: the status of the authenticated account's customer and the fields needed.
pub async fn get_customer(
    ctx: &Context,
    subject: &Subject,
    params: &Params,
) -> Result<Value, ApiError> {
    check_subject(subject, params)?;
    let kyc = integration(ctx)?;
    let id = own_id(ctx, subject, params).await?;
    let memo = subject.memo.map(|m| m.to_string());
    let info = kyc
        .get(&request(subject, &memo, id.as_deref(), params))
        .await?;
    Ok(customer_body(id, info))
}

/// The `GET /customer` answer: `id`, `status`, and what `info` has of `fields`,
/// `provided_fields` and `message`.
pub(crate) fn customer_body(id: Option<String>, info: CustomerInfo) -> Value {
    let mut body = Map::new();
    if let Some(id) = id {
        body.insert("id".into(), Value::String(id));
    }
    body.insert("status".into(), Value::String(info.status.as_str().into()));
    if !info.fields.is_empty() {
        body.insert("fields".into(), Value::Object(info.fields));
    }
    if !info.provided_fields.is_empty() {
        body.insert(
            "provided_fields".into(),
            Value::Object(info.provided_fields),
        );
    }
    if let Some(m) = info.message {
        body.insert("message".into(), Value::String(m));
    }
    Value::Object(body)
}

/// The KYC data of a `PUT /customer`: text fields checked against SEP-9, and files.
pub fn customer_data(
    params: &Params,
    files: std::collections::BTreeMap<String, Vec<u8>>,
) -> Result<CustomerData, ApiError> {
    let mut fields = Sep9Fields::new();
    for (name, value) in params.all() {
        if RESERVED.contains(&name.as_str()) {
            continue;
        }
        crate::sep9::check(name, value)?;
        fields.insert(name.clone(), value.clone());
    }
    for name in files.keys() {
        if !crate::sep9::valid_name(name) {
            return Err(ApiError::bad_request(format!(
                "'{name}' is not a SEP-9 field name"
            )));
        }
    }
    Ok(CustomerData { fields, files })
}

/// `PUT /kyc/customer`: stores KYC data for the authenticated account; answers `{"id"}`.
/// `params` holds the non-file parameters; build `data` with [`customer_data`].
pub async fn put_customer(
    ctx: &Context,
    subject: &Subject,
    params: &Params,
    data: &CustomerData,
) -> Result<Value, ApiError> {
    check_subject(subject, params)?;
    let kyc = integration(ctx)?;
    let id = own_id(ctx, subject, params).await?;
    let memo = subject.memo.map(|m| m.to_string());
    let new_id = kyc
        .put(&PutCustomer::new(
            request(subject, &memo, id.as_deref(), params),
            data,
        ))
        .await?;
    if id.as_deref() != Some(new_id.as_str()) {
        if id.is_some() {
            return Err(ApiError::internal(
                "the customer integration changed an existing customer's id",
            ));
        }
        let (owner, stored) = (subject.owner(), new_id.clone());
        let recorded = ctx
            .store
            .run(move |c| customers::record(c, &owner, &stored))
            .await?;
        if !recorded {
            return Err(ApiError::internal(
                "the customer integration answered the id of another user's customer: \
                 tell users apart by CustomerRequest::user() (memo and muxed account)",
            ));
        }
    }
    Ok(json!({ "id": new_id }))
}

/// `DELETE /kyc/customer/{account}`: deletes the authenticated account's customer.
pub async fn delete_customer(
    ctx: &Context,
    subject: &Subject,
    account: &str,
    params: &Params,
) -> Result<(), ApiError> {
    let own = account == subject.account || subject.muxed_account.as_deref() == Some(account);
    if !own {
        return Err(ApiError::not_found("customer not found"));
    }
    check_subject(subject, params)?;
    let kyc = integration(ctx)?;
    let owner = subject.owner();
    let Some(id) = ctx.store.run(move |c| customers::id_of(c, &owner)).await? else {
        return Err(ApiError::not_found("customer not found"));
    };
    let memo = subject.memo.map(|m| m.to_string());
    let customer = request(subject, &memo, Some(&id), params);
    kyc.delete(&DeleteCustomer::new(&id, customer)).await?;
    let owner = subject.owner();
    ctx.store.run(move |c| customers::forget(c, &owner)).await?;
    Ok(())
}

/// `PUT /kyc/customer/verification`: `<field>_verification` codes for the authenticated
/// account's customer; answers like `GET /kyc/customer`.
pub async fn verify_customer(
    ctx: &Context,
    subject: &Subject,
    params: &Params,
) -> Result<Value, ApiError> {
    check_subject(subject, params)?;
    let kyc = integration(ctx)?;
    let Some(id) = own_id(ctx, subject, params).await? else {
        return Err(ApiError::not_found("customer not found"));
    };
    let codes: Sep9Fields = params
        .all()
        .iter()
        .filter(|(k, _)| k.ends_with("_verification"))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    if codes.is_empty() {
        return Err(ApiError::bad_request(
            "give at least one <field>_verification code",
        ));
    }
    let memo = subject.memo.map(|m| m.to_string());
    let info = kyc
        .verify(&VerifyCustomer::new(
            request(subject, &memo, Some(&id), params),
            &codes,
        ))
        .await?;
    Ok(customer_body(Some(id), info))
}

/// `PUT /kyc/customer/callback`: registers the `url` that receives the customer's status
/// changes. The integration is asked first (its refusal is the answer); Polaris then keeps
/// the URL with the customer, replacing an earlier one, and [`notify_customer_status`]
/// sends to it. A customer Polaris does not know (never created through `PUT /customer`)
/// gets a 404.
pub async fn set_callback(
    ctx: &Context,
    subject: &Subject,
    params: &Params,
) -> Result<(), ApiError> {
    check_subject(subject, params)?;
    let kyc = integration(ctx)?;
    let url = params
        .callback_url("url", ctx.settings.local_mode)?
        .ok_or_else(|| ApiError::bad_request("url is required"))?;
    let Some(id) = own_id(ctx, subject, params).await? else {
        return Err(ApiError::not_found("customer not found"));
    };
    let memo = subject.memo.map(|m| m.to_string());
    let customer = request(subject, &memo, Some(&id), params);
    kyc.set_callback(&CustomerCallback::new(customer, &url))
        .await?;
    let kept = ctx
        .store
        .run(move |c| customers::set_callback_url(c, &id, Some(&url)))
        .await?;
    if !kept {
        return Err(ApiError::not_found("customer not found"));
    }
    Ok(())
}
