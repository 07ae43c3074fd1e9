//! The SEP-6 transaction object.

use chrono::{DateTime, SecondsFormat, Utc};
use serde_json::{json, Map, Value};

use crate::model::{Asset, Kind, Transaction};
use crate::sep24::object::{asset_id, fee_details, user_action_required_by};
use crate::settings::Settings;

fn time(t: DateTime<Utc>) -> Value {
    Value::String(t.to_rfc3339_opts(SecondsFormat::Secs, true))
}

/// The transaction of `asset` as SEP-6 `/transaction(s)` show it; absent values are left out.
pub fn transaction_json(tx: &Transaction, asset: &Asset, settings: &Settings) -> Value {
    let stellar_asset = asset_id(asset);
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
    put(
        "fee_details",
        fee_details(tx, asset.significant_decimals, &stellar_asset)
            .and_then(|f| serde_json::to_value(f).ok()),
    );
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
    put(
        "user_action_required_by",
        user_action_required_by(tx).map(time),
    );
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Protocol, Status};
    use rust_decimal_macros::dec;

    #[test]
    fn fee_details_and_the_user_deadline_follow_the_spec() {
        let settings = crate::testing::settings(&[]);
        let asset = Asset::new("SRT", "GISSUER");
        let mut tx = Transaction::new(Kind::Deposit, Protocol::Sep6, 1, "GACCOUNT");
        tx.status = Status::PendingCustomerInfoUpdate;
        tx.amount_fee = Some(dec!(2));
        let deadline = tx.started_at + chrono::Duration::days(1);
        tx.user_action_required_by = Some(deadline);
        let v = transaction_json(&tx, &asset, &settings);
        assert_eq!(
            v["fee_details"],
            json!({"total": "2.00", "asset": "stellar:SRT:GISSUER"})
        );
        assert_eq!(v["user_action_required_by"], time(deadline));
        tx.status = Status::Completed;
        let v = transaction_json(&tx, &asset, &settings);
        assert!(v.get("user_action_required_by").is_none(), "{v}");
        assert!(v.get("fee_details").is_some());
    }
}
