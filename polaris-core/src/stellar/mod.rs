//! The Stellar layer: keys, assets, memos, transactions and Horizon access.

pub mod amount;
pub mod asset;
pub mod bootstrap;
pub mod client;
pub mod envelope;
pub mod horizon;
pub mod keys;
pub mod memo;
pub mod sse;
pub mod tx;

pub use asset::Asset;
pub use client::{fund_with_friendbot, HorizonClient};
pub use envelope::{
    decode_envelope, encode_xdr, envelope_hash_hex, network_id, sign_envelope, EnvelopeError,
    PUBLIC_PASSPHRASE, TESTNET_PASSPHRASE,
};
pub use horizon::{
    base_fee, AccountDetails, AccountInfo, AccountSigner, Balance, FeeStats, Horizon, HorizonError,
    Order, Page, PageQuery, PaymentKind, PaymentRecord, RecordStream, Thresholds,
    TransactionRecord,
};
pub use keys::{Address, KeyPair};
pub use memo::Memo;
