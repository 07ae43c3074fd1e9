//! SEP-6: programmatic deposits and withdrawals
//! ([spec](https://github.com/stellar/stellar-protocol/blob/master/ecosystem/sep-0006.md)).
//!
//! Each endpoint is a function taking the [`Context`](crate::Context), the authenticated
//! [`Subject`](crate::auth::Subject) where the SEP requires one, and the decoded
//! [`Params`](crate::params::Params); it answers a JSON value or an
//! [`ApiError`](crate::ApiError) carrying the SEP's status code and body. What SEP-6 shares
//! with SEP-24 (assets, amounts, fees, queries, the transaction view) is in
//! [`crate::transfer`].

pub mod endpoints;
mod exchange;
mod funding;
mod info;
mod json;
mod more_info;
mod patch;
mod transactions;
mod transfer;

pub use crate::transfer::withdraw_memo;
pub use exchange::{deposit_exchange, withdraw_exchange};
pub use info::{fee, info, info_text};
pub use json::transaction_json;
pub use more_info::more_info_page;
pub use patch::patch_transaction;
pub use transactions::{transaction, transactions};
pub use transfer::{deposit, withdraw};

#[cfg(test)]
mod tests;
