//! The lifecycle operations of [`crate::operations`] as the forms of a transaction's page:
//! which apply to it as it stands, and running the one an operator submitted.
//!
//! A form is offered only when the state machine permits its move, but the operation
//! itself decides: a stale page's form answers with the operation's refusal as a message.

use chrono::{NaiveDateTime, TimeZone, Utc};
use rust_decimal::Decimal;
use serde::Serialize;
use serde_json::{json, Map, Value};
use uuid::Uuid;

use super::Flash;
use crate::model::{Status, Transaction};
use crate::operations::{
    self, CustomerInfoRequest, CustomerVerified, Fail, OperationError, PutOnHold, Refund,
    RefundIdType, Release, ToPendingExternal, TransactionInfoRequest, UserActionDeadline,
};
use crate::params::Params;
use crate::state;
use crate::store::transactions::Owner;
use crate::Context;

/// One input of an operation's form.
#[derive(Debug, Clone, Serialize)]
pub struct Input {
    /// The parameter name.
    pub name: &'static str,
    /// The label.
    pub label: &'static str,
    /// The HTML input type (`text`, `number`, `datetime-local`, `textarea`, `select`).
    pub kind: &'static str,
    /// Whether it must be filled.
    pub required: bool,
    /// The choices of a `select`.
    pub choices: &'static [&'static str],
}

const fn input(
    name: &'static str,
    label: &'static str,
    kind: &'static str,
    required: bool,
) -> Input {
    Input {
        name,
        label,
        kind,
        required,
        choices: &[],
    }
}

/// An operation offered on a transaction's page.
#[derive(Debug, Clone, Serialize)]
pub struct OperationForm {
    /// The `op` value posted.
    pub op: &'static str,
    /// The button's text.
    pub label: &'static str,
    /// What it does.
    pub help: &'static str,
    /// Its inputs.
    pub inputs: Vec<Input>,
    /// Whether it ends or undoes something (shown as a dangerous button).
    pub danger: bool,
}

fn form(
    op: &'static str,
    label: &'static str,
    help: &'static str,
    inputs: Vec<Input>,
    danger: bool,
) -> OperationForm {
    OperationForm {
        op,
        label,
        help,
        inputs,
        danger,
    }
}

fn may(tx: &Transaction, to: Status) -> bool {
    state::allowed(tx.kind, tx.status, to)
}

/// The operations that apply to `tx` as it stands.
pub fn available(tx: &Transaction) -> Vec<OperationForm> {
    let sep6 = tx.protocol != crate::model::Protocol::Sep24;
    let mut forms = Vec::new();
    if may(tx, Status::OnHold) {
        let inputs = vec![input("message", "Message to the user", "text", false)];
        forms.push(form(
            "hold",
            "Put on hold",
            "Stop the transaction for a review; release resumes it.",
            inputs,
            false,
        ));
    }
    if tx.status == Status::OnHold {
        forms.push(form(
            "release",
            "Release",
            "Resume the transaction in the status it was held in.",
            vec![],
            false,
        ));
    }
    if sep6 && may(tx, Status::PendingTransactionInfoUpdate) {
        let inputs = vec![
            input("message", "Message to the user", "text", true),
            input(
                "fields",
                "Fields, one name=description a line",
                "textarea",
                true,
            ),
        ];
        forms.push(form(
            "request_info",
            "Request transaction info",
            "Ask the wallet for more transaction fields.",
            inputs,
            false,
        ));
    }
    if sep6 && may(tx, Status::PendingCustomerInfoUpdate) {
        let inputs = vec![input("message", "Message to the user", "text", false)];
        forms.push(form(
            "request_customer_info",
            "Request KYC update",
            "Ask the customer for more SEP-12 information.",
            inputs,
            false,
        ));
    }
    if tx.status == Status::PendingCustomerInfoUpdate {
        forms.push(form(
            "customer_verified",
            "Mark customer verified",
            "Resume every transaction of this customer waiting for KYC.",
            vec![],
            false,
        ));
    }
    if may(tx, Status::PendingExternal) {
        let inputs = vec![
            input("external_id", "External reference", "text", false),
            input("eta", "ETA (seconds)", "number", false),
        ];
        forms.push(form(
            "pending_external",
            "Mark pending external",
            "The transfer is under way in an external system.",
            inputs,
            false,
        ));
    }
    if !tx.status.is_final() {
        let inputs = vec![input(
            "by",
            "Deadline (UTC; empty clears it)",
            "datetime-local",
            false,
        )];
        forms.push(form(
            "set_deadline",
            "Set user deadline",
            "The time by which the user must act.",
            inputs,
            false,
        ));
    }
    if tx.amount_in.is_some() && (may(tx, Status::Refunded) || tx.status == Status::Error) {
        let inputs = vec![
            input("amount", "Amount refunded", "number", true),
            input("fee", "Refund fee", "number", false),
            input("payment_id", "Refund payment reference", "text", true),
            Input {
                choices: &["stellar", "external"],
                ..input("id_type", "Paid on", "select", true)
            },
        ];
        forms.push(form(
            "refund",
            "Record refund",
            "Record a payment returned to the user; a full refund ends the transaction.",
            inputs,
            true,
        ));
    }
    if may(tx, Status::Error) {
        let inputs = vec![input("message", "Reason shown to the user", "text", true)];
        forms.push(form(
            "fail",
            "Fail",
            "End the transaction in error.",
            inputs,
            true,
        ));
    }
    forms
}

/// A required parameter, or what the operator has to fix.
fn required<'a>(params: &'a Params, name: &str, label: &str) -> Result<&'a str, String> {
    params
        .get(name)
        .map(str::trim)
        .ok_or_else(|| format!("{label} is required"))
}

fn capped(params: &Params, name: &str) -> Result<Option<String>, String> {
    match params.get(name).map(str::trim) {
        Some(v) if v.chars().count() > 1000 => Err(format!("{name}: at most 1000 characters")),
        v => Ok(v.map(str::to_string)),
    }
}

fn decimal(value: &str, label: &str) -> Result<Decimal, String> {
    value
        .parse::<Decimal>()
        .map_err(|_| format!("{label}: '{value}' is not a number"))
}

/// `name=description` lines, in the SEP-6 `/info` shape.
fn fields(text: &str) -> Result<Value, String> {
    let mut map = Map::new();
    for line in text.lines().map(str::trim).filter(|l| !l.is_empty()) {
        match line.split_once('=') {
            Some((name, description)) if !name.trim().is_empty() => {
                map.insert(
                    name.trim().into(),
                    json!({ "description": description.trim() }),
                );
            }
            _ => return Err(format!("'{line}' is not name=description")),
        }
    }
    match map.is_empty() {
        true => Err("name at least one field".into()),
        false => Ok(Value::Object(map)),
    }
}

fn deadline(params: &Params) -> Result<Option<chrono::DateTime<Utc>>, String> {
    let Some(text) = params.get("by").map(str::trim) else {
        return Ok(None);
    };
    ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S"]
        .iter()
        .find_map(|f| NaiveDateTime::parse_from_str(text, f).ok())
        .map(|t| Some(Utc.from_utc_datetime(&t)))
        .ok_or_else(|| format!("deadline: '{text}' is not a date and time"))
}

fn outcome(result: Result<Transaction, OperationError>, done: &str) -> Result<String, String> {
    match result {
        Ok(tx) => Ok(format!("{done}: the transaction is now {}.", tx.status)),
        Err(OperationError::Store(e)) => Err(format!("the database failed: {e}")),
        Err(e) => Err(format!("Not done: {e}.")),
    }
}

/// Runs operation `op` of the posted form on transaction `id`, and says how it went.
pub async fn apply(ctx: &Context, id: Uuid, params: &Params) -> Flash {
    match run(ctx, id, params).await {
        Ok(text) => Flash::ok(text),
        Err(text) => Flash::error(text),
    }
}

async fn run(ctx: &Context, id: Uuid, p: &Params) -> Result<String, String> {
    let store = &ctx.store;
    let op = p.get("op").unwrap_or_default();
    match op {
        "hold" => {
            let mut request = PutOnHold::new(id);
            if let Some(m) = capped(p, "message")? {
                request = request.with_message(m);
            }
            outcome(operations::put_on_hold(store, request).await, "Put on hold")
        }
        "release" => outcome(
            operations::release(store, Release::new(id)).await,
            "Released",
        ),
        "request_info" => {
            let message = required(p, "message", "The message")?.to_string();
            let fields = fields(required(p, "fields", "The fields")?)?;
            let request = TransactionInfoRequest::new(id, message, fields);
            outcome(
                operations::request_transaction_info(store, request).await,
                "Information requested",
            )
        }
        "request_customer_info" => {
            let mut request = CustomerInfoRequest::new(id);
            if let Some(m) = capped(p, "message")? {
                request = request.with_message(m);
            }
            outcome(
                operations::request_customer_info(store, request).await,
                "KYC update requested",
            )
        }
        "customer_verified" => customer_verified(ctx, id).await,
        "pending_external" => {
            let mut request = ToPendingExternal::new(id);
            if let Some(e) = capped(p, "external_id")? {
                request = request.with_external_id(e);
            }
            if let Some(eta) = p.get("eta") {
                let eta = eta.trim().parse::<i64>().ok().filter(|e| *e >= 0);
                request = request.with_eta(eta.ok_or("ETA: a number of seconds")?);
            }
            outcome(
                operations::to_pending_external(store, request).await,
                "Marked pending external",
            )
        }
        "set_deadline" => {
            let request = UserActionDeadline::new(id, deadline(p)?);
            outcome(
                operations::set_user_action_required_by(store, request).await,
                "Deadline set",
            )
        }
        "refund" => refund(ctx, id, p).await,
        "fail" => {
            let message = required(p, "message", "The reason")?.to_string();
            outcome(
                operations::fail(store, Fail::new(id, message)).await,
                "Failed",
            )
        }
        _ => Err("Not done: unknown operation.".into()),
    }
}

async fn refund(ctx: &Context, id: Uuid, p: &Params) -> Result<String, String> {
    let amount = decimal(required(p, "amount", "The amount")?, "amount")?;
    let fee = match p.get("fee") {
        Some(f) => decimal(f.trim(), "fee")?,
        None => Decimal::ZERO,
    };
    let payment_id = capped(p, "payment_id")?.ok_or("The payment reference is required")?;
    let id_type = match p.get("id_type") {
        Some("stellar") => RefundIdType::Stellar,
        Some("external") => RefundIdType::External,
        _ => return Err("Paid on: stellar or external".into()),
    };
    let request = Refund::new(id, payment_id, id_type, amount).with_fee(fee);
    outcome(
        operations::refund(&ctx.store, request).await,
        "Refund recorded",
    )
}

async fn customer_verified(ctx: &Context, id: Uuid) -> Result<String, String> {
    let tx = ctx
        .store
        .run(move |c| crate::store::transactions::by_id(c, id))
        .await
        .map_err(|e| format!("the database failed: {e}"))?
        .ok_or_else(|| format!("Not done: transaction {id} not found."))?;
    let owner = Owner {
        account: tx.stellar_account,
        memo: tx.account_memo,
        muxed: tx.muxed_account,
    };
    match operations::customer_verified(&ctx.store, CustomerVerified::new(owner)).await {
        Ok(moved) if moved.is_empty() => {
            Err("Not done: no transaction of this customer waits for KYC.".into())
        }
        Ok(moved) => Ok(format!(
            "Customer verified: {} transaction(s) resumed.",
            moved.len()
        )),
        Err(e) => Err(format!("Not done: {e}.")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Kind, Protocol};

    #[test]
    fn forms_follow_the_state_machine() {
        let mut tx = Transaction::new(Kind::Withdrawal, Protocol::Sep6, 1, "GA");
        tx.status = Status::PendingAnchor;
        let ops: Vec<_> = available(&tx).iter().map(|f| f.op).collect();
        assert!(ops.contains(&"hold") && ops.contains(&"fail") && !ops.contains(&"release"));
        tx.status = Status::OnHold;
        let ops: Vec<_> = available(&tx).iter().map(|f| f.op).collect();
        assert!(ops.contains(&"release") && !ops.contains(&"hold"));
        tx.status = Status::Completed;
        assert!(available(&tx).is_empty());
    }

    #[test]
    fn info_fields_are_name_equals_description() {
        assert_eq!(
            fields("a = The A\n\nb=B").unwrap(),
            json!({"a": {"description": "The A"}, "b": {"description": "B"}})
        );
        assert!(fields("no equals").is_err());
        assert!(fields("  ").is_err());
    }
}
