//! Channel accounts: deposit payments sent in parallel.
//!
//! On Stellar an account gets one transaction into a ledger at a time (its sequence number
//! orders them), so envelopes from the distribution account alone go out one by one. With
//! `CHANNEL_ACCOUNTS = N`, Polaris keeps N accounts of its own, created and funded with XLM
//! from the distribution account ([`ensure_pool`]). Each deposit envelope then takes a free
//! channel as its source (sequence number and fee) while its operations keep the
//! distribution account as their source; the channel's key and the distribution account's
//! signers both sign it. N envelopes go out at once.
//!
//! A channel is leased by one worker while it builds an envelope, and bound to that envelope
//! (in the database transaction that stores the envelope on its deposits) until the envelope
//! is settled: found on the ledger, or proven dead by its time bounds. So one sequence
//! number is never used by two live envelopes, and a lease left by a killed worker simply
//! expires (see [`crate::store::channels`]).

use chrono::Utc;

use super::{ProcessError, Worker};
use crate::context::Context;
use crate::custody::{gather, KeyPairSigner, Level, Signer};
use crate::model::{now, Asset};
use crate::stellar::envelope::{encode_xdr, envelope_hash};
use crate::stellar::horizon::{base_fee, HorizonError};
use crate::stellar::tx::{Op, TransactionBuilder};
use crate::stellar::Asset as StellarAsset;
use crate::store::channels::{self, Channel};
use crate::store::StoreError;

/// The most channel accounts `CHANNEL_ACCOUNTS` may ask for (one funding envelope).
pub const MAX_CHANNELS: u32 = 100;
/// XLM, in stroops, a channel account is created or topped up with: its minimum balance
/// (1 XLM) and fees for many thousands of envelopes.
pub const CHANNEL_BALANCE: i64 = 50_000_000;
/// A funded channel whose XLM falls below this is topped up back to [`CHANNEL_BALANCE`].
pub const TOP_UP_BELOW: i64 = 25_000_000;

/// What [`ensure_pool`] did.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct PoolSummary {
    /// Channel accounts generated and stored this run.
    pub generated: usize,
    /// Channel accounts created on the ledger this run.
    pub created: usize,
    /// Channel accounts topped up with XLM this run.
    pub topped_up: usize,
    /// Channel accounts ready to use after this run.
    pub ready: usize,
}

/// Every stored channel account.
pub async fn pool(ctx: &Context) -> Result<Vec<Channel>, StoreError> {
    ctx.store.run(channels::all).await
}

/// Makes sure at least `count` channel accounts exist, each funded: missing ones are
/// generated (seeds sealed like the distribution seeds), then created on the ledger, and
/// those marked as needing XLM are topped up, in one envelope from the distribution account
/// of the first asset that has one, signed through its signers. Safe to run again after
/// any interruption: every account is looked up on Horizon before anything is sent.
pub async fn ensure_pool(ctx: &Context, count: u32) -> Result<PoolSummary, ProcessError> {
    let mut summary = PoolSummary::default();
    let stored = ctx.store.run(channels::count).await? as u32;
    for _ in stored..count {
        let key = crate::stellar::KeyPair::random();
        ctx.store
            .run(move |c| channels::insert(c, &key, now()))
            .await?;
        summary.generated += 1;
    }
    let all = pool(ctx).await?;
    let unfunded: Vec<Channel> = all
        .iter()
        .filter(|c| c.funded_at.is_none())
        .cloned()
        .collect();
    summary.ready = all.len() - unfunded.len();
    if unfunded.is_empty() {
        return Ok(summary);
    }
    let (mut ops, mut sent, mut ready) = (Vec::new(), Vec::new(), Vec::new());
    for channel in &unfunded {
        let key = channel.public_key().to_string();
        match needs(ctx, channel).await? {
            Need::Create => {
                ops.push(Op::create_account(&key, CHANNEL_BALANCE));
                summary.created += 1;
                sent.push(key);
            }
            Need::TopUp(amount) => {
                ops.push(Op::payment(&key, StellarAsset::Native, amount));
                summary.topped_up += 1;
                sent.push(key);
            }
            Need::Nothing => ready.push(key),
        }
    }
    summary.ready += ready.len();
    mark_funded(ctx, ready).await?;
    if ops.is_empty() {
        return Ok(summary);
    }
    let ops = ops
        .into_iter()
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| ProcessError::Config(e.0))?;
    fund(ctx, ops).await?;
    summary.ready += sent.len();
    mark_funded(ctx, sent).await?;
    Ok(summary)
}

async fn mark_funded(ctx: &Context, keys: Vec<String>) -> Result<(), StoreError> {
    let at = now();
    ctx.store
        .run(move |c| {
            keys.iter()
                .try_for_each(|key| channels::set_funded(c, key, Some(at)))
        })
        .await
}

enum Need {
    Create,
    TopUp(i64),
    Nothing,
}

async fn needs(ctx: &Context, channel: &Channel) -> Result<Need, ProcessError> {
    let details = ctx
        .horizon
        .account(channel.public_key())
        .await
        .map_err(|e| {
            ProcessError::Config(format!("reading channel {}: {e}", channel.public_key()))
        })?;
    let Some(details) = details else {
        return Ok(Need::Create);
    };
    let xlm = details
        .balance(&StellarAsset::Native)
        .map_or(0, |b| b.balance);
    Ok(match xlm < TOP_UP_BELOW {
        true => Need::TopUp(CHANNEL_BALANCE - xlm),
        false => Need::Nothing,
    })
}

/// The asset whose distribution account funds the channels: the first with one.
async fn funder(ctx: &Context) -> Result<(Asset, String), ProcessError> {
    let assets = ctx.store.assets().await?;
    assets
        .iter()
        .find_map(|a| a.distribution_account().map(|d| (a.clone(), d)))
        .ok_or_else(|| {
            ProcessError::Config(
                "channel accounts are funded by a distribution account: no asset has one".into(),
            )
        })
}

/// The signers of `asset`'s distribution account: its stored seed, then the registered ones.
pub(crate) fn signers_of(
    ctx: &Context,
    asset: &Asset,
) -> Result<Vec<std::sync::Arc<dyn Signer>>, String> {
    let mut out: Vec<std::sync::Arc<dyn Signer>> = Vec::new();
    if let Some(key) = asset.distribution_key() {
        let key = key.map_err(|e| format!("asset {}: distribution seed: {e}", asset.code))?;
        out.push(std::sync::Arc::new(KeyPairSigner::new(key)));
    }
    out.extend(ctx.integrations.signers.iter().cloned());
    Ok(out)
}

/// Sends `ops` from the funding distribution account and waits for the outcome.
async fn fund(ctx: &Context, ops: Vec<Op>) -> Result<(), ProcessError> {
    let (asset, account) = funder(ctx).await?;
    let config = |e: String| ProcessError::Config(format!("funding channel accounts: {e}"));
    let source = ctx
        .horizon
        .load_account(&account)
        .await
        .map_err(|e| config(e.to_string()))?
        .ok_or_else(|| config(format!("the distribution account {account} does not exist")))?;
    let fee = base_fee(
        ctx.horizon.as_ref(),
        ctx.settings.max_transaction_fee_stroops.unwrap_or(u32::MAX),
    )
    .await;
    let until = Utc::now().timestamp().max(0) as u64 + 300;
    let mut builder = TransactionBuilder::new(&account, source.sequence + 1, fee)
        .map_err(|e| config(e.0))?
        .time_bounds(0, until);
    for op in ops {
        builder = builder.op(op);
    }
    let passphrase = &ctx.settings.network_passphrase;
    let mut env = builder.sign(&[], passphrase).map_err(|e| config(e.0))?;
    let hash = envelope_hash(&env, passphrase).map_err(|e| config(e.0))?;
    let signers = signers_of(ctx, &asset).map_err(config)?;
    let sigs = gather(
        ctx.horizon.as_ref(),
        &signers,
        hash,
        &account,
        Level::LowAndMedium,
    )
    .await
    .map_err(|e| config(e.to_string()))?;
    crate::stellar::envelope::add_signatures(&mut env, sigs).map_err(|e| config(e.0))?;
    match ctx.horizon.submit(&encode_xdr(&env)).await {
        Ok(_) => Ok(()),
        Err(HorizonError::Failed {
            transaction,
            operations,
        }) => {
            // An account created meanwhile (another worker) fails the envelope: the next
            // run finds it on the ledger and marks it funded.
            Err(config(format!("refused: {transaction} {operations:?}")))
        }
        Err(e) => Err(config(e.to_string())),
    }
}

/// A channel leased by a worker for one envelope.
#[derive(Debug, Clone)]
pub(crate) struct Lease {
    /// The channel.
    pub channel: Channel,
    /// The worker holding it.
    pub owner: String,
}

/// Leases a free channel for `worker`; `None` when all are taken.
pub(crate) async fn lease(ctx: &Context, worker: &Worker) -> Result<Option<Lease>, StoreError> {
    let owner = worker.id.clone();
    let until =
        now() + chrono::Duration::from_std(worker.lease).unwrap_or(chrono::Duration::seconds(60));
    let me = owner.clone();
    let channel = ctx
        .store
        .run(move |c| channels::lease(c, &me, now(), until))
        .await?;
    Ok(channel.map(|channel| Lease { channel, owner }))
}

/// Ends a lease (a binding made under it stays until its envelope is settled).
pub(crate) async fn release(ctx: &Context, lease: &Lease) -> Result<(), StoreError> {
    let key = lease.channel.public_key().to_string();
    let owner = lease.owner.clone();
    ctx.store
        .run(move |c| channels::release_lease(c, &key, &owner))
        .await
}

/// Unbinds the channels whose envelopes are settled; errors are logged.
pub(crate) async fn release_settled(ctx: &Context) {
    if let Err(e) = ctx.store.run(channels::release_settled).await {
        tracing::warn!(error = %e, "could not release settled channel accounts");
    }
}

/// Unbinds the channel of the envelope `hash` when it is settled; errors are logged (the
/// next round's [`release_settled`] retries).
pub(crate) async fn release_hash(ctx: &Context, hash: Option<String>) {
    let Some(hash) = hash else { return };
    if let Err(e) = ctx
        .store
        .run(move |c| channels::release_hash(c, &hash))
        .await
    {
        tracing::warn!(error = %e, "could not release a settled channel account");
    }
}

/// Marks the channel `source` (an update of no row when it is none) as needing XLM: the next
/// [`ensure_pool`] tops it up.
pub(crate) async fn needs_funds(ctx: &Context, source: String) {
    let done = ctx
        .store
        .run(move |c| channels::set_funded(c, &source, None))
        .await;
    if let Err(e) = done {
        tracing::warn!(error = %e, "could not mark a channel account for a top-up");
    }
}
