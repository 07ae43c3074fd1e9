//! Submitting an envelope: validation, fees, sequence numbers, application and recording.

use stellar_base::xdr;

use super::apply::{apply_op, OpContext};
use super::codes::{codes_of_result_xdr, op_succeeded, result_codes, ResultCodes};
use super::signatures::{level_of, Level, SignatureChecker};
use super::state::LedgerState;
use polaris_core::stellar::envelope::{decode_envelope, encode_xdr, muxed_address, network_id};
use polaris_core::stellar::Address;

pub(crate) mod record;

pub use record::TxRecordParts;

use super::history::{History, TxRecord};

/// Why a submission was refused.
#[derive(Debug, Clone, PartialEq)]
pub enum SubmitError {
    /// Not a readable envelope: Horizon answers 400 `transaction_malformed`.
    Malformed(String),
    /// Refused with result codes: Horizon answers 400 `transaction_failed`.
    Failed {
        /// The result codes.
        codes: ResultCodes,
        /// The `TransactionResult`, base64 XDR.
        result_xdr: String,
        /// The recorded transaction when it was included in a ledger anyway (operation
        /// failures: the fee was charged and the sequence number consumed).
        record: Option<Box<TxRecord>>,
    },
}

/// An envelope taken apart.
pub(crate) struct Parsed {
    pub envelope: xdr::TransactionEnvelope,
    pub tx: xdr::Transaction,
    pub tx_hash: [u8; 32],
    pub tx_signatures: Vec<xdr::DecoratedSignature>,
    pub bump: Option<Bump>,
}

impl Parsed {
    /// Operations the fee is charged for: one more for a fee bump.
    pub fn charged_ops(&self) -> i64 {
        self.tx.operations.len() as i64 + i64::from(self.bump.is_some())
    }

    /// The hash Horizon knows the submission by (the fee bump's, for fee bumps), hex.
    pub fn hash_hex(&self) -> String {
        hex::encode(self.bump.as_ref().map_or(self.tx_hash, |b| b.hash))
    }

    /// The inner transaction's hash, hex, for fee bumps.
    pub fn inner_hash_hex(&self) -> Option<String> {
        self.bump.as_ref().map(|_| hex::encode(self.tx_hash))
    }

    /// The highest fee offered (the fee bump's, for fee bumps), stroops.
    pub fn fee_bid(&self) -> i64 {
        self.bump.as_ref().map_or(i64::from(self.tx.fee), |b| b.fee)
    }

    /// The account whose sequence number the transaction uses (`G...`).
    pub fn source_id(&self) -> String {
        muxed_address(&self.tx.source_account).account_id()
    }

    /// The account that pays the fee (`G...`).
    pub fn fee_source_id(&self) -> String {
        self.bump
            .as_ref()
            .map_or_else(|| self.source_id(), |b| b.fee_source.account_id())
    }
}

/// The outer half of a fee-bump envelope.
pub(crate) struct Bump {
    pub fee_source: Address,
    pub fee: i64,
    pub hash: [u8; 32],
    pub signatures: Vec<xdr::DecoratedSignature>,
}

fn v0_to_v1(tx: &xdr::TransactionV0) -> xdr::Transaction {
    xdr::Transaction {
        source_account: xdr::MuxedAccount::Ed25519(tx.source_account_ed25519.clone()),
        fee: tx.fee,
        seq_num: tx.seq_num.clone(),
        cond: tx
            .time_bounds
            .clone()
            .map_or(xdr::Preconditions::None, xdr::Preconditions::Time),
        memo: tx.memo.clone(),
        operations: tx.operations.clone(),
        ext: xdr::TransactionExt::V0,
    }
}

fn parse(envelope: xdr::TransactionEnvelope, passphrase: &str) -> Result<Parsed, String> {
    let id = network_id(passphrase);
    let hash_err = |e: xdr::Error| e.to_string();
    let (tx, tx_hash, tx_signatures, bump) = match &envelope {
        xdr::TransactionEnvelope::TxV0(e) => (
            v0_to_v1(&e.tx),
            e.hash(id).map_err(hash_err)?,
            e.signatures.to_vec(),
            None,
        ),
        xdr::TransactionEnvelope::Tx(e) => (
            e.tx.clone(),
            e.hash(id).map_err(hash_err)?,
            e.signatures.to_vec(),
            None,
        ),
        xdr::TransactionEnvelope::TxFeeBump(e) => {
            let xdr::FeeBumpTransactionInnerTx::Tx(inner) = &e.tx.inner_tx;
            let bump = Bump {
                fee_source: muxed_address(&e.tx.fee_source),
                fee: e.tx.fee,
                hash: e.hash(id).map_err(hash_err)?,
                signatures: e.signatures.to_vec(),
            };
            (
                inner.tx.clone(),
                inner.hash(id).map_err(hash_err)?,
                inner.signatures.to_vec(),
                Some(bump),
            )
        }
    };
    Ok(Parsed {
        envelope,
        tx,
        tx_hash,
        tx_signatures,
        bump,
    })
}

pub(crate) type Code = xdr::TransactionResultResult;

fn time_bounds(tx: &xdr::Transaction) -> Option<&xdr::TimeBounds> {
    match &tx.cond {
        xdr::Preconditions::Time(tb) => Some(tb),
        xdr::Preconditions::V2(p) => p.time_bounds.as_ref(),
        xdr::Preconditions::None => None,
    }
}

fn check_time(tx: &xdr::Transaction, now: i64) -> Result<(), Code> {
    let now = u64::try_from(now).unwrap_or_default();
    if let Some(tb) = time_bounds(tx) {
        if tb.min_time.0 > now {
            return Err(Code::TxTooEarly);
        }
        if tb.max_time.0 != 0 && tb.max_time.0 < now {
            return Err(Code::TxTooLate);
        }
    }
    Ok(())
}

/// The checks stellar-core makes before accepting a transaction (`standalone`: not fee-bumped,
/// so its own fee is checked too).
fn check_tx(
    st: &LedgerState,
    p: &Parsed,
    now: i64,
    standalone: bool,
    queued: i64,
) -> Result<(), Code> {
    let tx = &p.tx;
    if tx.operations.is_empty() {
        return Err(Code::TxMissingOperation);
    }
    check_time(tx, now)?;
    let ops = tx.operations.len() as i64;
    if standalone && i64::from(tx.fee) < st.base_fee * ops {
        return Err(Code::TxInsufficientFee);
    }
    let source_id = muxed_address(&tx.source_account).account_id();
    let Some(source) = st.accounts.get(&source_id) else {
        return Err(Code::TxNoAccount);
    };
    if tx.seq_num.0 != source.seq.wrapping_add(1 + queued) {
        return Err(Code::TxBadSeq);
    }
    let mut checker = SignatureChecker::new(p.tx_hash, &p.tx_signatures);
    if !checker.check(source, Level::Low) {
        return Err(Code::TxBadAuth);
    }
    if standalone && source.available(st.base_reserve) < st.base_fee * ops {
        return Err(Code::TxInsufficientBalance);
    }
    check_op_signatures(st, tx, &source_id, &mut checker)?;
    if !checker.all_used() {
        return Err(Code::TxBadAuthExtra);
    }
    Ok(())
}

fn check_op_signatures(
    st: &LedgerState,
    tx: &xdr::Transaction,
    source: &str,
    checker: &mut SignatureChecker<'_>,
) -> Result<(), Code> {
    let mut results = Vec::new();
    let mut ok = true;
    for op in tx.operations.iter() {
        let op_source = op
            .source_account
            .as_ref()
            .map_or(source.to_string(), |m| muxed_address(m).account_id());
        let signed = st
            .accounts
            .get(&op_source)
            .is_none_or(|acc| checker.check(acc, level_of(&op.body)));
        ok &= signed;
        results.push(if signed {
            success_placeholder(&op.body)
        } else {
            xdr::OperationResult::OpBadAuth
        });
    }
    if ok {
        return Ok(());
    }
    Err(Code::TxFailed(results.try_into().unwrap_or_default()))
}

fn success_placeholder(body: &xdr::OperationBody) -> xdr::OperationResult {
    use xdr::OperationResultTr as T;
    let tr = match body {
        xdr::OperationBody::CreateAccount(_) => T::CreateAccount(xdr::CreateAccountResult::Success),
        xdr::OperationBody::ChangeTrust(_) => T::ChangeTrust(xdr::ChangeTrustResult::Success),
        _ => T::Payment(xdr::PaymentResult::Success),
    };
    xdr::OperationResult::OpInner(tr)
}

fn check_bump(st: &LedgerState, p: &Parsed, b: &Bump) -> Result<(), Code> {
    let ops = p.tx.operations.len() as i64;
    if b.fee < st.base_fee * (ops + 1) || b.fee < i64::from(p.tx.fee) {
        return Err(Code::TxInsufficientFee);
    }
    let Some(fee_source) = st.accounts.get(&b.fee_source.account_id()) else {
        return Err(Code::TxNoAccount);
    };
    let mut checker = SignatureChecker::new(b.hash, &b.signatures);
    if !checker.check(fee_source, Level::Low) {
        return Err(Code::TxBadAuth);
    }
    if !checker.all_used() {
        return Err(Code::TxBadAuthExtra);
    }
    if fee_source.available(st.base_reserve) < st.base_fee * (ops + 1) {
        return Err(Code::TxInsufficientBalance);
    }
    Ok(())
}

fn inner_code(code: Code) -> xdr::InnerTransactionResultResult {
    use xdr::InnerTransactionResultResult as I;
    match code {
        Code::TxSuccess(r) => I::TxSuccess(r),
        Code::TxFailed(r) => I::TxFailed(r),
        Code::TxTooEarly => I::TxTooEarly,
        Code::TxTooLate => I::TxTooLate,
        Code::TxMissingOperation => I::TxMissingOperation,
        Code::TxBadSeq => I::TxBadSeq,
        Code::TxBadAuth => I::TxBadAuth,
        Code::TxInsufficientBalance => I::TxInsufficientBalance,
        Code::TxNoAccount => I::TxNoAccount,
        Code::TxInsufficientFee => I::TxInsufficientFee,
        Code::TxBadAuthExtra => I::TxBadAuthExtra,
        _ => I::TxInternalError,
    }
}

fn wrap(p: &Parsed, fee_charged: i64, code: Code) -> xdr::TransactionResult {
    let result = match &p.bump {
        None => code,
        Some(_) => {
            let success = matches!(code, Code::TxSuccess(_));
            let pair = xdr::InnerTransactionResultPair {
                transaction_hash: xdr::Hash(p.tx_hash),
                result: xdr::InnerTransactionResult {
                    fee_charged: 0,
                    result: inner_code(code),
                    ext: xdr::InnerTransactionResultExt::V0,
                },
            };
            if success {
                Code::TxFeeBumpInnerSuccess(pair)
            } else {
                Code::TxFeeBumpInnerFailed(pair)
            }
        }
    };
    xdr::TransactionResult {
        fee_charged,
        result,
        ext: xdr::TransactionResultExt::V0,
    }
}

fn refused(result: xdr::TransactionResult) -> SubmitError {
    SubmitError::Failed {
        codes: result_codes(&result),
        result_xdr: encode_xdr(&result),
        record: None,
    }
}

/// Decodes and takes apart a base64 envelope.
pub(crate) fn parse_b64(envelope_b64: &str, passphrase: &str) -> Result<Parsed, SubmitError> {
    let envelope =
        decode_envelope(envelope_b64).map_err(|e| SubmitError::Malformed(e.to_string()))?;
    parse(envelope, passphrase).map_err(SubmitError::Malformed)
}

/// The fee the network charges at the base fee: one base fee per operation, plus one for a
/// fee bump.
pub(crate) fn base_charge(st: &LedgerState, p: &Parsed) -> i64 {
    st.base_fee * p.charged_ops()
}

/// The refusal of `p` with `code`, as stellar-core reports it.
pub(crate) fn refusal(st: &LedgerState, p: &Parsed, code: Code) -> SubmitError {
    refused(wrap(p, base_charge(st, p), code))
}

/// The refusal of the envelope `p` as a whole (the outer one, for fee bumps) with `code`,
/// reporting `fee_charged` (core reports the fee it would take when a bid is too low).
pub(crate) fn refusal_charging(p: &Parsed, fee_charged: i64, code: Code) -> SubmitError {
    let outer = Parsed {
        bump: None,
        ..clone_parsed(p)
    };
    refused(wrap(&outer, fee_charged, code))
}

/// The checks stellar-core makes before accepting `p` at time `now`, when `queued` earlier
/// transactions of its source wait in the queue (their sequence numbers come first).
pub(crate) fn validate(
    st: &LedgerState,
    p: &Parsed,
    now: i64,
    queued: i64,
) -> Result<(), SubmitError> {
    if let Some(b) = &p.bump {
        check_bump(st, p, b).map_err(|code| refusal_charging(p, base_charge(st, p), code))?;
    }
    check_tx(st, p, now, p.bump.is_none(), queued).map_err(|code| refusal(st, p, code))
}

/// Charges `fee`, consumes the sequence number, applies the operations and records the
/// transaction as the `index`-th (1-based) of the ledger being built (closed later by
/// [`record::close_ledger`]) at time `now`.
pub(crate) fn include(
    st: &mut LedgerState,
    history: &mut History,
    p: &Parsed,
    fee: i64,
    now: i64,
    index: u32,
) -> TxRecord {
    let fee_source = p.bump.as_ref().map_or_else(
        || muxed_address(&p.tx.source_account),
        |b| b.fee_source.clone(),
    );
    charge(st, &fee_source.account_id(), p, fee);
    let results = apply_all(st, p, now);
    let success = results.iter().all(op_succeeded);
    let vec = results.try_into().unwrap_or_default();
    let code = if success {
        Code::TxSuccess(vec)
    } else {
        Code::TxFailed(vec)
    };
    let result = wrap(p, fee, code);
    record::record(
        st,
        history,
        TxRecordParts {
            parsed: p,
            result: &result,
            fee,
            fee_source,
            now,
            success,
            index,
        },
    )
}

/// A recorded transaction as a submission's outcome: `Ok` when its operations applied,
/// `Failed` with the record when it was included but failed.
pub(crate) fn outcome(record: TxRecord) -> Result<TxRecord, SubmitError> {
    if record.successful {
        return Ok(record);
    }
    Err(SubmitError::Failed {
        codes: codes_of_result_xdr(&record.result_xdr),
        result_xdr: record.result_xdr.clone(),
        record: Some(Box::new(record)),
    })
}

/// Validates, charges, applies and records one envelope (base64 XDR) in a new ledger closed at
/// `now` (unix seconds).
pub fn submit(
    st: &mut LedgerState,
    history: &mut History,
    envelope_b64: &str,
    now: i64,
) -> Result<TxRecord, SubmitError> {
    let p = parse_b64(envelope_b64, &st.passphrase)?;
    validate(st, &p, now, 0)?;
    let now = now.max(st.latest().closed_at);
    let fee = base_charge(st, &p);
    let record = include(st, history, &p, fee, now, 1);
    record::close_ledger(st, std::slice::from_ref(&record), now);
    outcome(record)
}

fn clone_parsed(p: &Parsed) -> Parsed {
    Parsed {
        envelope: p.envelope.clone(),
        tx: p.tx.clone(),
        tx_hash: p.tx_hash,
        tx_signatures: p.tx_signatures.clone(),
        bump: None,
    }
}

fn charge(st: &mut LedgerState, fee_source: &str, p: &Parsed, fee: i64) {
    if let Some(acc) = st.accounts.get_mut(fee_source) {
        acc.balance -= fee.min(acc.balance);
    }
    let source = muxed_address(&p.tx.source_account).account_id();
    if let Some(acc) = st.accounts.get_mut(&source) {
        acc.seq = p.tx.seq_num.0;
    }
}

/// Applies every operation on a copy of the state, kept only when all succeed.
fn apply_all(st: &mut LedgerState, p: &Parsed, now: i64) -> Vec<xdr::OperationResult> {
    let mut scratch = st.clone();
    let tx_source = muxed_address(&p.tx.source_account).account_id();
    let mut results = Vec::new();
    for (i, op) in p.tx.operations.iter().enumerate() {
        let source = op
            .source_account
            .as_ref()
            .map_or(tx_source.clone(), |m| muxed_address(m).account_id());
        let mut ctx = OpContext {
            state: &mut scratch,
            source,
            tx_source: tx_source.clone(),
            tx_seq: p.tx.seq_num.0,
            op_index: i as u32,
            now,
        };
        results.push(apply_op(&mut ctx, &op.body));
    }
    if results.iter().all(op_succeeded) {
        *st = scratch;
    }
    results
}
