//! The anchored asset and its per-operation configuration.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::secret::Secret;
use crate::stellar::keys::{KeyError, KeyPair};

/// Fee and limits of one operation (deposit, withdrawal or send) for an asset.
///
/// `None` means "no bound" or "no fee of this kind": never a sentinel number.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct OperationConfig {
    /// Whether the operation is offered.
    pub enabled: bool,
    /// A fixed fee in units of the asset.
    pub fee_fixed: Option<Decimal>,
    /// A fee in percent of the amount.
    pub fee_percent: Option<Decimal>,
    /// The smallest amount accepted.
    pub min_amount: Option<Decimal>,
    /// The largest amount accepted.
    pub max_amount: Option<Decimal>,
    /// How money moves outside Stellar for this operation (SEP-6 `funding_methods`; the
    /// `type` of older wallets). When any are declared, a SEP-6 request must name one of
    /// them (or omit it when there is only one); when none are, any `type` is passed on.
    pub funding_methods: Vec<FundingMethod>,
}

/// One way of moving money between the user and the anchor outside Stellar, e.g. `WIRE`
/// or `bank_account`, and the request fields it takes (SEP-6 `/info` lists both).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct FundingMethod {
    /// The name wallets send as `funding_method` (or `type`).
    pub name: String,
    /// The request fields of this method by name, e.g. `dest` for a withdrawal.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub fields: BTreeMap<String, FieldSpec>,
}

impl FundingMethod {
    /// A method without fields.
    pub fn new(name: impl Into<String>) -> Self {
        Self {
            name: name.into(),
            fields: BTreeMap::new(),
        }
    }

    /// Adds a field to the method.
    pub fn field(mut self, name: impl Into<String>, spec: FieldSpec) -> Self {
        self.fields.insert(name.into(), spec);
        self
    }
}

/// What SEP-6 `/info` says of one request field.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct FieldSpec {
    /// What the field is for, for the user.
    pub description: String,
    /// Whether a request may leave it out.
    #[serde(default)]
    pub optional: bool,
    /// The only values accepted, when the field is a choice.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub choices: Vec<String>,
}

impl FieldSpec {
    /// A required field described by `description`.
    pub fn required(description: impl Into<String>) -> Self {
        Self {
            description: description.into(),
            ..Self::default()
        }
    }

    /// An optional field described by `description`.
    pub fn optional(description: impl Into<String>) -> Self {
        Self {
            optional: true,
            ..Self::required(description)
        }
    }
}

impl OperationConfig {
    /// An enabled operation without fees or bounds.
    pub fn enabled() -> Self {
        Self {
            enabled: true,
            ..Self::default()
        }
    }
}

/// A Stellar asset the anchor deposits and withdraws.
#[derive(Debug, Clone, PartialEq)]
pub struct Asset {
    /// Database id (0 before the asset is stored).
    pub id: i64,
    /// The asset code, e.g. `USDC`.
    pub code: String,
    /// The issuing account (`G...`).
    pub issuer: String,
    /// Decimal places shown and accepted for amounts.
    pub significant_decimals: u32,
    /// Deposit configuration.
    pub deposit: OperationConfig,
    /// Withdrawal configuration.
    pub withdrawal: OperationConfig,
    /// SEP-31 send configuration.
    pub send: OperationConfig,
    /// Offered through SEP-6.
    pub sep6_enabled: bool,
    /// Offered through SEP-24.
    pub sep24_enabled: bool,
    /// Offered through SEP-31.
    pub sep31_enabled: bool,
    /// The currency symbol shown in the UI, e.g. `$`.
    pub symbol: String,
    /// The secret seed of the account that pays deposits and receives withdrawals.
    pub distribution_seed: Option<Secret>,
    /// The distribution account (`G...`) when its key is not stored here but held by a
    /// [`Signer`](crate::custody::Signer) (a KMS, an HSM, several signers); ignored when
    /// `distribution_seed` is set.
    pub distribution_account_id: Option<String>,
    /// SEP-1 `name`.
    pub name: Option<String>,
    /// SEP-1 `desc`.
    pub description: Option<String>,
    /// SEP-1 `status`: `live`, `dead`, `test` or `private`.
    pub status: String,
    /// SEP-1 `display_decimals`.
    pub display_decimals: Option<u32>,
    /// SEP-1 `is_asset_anchored`.
    pub is_asset_anchored: bool,
    /// SEP-1 `anchor_asset_type`, e.g. `fiat`.
    pub anchor_asset_type: Option<String>,
    /// SEP-1 `anchor_asset`, e.g. `USD`.
    pub anchor_asset: Option<String>,
    /// SEP-1 `redemption_instructions`.
    pub redemption_instructions: Option<String>,
    /// When the asset was stored.
    pub created_at: DateTime<Utc>,
}

impl Asset {
    /// A new asset with deposits and withdrawals enabled on SEP-6 and SEP-24, no fees, no bounds.
    pub fn new(code: impl Into<String>, issuer: impl Into<String>) -> Self {
        Self {
            id: 0,
            code: code.into(),
            issuer: issuer.into(),
            significant_decimals: 2,
            deposit: OperationConfig::enabled(),
            withdrawal: OperationConfig::enabled(),
            send: OperationConfig::default(),
            sep6_enabled: true,
            sep24_enabled: true,
            sep31_enabled: false,
            symbol: "$".into(),
            distribution_seed: None,
            distribution_account_id: None,
            name: None,
            description: None,
            status: "test".into(),
            display_decimals: None,
            is_asset_anchored: true,
            anchor_asset_type: None,
            anchor_asset: None,
            redemption_instructions: None,
            created_at: super::now(),
        }
    }

    /// The distribution account's key pair, when a seed is configured.
    pub fn distribution_key(&self) -> Option<Result<KeyPair, KeyError>> {
        self.distribution_seed
            .as_ref()
            .map(|s| KeyPair::from_seed(s.expose()))
    }

    /// The distribution account (`G...`): the public key of a valid stored seed, else
    /// `distribution_account_id` (a key held by an external signer).
    pub fn distribution_account(&self) -> Option<String> {
        match self.distribution_key() {
            Some(key) => key.ok().map(|k| k.public_key().to_string()),
            None => self.distribution_account_id.clone(),
        }
    }

    /// The configuration of the operation a transaction of `kind` is: deposits, withdrawals
    /// or (SEP-31) sends, each its own, never one for another.
    pub fn operation(&self, kind: super::Kind) -> &OperationConfig {
        match kind {
            super::Kind::Deposit => &self.deposit,
            super::Kind::Withdrawal => &self.withdrawal,
            super::Kind::Send => &self.send,
        }
    }

    /// `CODE:ISSUER`, the SEP-38 style identifier without the `stellar:` prefix.
    pub fn asset_id(&self) -> String {
        format!("{}:{}", self.code, self.issuer)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_kind_has_its_own_operation() {
        use crate::model::Kind;
        let mut a = Asset::new("SRT", "GISSUER");
        a.withdrawal.enabled = false;
        assert!(a.operation(Kind::Deposit).enabled);
        assert!(!a.operation(Kind::Withdrawal).enabled);
        // A send is never configured by the deposit's settings.
        assert!(!a.operation(Kind::Send).enabled);
    }

    #[test]
    fn debug_hides_the_distribution_seed() {
        let key = KeyPair::random();
        let mut a = Asset::new("SRT", KeyPair::random().public_key());
        a.distribution_seed = Some(key.seed());
        assert!(!format!("{a:?}").contains(key.seed().expose()));
        assert_eq!(a.distribution_account().as_deref(), Some(key.public_key()));
    }
}
