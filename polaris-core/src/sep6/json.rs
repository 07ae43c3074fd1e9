//! The SEP-6 transaction object: the shared [`TransactionView`] plus SEP-6's own fields.

use serde::Serialize;
use serde_json::Value;

use crate::model::{Asset, Kind, Protocol, Transaction};
use crate::settings::Settings;
use crate::transfer::view::asset_id;
use crate::transfer::{more_info_url, TransactionView};

/// A transaction as SEP-6 shows it.
#[derive(Serialize)]
struct Sep6Transaction<'a> {
    #[serde(flatten)]
    view: TransactionView<'a>,
    #[serde(skip_serializing_if = "Option::is_none")]
    more_info_url: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    required_info_message: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    required_info_updates: Option<&'a Value>,
}

/// The transaction of `asset` as SEP-6 `/transaction(s)` show it; absent values are left
/// out. `more_info_url` is sent when `SEP6_USE_MORE_INFO_URL` is on.
pub fn transaction_json(tx: &Transaction, asset: &Asset, settings: &Settings) -> Value {
    let id = asset_id(asset);
    let object = Sep6Transaction {
        view: TransactionView::new(tx, asset, &id),
        more_info_url: settings
            .sep6_use_more_info_url
            .then(|| more_info_url(settings, Protocol::Sep6, tx)),
        required_info_message: tx.required_info_message.as_deref(),
        required_info_updates: tx.required_info_updates.as_ref(),
    };
    let mut v = serde_json::to_value(object).unwrap_or(Value::Null);
    if tx.amount_in_asset.is_some() {
        v["kind"] = Value::String(exchange_kind(tx.kind).into());
    }
    v
}

/// SEP-6's `kind` of an exchange (a transfer with another off-chain asset).
fn exchange_kind(kind: Kind) -> &'static str {
    match kind {
        Kind::Deposit => "deposit-exchange",
        Kind::Withdrawal => "withdrawal-exchange",
        Kind::Send => "send",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Status;
    use chrono::SecondsFormat;
    use rust_decimal_macros::dec;
    use serde_json::json;

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
        assert_eq!(v["amount_fee"], "2.00");
        let deadline = deadline.to_rfc3339_opts(SecondsFormat::Secs, true);
        assert_eq!(v["user_action_required_by"], deadline);
        tx.status = Status::Completed;
        let v = transaction_json(&tx, &asset, &settings);
        assert!(v.get("user_action_required_by").is_none(), "{v}");
        assert!(v.get("fee_details").is_some());
        assert!(v.get("more_info_url").is_none());
    }

    #[test]
    fn the_more_info_url_and_required_info_are_sep6_fields() {
        let settings = crate::testing::settings(&[("SEP6_USE_MORE_INFO_URL", "true")]);
        let asset = Asset::new("SRT", "GISSUER");
        let mut tx = Transaction::new(Kind::Withdrawal, Protocol::Sep6, 1, "GACCOUNT");
        tx.required_info_message = Some("more".into());
        tx.required_info_updates = Some(json!({"dest": {"description": "account"}}));
        let v = transaction_json(&tx, &asset, &settings);
        let url = v["more_info_url"].as_str().unwrap_or_default();
        assert!(url.contains("sep6/transaction/more_info"), "{v}");
        assert_eq!(v["required_info_message"], "more");
        assert_eq!(v["required_info_updates"]["dest"]["description"], "account");
    }
}
