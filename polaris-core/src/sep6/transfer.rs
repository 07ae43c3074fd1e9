//! `GET /sep6/deposit` and `GET /sep6/withdraw`.

use base64::Engine as _;
use serde_json::{json, Map, Value};
use uuid::Uuid;

use super::assets::{check_amount, find, funding_method};
use crate::auth::Subject;
use crate::context::Context;
use crate::error::ApiError;
use crate::integrations::{Sep6Request, Sep6Response};
use crate::model::{json_number, Asset, Kind, MemoType, Protocol, Status, Transaction};
use crate::params::Params;
use crate::stellar::memo::Memo;
use crate::store::transactions;

/// The memo a withdrawal's payment must carry: the transaction id's 16 bytes followed by
/// 16 zero bytes, as a base64 hash memo.
pub fn withdraw_memo(id: Uuid) -> String {
    let mut bytes = [0u8; 32];
    bytes[..16].copy_from_slice(id.as_bytes());
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

/// The transaction a request would create, before the anchor decides on it.
fn draft(
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
    tx.amount_expected = params.amount("amount")?;
    if let Some(amount) = tx.amount_expected {
        check_amount(asset, kind, amount)?;
    }
    tx.on_change_callback = params.callback_url("on_change_callback", local_mode)?;
    tx.wallet_name = params.get("wallet_name").map(str::to_string);
    tx.wallet_url = params.get("wallet_url").map(str::to_string);
    tx.lang = params.get("lang").map(str::to_string);
    tx.claimable_balance_supported = params.flag("claimable_balance_supported")?;
    Ok(tx)
}

fn account_of(subject: &Subject, params: &Params) -> Result<String, ApiError> {
    Ok(match params.address("account")? {
        Some(a) => a.to_string(),
        None => subject
            .muxed_account
            .clone()
            .unwrap_or_else(|| subject.account.clone()),
    })
}

fn memo_type(memo: &Memo) -> MemoType {
    match memo {
        Memo::Id(_) => MemoType::Id,
        Memo::Hash(_) | Memo::Return(_) => MemoType::Hash,
        Memo::Text(_) | Memo::None => MemoType::Text,
    }
}

/// `GET /sep6/deposit`: validates the request, asks the anchor, and stores the transaction
/// only when the anchor accepts it.
pub async fn deposit(ctx: &Context, subject: &Subject, params: &Params) -> Result<Value, ApiError> {
    let asset = find(ctx, params, Kind::Deposit).await?;
    let method = funding_method(&asset, Kind::Deposit, params)?;
    let mut tx = draft(
        subject,
        &asset,
        Kind::Deposit,
        params,
        ctx.settings.local_mode,
    )?;
    tx.to_address = Some(account_of(subject, params)?);
    if let Some(memo) = params.memo("memo", "memo_type")? {
        tx.memo_type = memo_type(&memo);
        tx.memo = memo.value();
    }
    let lang = params.get("lang").unwrap_or("en");
    let request =
        Sep6Request::new(&tx, &asset, params, lang).with_funding_method(method.as_deref());
    let answer = ctx.integrations.sep6.process_deposit(&request).await?;
    respond(ctx, tx, &asset, answer).await
}

/// `GET /sep6/withdraw`: like [`deposit`]; the answer tells the wallet where to pay and with which memo.
pub async fn withdraw(
    ctx: &Context,
    subject: &Subject,
    params: &Params,
) -> Result<Value, ApiError> {
    let asset = find(ctx, params, Kind::Withdrawal).await?;
    let method = funding_method(&asset, Kind::Withdrawal, params)?;
    let anchor_account = asset.distribution_account().ok_or_else(|| {
        ApiError::unavailable(format!("withdrawals of {} are not set up", asset.code))
    })?;
    let mut tx = draft(
        subject,
        &asset,
        Kind::Withdrawal,
        params,
        ctx.settings.local_mode,
    )?;
    tx.from_address = Some(account_of(subject, params)?);
    tx.to_address = params.get("dest").map(str::to_string);
    tx.receiving_anchor_account = Some(anchor_account);
    tx.memo_type = MemoType::Hash;
    tx.memo = Some(withdraw_memo(tx.id));
    let lang = params.get("lang").unwrap_or("en");
    let request =
        Sep6Request::new(&tx, &asset, params, lang).with_funding_method(method.as_deref());
    let answer = ctx.integrations.sep6.process_withdrawal(&request).await?;
    respond(ctx, tx, &asset, answer).await
}

async fn respond(
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
            let stored = tx.clone();
            ctx.store
                .run(move |c| transactions::insert(c, &stored))
                .await?;
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
    if tx.kind == Kind::Deposit {
        // `how` is deprecated: sent only when the anchor wrote one.
        if let Some(how) = how.filter(|h| !h.is_empty()) {
            m.insert("how".into(), Value::String(how));
        }
        if let Some(i) = instructions {
            m.insert("instructions".into(), i);
        }
    } else {
        let memo = tx.memo.clone().unwrap_or_default();
        m.insert("account_id".into(), json!(tx.receiving_anchor_account));
        m.insert("memo_type".into(), json!("hash"));
        m.insert("memo".into(), Value::String(memo));
    }
    if let Some(eta) = eta {
        m.insert("eta".into(), Value::from(eta));
    }
    let cfg = asset.operation(tx.kind);
    let mut put = |k: &str, v: Option<rust_decimal::Decimal>| {
        if let Some(v) = v {
            m.insert(k.into(), json_number(v));
        }
    };
    put("min_amount", cfg.min_amount);
    put("max_amount", cfg.max_amount);
    if ctx.integrations.fee.is_none() {
        put("fee_fixed", cfg.fee_fixed);
        put("fee_percent", cfg.fee_percent);
    }
    if let Some(extra) = extra_info {
        m.insert("extra_info".into(), extra);
    }
    Value::Object(m)
}
