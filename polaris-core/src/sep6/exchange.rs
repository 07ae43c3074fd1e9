//! `GET /sep6/deposit-exchange` and `GET /sep6/withdraw-exchange`: a deposit or withdrawal
//! whose off-chain side is another asset, priced by a SEP-38 quote ([`crate::transfer::exchange`]).

use serde_json::Value;

use super::funding::exchange_funding_method;
use super::transfer::{ask_deposit, draft, find, respond, withdrawal_draft};
use crate::auth::Subject;
use crate::context::Context;
use crate::error::ApiError;
use crate::integrations::Sep6Request;
use crate::model::{now, Asset, AssetId, Kind, Transaction};
use crate::params::Params;
use crate::transfer::amount;
use crate::transfer::exchange::{self, Sides};

/// The most decimal places an exchange amount may have (SEP-38 amounts of off-chain assets
/// are checked against the quote, which Polaris priced).
const EXCHANGE_DECIMALS: u32 = 7;

/// Fills in the exchange of `tx` (a draft for `asset`): the off-chain asset, the amount, and
/// the quote when `quote_id` names one, checked against the request.
async fn exchange_of(
    ctx: &Context,
    subject: &Subject,
    params: &Params,
    asset: &Asset,
    offchain: &AssetId,
    method: Option<&str>,
    tx: &mut Transaction,
) -> Result<(), ApiError> {
    let sides = Sides::of(tx.kind, asset, offchain);
    let text = params
        .get("amount")
        .ok_or_else(|| ApiError::bad_request("amount is required"))?;
    let amount = amount::parse_decimals("amount", text, EXCHANGE_DECIMALS)?;
    let quoted = params.get("quote_id");
    match tx.kind {
        Kind::Withdrawal | Kind::Send => {
            // A quote's sell_amount is exact to the ledger's 7 places (SEP-38 rounds the
            // bought side), so only an unquoted amount is held to the asset's decimals.
            if quoted.is_none() {
                amount::check_decimals(asset, amount)?;
            }
            amount::check_limits(asset.operation(tx.kind), amount)?;
        }
        Kind::Deposit => {}
    }
    match quoted {
        Some(id) => {
            let quote = exchange::quote_of(ctx, subject, id).await?;
            exchange::check_quote(&quote, &sides, amount, method, now())?;
            if tx.kind == Kind::Deposit {
                amount::check_limits(asset.operation(tx.kind), quote.buy_amount)?;
            }
            exchange::apply_quote(tx, &quote);
        }
        None => exchange::apply_indicative(tx, &sides, amount),
    }
    Ok(())
}

/// `GET /sep6/deposit-exchange`: an off-chain `source_asset` (`iso4217:...`) deposited for
/// the Stellar `destination_asset` (a code, or `stellar:CODE:ISSUER`).
pub async fn deposit_exchange(
    ctx: &Context,
    subject: &Subject,
    params: &Params,
) -> Result<Value, ApiError> {
    let named = exchange::stellar_ref(params.get("destination_asset"));
    if named.code.is_none() {
        return Err(ApiError::bad_request("destination_asset is required"));
    }
    let asset = find(ctx, named, Kind::Deposit).await?;
    let (offchain, desk) =
        exchange::offchain_asset(ctx, subject, "source_asset", params.get("source_asset")).await?;
    let method = exchange_funding_method(&asset, Kind::Deposit, &desk, params)?;
    let local = ctx.settings.local_mode;
    let mut tx = draft(subject, &asset, Kind::Deposit, params, local)?;
    let method = method.as_deref();
    exchange_of(ctx, subject, params, &asset, &offchain, method, &mut tx).await?;
    ask_deposit(ctx, subject, params, &asset, method, tx).await
}

/// `GET /sep6/withdraw-exchange`: the Stellar `source_asset` (a code, or
/// `stellar:CODE:ISSUER`) withdrawn as the off-chain `destination_asset` (`iso4217:...`).
pub async fn withdraw_exchange(
    ctx: &Context,
    subject: &Subject,
    params: &Params,
) -> Result<Value, ApiError> {
    let named = exchange::stellar_ref(params.get("source_asset"));
    if named.code.is_none() {
        return Err(ApiError::bad_request("source_asset is required"));
    }
    let asset = find(ctx, named, Kind::Withdrawal).await?;
    let name = "destination_asset";
    let (offchain, desk) = exchange::offchain_asset(ctx, subject, name, params.get(name)).await?;
    let method = exchange_funding_method(&asset, Kind::Withdrawal, &desk, params)?;
    let mut tx = withdrawal_draft(ctx, subject, &asset, params)?;
    exchange_of(
        ctx,
        subject,
        params,
        &asset,
        &offchain,
        method.as_deref(),
        &mut tx,
    )
    .await?;
    let lang = params.get("lang").unwrap_or("en");
    let request =
        Sep6Request::new(&tx, &asset, params, lang).with_funding_method(method.as_deref());
    let answer = ctx.integrations.sep6.process_withdrawal(&request).await?;
    respond(ctx, tx, &asset, answer).await
}
