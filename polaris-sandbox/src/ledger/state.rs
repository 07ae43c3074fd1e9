//! Ledger state: accounts, trustlines, claimable balances and closed ledgers.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use polaris_core::stellar::Asset;

/// A trustline of an account.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TrustLine {
    /// Balance in stroops.
    pub balance: i64,
    /// Limit in stroops.
    pub limit: i64,
    /// Whether the issuer authorized it.
    pub authorized: bool,
    /// Ledger of the last change.
    pub last_modified_ledger: u32,
}

/// An account entry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountEntry {
    /// The account id (`G...`).
    pub id: String,
    /// XLM balance in stroops.
    pub balance: i64,
    /// Current sequence number.
    pub seq: i64,
    /// Account flags (`AUTH_REQUIRED` = 1, `AUTH_REVOCABLE` = 2, `AUTH_IMMUTABLE` = 4, `CLAWBACK` = 8).
    pub flags: u32,
    /// Weight of the master key.
    pub master_weight: u8,
    /// Low, medium and high thresholds.
    pub thresholds: [u8; 3],
    /// Extra ed25519 signers (`G...` to weight).
    pub signers: BTreeMap<String, u8>,
    /// Data entries.
    pub data: BTreeMap<String, Vec<u8>>,
    /// Trustlines keyed by canonical asset (`CODE:ISSUER`).
    pub trustlines: BTreeMap<String, TrustLine>,
    /// Home domain.
    pub home_domain: String,
    /// Reserves this account pays for others' entries (claimable balances).
    pub num_sponsoring: u32,
    /// Ledger of the last change.
    pub last_modified_ledger: u32,
    /// Close time of that ledger (unix seconds).
    pub last_modified_time: i64,
}

impl AccountEntry {
    /// A fresh account as create_account makes it.
    pub fn new(id: &str, balance: i64, ledger: u32, now: i64) -> Self {
        Self {
            id: id.to_string(),
            balance,
            seq: i64::from(ledger) << 32,
            flags: 0,
            master_weight: 1,
            thresholds: [0, 0, 0],
            signers: BTreeMap::new(),
            data: BTreeMap::new(),
            trustlines: BTreeMap::new(),
            home_domain: String::new(),
            num_sponsoring: 0,
            last_modified_ledger: ledger,
            last_modified_time: now,
        }
    }

    /// Trustlines, signers and data entries.
    pub fn subentries(&self) -> u32 {
        (self.trustlines.len() + self.signers.len() + self.data.len()) as u32
    }

    /// The XLM this account must keep, given `base_reserve` stroops per entry.
    pub fn min_balance(&self, base_reserve: i64) -> i64 {
        (2 + i64::from(self.subentries()) + i64::from(self.num_sponsoring)) * base_reserve
    }

    /// XLM above the reserve.
    pub fn available(&self, base_reserve: i64) -> i64 {
        self.balance - self.min_balance(base_reserve)
    }

    /// Whether this account issues `asset`.
    pub fn issues(&self, asset: &Asset) -> bool {
        asset.issuer() == Some(self.id.as_str())
    }
}

/// A claimable balance.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClaimableBalance {
    /// Horizon's id: `00000000` followed by 64 hex digits.
    pub id: String,
    /// Canonical asset.
    pub asset: String,
    /// Amount in stroops.
    pub amount: i64,
    /// Accounts that may claim it (unconditional predicates only are modelled; others are
    /// honoured as "always claimable").
    pub claimants: Vec<String>,
    /// The account that created it and pays its reserve.
    pub sponsor: String,
    /// Ledger it was created in.
    pub last_modified_ledger: u32,
}

/// A closed ledger.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LedgerHeader {
    /// Sequence number.
    pub seq: u32,
    /// Hash (hex).
    pub hash: String,
    /// Previous ledger's hash.
    pub prev_hash: String,
    /// Close time (unix seconds).
    pub closed_at: i64,
    /// Successful transactions in it.
    pub successful_transaction_count: u32,
    /// Failed transactions in it.
    pub failed_transaction_count: u32,
    /// Operations of the successful transactions.
    pub operation_count: u32,
    /// Operations of every transaction in it, failed ones included.
    #[serde(default)]
    pub tx_set_operation_count: u32,
    /// Fees collected so far (stroops).
    pub fee_pool: i64,
}

/// Lumens in existence: 100 billion.
pub const TOTAL_COINS: i64 = 100_000_000_000 * 10_000_000;

/// Every account and entry of the sandbox network.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LedgerState {
    /// The network passphrase.
    pub passphrase: String,
    /// Base fee per operation (stroops).
    pub base_fee: i64,
    /// Base reserve per entry (stroops).
    pub base_reserve: i64,
    /// Accounts by id.
    pub accounts: BTreeMap<String, AccountEntry>,
    /// Claimable balances by id.
    pub claimable_balances: BTreeMap<String, ClaimableBalance>,
    /// Closed ledgers, oldest first.
    pub ledgers: Vec<LedgerHeader>,
}

impl LedgerState {
    /// The last closed ledger.
    pub fn latest(&self) -> &LedgerHeader {
        self.ledgers
            .last()
            .expect("the genesis ledger always exists")
    }

    /// The sequence the next ledger will have.
    pub fn next_seq(&self) -> u32 {
        self.latest().seq + 1
    }

    /// XLM or trustline balance of `account` in `asset`; issuers hold unlimited amounts.
    #[cfg(test)]
    pub fn balance_of(&self, account: &str, asset: &Asset) -> Option<i64> {
        let acc = self.accounts.get(account)?;
        match asset {
            Asset::Native => Some(acc.balance),
            _ if acc.issues(asset) => Some(i64::MAX),
            _ => acc.trustlines.get(&asset.to_string()).map(|t| t.balance),
        }
    }
}
