//! `POST /sep24/transactions/{deposit,withdraw}/interactive`.

use std::collections::BTreeMap;

use serde::Deserialize;
use serde_json::{json, Value};

use crate::auth::{InteractiveClaims, Subject};
use crate::integrations::{Sep9Fields, Sep9Request};
use crate::model::{Asset, Kind, MemoType, Protocol, Transaction};
use crate::params::Params;
use crate::stellar::{Address, Memo};
use crate::transfer::amount;
use crate::transfer::assets::{self, AssetRef, Naming};
use crate::transfer::exchange::{self, Sides};
use crate::{ApiError, Context};

/// SEP-9 fields a wallet may send with the request; they go to `save_sep9_fields`.
const SEP9_FIELDS: &[&str] = &[
    "first_name",
    "last_name",
    "email_address",
    "mobile_number",
    "address",
    "city",
    "postal_code",
    "state_or_province",
    "address_country_code",
    "birth_date",
    "bank_account_number",
    "bank_number",
];

/// The body of a start request (JSON, form or multipart), every field optional.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct StartRequest {
    /// The asset code.
    pub asset_code: Option<String>,
    /// The asset issuer.
    pub asset_issuer: Option<String>,
    /// The amount the user intends to transfer.
    pub amount: Option<String>,
    /// The Stellar account receiving (deposit) or sending (withdrawal) the funds.
    pub account: Option<String>,
    /// Memo for deposits to a shared account.
    pub memo: Option<String>,
    /// `text`, `id` or `hash`.
    pub memo_type: Option<String>,
    /// UI language.
    pub lang: Option<String>,
    /// Whether the wallet supports claimable balances (`true`).
    pub claimable_balance_supported: Option<String>,
    /// The wallet's name.
    pub wallet_name: Option<String>,
    /// The wallet's URL.
    pub wallet_url: Option<String>,
    /// The wallet's status callback URL.
    pub on_change_callback: Option<String>,
    /// A SEP-38 firm quote to exchange at.
    pub quote_id: Option<String>,
    /// A deposit's off-chain asset (SEP-38 id), for an exchange.
    pub source_asset: Option<String>,
    /// A withdrawal's off-chain asset (SEP-38 id), for an exchange.
    pub destination_asset: Option<String>,
    /// Any other field (SEP-9 fields among them).
    #[serde(flatten)]
    pub extra: BTreeMap<String, Value>,
}

impl StartRequest {
    fn sep9(&self) -> Sep9Fields {
        self.extra
            .iter()
            .filter(|(k, _)| SEP9_FIELDS.contains(&k.as_str()))
            .filter_map(|(k, v)| match v {
                Value::String(s) => Some((k.clone(), s.clone())),
                Value::Number(n) => Some((k.clone(), n.to_string())),
                _ => None,
            })
            .collect()
    }
}

impl StartRequest {
    /// The start request of a body's parameters (JSON, form or multipart, decoded).
    pub fn from_params(params: &Params) -> Result<Self, ApiError> {
        let object: serde_json::Map<String, Value> = params
            .all()
            .iter()
            .map(|(k, v)| (k.clone(), Value::String(v.clone())))
            .collect();
        serde_json::from_value(Value::Object(object))
            .map_err(|e| ApiError::bad_request(format!("invalid request: {e}")))
    }
}

fn check_account(account: Option<&str>) -> Result<(), ApiError> {
    match account {
        Some(a) if Address::parse(a).is_err() => Err(ApiError::bad_request("invalid 'account'")),
        _ => Ok(()),
    }
}

fn parse_memo(req: &StartRequest) -> Result<(Option<String>, MemoType), ApiError> {
    let Some(value) = req.memo.as_deref().filter(|m| !m.is_empty()) else {
        return Ok((None, MemoType::Text));
    };
    let kind = req.memo_type.as_deref().unwrap_or("text");
    let memo_type: MemoType = kind
        .parse()
        .map_err(|_| ApiError::bad_request("invalid 'memo_type'"))?;
    let memo = Memo::parse(kind, value).map_err(|e| ApiError::bad_request(e.to_string()))?;
    Ok((memo.value(), memo_type))
}

fn new_transaction(
    kind: Kind,
    asset: &Asset,
    subject: &Subject,
    client_domain: Option<String>,
    req: &StartRequest,
    lang: String,
) -> Result<Transaction, ApiError> {
    let amount = match req.amount.as_deref().filter(|a| !a.trim().is_empty()) {
        Some(text) => {
            let amount = amount::parse("amount", text, asset)?;
            amount::check_limits(asset.operation(kind), amount)?;
            Some(amount)
        }
        None => None,
    };
    check_account(req.account.as_deref())?;
    let mut tx = Transaction::new(kind, Protocol::Sep24, asset.id, subject.account.clone());
    tx.account_memo = subject.memo.map(|m| m.to_string());
    tx.muxed_account = subject.muxed_account.clone();
    tx.client_domain = client_domain;
    tx.amount_expected = amount;
    tx.lang = Some(lang);
    let target = req.account.clone().unwrap_or_else(|| subject.to_sub());
    match kind {
        Kind::Deposit => {
            let (memo, memo_type) = parse_memo(req)?;
            tx.memo = memo;
            tx.memo_type = memo_type;
            tx.to_address = Some(target);
        }
        Kind::Withdrawal | Kind::Send => tx.from_address = Some(target),
    }
    tx.claimable_balance_supported = req
        .claimable_balance_supported
        .as_deref()
        .is_some_and(|v| v.eq_ignore_ascii_case("true"));
    tx.wallet_name = req.wallet_name.clone();
    tx.wallet_url = req.wallet_url.clone();
    tx.on_change_callback = req.on_change_callback.clone();
    Ok(tx)
}

/// The interactive page's path for a kind of transaction. A SEP-31 send has no interactive
/// page (none is ever started for one); like a withdrawal, the Stellar asset comes in.
pub fn webapp_path(kind: Kind) -> &'static str {
    match kind {
        Kind::Deposit => "sep24/transactions/deposit/webapp",
        Kind::Withdrawal | Kind::Send => "sep24/transactions/withdraw/webapp",
    }
}

/// Validates the request, stores an `incomplete` transaction and returns the SEP-24 answer
/// `{"type": "interactive_customer_info_needed", "url", "id"}`.
pub async fn start(
    ctx: &Context,
    kind: Kind,
    subject: &Subject,
    client_domain: Option<String>,
    req: &StartRequest,
) -> Result<Value, ApiError> {
    let lang = super::check_lang(&ctx.settings, req.lang.as_deref())?;
    let named = AssetRef {
        code: req.asset_code.as_deref(),
        issuer: req.asset_issuer.as_deref(),
    };
    let asset = assets::find(ctx, Protocol::Sep24, named, Naming::Unique, Some(kind)).await?;
    if let Some(url) = req.on_change_callback.as_deref().filter(|u| !u.is_empty()) {
        if !super::callback::is_callback_url(&ctx.settings, url) {
            return Err(ApiError::bad_request(
                "on_change_callback is refused: it must be an https URL to an allowed host",
            ));
        }
    }
    let tx = match is_exchange(req) {
        true => {
            let plain = StartRequest {
                amount: None,
                ..req.clone()
            };
            let mut tx =
                new_transaction(kind, &asset, subject, client_domain, &plain, lang.clone())?;
            exchange_of(ctx, subject, &asset, req, &mut tx).await?;
            tx
        }
        false => new_transaction(kind, &asset, subject, client_domain, req, lang.clone())?,
    };
    let fields = req.sep9();
    if !fields.is_empty() {
        let who = subject.to_sub();
        let request = Sep9Request::new(&who, kind, &fields, &lang);
        ctx.integrations
            .interactive
            .save_sep9_fields(&request)
            .await?;
    }
    exchange::insert(ctx, tx.clone()).await?;
    let url = interactive_url(ctx, &tx, subject, &lang)?;
    Ok(json!({ "type": "interactive_customer_info_needed", "url": url, "id": tx.id }))
}

fn given(v: &Option<String>) -> Option<&str> {
    v.as_deref().filter(|t| !t.trim().is_empty())
}

/// Whether a start request is an exchange: it names a quote or the off-chain asset.
fn is_exchange(req: &StartRequest) -> bool {
    given(&req.quote_id).is_some()
        || given(&req.source_asset).is_some()
        || given(&req.destination_asset).is_some()
}

/// Fills in the exchange of `tx`: the quote when `quote_id` names one (its off-chain asset
/// and amount, when the request gives them, must be the quote's), else the off-chain asset
/// named and the amount, if any. The amount form then shows the quoted amount only.
async fn exchange_of(
    ctx: &Context,
    subject: &Subject,
    asset: &Asset,
    req: &StartRequest,
    tx: &mut Transaction,
) -> Result<(), ApiError> {
    let (name, offchain) = match tx.kind {
        Kind::Deposit => ("source_asset", given(&req.source_asset)),
        Kind::Withdrawal | Kind::Send => ("destination_asset", given(&req.destination_asset)),
    };
    let amount = given(&req.amount)
        .map(|t| amount::parse_decimals("amount", t, amount::STELLAR_DECIMALS))
        .transpose()?;
    let Some(id) = given(&req.quote_id) else {
        let (offchain, _) = exchange::offchain_asset(ctx, subject, name, offchain).await?;
        let sides = Sides::of(tx.kind, asset, &offchain);
        exchange::apply_indicative(tx, &sides, amount.unwrap_or_default());
        tx.amount_expected = amount;
        return Ok(());
    };
    let quote = exchange::quote_of(ctx, subject, id).await?;
    let offchain = match offchain {
        Some(text) => {
            exchange::offchain_asset(ctx, subject, name, Some(text))
                .await?
                .0
        }
        None => match tx.kind {
            Kind::Deposit => quote.sell_asset.clone(),
            Kind::Withdrawal | Kind::Send => quote.buy_asset.clone(),
        },
    };
    let sides = Sides::of(tx.kind, asset, &offchain);
    let amount = amount.unwrap_or(quote.sell_amount);
    exchange::check_quote(&quote, &sides, amount, None, crate::model::now())?;
    exchange::apply_quote(tx, &quote);
    Ok(())
}

fn interactive_url(
    ctx: &Context,
    tx: &Transaction,
    subject: &Subject,
    lang: &str,
) -> Result<String, ApiError> {
    let base = ctx.settings.url(webapp_path(tx.kind));
    let now = u64::try_from(chrono::Utc::now().timestamp()).unwrap_or_default();
    let claims = InteractiveClaims::new(
        &ctx.settings,
        &base,
        &tx.id.to_string(),
        &subject.to_sub(),
        subject.memo.map(|m| m.to_string()),
        now,
    );
    let token = claims
        .encode(&ctx.settings.jwt_key)
        .map_err(ApiError::internal)?;
    let mut url = url::Url::parse(&base).map_err(ApiError::internal)?;
    url.query_pairs_mut()
        .append_pair("transaction_id", &tx.id.to_string())
        .append_pair("token", &token)
        .append_pair("lang", lang);
    Ok(url.to_string())
}
