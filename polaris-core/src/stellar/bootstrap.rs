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
    let dist = load(horizon, setup.distribution.public_key()).await?;
    if dist.balance(&asset).is_none() {
        let op = Op::trust(&asset);
        submit(
            horizon,
            setup.distribution,
            dist.info.sequence + 1,
            op,
            setup.passphrase,
        )
        .await?;
    }
    let held = load(horizon, setup.distribution.public_key())
        .await?
        .balance(&asset)
        .map_or(0, |b| b.balance);
    if held < setup.supply {
        let issuer = load(horizon, setup.issuer.public_key()).await?;
        let op = Op::payment(
            setup.distribution.public_key(),
            asset.clone(),
            setup.supply - held,
        )
        .map_err(|e| HorizonError::Other(e.0))?;
        submit(
            horizon,
            setup.issuer,
            issuer.info.sequence + 1,
            op,
            setup.passphrase,
        )
        .await?;
    }
    Ok(asset)
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
