//! The transaction queue of the realistic pace: what stellar-core's herder does between two
//! ledger closes.
//!
//! A submission is validated at admission against the last closed ledger and the transactions
//! already queued, and answered with core's statuses (`PENDING`, `DUPLICATE`,
//! `TRY_AGAIN_LATER`, `ERROR`). At each close the queue is drained in fee order (highest fee
//! per operation first, then arrival) up to the ledger's operation limit; what does not fit
//! waits for the next ledger, and every transaction of a full ledger pays the lowest
//! per-operation bid included (surge pricing). The figures are core's:
//! one transaction per source account at a time (a fee bump bidding ten times more replaces
//! it), a queue of twice a ledger's operations, transactions dropped after 4 ledgers in the
//! queue, and dropped or evicted transactions banned for 10 ledgers.

use std::collections::{HashMap, VecDeque};

use super::history::{History, TxRecord};
use super::state::LedgerState;
use super::submit::{self, Code, Parsed, SubmitError};

/// How many ledgers' worth of operations the queue holds (core's
/// `TRANSACTION_QUEUE_SIZE_MULTIPLIER`).
pub const POOL_LEDGER_MULTIPLIER: u32 = 2;
/// Ledgers a transaction may wait in the queue before it is dropped (core's
/// `TRANSACTION_QUEUE_TIMEOUT_LEDGERS`).
pub const PENDING_DEPTH: u32 = 4;
/// Ledgers a dropped transaction stays banned (core's `TRANSACTION_QUEUE_BAN_LEDGERS`).
pub const BAN_DEPTH: usize = 10;
/// How many times more per operation a fee bump must offer to replace a queued transaction
/// (core's `TransactionQueue::FEE_MULTIPLIER`).
pub const FEE_MULTIPLIER: i64 = 10;

/// The queue's limits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct QueueLimits {
    /// Transactions one source account may have in the queue; 1 on today's network.
    pub per_account: usize,
    /// Operations a ledger holds (the ledger header's `maxTxSetSize`).
    pub max_ops_per_ledger: u32,
}

/// What stellar-core answers a submission (its `tx` endpoint's `status`).
#[derive(Debug, Clone, PartialEq)]
pub enum Admission {
    /// Queued for the next ledger.
    Pending {
        /// The transaction's hash, hex.
        hash: String,
    },
    /// Already in the queue.
    Duplicate {
        /// The transaction's hash, hex.
        hash: String,
    },
    /// Not queued, may be sent again later: its source already has a transaction queued,
    /// the queue is full of better-paying transactions, or it was banned recently.
    TryAgainLater {
        /// The transaction's hash, hex.
        hash: String,
    },
    /// Refused: `error` holds the result codes (`tx_bad_seq` ...).
    Error {
        /// The transaction's hash, hex.
        hash: String,
        /// The refusal, always [`SubmitError::Failed`] without a record.
        error: SubmitError,
    },
    /// Not a readable envelope.
    Malformed(String),
}

/// A transaction waiting for a ledger.
#[derive(Debug, Clone)]
struct Queued {
    envelope: String,
    hash: String,
    inner_hash: Option<String>,
    source: String,
    fee_source: String,
    seq: i64,
    ops: i64,
    bid: i64,
    arrival: u64,
    age: u32,
}

impl Queued {
    /// Whether `self` bids less per operation than `bid` for `ops` operations.
    fn bids_less_than(&self, bid: i64, ops: i64) -> bool {
        i128::from(self.bid) * i128::from(ops) < i128::from(bid) * i128::from(self.ops)
    }
}

/// The queue, and the hashes banned during the last [`BAN_DEPTH`] ledgers.
#[derive(Debug, Clone, Default)]
pub struct TxQueue {
    txs: Vec<Queued>,
    bans: VecDeque<Vec<String>>,
    arrivals: u64,
}

impl TxQueue {
    /// Transactions waiting.
    pub fn waiting(&self) -> usize {
        self.txs.len()
    }

    /// Transactions of `source` waiting.
    pub fn queued_by(&self, source: &str) -> usize {
        self.txs.iter().filter(|t| t.source == source).count()
    }

    fn ban(&mut self, hash: String) {
        if self.bans.is_empty() {
            self.bans.push_front(Vec::new());
        }
        if let Some(current) = self.bans.front_mut() {
            current.push(hash);
        }
    }

    fn is_banned(&self, hash: &str) -> bool {
        self.bans.iter().any(|b| b.iter().any(|h| h == hash))
    }

    fn ops(&self) -> i64 {
        self.txs.iter().map(|t| t.ops).sum()
    }

    /// The transactions to evict so that `ops` more operations bidding `bid` fit in
    /// `capacity`; `None` when lower bidders of other accounts do not free enough room.
    fn evictions(&self, source: &str, bid: i64, ops: i64, capacity: i64) -> Option<Vec<usize>> {
        let mut over = self.ops() + ops - capacity;
        let mut lower: Vec<usize> = (0..self.txs.len())
            .filter(|&i| self.txs[i].source != source && self.txs[i].bids_less_than(bid, ops))
            .collect();
        lower.sort_by(|&a, &b| rate_order(&self.txs[a], &self.txs[b]).reverse());
        let mut evict = Vec::new();
        for i in lower {
            if over <= 0 {
                break;
            }
            over -= self.txs[i].ops;
            evict.push(i);
        }
        (over <= 0).then_some(evict)
    }

    fn remove(&mut self, mut indices: Vec<usize>) -> Vec<Queued> {
        indices.sort_unstable();
        indices
            .into_iter()
            .rev()
            .map(|i| self.txs.remove(i))
            .collect()
    }
}

/// Core's replace-by-fee rule: a fee bump of a queued transaction replaces it when it bids at
/// least [`FEE_MULTIPLIER`] times as much per operation; otherwise the fee it should offer.
fn replaces_by_fee(old: &Queued, bid: i64, ops: i64) -> Result<(), i64> {
    let needed = i128::from(FEE_MULTIPLIER) * i128::from(old.bid) * i128::from(ops);
    if i128::from(bid) * i128::from(old.ops) >= needed {
        return Ok(());
    }
    let ops_old = i128::from(old.ops.max(1));
    Err(i64::try_from((needed + ops_old - 1) / ops_old).unwrap_or(i64::MAX))
}

/// Highest fee per operation first, then first arrived.
fn rate_order(a: &Queued, b: &Queued) -> std::cmp::Ordering {
    let (x, y) = (
        i128::from(a.bid) * i128::from(b.ops),
        i128::from(b.bid) * i128::from(a.ops),
    );
    y.cmp(&x).then(a.arrival.cmp(&b.arrival))
}

/// Admits `envelope_b64` to the queue at time `now` as stellar-core does, with at most
/// `per_account` transactions per source account.
pub fn admit(
    st: &LedgerState,
    q: &mut TxQueue,
    envelope_b64: &str,
    now: i64,
    limits: QueueLimits,
) -> Admission {
    let p = match submit::parse_b64(envelope_b64, &st.passphrase) {
        Ok(p) => p,
        Err(SubmitError::Malformed(m)) => return Admission::Malformed(m),
        Err(e) => return Admission::Malformed(format!("{e:?}")),
    };
    let hash = p.hash_hex();
    if q.is_banned(&hash) {
        return Admission::TryAgainLater { hash };
    }
    let source = p.source_id();
    let mine: Vec<usize> = (0..q.txs.len())
        .filter(|&i| q.txs[i].source == source)
        .collect();
    let duplicate = |&i: &usize| {
        let t = &q.txs[i];
        t.hash == hash || t.inner_hash.as_deref() == Some(&hash)
    };
    if mine.iter().any(duplicate) {
        return Admission::Duplicate { hash };
    }
    let error = |error| Admission::Error {
        hash: hash.clone(),
        error,
    };
    let (bid, ops) = (p.fee_bid(), p.charged_ops());
    let mut replaced = None;
    if mine.len() >= limits.per_account {
        let Some(&last) = mine.iter().max_by_key(|&&i| q.txs[i].seq) else {
            return Admission::TryAgainLater { hash };
        };
        let old = &q.txs[last];
        if p.tx.seq_num.0 < old.seq {
            return error(submit::refusal(st, &p, Code::TxBadSeq));
        }
        if p.bump.is_none() || p.tx.seq_num.0 != old.seq {
            return Admission::TryAgainLater { hash };
        }
        if let Err(min_fee) = replaces_by_fee(old, bid, ops) {
            return error(submit::refusal_charging(
                &p,
                min_fee,
                Code::TxInsufficientFee,
            ));
        }
        replaced = Some(last);
    }
    let queued = (mine.len() - usize::from(replaced.is_some())) as i64;
    let capacity = i64::from(limits.max_ops_per_ledger) * i64::from(POOL_LEDGER_MULTIPLIER);
    let freed = replaced.map_or(0, |i| q.txs[i].ops);
    let Some(mut evict) = q.evictions(&source, bid, ops, capacity + freed) else {
        q.ban(hash.clone());
        return Admission::TryAgainLater { hash };
    };
    if let Err(e) = submit::validate(st, &p, now, queued) {
        return error(e);
    }
    if !can_pay(st, q, &p, replaced) {
        return error(submit::refusal(st, &p, Code::TxInsufficientBalance));
    }
    let evicted: Vec<String> = evict.iter().map(|&i| q.txs[i].hash.clone()).collect();
    evict.extend(replaced);
    q.remove(evict);
    for hash in evicted {
        q.ban(hash);
    }
    q.arrivals += 1;
    q.txs.push(Queued {
        envelope: envelope_b64.to_string(),
        hash: hash.clone(),
        inner_hash: p.inner_hash_hex(),
        source,
        fee_source: p.fee_source_id(),
        seq: p.tx.seq_num.0,
        ops,
        bid,
        arrival: q.arrivals,
        age: 0,
    });
    Admission::Pending { hash }
}

/// Whether the fee source can pay this bid on top of the bids it has queued (but the one
/// being replaced).
fn can_pay(st: &LedgerState, q: &TxQueue, p: &Parsed, replaced: Option<usize>) -> bool {
    let fee_source = p.fee_source_id();
    let queued: i64 = (0..q.txs.len())
        .filter(|&i| Some(i) != replaced && q.txs[i].fee_source == fee_source)
        .map(|i| q.txs[i].bid)
        .sum();
    st.accounts
        .get(&fee_source)
        .is_some_and(|a| a.available(st.base_reserve) - p.fee_bid() >= queued)
}

/// The transactions of the next ledger, in fee order (then arrival) within `max_ops` operations (a source's
/// transactions in sequence order), and whether some were left out for lack of room.
fn pick(q: &mut TxQueue, max_ops: i64) -> (Vec<Queued>, bool) {
    let mut order: Vec<usize> = (0..q.txs.len()).collect();
    order.sort_by(|&a, &b| rate_order(&q.txs[a], &q.txs[b]));
    let mut next: HashMap<&str, i64> = HashMap::new();
    for t in &q.txs {
        let head = next.entry(t.source.as_str()).or_insert(t.seq);
        *head = (*head).min(t.seq);
    }
    let (mut room, mut full) = (max_ops, false);
    let mut taken = vec![false; q.txs.len()];
    let mut in_order = Vec::new();
    loop {
        let mut progressed = false;
        for &i in &order {
            let t = &q.txs[i];
            if taken[i] || next.get(t.source.as_str()) != Some(&t.seq) {
                continue;
            }
            if t.ops > room {
                full = true;
                continue;
            }
            room -= t.ops;
            next.insert(t.source.as_str(), t.seq + 1);
            taken[i] = true;
            in_order.push(i);
            progressed = true;
        }
        if !progressed {
            break;
        }
    }
    let picked = in_order.iter().map(|&i| q.txs[i].clone()).collect();
    q.remove(in_order);
    (picked, full)
}

/// The fee `t` pays: the base fee, or in a full ledger the lowest per-operation bid included
/// (never more than its own bid).
fn fee_of(st: &LedgerState, t: &Queued, surge_rate: Option<i64>) -> i64 {
    let rate = surge_rate.map_or(st.base_fee, |r| r.max(st.base_fee));
    (rate * t.ops).min(t.bid)
}

/// Closes a ledger at `now` holding what the queue offers, and ages what is left.
pub fn close(
    st: &mut LedgerState,
    history: &mut History,
    q: &mut TxQueue,
    now: i64,
    limits: QueueLimits,
) -> Vec<TxRecord> {
    let now = now.max(st.latest().closed_at);
    let (picked, full) = pick(q, i64::from(limits.max_ops_per_ledger));
    let surge_rate = full.then(|| picked.iter().map(|t| t.bid / t.ops).min().unwrap_or(0));
    let mut records = Vec::new();
    for t in picked {
        let valid = submit::parse_b64(&t.envelope, &st.passphrase)
            .and_then(|p| submit::validate(st, &p, now, 0).map(|()| p));
        match valid {
            Ok(p) => {
                let fee = fee_of(st, &t, surge_rate);
                let index = records.len() as u32 + 1;
                records.push(submit::include(st, history, &p, fee, now, index));
            }
            Err(_) => q.ban(t.hash),
        }
    }
    submit::record::close_ledger(st, &records, now);
    age(q);
    records
}

/// One more ledger for every queued transaction: those that waited [`PENDING_DEPTH`] ledgers
/// are dropped and banned; bans older than [`BAN_DEPTH`] ledgers are lifted.
fn age(q: &mut TxQueue) {
    q.bans.push_front(Vec::new());
    q.bans.truncate(BAN_DEPTH);
    for t in &mut q.txs {
        t.age += 1;
    }
    let old: Vec<usize> = (0..q.txs.len())
        .filter(|&i| q.txs[i].age >= PENDING_DEPTH)
        .collect();
    for dropped in q.remove(old) {
        q.ban(dropped.hash);
    }
}

#[cfg(test)]
mod tests;
