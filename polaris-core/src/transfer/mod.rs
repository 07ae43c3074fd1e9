//! What every transfer SEP shares (SEP-6 and SEP-24 today, SEP-31 next).
//!
//! - [`assets`]: the asset a request names, by code and issuer, for a SEP and an operation;
//! - [`amount`]: parsing, limits, checked arithmetic, rounding and text of amounts;
//! - [`exchange`]: transfers priced by a SEP-38 quote (checks, take-once insert);
//! - [`fees`]: the one fee function (the anchor's fee integration, else the asset's fees);
//! - [`query`]: the `/transactions` and `/transaction` parameters, with the owner filter;
//! - [`links`]: the withdraw memo and the more-info link;
//! - [`view`]: the one transaction view both SEPs serialize, each adding its own fields.
//!
//! Every `match` on [`Kind`](crate::model::Kind) here is exhaustive: a new kind is a compile
//! error in each place that must decide for it, never a silent fall into the deposit branch.
//! This module depends on the model, the store and the integrations, never on a SEP module.

pub mod amount;
pub mod assets;
pub mod exchange;
pub mod fees;
pub mod links;
pub mod query;
pub mod view;

pub use assets::{find, of_transaction};
pub use fees::fee;
pub use links::{more_info_url, withdraw_memo};
pub use query::{ListParams, LookupParams};
pub use view::TransactionView;
