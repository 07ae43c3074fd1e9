//! Where each deposit's destination stands on the ledger, read from Horizon before a payment
//! is built: whether the account exists and trusts the asset.
//!
//! A pass reads each distinct destination account once, however many of its deposits it
//! pays, and reads several accounts at once.

use std::collections::HashMap;

use futures::StreamExt;

use crate::context::Context;
use crate::model::{Asset, Transaction};
use crate::stellar::{Address, Asset as StellarAsset};

/// How many destination accounts are read from Horizon at once.
const CHECKS_AT_ONCE: usize = 16;

/// Where a deposit's destination stands on the ledger.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Reach {
    /// It exists and trusts the asset.
    Trusts,
    /// It exists without the trustline.
    NoTrust,
    /// It does not exist.
    NoAccount,
    /// Horizon could not tell.
    Unknown,
}

/// The destination account of `tx` (a muxed address's underlying account), if it parses.
fn destination(tx: &Transaction) -> Option<String> {
    let address = Address::parse(tx.to_address.as_deref()?).ok()?;
    Some(address.account_id())
}

/// Reads one account's standing with `asset`.
async fn read(ctx: &Context, account: String, asset: &StellarAsset) -> Reach {
    match ctx.horizon.account(&account).await {
        Ok(Some(details)) if details.balance(asset).is_some_and(|b| b.is_authorized) => {
            Reach::Trusts
        }
        Ok(Some(_)) => Reach::NoTrust,
        Ok(None) => Reach::NoAccount,
        Err(_) => Reach::Unknown,
    }
}

/// Where the destination of one deposit stands.
pub(super) async fn reach(ctx: &Context, tx: &Transaction, asset: &Asset) -> Reach {
    let (Some(account), Ok(stellar_asset)) = (
        destination(tx),
        StellarAsset::credit(&asset.code, &asset.issuer),
    ) else {
        return Reach::Unknown;
    };
    read(ctx, account, &stellar_asset).await
}

/// Each of `rows` with where its destination stands, in the order given. Each distinct
/// destination account is read once.
pub(super) async fn reach_all(
    ctx: &Context,
    asset: &Asset,
    rows: Vec<Transaction>,
) -> Vec<(Reach, Transaction)> {
    let Ok(stellar_asset) = StellarAsset::credit(&asset.code, &asset.issuer) else {
        return rows.into_iter().map(|tx| (Reach::Unknown, tx)).collect();
    };
    let mut accounts: Vec<String> = rows.iter().filter_map(destination).collect();
    accounts.sort_unstable();
    accounts.dedup();
    let stellar_asset = &stellar_asset;
    let known: HashMap<String, Reach> = futures::stream::iter(accounts)
        .map(|account| async move {
            let reach = read(ctx, account.clone(), stellar_asset).await;
            (account, reach)
        })
        .buffer_unordered(CHECKS_AT_ONCE)
        .collect()
        .await;
    rows.into_iter()
        .map(|tx| {
            let reach = destination(&tx)
                .and_then(|a| known.get(&a).copied())
                .unwrap_or(Reach::Unknown);
            (reach, tx)
        })
        .collect()
}
