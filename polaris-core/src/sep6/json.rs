//! The SEP-6 transaction object.

use chrono::{DateTime, SecondsFormat, Utc};
use serde_json::{json, Map, Value};

use crate::model::{Kind, Transaction};
use crate::settings::Settings;

fn time(t: DateTime<Utc>) -> Value {
    Value::String(t.to_rfc3339_opts(SecondsFormat::Secs, true))
}

/// The transaction as SEP-6 `/transaction(s)` show it; absent values are left out.
pub fn transaction_json(tx: &Transaction, settings: &Settings) -> Value {
    let mut m = Map::new();
    let mut put = |k: &str, v: Option<Value>| {
        if let Some(v) = v {
            m.insert(k.to_string(), v);
        }
    };
    let s = |v: &Option<String>| v.clone().map(Value::String);
    let d = |v: Option<rust_decimal::Decimal>| v.map(|d| Value::String(d.to_string()));
    put("id", Some(Value::String(tx.id.to_string())));
    put("kind", Some(Value::String(tx.kind.to_string())));
    put("status", Some(Value::String(tx.status.to_string())));
    put("status_eta", tx.status_eta.map(Value::from));
    if settings.sep6_use_more_info_url {
        let url = super::more_info::more_info_url(settings, tx);
        put("more_info_url", Some(Value::String(url)));
    }
    put("amount_in", d(tx.amount_in));
    put("amount_out", d(tx.amount_out));
    put("amount_fee", d(tx.amount_fee));
    put("from", s(&tx.from_address));
    put("to", s(&tx.to_address));
    match tx.kind {
        Kind::Deposit => {
            put("deposit_memo", s(&tx.memo));
            put(
                "deposit_memo_type",
                tx.memo.as_ref().map(|_| json!(tx.memo_type)),
            );
        }
        Kind::Withdrawal | Kind::Send => {
            put("withdraw_anchor_account", s(&tx.receiving_anchor_account));
            put("withdraw_memo", s(&tx.memo));
            put(
                "withdraw_memo_type",
                tx.memo.as_ref().map(|_| json!(tx.memo_type)),
            );
        }
    }
    put("started_at", Some(time(tx.started_at)));
    put("updated_at", Some(time(tx.updated_at)));
    put("completed_at", tx.completed_at.map(time));
    put("stellar_transaction_id", s(&tx.stellar_transaction_id));
    put("external_transaction_id", s(&tx.external_transaction_id));
    put("message", s(&tx.message));
    put("refunded", Some(Value::Bool(tx.refunded)));
    put(
        "refunds",
        tx.refunds
            .as_ref()
            .and_then(|r| serde_json::to_value(r).ok()),
    );
    put("required_info_message", s(&tx.required_info_message));
    put("required_info_updates", tx.required_info_updates.clone());
    put("claimable_balance_id", s(&tx.claimable_balance_id));
    Value::Object(m)
}
