//! The SEP-24 transaction object: the shared [`TransactionView`] plus SEP-24's
//! `more_info_url`, serialized straight from the transaction, null fields left out.

use serde::Serialize;
use serde_json::Value;

use crate::model::{Asset, Protocol, Transaction};
use crate::transfer::links::SEP24_MORE_INFO_PATH;
use crate::transfer::view::asset_id;
use crate::transfer::TransactionView;
use crate::Settings;

/// The path of the more-info page under `HOST_URL`.
pub const MORE_INFO_PATH: &str = SEP24_MORE_INFO_PATH;

/// The SEP-24 more-info page URL of a transaction: a signed link anyone given it can open.
pub fn more_info_url(settings: &Settings, tx: &Transaction) -> String {
    crate::transfer::more_info_url(settings, Protocol::Sep24, tx)
}

/// A transaction as SEP-24 shows it to wallets.
#[derive(Serialize)]
pub struct TransactionObject<'a> {
    #[serde(flatten)]
    view: TransactionView<'a>,
    more_info_url: String,
}

impl<'a> TransactionObject<'a> {
    /// The object of `tx`, whose asset id (`stellar:CODE:ISSUER`) is `asset_id`. The parts
    /// of an exchange's fee are SEP-24's `fee_details.breakdown` (SEP-6's `details`).
    pub fn new(settings: &Settings, tx: &'a Transaction, asset: &Asset, asset_id: &'a str) -> Self {
        let mut view = TransactionView::new(tx, asset, asset_id);
        if let Some(fee) = view.fee_details.as_mut() {
            fee.breakdown = std::mem::take(&mut fee.details);
        }
        Self {
            view,
            more_info_url: more_info_url(settings, tx),
        }
    }
}

/// A transaction as SEP-24 shows it to wallets; null fields are left out.
pub fn transaction_json(settings: &Settings, tx: &Transaction, asset: &Asset) -> Value {
    let id = asset_id(asset);
    serde_json::to_value(TransactionObject::new(settings, tx, asset, &id)).unwrap_or(Value::Null)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Kind, Status};
    use chrono::{Duration, SecondsFormat};
    use rust_decimal_macros::dec;

    fn deposit() -> (Settings, Transaction, Asset) {
        let settings = crate::testing::settings(&[]);
        let asset = Asset::new("SRT", "GISSUER");
        let mut tx = Transaction::new(Kind::Deposit, Protocol::Sep24, 1, "GACCOUNT");
        tx.status = Status::PendingUserTransferStart;
        tx.amount_in = Some(dec!(100));
        tx.amount_fee = Some(dec!(1.5));
        tx.amount_out = Some(dec!(98.5));
        tx.user_action_required_by = Some(tx.started_at + Duration::hours(1));
        (settings, tx, asset)
    }

    #[test]
    fn fee_details_and_the_user_deadline_are_shown() {
        let (settings, tx, asset) = deposit();
        let v = transaction_json(&settings, &tx, &asset);
        let id = "stellar:SRT:GISSUER";
        assert_eq!(
            v["fee_details"],
            serde_json::json!({"total": "1.50", "asset": id})
        );
        let deadline = tx.user_action_required_by.unwrap_or_default();
        let deadline = deadline.to_rfc3339_opts(SecondsFormat::Secs, true);
        assert_eq!(v["user_action_required_by"], deadline);
        // The deposit's amount in is off-chain money, not the Stellar asset.
        assert!(v.get("amount_in_asset").is_none(), "{v}");
        assert_eq!(v["amount_out_asset"], id);
        assert_eq!(v["amount_in"], "100.00");
        let url = v["more_info_url"].as_str().unwrap_or_default();
        assert!(url.contains(MORE_INFO_PATH), "{v}");
    }

    #[test]
    fn the_deadline_is_hidden_once_the_user_has_acted() {
        let (settings, mut tx, asset) = deposit();
        tx.status = Status::PendingAnchor;
        let v = transaction_json(&settings, &tx, &asset);
        assert!(v.get("user_action_required_by").is_none(), "{v}");
    }

    #[test]
    fn a_withdrawal_names_only_its_stellar_side() {
        let (settings, mut tx, asset) = deposit();
        tx.kind = Kind::Withdrawal;
        let v = transaction_json(&settings, &tx, &asset);
        assert_eq!(v["amount_in_asset"], "stellar:SRT:GISSUER");
        assert!(v.get("amount_out_asset").is_none(), "{v}");
    }

    #[test]
    fn a_deposit_and_a_withdrawal_share_their_common_fields_with_sep6() {
        let (settings, mut tx, asset) = deposit();
        for kind in [Kind::Deposit, Kind::Withdrawal] {
            tx.kind = kind;
            tx.memo = Some("m".into());
            let four = transaction_json(&settings, &tx, &asset);
            let six = crate::sep6::transaction_json(&tx, &asset, &settings);
            let (Value::Object(four), Value::Object(six)) = (four, six) else {
                panic!("objects expected");
            };
            let amounts = ["amount_in", "amount_out", "amount_fee"];
            for (key, value) in &four {
                match (key.as_str(), six.get(key)) {
                    ("more_info_url", None) => {}
                    (k, Some(other)) if amounts.contains(&k) => {
                        let parse = |v: &Value| v.as_str().and_then(|s| s.parse().ok());
                        let (a, b): (Option<rust_decimal::Decimal>, _) =
                            (parse(value), parse(other));
                        assert_eq!(a, b, "{kind} {k}");
                    }
                    (k, other) => assert_eq!(Some(value), other, "{kind} {k}"),
                }
            }
            assert_eq!(
                four.len(),
                six.len() + 1,
                "{kind}: only more_info_url differs"
            );
        }
    }
}
