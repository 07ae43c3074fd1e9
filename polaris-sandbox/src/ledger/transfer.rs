//! Moving XLM and credit assets between accounts, with the checks stellar-core makes.

use super::state::{LedgerState, TrustLine};
use polaris_core::stellar::Asset;

/// Why a transfer failed; each maps onto the matching payment result code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TransferError {
    /// The sender lacks funds above its reserve.
    Underfunded,
    /// The sender holds no trustline for the asset.
    SrcNoTrust,
    /// The sender's trustline is not authorized.
    SrcNotAuthorized,
    /// The receiver does not exist.
    NoDestination,
    /// The receiver holds no trustline for the asset.
    NoTrust,
    /// The receiver's trustline is not authorized.
    NotAuthorized,
    /// The receiver's trustline limit would be exceeded.
    LineFull,
}

/// Moves `amount` stroops of `asset` from `from` to `to`, or changes nothing.
///
/// Issuers send and receive their own asset without a trustline (minting and burning).
pub fn transfer(
    st: &mut LedgerState,
    from: &str,
    to: &str,
    asset: &Asset,
    amount: i64,
) -> Result<(), TransferError> {
    check_receiver(st, to, asset, amount)?;
    check_sender(st, from, asset, amount)?;
    adjust(st, from, asset, -amount);
    adjust(st, to, asset, amount);
    Ok(())
}

/// Checks that `to` can receive `amount` of `asset`.
pub fn check_receiver(
    st: &LedgerState,
    to: &str,
    asset: &Asset,
    amount: i64,
) -> Result<(), TransferError> {
    let acc = st.accounts.get(to).ok_or(TransferError::NoDestination)?;
    if acc.issues(asset) {
        return Ok(());
    }
    let (balance, limit) = match asset {
        Asset::Native => (acc.balance, i64::MAX),
        _ => {
            let line = acc
                .trustlines
                .get(&asset.to_string())
                .ok_or(TransferError::NoTrust)?;
            if !line.authorized {
                return Err(TransferError::NotAuthorized);
            }
            (line.balance, line.limit)
        }
    };
    match balance.checked_add(amount) {
        Some(total) if total <= limit => Ok(()),
        _ => Err(TransferError::LineFull),
    }
}

/// Checks that `from` can send `amount` of `asset` (XLM above its reserve).
pub fn check_sender(
    st: &LedgerState,
    from: &str,
    asset: &Asset,
    amount: i64,
) -> Result<(), TransferError> {
    let acc = st.accounts.get(from).ok_or(TransferError::Underfunded)?;
    if acc.issues(asset) {
        return Ok(());
    }
    let available = match asset {
        Asset::Native => acc.available(st.base_reserve),
        _ => {
            let line = acc
                .trustlines
                .get(&asset.to_string())
                .ok_or(TransferError::SrcNoTrust)?;
            if !line.authorized {
                return Err(TransferError::SrcNotAuthorized);
            }
            line.balance
        }
    };
    if available < amount {
        return Err(TransferError::Underfunded);
    }
    Ok(())
}

/// Adds `delta` (may be negative) to a balance already checked; issuers' balances are not
/// tracked.
pub fn adjust(st: &mut LedgerState, account: &str, asset: &Asset, delta: i64) {
    let ledger = st.next_seq();
    let Some(acc) = st.accounts.get_mut(account) else {
        return;
    };
    acc.last_modified_ledger = ledger;
    if acc.issues(asset) {
        return;
    }
    match asset {
        Asset::Native => acc.balance = acc.balance.saturating_add(delta),
        _ => {
            if let Some(TrustLine {
                balance,
                last_modified_ledger,
                ..
            }) = acc.trustlines.get_mut(&asset.to_string())
            {
                *balance = balance.saturating_add(delta);
                *last_modified_ledger = ledger;
            }
        }
    }
}
