//! Recording an included transaction and closing its ledger.

use base64::Engine as _;
use sha2::{Digest, Sha256};
use stellar_base::xdr;

use super::super::describe::describe;
use super::super::history::{toid, History, OpRecord, TxRecord};
use super::super::state::{LedgerHeader, LedgerState};
use super::Parsed;
use polaris_core::stellar::envelope::{encode_xdr, muxed_address};
use polaris_core::stellar::{Address, Memo};

/// What the sandbox records of an applied transaction.
pub struct TxRecordParts<'a> {
    pub(crate) parsed: &'a Parsed,
    /// The result.
    pub result: &'a xdr::TransactionResult,
    /// Fee charged.
    pub fee: i64,
    /// Who paid it.
    pub fee_source: Address,
    /// Close time.
    pub now: i64,
    /// Whether the operations applied.
    pub success: bool,
    /// Its place in the ledger, from 1.
    pub index: u32,
}

fn b64(bytes: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

fn signatures(sigs: &[xdr::DecoratedSignature]) -> Vec<String> {
    sigs.iter().map(|s| b64(s.signature.as_slice())).collect()
}

/// Records the transaction and its operations in the ledger being built.
pub(crate) fn record(
    st: &mut LedgerState,
    history: &mut History,
    parts: TxRecordParts<'_>,
) -> TxRecord {
    let p = parts.parsed;
    let ledger = st.next_seq();
    let tx_toid = toid(ledger, parts.index, 0);
    let source = muxed_address(&p.tx.source_account);
    let hash = hex::encode(p.bump.as_ref().map_or(p.tx_hash, |b| b.hash));
    let mut participants = vec![source.account_id(), parts.fee_source.account_id()];
    for (i, op) in p.tx.operations.iter().enumerate() {
        let op_source = op
            .source_account
            .as_ref()
            .map_or(source.clone(), muxed_address);
        let d = describe(&op.body, &op_source);
        let mut op_participants = vec![op_source.account_id()];
        op_participants.extend(d.others);
        op_participants.dedup();
        participants.extend(op_participants.iter().cloned());
        history.operations.push(OpRecord {
            toid: tx_toid + i as i64 + 1,
            tx_hash: hash.clone(),
            successful: parts.success,
            type_name: d.type_name.to_string(),
            type_i: d.type_i,
            source_account: op_source.account_id(),
            source_muxed: op_source.muxed_id().map(|_| op_source.to_string()),
            created_at: parts.now,
            details: d.details,
            participants: op_participants,
        });
    }
    participants.sort();
    participants.dedup();
    let memo = Memo::from_xdr(&p.tx.memo);
    let memo_bytes = match &p.tx.memo {
        xdr::Memo::Text(t) => Some(b64(t.as_slice())),
        _ => None,
    };
    let time_bounds = match &p.tx.cond {
        xdr::Preconditions::Time(tb) => Some(tb.clone()),
        xdr::Preconditions::V2(v) => v.time_bounds.clone(),
        xdr::Preconditions::None => None,
    };
    let record = TxRecord {
        hash,
        inner_hash: p.bump.as_ref().map(|_| hex::encode(p.tx_hash)),
        ledger,
        toid: tx_toid,
        successful: parts.success,
        source_account: source.account_id(),
        source_muxed: source.muxed_id().map(|_| source.to_string()),
        source_seq: p.tx.seq_num.0,
        fee_account: parts.fee_source.account_id(),
        fee_charged: parts.fee,
        max_fee: p.bump.as_ref().map_or(i64::from(p.tx.fee), |b| b.fee),
        inner_max_fee: p.bump.as_ref().map(|_| i64::from(p.tx.fee)),
        operation_count: p.tx.operations.len() as u32,
        envelope_xdr: encode_xdr(&p.envelope),
        result_xdr: encode_xdr(parts.result),
        memo_type: memo.type_name().to_string(),
        memo: memo.value(),
        memo_bytes,
        signatures: signatures(p.bump.as_ref().map_or(&p.tx_signatures, |b| &b.signatures)),
        inner_signatures: if p.bump.is_some() {
            signatures(&p.tx_signatures)
        } else {
            vec![]
        },
        valid_after: time_bounds.as_ref().map(|t| t.min_time.0),
        valid_before: time_bounds.as_ref().map(|t| t.max_time.0),
        created_at: parts.now,
        participants,
    };
    history.transactions.push(record.clone());
    record
}

/// Closes the ledger being built, holding `txs`, at `now` (unix seconds).
pub(crate) fn close_ledger(st: &mut LedgerState, txs: &[TxRecord], now: i64) {
    let prev = st.latest().clone();
    let seq = prev.seq + 1;
    let hashes: Vec<&str> = txs.iter().map(|t| t.hash.as_str()).collect();
    let hash = Sha256::digest(format!("{}:{}:{}", prev.hash, seq, hashes.join(",")).as_bytes());
    let ok = |t: &&TxRecord| t.successful;
    st.ledgers.push(LedgerHeader {
        seq,
        hash: hex::encode(hash),
        prev_hash: prev.hash,
        closed_at: now,
        successful_transaction_count: txs.iter().filter(ok).count() as u32,
        failed_transaction_count: txs.iter().filter(|t| !t.successful).count() as u32,
        operation_count: txs.iter().filter(ok).map(|t| t.operation_count).sum(),
        tx_set_operation_count: txs.iter().map(|t| t.operation_count).sum(),
        fee_pool: prev.fee_pool + txs.iter().map(|t| t.fee_charged).sum::<i64>(),
    });
}
