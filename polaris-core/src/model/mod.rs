//! The data model: assets, transactions and the SEP enums.

mod asset;
mod enums;
mod transaction;

pub use asset::{Asset, OperationConfig};
pub use enums::{Kind, MemoType, Protocol, Stage, Status, UnknownValue};
pub use transaction::{RefundPayment, Refunds, Transaction};

/// The current time, truncated to microseconds: the precision both databases keep,
/// so a stored value reads back equal.
pub fn now() -> chrono::DateTime<chrono::Utc> {
    use chrono::SubsecRound;
    chrono::Utc::now().trunc_subsecs(6)
}
