//! The Stellar layer: keys, memos, transactions and Horizon access.

pub mod horizon;
pub mod keys;

pub use horizon::{AccountInfo, Horizon, HorizonError};
pub use keys::{Address, KeyPair};
