//! The HTML pages of the interactive flow and the URLs between them.

use serde_json::{json, Value};

use super::interactive::Denied;
use super::object::transaction_json;
use crate::forms::Form;
use crate::integrations::{
    ContentRequest, InteractiveRequest, PageContent, ScriptsRequest, Template, TransactionRequest,
};
use crate::model::{Asset, Kind, Status, Transaction};
use crate::params::Params;
use crate::settings::Settings;
use crate::transfer::amount::{self, fixed};
use crate::ui::{Ui, STATIC_PREFIX};
use crate::{ApiError, Context};

/// What a page request carries once authenticated.
#[derive(Debug, Clone, Copy)]
pub struct PageRequest<'a> {
    /// The settings, for URLs.
    pub settings: &'a Settings,
    /// The page language.
    pub lang: &'a str,
    /// The wallet's `callback` (`postMessage` or a URL).
    pub callback: Option<&'a str>,
    /// The query of the request.
    pub params: &'a Params,
    /// The CSRF token forms must post back.
    pub csrf: &'a str,
}

impl<'a> PageRequest<'a> {
    /// What the interactive hooks are told of this request, for `tx` of `asset`.
    pub fn interactive<'t>(&self, tx: &'t Transaction, asset: &'t Asset) -> InteractiveRequest<'t>
    where
        'a: 't,
    {
        InteractiveRequest::new(tx, asset, self.lang, self.params).with_callback(self.callback)
    }
}

/// The interactive page of a kind of transaction; SEP-31 sends have none.
pub fn template(kind: Kind) -> Result<Template, ApiError> {
    Template::of(kind).ok_or_else(|| ApiError::internal("a SEP-31 send has no interactive page"))
}

fn with_query(settings: &Settings, path: &str, tx: &Transaction, page: &PageRequest<'_>) -> String {
    let mut url = url::Url::parse(&settings.url(path)).expect("HOST_URL joins paths");
    {
        let mut q = url.query_pairs_mut();
        q.append_pair("transaction_id", &tx.id.to_string());
        q.append_pair("lang", page.lang);
        if let Some(c) = page.callback {
            q.append_pair("callback", c);
        }
    }
    url.to_string()
}

/// The interactive page of `tx` (the session cookie authenticates it).
pub fn webapp_path(tx: &Transaction, page: &PageRequest<'_>) -> String {
    with_query(page.settings, super::webapp_path(tx.kind), tx, page)
}

/// Where the page's form posts: the session's transaction and CSRF token ride in the query,
/// so the web layer checks them before reading a (possibly large) body.
fn form_action(tx: &Transaction, page: &PageRequest<'_>) -> String {
    let mut url = url::Url::parse(&page.settings.url(super::webapp_path(tx.kind)))
        .expect("HOST_URL joins paths");
    url.query_pairs_mut()
        .append_pair("transaction_id", &tx.id.to_string())
        .append_pair("csrf_token", page.csrf);
    url.to_string()
}

/// The more-info page of `tx`, as a signed link, with the wallet's callback.
pub fn more_info_path(tx: &Transaction, page: &PageRequest<'_>) -> String {
    let mut url = super::more_info_url(page.settings, tx);
    url.push_str(&format!("&lang={}", page.lang));
    if let Some(c) = page.callback {
        url.push_str("&callback=");
        url.push_str(&url::form_urlencoded::byte_serialize(c.as_bytes()).collect::<String>());
    }
    url
}

/// The icon: the anchor's, else the stellar.toml `ORG_LOGO`, else Polaris' logo.
async fn icon(ctx: &Context, content: Option<&PageContent>) -> String {
    if let Some(path) = content.and_then(|c| c.icon_path.clone()) {
        return path;
    }
    // The served stellar.toml, cached: the toml hook is not asked on every page.
    let table = match crate::sep1::stellar_toml(ctx).await {
        Ok(text) => toml::from_str::<toml::Table>(&text).ok(),
        Err(_) => None,
    };
    table
        .as_ref()
        .and_then(|t| {
            t.get("DOCUMENTATION")?
                .get("ORG_LOGO")?
                .as_str()
                .map(str::to_string)
        })
        .unwrap_or_else(|| {
            ctx.settings.url(&format!(
                "{}polaris/logo.svg",
                STATIC_PREFIX.trim_start_matches('/')
            ))
        })
}

async fn scripts(ctx: &Context, request: &ScriptsRequest<'_>) -> Result<Vec<String>, ApiError> {
    match &ctx.integrations.scripts {
        Some(s) => Ok(s.scripts(request).await?),
        None => Ok(Vec::new()),
    }
}

/// The default heading: "Deposit USDC", "Retirar USDC"...
fn title(ui: &Ui, lang: &str, tx: &Transaction, asset: &Asset) -> String {
    let word = match tx.kind {
        Kind::Deposit => "deposit",
        Kind::Withdrawal => "withdraw",
        Kind::Send => "send",
    };
    format!("{} {}", ui.text(lang, word), asset.code)
}

/// Values every page shares: title, guidance, icon, scripts, extra.
async fn common(
    ctx: &Context,
    page: ScriptsRequest<'_>,
    content: Option<PageContent>,
    default_title: String,
) -> Result<serde_json::Map<String, Value>, ApiError> {
    let icon = icon(ctx, content.as_ref()).await;
    let c = content.unwrap_or_default();
    let mut m = serde_json::Map::new();
    m.insert("title".into(), json!(c.title.unwrap_or(default_title)));
    m.insert("guidance".into(), json!(c.guidance));
    m.insert("icon_path".into(), json!(icon));
    m.insert("icon_label".into(), json!(c.icon_label));
    m.insert("extra".into(), Value::Object(c.extra));
    m.insert("scripts".into(), json!(scripts(ctx, &page).await?));
    let static_url = ctx.settings.url(STATIC_PREFIX.trim_start_matches('/'));
    m.insert("static_url".into(), json!(static_url));
    Ok(m)
}

/// The deposit or withdrawal page with `form` (or the content alone).
pub async fn transfer_page(
    ctx: &Context,
    tx: &Transaction,
    asset: &Asset,
    page: &PageRequest<'_>,
    form: Option<&Form>,
    content: Option<PageContent>,
) -> Result<String, ApiError> {
    let ui = Ui::get(&ctx.settings)?;
    let template = template(tx.kind)?;
    let scripts = ScriptsRequest::new(template, tx, page.lang);
    let mut v = common(ctx, scripts, content, title(&ui, page.lang, tx, asset)).await?;
    if let Some(form) = form {
        let mut view = form.view(&|e| ui.error_text(page.lang, e));
        if form.is_transaction_form() {
            if let Some(f) = view["fields"].get_mut(0) {
                f["label"] = json!(ui.text(page.lang, "amount"));
            }
            let fee_url = format!(
                "{}/fee?transaction_id={}",
                page.settings.url(super::webapp_path(tx.kind)),
                tx.id
            );
            v.insert("fees".into(), json!({ "url": fee_url }));
        }
        v.insert("form".into(), view);
    }
    v.insert("action".into(), json!(form_action(tx, page)));
    v.insert("transaction_id".into(), json!(tx.id));
    v.insert("csrf".into(), json!(page.csrf));
    v.insert("callback".into(), json!(page.callback));
    v.insert("asset_code".into(), json!(asset.code));
    let (amount_in_code, amount_out_code) = side_codes(tx, asset);
    v.insert("amount_in_code".into(), json!(amount_in_code));
    v.insert("amount_out_code".into(), json!(amount_out_code));
    ui.render(template.file(), page.lang, Value::Object(v))
}

/// The more-info page: status, amounts, where to send funds, instructions, wallet callback.
pub async fn more_info_page(
    ctx: &Context,
    tx: &Transaction,
    asset: &Asset,
    page: &PageRequest<'_>,
) -> Result<String, ApiError> {
    let ui = Ui::get(&ctx.settings)?;
    let lang = page.lang;
    let req = page.interactive(tx, asset);
    let request = ContentRequest::new(req, Template::MoreInfo, None);
    let content = ctx
        .integrations
        .interactive
        .content_for_template(&request)
        .await?;
    let scripts = ScriptsRequest::new(Template::MoreInfo, tx, lang);
    let mut v = common(ctx, scripts, content, title(&ui, lang, tx, asset)).await?;
    let waiting = tx.status == Status::PendingUserTransferStart;
    if waiting && v["guidance"].is_null() {
        let key = match tx.kind {
            Kind::Deposit => "next_deposit",
            Kind::Withdrawal | Kind::Send => "next_withdraw",
        };
        v.insert("guidance".into(), json!(ui.text(lang, key)));
    }
    let status_key = format!("status_{}", tx.status.as_str());
    let status_text = ui.text(lang, &status_key);
    let status_text = if status_text == status_key {
        tx.status.as_str().replace('_', " ")
    } else {
        status_text
    };
    v.insert("status".into(), json!(tx.status.as_str()));
    v.insert("status_text".into(), json!(status_text));
    v.insert("transaction_id".into(), json!(tx.id));
    v.insert("rows".into(), json!(rows(&ui, tx, asset, lang)));
    let instructions = match (tx.kind, waiting) {
        (Kind::Deposit, true) => {
            ctx.integrations
                .deposit
                .instructions_for_pending_deposit(&TransactionRequest::new(tx))
                .await?
        }
        (Kind::Deposit | Kind::Withdrawal | Kind::Send, _) => None,
    };
    v.insert("instructions".into(), json!(instructions));
    let message = tx.status_message.as_deref().or(tx.message.as_deref());
    v.insert("message".into(), json!(message));
    v.insert("callback".into(), json!(page.callback));
    let object = transaction_json(page.settings, tx, asset);
    v.insert("transaction_json".into(), json!(object.to_string()));
    ui.render(Template::MoreInfo.file(), lang, Value::Object(v))
}

/// The codes the amount in and the amount out are counted in: the off-chain side (the
/// asset's SEP-1 `anchor_asset`, e.g. `USD`, when set) is what the user wires in for a
/// deposit and receives from a withdrawal; the other side is the Stellar asset.
fn side_codes<'a>(tx: &Transaction, asset: &'a Asset) -> (&'a str, &'a str) {
    let off_chain = asset.anchor_asset.as_deref().unwrap_or(&asset.code);
    match tx.kind {
        Kind::Deposit => (off_chain, &asset.code),
        Kind::Withdrawal | Kind::Send => (&asset.code, off_chain),
    }
}

fn rows(ui: &Ui, tx: &Transaction, asset: &Asset, lang: &str) -> Vec<(String, String)> {
    let d = asset.significant_decimals;
    let (in_code, out_code) = side_codes(tx, asset);
    let mut rows = Vec::new();
    for (key, value, code) in [
        ("amount_in", tx.amount_in, in_code),
        ("amount_fee", tx.amount_fee, asset.code.as_str()),
        ("amount_out", tx.amount_out, out_code),
    ] {
        if let Some(v) = value {
            rows.push((ui.text(lang, key), format!("{} {code}", fixed(v, d))));
        }
    }
    if tx.kind.paid_on_stellar() && tx.status == Status::PendingUserTransferStart {
        if let Some(acc) = &tx.receiving_anchor_account {
            rows.push((ui.text(lang, "send_to"), acc.clone()));
        }
        if let Some(m) = &tx.memo {
            rows.push((ui.text(lang, "memo"), m.clone()));
        }
    }
    rows
}

/// The 403 page of a refused request.
pub fn denied_page(settings: &Settings, lang: &str, why: &Denied) -> Result<String, ApiError> {
    let key = match why {
        Denied::BadToken => "bad_link",
        Denied::Reused => "reused",
        Denied::NoSession => "no_session",
        Denied::NotIncomplete => "not_incomplete",
        Denied::Csrf => "csrf",
        Denied::FlowNotDone => "flow_not_done",
    };
    error_page(settings, lang, key)
}

/// An error page showing UI string `key`.
pub fn error_page(settings: &Settings, lang: &str, key: &str) -> Result<String, ApiError> {
    let ui = Ui::get(settings)?;
    ui.render(
        "sep24/error.html",
        lang,
        json!({ "message": ui.text(lang, key), "static_url": crate::ui::static_url(settings) }),
    )
}

/// The live fee table's figures for `amount`: `{amount_in, amount_fee, amount_out}`.
pub async fn fee_preview(
    ctx: &Context,
    tx: &Transaction,
    asset: &Asset,
    amount: &str,
) -> Result<Value, ApiError> {
    let amount = amount::parse("amount", amount, asset)?;
    amount::check_max(asset.operation(tx.kind), amount)?;
    let d = asset.significant_decimals;
    match super::flow::amounts(ctx, asset, tx.kind, amount).await? {
        Some((amount_in, fee, amount_out)) => Ok(json!({
            "amount_in": fixed(amount_in, d),
            "amount_fee": fixed(fee, d),
            "amount_out": fixed(amount_out, d),
        })),
        None => Err(ApiError::bad_request("the amount does not cover the fee")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Protocol;

    #[test]
    fn the_off_chain_side_is_counted_in_the_anchored_asset() {
        let mut asset = Asset::new("SRT", "GISSUER");
        let deposit = Transaction::new(Kind::Deposit, Protocol::Sep24, 1, "GACCOUNT");
        let withdrawal = Transaction::new(Kind::Withdrawal, Protocol::Sep24, 1, "GACCOUNT");
        assert_eq!(side_codes(&deposit, &asset), ("SRT", "SRT"));
        asset.anchor_asset = Some("USD".into());
        assert_eq!(side_codes(&deposit, &asset), ("USD", "SRT"));
        assert_eq!(side_codes(&withdrawal, &asset), ("SRT", "USD"));
    }
}
