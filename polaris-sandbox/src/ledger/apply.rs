//! Applying operations to the ledger state.

use sha2::{Digest, Sha256};
use stellar_base::xdr::{self, Limits, WriteXdr};

use super::state::{AccountEntry, LedgerState, TrustLine};
use super::transfer::{transfer, TransferError};
use polaris_core::stellar::asset::{account_id_string, account_id_xdr};
use polaris_core::stellar::envelope::muxed_address;
use polaris_core::stellar::tx::AUTH_REQUIRED_FLAG;
use polaris_core::stellar::Asset;

mod options;

use xdr::OperationResultTr as Tr;

/// What an operation needs to know about its transaction.
pub struct OpContext<'a> {
    /// The state being changed.
    pub state: &'a mut LedgerState,
    /// The operation's source account (`G...`).
    pub source: String,
    /// The transaction's source account (`G...`).
    pub tx_source: String,
    /// The transaction's sequence number.
    pub tx_seq: i64,
    /// The operation's index in the transaction (0-based).
    pub op_index: u32,
    /// Close time of the ledger being built.
    pub now: i64,
}

/// Applies one operation; a failure leaves `state` as it was for this operation.
pub fn apply_op(ctx: &mut OpContext<'_>, body: &xdr::OperationBody) -> xdr::OperationResult {
    use xdr::OperationBody as B;
    if !ctx.state.accounts.contains_key(&ctx.source) {
        return xdr::OperationResult::OpNoAccount;
    }
    let tr = match body {
        B::CreateAccount(op) => Tr::CreateAccount(create_account(ctx, op)),
        B::Payment(op) => Tr::Payment(payment(ctx, op)),
        B::PathPaymentStrictReceive(op) => Tr::PathPaymentStrictReceive(path_receive(ctx, op)),
        B::PathPaymentStrictSend(op) => Tr::PathPaymentStrictSend(path_send(ctx, op)),
        B::ChangeTrust(op) => Tr::ChangeTrust(change_trust(ctx, op)),
        B::ManageData(op) => Tr::ManageData(manage_data(ctx, op)),
        B::SetOptions(op) => Tr::SetOptions(options::set_options(ctx, op)),
        B::CreateClaimableBalance(op) => Tr::CreateClaimableBalance(create_claimable(ctx, op)),
        B::ClaimClaimableBalance(op) => Tr::ClaimClaimableBalance(claim(ctx, op)),
        B::SetTrustLineFlags(op) => Tr::SetTrustLineFlags(options::set_trust_line_flags(ctx, op)),
        B::BumpSequence(op) => Tr::BumpSequence(bump_sequence(ctx, op)),
        _ => return xdr::OperationResult::OpNotSupported,
    };
    xdr::OperationResult::OpInner(tr)
}

fn source<'b>(ctx: &'b mut OpContext<'_>) -> &'b mut AccountEntry {
    let ledger = ctx.state.next_seq();
    let acc = ctx
        .state
        .accounts
        .get_mut(&ctx.source)
        .expect("checked by apply_op");
    acc.last_modified_ledger = ledger;
    acc
}

fn create_account(ctx: &mut OpContext<'_>, op: &xdr::CreateAccountOp) -> xdr::CreateAccountResult {
    use xdr::CreateAccountResult as R;
    let dest = account_id_string(&op.destination);
    let reserve = ctx.state.base_reserve;
    if op.starting_balance < 0 || dest == ctx.source {
        return R::Malformed;
    }
    if ctx.state.accounts.contains_key(&dest) {
        return R::AlreadyExist;
    }
    if op.starting_balance < 2 * reserve {
        return R::LowReserve;
    }
    if ctx.state.accounts[&ctx.source].available(reserve) < op.starting_balance {
        return R::Underfunded;
    }
    source(ctx).balance -= op.starting_balance;
    let ledger = ctx.state.next_seq();
    let entry = AccountEntry::new(&dest, op.starting_balance, ledger, ctx.now);
    ctx.state.accounts.insert(dest, entry);
    R::Success
}

fn payment(ctx: &mut OpContext<'_>, op: &xdr::PaymentOp) -> xdr::PaymentResult {
    use xdr::PaymentResult as R;
    let Some(asset) = Asset::from_xdr(&op.asset) else {
        return R::Malformed;
    };
    if op.amount <= 0 {
        return R::Malformed;
    }
    let to = muxed_address(&op.destination).account_id();
    match transfer(ctx.state, &ctx.source, &to, &asset, op.amount) {
        Ok(()) => R::Success,
        Err(e) => match e {
            TransferError::Underfunded => R::Underfunded,
            TransferError::SrcNoTrust => R::SrcNoTrust,
            TransferError::SrcNotAuthorized => R::SrcNotAuthorized,
            TransferError::NoDestination => R::NoDestination,
            TransferError::NoTrust => R::NoTrust,
            TransferError::NotAuthorized => R::NotAuthorized,
            TransferError::LineFull => R::LineFull,
        },
    }
}

/// The single asset of a same-asset path payment, `None` when a conversion would be needed.
fn same_asset(send: &xdr::Asset, dest: &xdr::Asset, path: &[xdr::Asset]) -> Option<Asset> {
    (send == dest && path.iter().all(|a| a == send))
        .then(|| Asset::from_xdr(send))
        .flatten()
}

fn simple_result(to: &str, asset: &xdr::Asset, amount: i64) -> xdr::SimplePaymentResult {
    xdr::SimplePaymentResult {
        destination: account_id_xdr(to),
        asset: asset.clone(),
        amount,
    }
}

macro_rules! path_errors {
    ($R:ident, $e:expr) => {
        match $e {
            TransferError::Underfunded => $R::Underfunded,
            TransferError::SrcNoTrust => $R::SrcNoTrust,
            TransferError::SrcNotAuthorized => $R::SrcNotAuthorized,
            TransferError::NoDestination => $R::NoDestination,
            TransferError::NoTrust => $R::NoTrust,
            TransferError::NotAuthorized => $R::NotAuthorized,
            TransferError::LineFull => $R::LineFull,
        }
    };
}

fn path_receive(
    ctx: &mut OpContext<'_>,
    op: &xdr::PathPaymentStrictReceiveOp,
) -> xdr::PathPaymentStrictReceiveResult {
    use xdr::PathPaymentStrictReceiveResult as R;
    if op.dest_amount <= 0 || op.send_max <= 0 {
        return R::Malformed;
    }
    let Some(asset) = same_asset(&op.send_asset, &op.dest_asset, &op.path) else {
        return R::TooFewOffers;
    };
    if op.dest_amount > op.send_max {
        return R::OverSendmax;
    }
    let to = muxed_address(&op.destination).account_id();
    match transfer(ctx.state, &ctx.source, &to, &asset, op.dest_amount) {
        Ok(()) => R::Success(xdr::PathPaymentStrictReceiveResultSuccess {
            offers: Default::default(),
            last: simple_result(&to, &op.dest_asset, op.dest_amount),
        }),
        Err(e) => path_errors!(R, e),
    }
}

fn path_send(
    ctx: &mut OpContext<'_>,
    op: &xdr::PathPaymentStrictSendOp,
) -> xdr::PathPaymentStrictSendResult {
    use xdr::PathPaymentStrictSendResult as R;
    if op.send_amount <= 0 || op.dest_min <= 0 {
        return R::Malformed;
    }
    let Some(asset) = same_asset(&op.send_asset, &op.dest_asset, &op.path) else {
        return R::TooFewOffers;
    };
    if op.send_amount < op.dest_min {
        return R::UnderDestmin;
    }
    let to = muxed_address(&op.destination).account_id();
    match transfer(ctx.state, &ctx.source, &to, &asset, op.send_amount) {
        Ok(()) => R::Success(xdr::PathPaymentStrictSendResultSuccess {
            offers: Default::default(),
            last: simple_result(&to, &op.dest_asset, op.send_amount),
        }),
        Err(e) => path_errors!(R, e),
    }
}

fn change_trust_asset(line: &xdr::ChangeTrustAsset) -> Option<Asset> {
    match line {
        xdr::ChangeTrustAsset::CreditAlphanum4(a) => {
            Asset::from_xdr(&xdr::Asset::CreditAlphanum4(a.clone()))
        }
        xdr::ChangeTrustAsset::CreditAlphanum12(a) => {
            Asset::from_xdr(&xdr::Asset::CreditAlphanum12(a.clone()))
        }
        _ => None,
    }
}

fn change_trust(ctx: &mut OpContext<'_>, op: &xdr::ChangeTrustOp) -> xdr::ChangeTrustResult {
    use xdr::ChangeTrustResult as R;
    let Some(asset) = change_trust_asset(&op.line) else {
        return R::Malformed;
    };
    if op.limit < 0 {
        return R::Malformed;
    }
    if asset.issuer() == Some(ctx.source.as_str()) {
        return R::SelfNotAllowed;
    }
    let key = asset.to_string();
    let reserve = ctx.state.base_reserve;
    let ledger = ctx.state.next_seq();
    let existing = ctx.state.accounts[&ctx.source]
        .trustlines
        .get(&key)
        .cloned();
    match existing {
        Some(line) if op.limit == 0 => {
            if line.balance > 0 {
                return R::InvalidLimit;
            }
            source(ctx).trustlines.remove(&key);
        }
        Some(line) => {
            if op.limit < line.balance {
                return R::InvalidLimit;
            }
            let l = source(ctx).trustlines.get_mut(&key).expect("exists");
            l.limit = op.limit;
            l.last_modified_ledger = ledger;
        }
        None if op.limit == 0 => return R::TrustLineMissing,
        None => {
            let Some(issuer) = asset.issuer().and_then(|i| ctx.state.accounts.get(i)) else {
                return R::NoIssuer;
            };
            let authorized = issuer.flags & AUTH_REQUIRED_FLAG == 0;
            let acc = &ctx.state.accounts[&ctx.source];
            if acc.balance < acc.min_balance(reserve) + reserve {
                return R::LowReserve;
            }
            let line = TrustLine {
                balance: 0,
                limit: op.limit,
                authorized,
                last_modified_ledger: ledger,
            };
            source(ctx).trustlines.insert(key, line);
        }
    }
    R::Success
}

fn manage_data(ctx: &mut OpContext<'_>, op: &xdr::ManageDataOp) -> xdr::ManageDataResult {
    use xdr::ManageDataResult as R;
    let name = String::from_utf8_lossy(op.data_name.as_slice()).into_owned();
    if name.is_empty() || name.bytes().any(|b| !(0x20..0x7f).contains(&b)) {
        return R::InvalidName;
    }
    let reserve = ctx.state.base_reserve;
    let acc = &ctx.state.accounts[&ctx.source];
    match &op.data_value {
        None if !acc.data.contains_key(&name) => R::NameNotFound,
        None => {
            source(ctx).data.remove(&name);
            R::Success
        }
        Some(v) => {
            if !acc.data.contains_key(&name) && acc.balance < acc.min_balance(reserve) + reserve {
                return R::LowReserve;
            }
            source(ctx).data.insert(name, v.0.to_vec());
            R::Success
        }
    }
}

/// Horizon's claimable balance id for operation `op_index` of the transaction.
pub fn claimable_balance_id(tx_source: &str, tx_seq: i64, op_index: u32) -> [u8; 32] {
    let preimage = xdr::HashIdPreimage::OpId(xdr::HashIdPreimageOperationId {
        source_account: account_id_xdr(tx_source),
        seq_num: xdr::SequenceNumber(tx_seq),
        op_num: op_index,
    });
    Sha256::digest(preimage.to_xdr(Limits::none()).unwrap_or_default()).into()
}

fn create_claimable(
    ctx: &mut OpContext<'_>,
    op: &xdr::CreateClaimableBalanceOp,
) -> xdr::CreateClaimableBalanceResult {
    use xdr::CreateClaimableBalanceResult as R;
    let Some(asset) = Asset::from_xdr(&op.asset) else {
        return R::Malformed;
    };
    let mut claimants: Vec<String> = op
        .claimants
        .iter()
        .map(|xdr::Claimant::ClaimantTypeV0(c)| account_id_string(&c.destination))
        .collect();
    let count = claimants.len();
    claimants.dedup();
    if op.amount <= 0 || count == 0 || claimants.len() != count {
        return R::Malformed;
    }
    let reserve = ctx.state.base_reserve;
    let extra = reserve * count as i64;
    let acc = &ctx.state.accounts[&ctx.source];
    if acc.available(reserve) < extra {
        return R::LowReserve;
    }
    if let Err(e) = super::transfer::check_sender(ctx.state, &ctx.source, &asset, op.amount) {
        return match e {
            TransferError::SrcNoTrust => R::NoTrust,
            TransferError::SrcNotAuthorized => R::NotAuthorized,
            _ => R::Underfunded,
        };
    }
    if asset == Asset::Native && acc.available(reserve) < extra + op.amount {
        return R::Underfunded;
    }
    super::transfer::adjust(ctx.state, &ctx.source.clone(), &asset, -op.amount);
    source(ctx).num_sponsoring += count as u32;
    let id = claimable_balance_id(&ctx.tx_source, ctx.tx_seq, ctx.op_index);
    let entry = super::state::ClaimableBalance {
        id: format!("00000000{}", hex::encode(id)),
        asset: asset.to_string(),
        amount: op.amount,
        claimants,
        sponsor: ctx.source.clone(),
        last_modified_ledger: ctx.state.next_seq(),
    };
    ctx.state.claimable_balances.insert(entry.id.clone(), entry);
    R::Success(xdr::ClaimableBalanceId::ClaimableBalanceIdTypeV0(
        xdr::Hash(id),
    ))
}

fn claim(
    ctx: &mut OpContext<'_>,
    op: &xdr::ClaimClaimableBalanceOp,
) -> xdr::ClaimClaimableBalanceResult {
    use xdr::ClaimClaimableBalanceResult as R;
    let xdr::ClaimableBalanceId::ClaimableBalanceIdTypeV0(hash) = &op.balance_id;
    let id = format!("00000000{}", hex::encode(hash.0));
    let Some(entry) = ctx.state.claimable_balances.get(&id).cloned() else {
        return R::DoesNotExist;
    };
    if !entry.claimants.contains(&ctx.source) {
        return R::CannotClaim;
    }
    let Ok(asset) = Asset::parse(&entry.asset) else {
        return R::DoesNotExist;
    };
    if let Err(e) = super::transfer::check_receiver(ctx.state, &ctx.source, &asset, entry.amount) {
        return match e {
            TransferError::NoTrust => R::NoTrust,
            TransferError::NotAuthorized => R::NotAuthorized,
            _ => R::LineFull,
        };
    }
    super::transfer::adjust(ctx.state, &ctx.source.clone(), &asset, entry.amount);
    if let Some(sponsor) = ctx.state.accounts.get_mut(&entry.sponsor) {
        sponsor.num_sponsoring = sponsor
            .num_sponsoring
            .saturating_sub(entry.claimants.len() as u32);
    }
    ctx.state.claimable_balances.remove(&id);
    R::Success
}

fn bump_sequence(ctx: &mut OpContext<'_>, op: &xdr::BumpSequenceOp) -> xdr::BumpSequenceResult {
    if op.bump_to.0 < 0 {
        return xdr::BumpSequenceResult::BadSeq;
    }
    let acc = source(ctx);
    acc.seq = acc.seq.max(op.bump_to.0);
    xdr::BumpSequenceResult::Success
}
