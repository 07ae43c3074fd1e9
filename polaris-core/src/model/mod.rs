//! The data model: assets, transactions and the SEP enums.

mod asset;
mod asset_id;
mod enums;
mod quote;
mod sep1_rules;
mod transaction;

pub use asset::{Asset, FieldSpec, FundingMethod, OperationConfig};
pub use asset_id::{AssetId, AssetIdError};
pub use enums::{Kind, MemoType, Protocol, Stage, Status, UnknownValue};
pub use quote::{FeeDetail, Quote, QuoteFee};
pub use sep1_rules::{ANCHOR_ASSET_TYPES, MAX_CODE_CHARS, MAX_NAME_CHARS, STATUSES};
pub use transaction::{RefundPayment, Refunds, Transaction};

/// The key that tells one user from another: the muxed address (`M...`) when the wallet
/// authenticated one, `G...:<memo>` for a user of a shared account, else the `G...` account.
///
/// It is the SEP-10 `sub` of the user's token. Two users of one custodial wallet share the
/// `G...` account and differ only here: key customers and KYC decisions by it.
pub fn user_key(account: &str, memo: Option<&str>, muxed_account: Option<&str>) -> String {
    match (muxed_account, memo) {
        (Some(muxed), _) => muxed.to_string(),
        (None, Some(memo)) => format!("{account}:{memo}"),
        (None, None) => account.to_string(),
    }
}

/// A decimal as a JSON number, as the SEPs send limits and fees in `/info` and `/fee`
/// (amounts in transaction objects stay strings). The value is kept to its decimal digits:
/// `10.5` is written `10.5`.
pub fn json_number(d: rust_decimal::Decimal) -> serde_json::Value {
    use rust_decimal::prelude::ToPrimitive;
    d.normalize()
        .to_f64()
        .and_then(serde_json::Number::from_f64)
        .map_or(serde_json::Value::Null, serde_json::Value::Number)
}

/// The current time, truncated to microseconds: the precision both databases keep,
/// so a stored value reads back equal.
pub fn now() -> chrono::DateTime<chrono::Utc> {
    use chrono::SubsecRound;
    chrono::Utc::now().trunc_subsecs(6)
}
