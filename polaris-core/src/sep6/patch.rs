//! `PATCH /sep6/transactions/:id`: the wallet sends the information the anchor asked for.

use serde_json::{json, Value};
use uuid::Uuid;

use super::json::transaction_json;
use crate::auth::Subject;
use crate::context::Context;
use crate::error::ApiError;
use crate::integrations::{PatchRequest, Sep9Fields};
use crate::model::{Protocol, Status, Transaction};
use crate::state::{self, TransitionError};
use crate::store::transactions::{self, Lookup};

/// The field names the anchor asked for: the keys of `required_info_updates`
/// (or of its `transaction` object).
fn requested(tx: &Transaction) -> Vec<String> {
    let Some(Value::Object(updates)) = &tx.required_info_updates else {
        return Vec::new();
    };
    let fields = match updates.get("transaction") {
        Some(Value::Object(inner)) => inner,
        _ => updates,
    };
    fields.keys().cloned().collect()
}

fn fields_of(body: &Value, allowed: &[String]) -> Result<Sep9Fields, ApiError> {
    let Some(Value::Object(given)) = body.get("transaction") else {
        return Err(ApiError::bad_request(
            "the body must be {\"transaction\": {field: value, ...}}",
        ));
    };
    if given.is_empty() {
        return Err(ApiError::bad_request("no field given"));
    }
    let mut fields = Sep9Fields::new();
    for (name, value) in given {
        if !allowed.contains(name) {
            return Err(ApiError::bad_request(format!(
                "{name} was not requested for this transaction"
            )));
        }
        let text = match value {
            Value::String(s) => s.clone(),
            other => other.to_string(),
        };
        fields.insert(name.clone(), text);
    }
    Ok(fields)
}

/// Hands the requested fields to the anchor and moves the transaction back to the status it
/// was in when the anchor asked (see [`crate::operations::resume_status`]), its stage
/// kept: a withdrawal or deposit whose funds had arrived is then paid by the processes.
pub async fn patch_transaction(
    ctx: &Context,
    subject: &Subject,
    id: &str,
    body: &Value,
) -> Result<Value, ApiError> {
    let id: Uuid = id
        .parse()
        .map_err(|_| ApiError::bad_request(format!("'{id}' is not a transaction id")))?;
    let owner = subject.owner();
    let found = ctx
        .store
        .run(move |c| transactions::find_owned(c, &owner, Protocol::Sep6, &Lookup::Id(id)))
        .await?;
    let mut tx = found.ok_or_else(|| ApiError::not_found("transaction not found"))?;
    if tx.status != Status::PendingTransactionInfoUpdate {
        return Err(ApiError::bad_request(format!(
            "the transaction is not waiting for an update (status {})",
            tx.status
        )));
    }
    let fields = fields_of(body, &requested(&tx))?;
    ctx.integrations
        .sep6
        .patch_transaction(&PatchRequest::new(&tx, &fields))
        .await?;
    tx.required_info_updates = None;
    tx.required_info_message = None;
    let to = crate::operations::resume_status(&tx);
    tx.resume_status = None;
    let moved = ctx
        .store
        .run(move |c| Ok(state::transition(c, &mut tx, to).map(|_| tx)))
        .await?;
    match moved {
        Ok(tx) => {
            let asset = crate::transfer::of_transaction(ctx, &tx).await?;
            Ok(json!({ "transaction": transaction_json(&tx, &asset, &ctx.settings) }))
        }
        Err(TransitionError::Conflict { .. }) => Err(ApiError::bad_request(
            "the transaction changed meanwhile: fetch it again",
        )),
        Err(e) => Err(ApiError::internal(e)),
    }
}
