//! SEP-38 firm quotes and the fee object of every SEP-38 price.

use chrono::{DateTime, Utc};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::{AssetId, Protocol};

/// One part of a fee, as SEP-38 `fee.details` lists them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FeeDetail {
    /// The fee's name, e.g. `Service fee`.
    pub name: String,
    /// What the fee is for, for the user.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Its amount, in the fee's asset.
    pub amount: Decimal,
}

impl FeeDetail {
    /// A part named `name` of `amount`.
    pub fn new(name: impl Into<String>, amount: Decimal) -> Self {
        Self {
            name: name.into(),
            description: None,
            amount,
        }
    }

    /// The same part with a description.
    pub fn described(mut self, description: impl Into<String>) -> Self {
        self.description = Some(description.into());
        self
    }
}

/// The SEP-38 `fee` object: the total, the asset it is counted in (the sold or the bought
/// one), and optionally its parts, which then add up to the total.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct QuoteFee {
    /// The whole fee.
    pub total: Decimal,
    /// The asset the fee is counted in.
    pub asset: AssetId,
    /// Its parts (may be empty).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub details: Vec<FeeDetail>,
}

impl QuoteFee {
    /// The SEP-38 JSON object, amounts as strings without trailing zeros.
    pub fn to_json(&self) -> serde_json::Value {
        let mut fee = serde_json::json!({
            "total": text(self.total),
            "asset": self.asset.to_string(),
        });
        if !self.details.is_empty() {
            let details: Vec<_> = self.details.iter().map(detail_json).collect();
            fee["details"] = serde_json::Value::Array(details);
        }
        fee
    }
}

fn detail_json(d: &FeeDetail) -> serde_json::Value {
    let mut v = serde_json::json!({ "name": d.name, "amount": text(d.amount) });
    if let Some(description) = &d.description {
        v["description"] = serde_json::Value::String(description.clone());
    }
    v
}

/// A decimal as SEP-38 writes amounts and prices: a string without trailing zeros.
fn text(d: Decimal) -> String {
    d.normalize().to_string()
}

/// A firm SEP-38 quote, as stored: who asked, what it converts at which price, until when,
/// and the transaction that used it (a quote is used at most once).
#[derive(Debug, Clone, PartialEq)]
pub struct Quote {
    /// The quote id given to the wallet.
    pub id: String,
    /// The SEP-10 account (`G...`) that asked for it.
    pub account: String,
    /// The SEP-10 memo of that account, for shared accounts.
    pub memo: Option<String>,
    /// The muxed address (`M...`), when the wallet authenticated with one.
    pub muxed_account: Option<String>,
    /// What the quote is for: `sep6`, `sep24` or `sep31`.
    pub context: Protocol,
    /// What the user sells.
    pub sell_asset: AssetId,
    /// How much of it.
    pub sell_amount: Decimal,
    /// How the user delivers an off-chain asset, when they said.
    pub sell_delivery_method: Option<String>,
    /// What the user buys.
    pub buy_asset: AssetId,
    /// How much of it.
    pub buy_amount: Decimal,
    /// How the user receives an off-chain asset, when they said.
    pub buy_delivery_method: Option<String>,
    /// Units of `sell_asset` per unit of `buy_asset`, without the fee.
    pub price: Decimal,
    /// Units of `sell_asset` per unit of `buy_asset`, fee included.
    pub total_price: Decimal,
    /// The fee.
    pub fee: QuoteFee,
    /// Until when the anchor holds the price.
    pub expires_at: DateTime<Utc>,
    /// The transaction that took the quote, once one did.
    pub used_by_transaction: Option<String>,
    /// When the quote was made.
    pub created_at: DateTime<Utc>,
}
