//! Setting up an anchor asset on a test network (the sandbox or testnet).
//!
//! [`ensure_asset`] is idempotent: run it at every start, it only does what is missing.

use super::client::fund_with_friendbot;
use super::horizon::{Horizon, HorizonError};
use super::tx::{Op, TransactionBuilder};
use super::{encode_xdr, Asset, KeyPair};

/// The asset to set up and the keys that own it.
#[derive(Debug, Clone)]
pub struct AssetSetup<'a> {
    /// The asset code, e.g. `SRT`.
    pub code: &'a str,
    /// The issuing account's key.
    pub issuer: &'a KeyPair,
    /// The distribution account's key (it pays deposits out).
    pub distribution: &'a KeyPair,
    /// How much the distribution account should hold, in stroops.
    pub supply: i64,
    /// The network passphrase to sign for.
    pub passphrase: &'a str,
}

/// Makes sure the issuer and distribution accounts exist (funded by the friendbot at
/// `friendbot_url`, e.g. `http://127.0.0.1:8001/friendbot`), that the distribution account
/// trusts the asset, and that it holds at least `supply`. Returns the asset.
pub async fn ensure_asset(
    horizon: &dyn Horizon,
    friendbot_url: &str,
    setup: &AssetSetup<'_>,
) -> Result<Asset, HorizonError> {
    let asset = Asset::credit(setup.code, setup.issuer.public_key())
        .map_err(|e| HorizonError::Other(e.0))?;
    for key in [setup.issuer, setup.distribution] {
        ensure_account(horizon, friendbot_url, key.public_key()).await?;
    }
    let holding = Holding {
        holder: setup.distribution,
        payer: setup.issuer,
        asset: &asset,
        at_least: setup.supply,
        passphrase: setup.passphrase,
    };
    ensure_holding(horizon, &holding).await?;
    Ok(asset)
}

/// An account that should hold at least `at_least` stroops of `asset`, topped up by `payer`.
#[derive(Debug, Clone)]
pub struct Holding<'a> {
    /// The account's key (it signs its trustline).
    pub holder: &'a KeyPair,
    /// Who pays the top-up: the issuer, or an account holding the asset.
    pub payer: &'a KeyPair,
    /// The asset.
    pub asset: &'a Asset,
    /// The least balance, in stroops.
    pub at_least: i64,
    /// The network passphrase to sign for.
    pub passphrase: &'a str,
}

/// Makes sure the (existing) holder trusts the asset and holds at least `at_least` of it,
/// paying the difference from `payer`. Idempotent.
pub async fn ensure_holding(horizon: &dyn Horizon, h: &Holding<'_>) -> Result<(), HorizonError> {
    let holder = load(horizon, h.holder.public_key()).await?;
    if holder.balance(h.asset).is_none() {
        let op = Op::trust(h.asset);
        let seq = holder.info.sequence + 1;
        submit(horizon, h.holder, seq, op, h.passphrase).await?;
    }
    let held = load(horizon, h.holder.public_key())
        .await?
        .balance(h.asset)
        .map_or(0, |b| b.balance);
    if held < h.at_least {
        let payer = load(horizon, h.payer.public_key()).await?;
        let op = Op::payment(h.holder.public_key(), h.asset.clone(), h.at_least - held)
            .map_err(|e| HorizonError::Other(e.0))?;
        let seq = payer.info.sequence + 1;
        submit(horizon, h.payer, seq, op, h.passphrase).await?;
    }
    Ok(())
}

/// A client (wallet) account for trying an anchor out on a test network: created by the
/// friendbot when missing, trusting `asset`, holding at least `at_least` stroops of it paid
/// by the asset's distribution account. Idempotent.
pub async fn fund_client(
    horizon: &dyn Horizon,
    friendbot_url: &str,
    client: &Holding<'_>,
) -> Result<(), HorizonError> {
    ensure_account(horizon, friendbot_url, client.holder.public_key()).await?;
    ensure_holding(horizon, client).await
}

async fn ensure_account(
    horizon: &dyn Horizon,
    friendbot_url: &str,
    account: &str,
) -> Result<(), HorizonError> {
    if horizon.account(account).await?.is_some() {
        return Ok(());
    }
    match fund_with_friendbot(friendbot_url, account).await {
        Ok(()) => Ok(()),
        Err(HorizonError::Failed { operations, .. })
            if operations.iter().any(|o| o == "op_already_exists") =>
        {
            Ok(())
        }
        Err(e) => Err(e),
    }
}

async fn load(horizon: &dyn Horizon, account: &str) -> Result<super::AccountDetails, HorizonError> {
    horizon
        .account(account)
        .await?
        .ok_or(HorizonError::NotFound)
}

async fn submit(
    horizon: &dyn Horizon,
    key: &KeyPair,
    seq: i64,
    op: Op,
    passphrase: &str,
) -> Result<(), HorizonError> {
    let fee = super::horizon::base_fee(horizon, 10_000).await;
    let env = TransactionBuilder::new(key.public_key(), seq, fee)
        .map_err(|e| HorizonError::Other(e.0))?
        .op(op)
        .sign(&[key], passphrase)
        .map_err(|e| HorizonError::Other(e.0))?;
    horizon.submit(&encode_xdr(&env)).await.map(|_| ())
}
