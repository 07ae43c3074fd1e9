//! `GET /sep6/deposit` and `GET /sep6/withdraw`.

use serde_json::{json, Map, Value};

use super::funding::funding_method;
use crate::auth::Subject;
use crate::context::Context;
use crate::error::ApiError;
use crate::integrations::{Sep6Request, Sep6Response};
use crate::model::{Asset, Kind, MemoType, Protocol, Status, Transaction};
use crate::params::Params;
use crate::stellar::memo::Memo;
use crate::transfer::assets::{self, AssetRef, Naming};
use crate::transfer::{amount, exchange, fees, withdraw_memo};
use rust_decimal::Decimal;

/// The SEP-6 asset a request names, enabled for `kind`.
pub(super) async fn find(
    ctx: &Context,
    named: AssetRef<'_>,
    kind: Kind,
) -> Result<Asset, ApiError> {
    assets::find(ctx, Protocol::Sep6, named, Naming::Unique, Some(kind)).await
}

fn named(params: &Params) -> AssetRef<'_> {
    AssetRef {
        code: params.get("asset_code"),
        issuer: params.get("asset_issuer"),
    }
}

/// The `amount` of a plain deposit or withdrawal, in the asset, within its limits.
fn expected_amount(
    params: &Params,
    asset: &Asset,
    kind: Kind,
) -> Result<Option<Decimal>, ApiError> {
    let Some(text) = params.get("amount") else {
        return Ok(None);
    };
    let expected = amount::parse("amount", text, asset)?;
    amount::check_limits(asset.operation(kind), expected)?;
    Ok(Some(expected))
}

/// The transaction a request would create, before the anchor decides on it (its amount is
/// set by the caller).
pub(super) fn draft(
    subject: &Subject,
    asset: &Asset,
    kind: Kind,
    params: &Params,
    local_mode: bool,
) -> Result<Transaction, ApiError> {
    let mut tx = Transaction::new(kind, Protocol::Sep6, asset.id, &subject.account);
    tx.status = Status::PendingUserTransferStart;
    tx.account_memo = subject.memo.map(|m| m.to_string());
    tx.muxed_account = subject.muxed_account.clone();
    tx.on_change_callback = params.callback_url("on_change_callback", local_mode)?;
    tx.wallet_name = params.get("wallet_name").map(str::to_string);
    tx.wallet_url = params.get("wallet_url").map(str::to_string);
    tx.lang = params.get("lang").map(str::to_string);
    tx.claimable_balance_supported = params.flag("claimable_balance_supported")?;
    Ok(tx)
}

pub(super) fn account_of(subject: &Subject, params: &Params) -> Result<String, ApiError> {
    Ok(match params.address("account")? {
        Some(a) => a.to_string(),
        None => subject
            .muxed_account
            .clone()
            .unwrap_or_else(|| subject.account.clone()),
    })
}

pub(super) fn memo_type(memo: &Memo) -> MemoType {
    match memo {
        Memo::Id(_) => MemoType::Id,
        Memo::Hash(_) | Memo::Return(_) => MemoType::Hash,
        Memo::Text(_) | Memo::None => MemoType::Text,
    }
}

/// `GET /sep6/deposit`: validates the request, asks the anchor, and stores the transaction
/// only when the anchor accepts it.
pub async fn deposit(ctx: &Context, subject: &Subject, params: &Params) -> Result<Value, ApiError> {
    let asset = find(ctx, named(params), Kind::Deposit).await?;
    let method = funding_method(&asset, Kind::Deposit, params)?;
    let mut tx = draft(
        subject,
        &asset,
        Kind::Deposit,
        params,
        ctx.settings.local_mode,
    )?;
    tx.amount_expected = expected_amount(params, &asset, Kind::Deposit)?;
    ask_deposit(ctx, subject, params, &asset, method.as_deref(), tx).await
}

/// The end of every SEP-6 deposit request (plain or exchange): the destination account and
/// memo, the anchor's decision, and the stored transaction or refusal.
pub(super) async fn ask_deposit(
    ctx: &Context,
    subject: &Subject,
    params: &Params,
    asset: &Asset,
    method: Option<&str>,
    mut tx: Transaction,
) -> Result<Value, ApiError> {
    tx.to_address = Some(account_of(subject, params)?);
    if let Some(memo) = params.memo("memo", "memo_type")? {
        tx.memo_type = memo_type(&memo);
        tx.memo = memo.value();
    }
    let lang = params.get("lang").unwrap_or("en");
    let request = Sep6Request::new(&tx, asset, params, lang).with_funding_method(method);
    let answer = ctx.integrations.sep6.process_deposit(&request).await?;
    respond(ctx, tx, asset, answer).await
}

/// `GET /sep6/withdraw`: like [`deposit`]; the answer tells the wallet where to pay and with which memo.
pub async fn withdraw(
    ctx: &Context,
    subject: &Subject,
    params: &Params,
) -> Result<Value, ApiError> {
    let asset = find(ctx, named(params), Kind::Withdrawal).await?;
    let method = funding_method(&asset, Kind::Withdrawal, params)?;
    let mut tx = withdrawal_draft(ctx, subject, &asset, params)?;
    tx.amount_expected = expected_amount(params, &asset, Kind::Withdrawal)?;
    let lang = params.get("lang").unwrap_or("en");
    let request =
        Sep6Request::new(&tx, &asset, params, lang).with_funding_method(method.as_deref());
    let answer = ctx.integrations.sep6.process_withdrawal(&request).await?;
    respond(ctx, tx, &asset, answer).await
}

/// A withdrawal's transaction before the anchor decides on it: paid from the user's
/// account to the asset's distribution account, with the transaction's own memo.
pub(super) fn withdrawal_draft(
    ctx: &Context,
    subject: &Subject,
    asset: &Asset,
    params: &Params,
) -> Result<Transaction, ApiError> {
    let anchor_account = asset.distribution_account().ok_or_else(|| {
        ApiError::unavailable(format!("withdrawals of {} are not set up", asset.code))
    })?;
    let mut tx = draft(
        subject,
        asset,
        Kind::Withdrawal,
        params,
        ctx.settings.local_mode,
    )?;
    tx.from_address = Some(account_of(subject, params)?);
    tx.to_address = params.get("dest").map(str::to_string);
    tx.receiving_anchor_account = Some(anchor_account);
    tx.memo_type = MemoType::Hash;
    tx.memo = Some(withdraw_memo(tx.id));
    Ok(tx)
}

/// Stores `tx` (taking its quote, if any) when the anchor accepted it, and answers.
pub(super) async fn respond(
    ctx: &Context,
    tx: Transaction,
    asset: &Asset,
    answer: Sep6Response,
) -> Result<Value, ApiError> {
    match answer {
        Sep6Response::Success {
            how,
            instructions,
            extra_info,
            eta,
        } => {
            let body = success_body(ctx, &tx, asset, how, instructions, extra_info, eta);
            exchange::insert(ctx, tx).await?;
            Ok(body)
        }
        Sep6Response::CustomerInfoNeeded { fields } => Err(ApiError::forbidden(json!({
            "type": "non_interactive_customer_info_needed",
            "fields": fields,
        }))),
        Sep6Response::CustomerInfoStatus {
            status,
            more_info_url,
            eta,
        } => {
            if status != "pending" && status != "denied" {
                return Err(ApiError::internal(format!(
                    "customer_info_status '{status}' is not pending or denied"
                )));
            }
            let mut body = json!({ "type": "customer_info_status", "status": status });
            if let Some(url) = more_info_url {
                body["more_info_url"] = Value::String(url);
            }
            if let Some(eta) = eta {
                body["eta"] = Value::from(eta);
            }
            Err(ApiError::forbidden(body))
        }
    }
}

fn success_body(
    ctx: &Context,
    tx: &Transaction,
    asset: &Asset,
    how: Option<String>,
    instructions: Option<Value>,
    extra_info: Option<Value>,
    eta: Option<i64>,
) -> Value {
    let mut m = Map::new();
    m.insert("id".into(), Value::String(tx.id.to_string()));
    match tx.kind {
        Kind::Deposit => {
            // `how` is deprecated: sent only when the anchor wrote one.
            if let Some(how) = how.filter(|h| !h.is_empty()) {
                m.insert("how".into(), Value::String(how));
            }
            if let Some(i) = instructions {
                m.insert("instructions".into(), i);
            }
        }
        Kind::Withdrawal | Kind::Send => {
            let memo = tx.memo.clone().unwrap_or_default();
            m.insert("account_id".into(), json!(tx.receiving_anchor_account));
            m.insert("memo_type".into(), json!("hash"));
            m.insert("memo".into(), Value::String(memo));
        }
    }
    if let Some(eta) = eta {
        m.insert("eta".into(), Value::from(eta));
    }
    // An exchange's fee is the quote's (or the anchor's conversion), not the asset's.
    let published = fees::published(&ctx.integrations) && tx.amount_in_asset.is_none();
    for (k, v) in fees::info_numbers(asset.operation(tx.kind), published) {
        m.insert(k.into(), v);
    }
    if let Some(extra) = extra_info {
        m.insert("extra_info".into(), extra);
    }
    Value::Object(m)
}
