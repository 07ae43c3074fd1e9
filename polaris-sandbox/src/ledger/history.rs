//! Recorded transactions and operations, with Horizon paging tokens and queries.

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// A recorded transaction (successful or failed, but included in a ledger).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TxRecord {
    /// The hash (of the fee bump, for fee-bump envelopes).
    pub hash: String,
    /// For fee bumps: the inner transaction's hash.
    pub inner_hash: Option<String>,
    /// The ledger.
    pub ledger: u32,
    /// Horizon's total order id; its decimal form is the paging token.
    pub toid: i64,
    /// Whether the operations were applied.
    pub successful: bool,
    /// The source account (`G...`).
    pub source_account: String,
    /// The source as written in the envelope, when muxed (`M...`).
    pub source_muxed: Option<String>,
    /// The sequence number it consumed.
    pub source_seq: i64,
    /// The account that paid the fee (`G...`).
    pub fee_account: String,
    /// The fee charged (stroops).
    pub fee_charged: i64,
    /// The maximum fee offered (stroops).
    pub max_fee: i64,
    /// For fee bumps: the inner transaction's max fee.
    pub inner_max_fee: Option<i64>,
    /// Number of operations.
    pub operation_count: u32,
    /// The envelope (base64 XDR).
    pub envelope_xdr: String,
    /// The result (base64 XDR).
    pub result_xdr: String,
    /// Horizon's memo type (`none`, `text`, `id`, `hash`, `return`).
    pub memo_type: String,
    /// Horizon's memo value.
    pub memo: Option<String>,
    /// The memo's raw bytes, base64 (text memos only).
    pub memo_bytes: Option<String>,
    /// Signatures (base64) of the envelope (the outer one for fee bumps).
    pub signatures: Vec<String>,
    /// For fee bumps: the inner transaction's signatures.
    pub inner_signatures: Vec<String>,
    /// Lower time bound (unix seconds).
    pub valid_after: Option<u64>,
    /// Upper time bound (unix seconds, 0 = none).
    pub valid_before: Option<u64>,
    /// Close time of its ledger (unix seconds).
    pub created_at: i64,
    /// Accounts it touched.
    pub participants: Vec<String>,
}

impl TxRecord {
    /// The paging token.
    pub fn paging_token(&self) -> String {
        self.toid.to_string()
    }
}

/// A recorded operation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OpRecord {
    /// Horizon's total order id: id and paging token.
    pub toid: i64,
    /// The transaction's hash.
    pub tx_hash: String,
    /// Whether the transaction succeeded.
    pub successful: bool,
    /// Horizon's `type`, e.g. `payment`.
    pub type_name: String,
    /// Horizon's `type_i`.
    pub type_i: i32,
    /// The operation's source (`G...`).
    pub source_account: String,
    /// The source as written, when muxed.
    pub source_muxed: Option<String>,
    /// Close time (unix seconds).
    pub created_at: i64,
    /// The type-specific fields, as Horizon names them.
    pub details: Value,
    /// Accounts it touched.
    pub participants: Vec<String>,
}

impl OpRecord {
    /// Whether Horizon lists it under `/payments`.
    pub fn is_payment(&self) -> bool {
        matches!(
            self.type_name.as_str(),
            "create_account"
                | "payment"
                | "path_payment_strict_receive"
                | "path_payment_strict_send"
                | "account_merge"
        )
    }
}

/// Horizon's total order id of transaction `tx` (1-based) / operation `op` (1-based, 0 for the
/// transaction itself) in `ledger`.
pub fn toid(ledger: u32, tx: u32, op: u32) -> i64 {
    (i64::from(ledger) << 32) | (i64::from(tx) << 12) | i64::from(op)
}

/// Where a page starts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cursor {
    /// From the beginning (ascending) or the end (descending).
    Start,
    /// After the latest record: only new ones (used by streams).
    Now,
    /// After (ascending) or before (descending) this paging token.
    At(i64),
}

impl Cursor {
    /// Parses `now`, a number, or nothing; `None` for anything else.
    pub fn parse(s: Option<&str>) -> Option<Self> {
        match s {
            None | Some("") => Some(Self::Start),
            Some("now") => Some(Self::Now),
            Some(n) => n.parse::<i64>().ok().filter(|n| *n >= 0).map(Self::At),
        }
    }
}

/// A page request over recorded history.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Query {
    /// Where to start.
    pub cursor: Cursor,
    /// Newest first when true.
    pub descending: bool,
    /// At most this many records.
    pub limit: usize,
    /// Include failed transactions (and their operations).
    pub include_failed: bool,
}

/// All recorded history, oldest first.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct History {
    /// Transactions in ledger order.
    pub transactions: Vec<TxRecord>,
    /// Operations in ledger order.
    pub operations: Vec<OpRecord>,
}

fn page<'a, T>(
    items: &'a [T],
    key: impl Fn(&T) -> i64,
    keep: impl Fn(&T) -> bool,
    q: &Query,
    last: i64,
) -> Vec<&'a T> {
    let cursor = match q.cursor {
        Cursor::Start if q.descending => i64::MAX,
        Cursor::Start => -1,
        Cursor::Now => last,
        Cursor::At(n) => n,
    };
    if q.descending {
        items
            .iter()
            .rev()
            .filter(|i| key(i) < cursor && keep(i))
            .take(q.limit)
            .collect()
    } else {
        items
            .iter()
            .filter(|i| key(i) > cursor && keep(i))
            .take(q.limit)
            .collect()
    }
}

impl History {
    /// A transaction by its hash or, for fee bumps, its inner hash.
    pub fn transaction(&self, hash: &str) -> Option<&TxRecord> {
        let hash = hash.to_ascii_lowercase();
        self.transactions
            .iter()
            .find(|t| t.hash == hash || t.inner_hash.as_deref() == Some(hash.as_str()))
    }

    /// The transaction `hash` (or fee bump inner hash) if a ledger after `since` holds it.
    pub fn included_since(&self, hash: &str, since: u32) -> Option<&TxRecord> {
        self.transactions
            .iter()
            .rev()
            .take_while(|t| t.ledger > since)
            .find(|t| t.hash == hash || t.inner_hash.as_deref() == Some(hash))
    }

    /// Transactions, optionally only those touching `account`.
    pub fn transactions(&self, account: Option<&str>, q: &Query, last: i64) -> Vec<&TxRecord> {
        let keep = |t: &TxRecord| {
            (q.include_failed || t.successful)
                && account.is_none_or(|a| t.participants.iter().any(|p| p == a))
        };
        page(&self.transactions, |t| t.toid, keep, q, last)
    }

    /// Payment-like operations, optionally only those touching `account`.
    pub fn payments(&self, account: Option<&str>, q: &Query, last: i64) -> Vec<&OpRecord> {
        self.operations_where(account, q, last, true)
    }

    /// Operations, optionally only those touching `account`.
    pub fn operations(&self, account: Option<&str>, q: &Query, last: i64) -> Vec<&OpRecord> {
        self.operations_where(account, q, last, false)
    }

    fn operations_where(
        &self,
        account: Option<&str>,
        q: &Query,
        last: i64,
        payments: bool,
    ) -> Vec<&OpRecord> {
        let keep = |o: &OpRecord| {
            (q.include_failed || o.successful)
                && (!payments || o.is_payment())
                && account.is_none_or(|a| o.participants.iter().any(|p| p == a))
        };
        page(&self.operations, |o| o.toid, keep, q, last)
    }

    /// The operations of one transaction.
    pub fn operations_of(&self, hash: &str) -> Vec<&OpRecord> {
        self.operations
            .iter()
            .filter(|o| o.tx_hash == hash)
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_parse_and_toids_order() {
        assert_eq!(Cursor::parse(None), Some(Cursor::Start));
        assert_eq!(Cursor::parse(Some("now")), Some(Cursor::Now));
        assert_eq!(Cursor::parse(Some("12")), Some(Cursor::At(12)));
        assert_eq!(Cursor::parse(Some("-1")), None);
        assert_eq!(Cursor::parse(Some("abc")), None);
        assert!(toid(2, 1, 0) < toid(2, 1, 1));
        assert!(toid(2, 1, 100) < toid(3, 1, 0));
        assert_eq!(toid(1, 1, 0), 4_294_971_392);
    }
}
