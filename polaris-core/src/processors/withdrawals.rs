//! `watch-transactions`, `execute-outgoing-transactions` and `poll-outgoing-transactions`.
//!
//! The watcher reads each distribution account's payments from a cursor kept in the
//! database. Matching a payment to its withdrawal and moving the cursor past it are one
//! database transaction, so a restart resumes exactly after the last payment handled: no gap,
//! nothing handled twice. A payment that matches no withdrawal, or several, is stored in
//! `unmatched_payments` for an operator, never dropped. A payment whose amount differs from
//! the agreed one, breaks the asset's limits or whose fee cannot be computed holds its
//! withdrawal in stage `amount_review` for the anchor, never paid out automatically.
//! [`watch_once`] reads pages; [`watch_stream`] catches up the same way, then follows the
//! accounts' payment streams. The payouts themselves ([`execute_outgoing`],
//! [`poll_outgoing`]) live in `payouts.rs`.

use std::collections::BTreeMap;
use std::time::Duration;

use diesel::Connection;
use futures::StreamExt;
use rust_decimal::Decimal;
use tokio::sync::watch;

use super::ProcessError;
use crate::context::Context;
use crate::integrations::FeeParams;
use crate::model::{now, Asset, Kind, Stage, Status, Transaction};
use crate::state::{self, TransitionError};
use crate::stellar::horizon::{Order, PageQuery, PaymentKind, PaymentRecord};
use crate::stellar::Asset as StellarAsset;
use crate::store::watcher::{self, UnmatchedPayment};
use crate::store::{transactions, StoreError};
use crate::transfer::amount;
use crate::transfer::fees;

pub use super::payouts::{execute_outgoing, poll_outgoing};

/// The distribution accounts to watch, each with the assets it receives.
async fn watched(ctx: &Context) -> Result<BTreeMap<String, Vec<Asset>>, ProcessError> {
    let all = ctx.store.assets().await?;
    let mut map: BTreeMap<String, Vec<Asset>> = BTreeMap::new();
    for asset in all.iter() {
        if let Some(account) = asset.distribution_account() {
            map.entry(account).or_default().push(asset.clone());
        }
    }
    Ok(map)
}

/// One round of `watch-transactions` over every distribution account; returns how many
/// withdrawals it matched. An account that fails (e.g. the database went away mid-page) does
/// not keep the others from being watched: its error is returned once all were tried.
pub async fn watch_once(ctx: &Context) -> Result<usize, ProcessError> {
    let (mut matched, mut failed) = (0, None);
    for (account, assets) in watched(ctx).await? {
        match watch_account(ctx, &account, &assets).await {
            Ok(n) => matched += n,
            Err(e) => {
                tracing::error!(%account, error = %e, "watching an account failed; retrying next round");
                failed.get_or_insert(e);
            }
        }
    }
    failed.map_or(Ok(matched), Err)
}

async fn start_cursor(ctx: &Context, account: &str) -> Result<Option<String>, ProcessError> {
    let key = account.to_string();
    if let Some(c) = ctx.store.run(move |c| watcher::cursor(c, &key)).await? {
        return Ok(Some(c));
    }
    // First run: start from now, not from the account's whole history.
    let newest = PageQuery {
        cursor: None,
        limit: 1,
        order: Order::Desc,
    };
    match ctx.horizon.payments(account, &newest).await {
        Ok(page) => {
            let start = page
                .records
                .first()
                .map_or("0".to_string(), |r| r.paging_token.clone());
            let (key, stored) = (account.to_string(), start.clone());
            ctx.store
                .run(move |c| watcher::set_cursor(c, &key, &stored))
                .await?;
            Ok(Some(start))
        }
        Err(e) => {
            tracing::warn!(%account, error = %e, "cannot read payments; retrying next round");
            Ok(None)
        }
    }
}

async fn watch_account(
    ctx: &Context,
    account: &str,
    assets: &[Asset],
) -> Result<usize, ProcessError> {
    let Some(mut cursor) = start_cursor(ctx, account).await? else {
        return Ok(0);
    };
    let mut matched = 0;
    loop {
        let query = PageQuery {
            cursor: Some(cursor.clone()),
            limit: 200,
            order: Order::Asc,
        };
        let page = match ctx.horizon.payments(account, &query).await {
            Ok(p) => p,
            Err(e) => {
                tracing::warn!(%account, error = %e, "cannot read payments; retrying next round");
                return Ok(matched);
            }
        };
        if page.records.is_empty() {
            return Ok(matched);
        }
        for record in page.records {
            if handle(ctx, account, assets, &record).await? {
                matched += 1;
            }
            cursor = record.paging_token.clone();
        }
    }
}

/// How often `watch_stream` re-reads the distribution accounts (new assets) and restarts
/// its streams after catching up by pages.
pub const STREAM_REFRESH: Duration = Duration::from_secs(60);

/// The longest wait before a broken stream is opened again.
const MAX_BACKOFF: Duration = Duration::from_secs(30);

/// `watch-transactions` as a long-running process: catches up page by page from the stored
/// cursors, then follows every distribution account's payment stream, handling each payment
/// as it arrives. A dropped stream reconnects with backoff, from the last payment handled;
/// nothing is skipped or handled twice, since the cursor moves with each payment in one
/// database transaction. Returns when `shutdown` turns true.
pub async fn watch_stream(
    ctx: &Context,
    mut shutdown: watch::Receiver<bool>,
) -> Result<(), ProcessError> {
    loop {
        if *shutdown.borrow() {
            return Ok(());
        }
        if let Err(e) = watch_once(ctx).await {
            tracing::error!(error = %e, "catching up on payments failed; following the streams anyway");
        }
        let accounts = watched(ctx).await?;
        let follows = accounts
            .iter()
            .map(|(account, assets)| follow(ctx, account, assets));
        tokio::select! {
            results = futures::future::join_all(follows) => {
                for e in results.into_iter().filter_map(Result::err) {
                    tracing::error!(error = %e, "following payments failed; starting again");
                }
                tokio::time::sleep(Duration::from_secs(1)).await;
            }
            _ = tokio::time::sleep(STREAM_REFRESH) => {}
            _ = shutdown.changed() => return Ok(()),
        }
    }
}

/// Whether paging token `token` comes after `cursor`.
fn after(token: &str, cursor: &str) -> bool {
    match (token.parse::<u128>(), cursor.parse::<u128>()) {
        (Ok(t), Ok(c)) => t > c,
        _ => token > cursor,
    }
}

async fn follow(ctx: &Context, account: &str, assets: &[Asset]) -> Result<(), ProcessError> {
    let Some(mut cursor) = start_cursor(ctx, account).await? else {
        return Ok(());
    };
    let mut payments = ctx.horizon.stream_payments(account, &cursor);
    let mut backoff = Duration::from_millis(250);
    while let Some(item) = payments.next().await {
        match item {
            Ok(record) if after(&record.paging_token, &cursor) => {
                handle(ctx, account, assets, &record).await?;
                cursor = record.paging_token;
                backoff = Duration::from_millis(250);
            }
            Ok(_) => {}
            Err(e) => {
                tracing::warn!(%account, error = %e, "payment stream interrupted; reconnecting");
                tokio::time::sleep(backoff).await;
                backoff = (backoff * 2).min(MAX_BACKOFF);
            }
        }
    }
    Ok(())
}

/// Handles one payment and moves the cursor past it, atomically. Returns whether it matched.
async fn handle(
    ctx: &Context,
    account: &str,
    assets: &[Asset],
    record: &PaymentRecord,
) -> Result<bool, ProcessError> {
    let incoming = record.to == account
        && record.transaction_successful
        && matches!(
            record.kind,
            PaymentKind::Payment
                | PaymentKind::PathPaymentStrictReceive
                | PaymentKind::PathPaymentStrictSend
        );
    let verdict = if incoming {
        match_withdrawal(ctx, assets, record).await?
    } else {
        Verdict::Skip
    };
    let (account, record) = (account.to_string(), record.clone());
    let matched = ctx
        .store
        .run(move |conn| {
            conn.transaction::<_, StoreError, _>(|c| {
                let matched = apply(c, &account, &record, verdict)?;
                // Never move the cursor back behind a watcher that is further on.
                let current = watcher::cursor(c, &account)?;
                if current.is_none_or(|cur| after(&record.paging_token, &cur)) {
                    watcher::set_cursor(c, &account, &record.paging_token)?;
                }
                Ok(matched)
            })
        })
        .await?;
    Ok(matched)
}

/// What to do with one payment.
enum Verdict {
    /// Not a payment into the account: just move on.
    Skip,
    /// Matched this withdrawal, already updated with the amounts received.
    Matched(Box<Transaction>),
    /// Matched nothing usable.
    Unmatched(String),
}

async fn match_withdrawal(
    ctx: &Context,
    assets: &[Asset],
    record: &PaymentRecord,
) -> Result<Verdict, ProcessError> {
    let Some(memo) = record.memo.as_ref().and_then(|m| m.value()) else {
        return Ok(Verdict::Unmatched("the payment has no memo".into()));
    };
    let Some(asset) = assets
        .iter()
        .find(|a| StellarAsset::credit(&a.code, &a.issuer).is_ok_and(|s| s == record.asset))
    else {
        return Ok(Verdict::Unmatched(
            "the asset is not one this anchor withdraws".into(),
        ));
    };
    let (key, hash) = (memo.clone(), record.transaction_hash.clone());
    let (found, seen) = ctx
        .store
        .run(move |c| {
            let found =
                transactions::by_memo(c, &key, Kind::Withdrawal, Status::PendingUserTransferStart)?;
            Ok((found, transactions::already_matched(c, &key, &hash)?))
        })
        .await?;
    if seen {
        // Another watcher matched this payment first: nothing to do, nothing unmatched.
        return Ok(Verdict::Skip);
    }
    let mut candidates: Vec<Transaction> = found
        .into_iter()
        .filter(|t| t.asset_id == asset.id)
        .collect();
    if candidates.len() > 1 {
        return Ok(Verdict::Unmatched(format!(
            "{} withdrawals share this memo",
            candidates.len()
        )));
    }
    let Some(mut tx) = candidates.pop() else {
        return Ok(Verdict::Unmatched(
            "no withdrawal waits for this memo".into(),
        ));
    };
    let amount_in = amount::from_stroops(record.amount);
    received(
        ctx,
        &mut tx,
        asset,
        amount_in,
        &record.from,
        &record.transaction_hash,
    )
    .await;
    Ok(Verdict::Matched(Box::new(tx)))
}

/// Records on withdrawal `tx` the payment of `amount_in` from `from` in Stellar transaction
/// `hash`: its amounts and fee, and its stage: `ready_to_pay`, or `amount_review` with the
/// reason in `status_message` when the amount or the fee needs the anchor. Used by the
/// watcher and by the back office when an operator matches an unmatched payment.
pub(crate) async fn received(
    ctx: &Context,
    tx: &mut Transaction,
    asset: &Asset,
    amount_in: Decimal,
    from: &str,
    hash: &str,
) {
    let mut hold = hold_reason(tx, asset, amount_in);
    if tx.amount_out_asset.is_some() {
        // An exchange: no fee is computed. A quoted one keeps its quoted amounts (a payment
        // of another amount is held by `hold_reason`); one without a quote waits for the
        // anchor to fix the amount it delivers.
        if tx.quote_id.is_none() {
            hold = hold.or_else(|| Some(UNPRICED.to_string()));
        }
    } else {
        match_fee(ctx, tx, asset, amount_in, &mut hold).await;
    }
    tx.amount_in = Some(amount_in);
    tx.from_address = Some(from.to_string());
    tx.stellar_transaction_id = Some(hash.to_string());
    match hold {
        Some(reason) => {
            tracing::warn!(id = %tx.id, %reason, "withdrawal held for the anchor");
            tx.stage = Stage::AmountReview;
            tx.status_message = Some(reason);
        }
        None if tx.stage != Stage::KycReview => tx.stage = Stage::ReadyToPay,
        None => {}
    }
}

/// Sets the fee and amount out of a plain withdrawal that received `amount_in`, or holds it
/// (`hold`) when its fee cannot be computed.
async fn match_fee(
    ctx: &Context,
    tx: &mut Transaction,
    asset: &Asset,
    amount_in: Decimal,
    hold: &mut Option<String>,
) {
    match fee_for(ctx, tx, asset, amount_in).await {
        Ok(fee) => {
            tx.amount_fee = Some(fee);
            tx.amount_out = Some(amount::net_of_fee(amount_in, fee).unwrap_or_default());
        }
        Err(e) => {
            tracing::warn!(id = %tx.id, error = %e.chain(), "the fee of a withdrawal could not be computed; held for the anchor");
            tx.amount_fee = None;
            tx.amount_out = None;
            *hold = hold.take().or_else(|| Some(FEE_FAILED.to_string()));
        }
    }
}

/// What a wallet reads on an exchange without a quote once its payment arrived.
const UNPRICED: &str =
    "The payment arrived: the anchor will set the amount delivered at its current rate.";

/// What a wallet reads on a withdrawal whose fee could not be computed.
const FEE_FAILED: &str =
    "The fee of this withdrawal could not be computed: the anchor will review it.";

/// Why a payment of `amount_in` cannot be paid out automatically: it differs from the amount
/// agreed (`amount_in` of the interactive flow, else `amount_expected`), or it breaks the
/// asset's withdrawal limits. `None` when it can.
fn hold_reason(tx: &Transaction, asset: &Asset, amount_in: Decimal) -> Option<String> {
    if let Some(agreed) = tx.amount_in.or(tx.amount_expected) {
        if agreed != amount_in {
            return Some(format!(
                "The amount received ({amount_in}) differs from the amount agreed ({agreed}): the anchor will review this withdrawal."
            ));
        }
    }
    if !amount::within_limits(&asset.withdrawal, amount_in) {
        return Some(format!(
            "The amount received ({amount_in}) is outside this asset's withdrawal limits: the anchor will review this withdrawal."
        ));
    }
    None
}

/// The fee of a withdrawal that received `amount_in`: the one agreed in the interactive flow
/// when that amount arrived, else a fresh one.
async fn fee_for(
    ctx: &Context,
    tx: &Transaction,
    asset: &Asset,
    amount_in: Decimal,
) -> Result<Decimal, crate::integrations::IntegrationError> {
    if let Some(fee) = tx.amount_fee.filter(|_| tx.amount_in == Some(amount_in)) {
        return Ok(fee);
    }
    let params = FeeParams::new(asset, Kind::Withdrawal, amount_in);
    fees::fee(&ctx.integrations, &params).await
}

fn apply(
    c: &mut crate::store::DbConnection,
    account: &str,
    record: &PaymentRecord,
    verdict: Verdict,
) -> Result<bool, StoreError> {
    match verdict {
        Verdict::Skip => Ok(false),
        Verdict::Matched(mut tx) => match state::transition(c, &mut tx, Status::PendingAnchor) {
            Ok(()) => Ok(true),
            Err(TransitionError::Store(e)) => Err(e),
            Err(_) if matched_meanwhile(c, &tx, record)? => Ok(false),
            Err(e) => {
                unmatched(
                    c,
                    account,
                    record,
                    &format!("its withdrawal changed meanwhile: {e}"),
                )?;
                Ok(false)
            }
        },
        Verdict::Unmatched(reason) => {
            unmatched(c, account, record, &reason)?;
            Ok(false)
        }
    }
}

/// Whether another watcher matched this very payment to `tx` while this one was deciding.
fn matched_meanwhile(
    c: &mut crate::store::DbConnection,
    tx: &Transaction,
    record: &PaymentRecord,
) -> Result<bool, StoreError> {
    match &tx.memo {
        Some(memo) => transactions::already_matched(c, memo, &record.transaction_hash),
        None => Ok(false),
    }
}

fn unmatched(
    c: &mut crate::store::DbConnection,
    account: &str,
    r: &PaymentRecord,
    reason: &str,
) -> Result<(), StoreError> {
    tracing::warn!(%account, payment = %r.paging_token, %reason, "unmatched payment recorded");
    let asset = match (r.asset.code(), r.asset.issuer()) {
        (Some(code), Some(issuer)) => format!("{code}:{issuer}"),
        _ => "native".into(),
    };
    watcher::record_unmatched(
        c,
        &UnmatchedPayment {
            paging_token: r.paging_token.clone(),
            account: account.to_string(),
            from_address: r.from.clone(),
            asset,
            amount: amount::from_stroops(r.amount).to_string(),
            memo: r.memo.as_ref().and_then(|m| m.value()),
            transaction_hash: r.transaction_hash.clone(),
            reason: reason.to_string(),
            created_at: crate::store::rows::to_db_time(now()),
        },
    )
}
