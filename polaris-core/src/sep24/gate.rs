//! The gate of the SEP-24 interactive pages: who may see which page.
//!
//! A web layer hands over plain request parts (the query, the session cookie's value,
//! whether a body is multipart) and gets back what to do: go on with an authenticated
//! [`Session`] (setting its cookie when [`Session::set_cookie`] says so), or answer with
//! the [`Refusal`]'s 403 page. The decisions made here:
//!
//! - **token or cookie**: a page opened with the one-time `token` of the interactive URL
//!   ([`super::interactive::open`]) starts a session for that transaction; without a token
//!   the session cookie must be for the `transaction_id` asked;
//! - **CSRF**: a posted form carries the session's CSRF token, in the form action's query
//!   (checked before the body is read) or in a small urlencoded body; a multipart body
//!   without it is never read ([`form_credentials`]);
//! - **more-info authorization**: the signed `more_info_url` link or the session;
//! - **language**: a known `lang` of the request, else the transaction's, else English.

use uuid::Uuid;

use super::flow::Reply;
use super::interactive::{self, Denied};
use super::pages::{self, PageRequest};
use super::MORE_INFO_PATH;
use crate::model::{Asset, Kind, Transaction};
use crate::params::Params;
use crate::settings::Settings;
use crate::ui::Ui;
use crate::{ApiError, Context};

/// The session cookie's name.
pub const SESSION_COOKIE: &str = "polaris_sep24_session";

/// The outcome of the gate: go on with `T`, or answer with the refusal.
#[derive(Debug)]
pub enum Gate<T> {
    /// The request may go on.
    Pass(T),
    /// The request is refused with a 403 page.
    Refused(Refusal),
}

/// A refused request: why, and the 403 page saying so in the page language.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    /// Why the request is refused.
    pub reason: Denied,
    /// The page to answer with (status 403).
    pub reply: Reply,
}

/// An authenticated request of the interactive flow.
#[derive(Debug)]
pub struct Session {
    /// The transaction the session covers.
    pub transaction: Transaction,
    /// Its asset.
    pub asset: Asset,
    /// The page language.
    pub lang: String,
    /// The CSRF token forms of this session post back.
    pub csrf: String,
    /// A session cookie to set on the response (when the page was opened with the
    /// one-time token).
    pub set_cookie: Option<SessionCookie>,
}

/// The session cookie to set: `HttpOnly`, `SameSite=Lax` in local mode, else
/// `SameSite=None; Secure` (the pages run inside wallet popups and iframes).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionCookie {
    /// The cookie's name, [`SESSION_COOKIE`].
    pub name: &'static str,
    /// The signed session value.
    pub value: String,
    /// Its path: the SEP-24 routes under `HOST_URL`'s path, e.g. `/sep24` or `/anchor/sep24`.
    pub path: String,
    /// Whether it is only sent over https.
    pub secure: bool,
    /// `SameSite=Lax` when true, else `SameSite=None`.
    pub same_site_lax: bool,
}

/// Where a posted form's session and CSRF token are to be found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Credentials {
    /// In the form action's query: check them before reading the body.
    InQuery,
    /// In the body: read a (small, urlencoded) body first.
    InBody,
    /// Nowhere a multipart body may be read without: refuse.
    Missing,
}

impl SessionCookie {
    /// The session cookie carrying `value`, scoped to the SEP-24 routes.
    pub fn new(settings: &Settings, value: String) -> Self {
        Self {
            name: SESSION_COOKIE,
            value,
            path: format!("{}/sep24", settings.base_path()),
            secure: !settings.local_mode,
            same_site_lax: settings.local_mode,
        }
    }
}

/// The page language: a known `asked` language, else the transaction's, else English.
pub fn page_lang(settings: &Settings, asked: Option<&str>, tx: Option<&Transaction>) -> String {
    let ui = Ui::get(settings).ok();
    let known = |l: Option<&str>| ui.as_ref().and_then(|u| u.language(l?));
    known(asked)
        .or_else(|| known(tx.and_then(|t| t.lang.as_deref())))
        .unwrap_or_else(|| "en".into())
}

/// The page options of a request: its language, `callback`, parameters and CSRF token.
pub fn page_request<'a>(
    settings: &'a Settings,
    lang: &'a str,
    params: &'a Params,
    csrf: &'a str,
) -> PageRequest<'a> {
    PageRequest {
        settings,
        lang,
        callback: params.get("callback").filter(|c| !c.is_empty()),
        params,
        csrf,
    }
}

/// The refusal of a request for `reason`, in the language asked (or English).
pub fn refuse(
    settings: &Settings,
    asked: Option<&str>,
    reason: Denied,
) -> Result<Refusal, ApiError> {
    refusal(settings, &page_lang(settings, asked, None), reason)
}

fn refusal(settings: &Settings, lang: &str, reason: Denied) -> Result<Refusal, ApiError> {
    let html = pages::denied_page(settings, lang, &reason)?;
    Ok(Refusal {
        reason,
        reply: Reply::Page { status: 403, html },
    })
}

fn refused<T>(settings: &Settings, lang: &str, reason: Denied) -> Result<Gate<T>, ApiError> {
    Ok(Gate::Refused(refusal(settings, lang, reason)?))
}

/// The transaction a session cookie covers, checked against `id`.
fn session_for(
    ctx: &Context,
    cookie: Option<&str>,
    id: Option<&str>,
) -> Result<(Uuid, String), Denied> {
    let id: Uuid = id.and_then(|t| t.parse().ok()).ok_or(Denied::BadToken)?;
    interactive::check_session(ctx, cookie, id)?;
    Ok((id, cookie.unwrap_or_default().to_string()))
}

/// The transaction and asset of `id`, if of `kind`.
async fn load(
    ctx: &Context,
    id: Uuid,
    kind: Kind,
) -> Result<Option<(Transaction, Asset)>, ApiError> {
    Ok(interactive::load(ctx, id)
        .await?
        .filter(|(tx, _)| tx.kind == kind))
}

/// A page of the flow opened (`GET .../webapp`): with the one-time `token` of the
/// interactive URL, which starts a session, or with the session cookie.
pub async fn open(
    ctx: &Context,
    kind: Kind,
    query: &Params,
    cookie: Option<&str>,
) -> Result<Gate<Session>, ApiError> {
    let settings = &ctx.settings;
    let lang = page_lang(settings, query.get("lang"), None);
    let tid = query.get("transaction_id");
    let (id, session, fresh) = match query.get("token") {
        Some(token) => match interactive::open(ctx, kind, token, tid.unwrap_or_default()).await {
            Ok(id) => (id, interactive::session_token(ctx, id)?, true),
            Err(e) => return refused(settings, &lang, e),
        },
        None => match session_for(ctx, cookie, tid) {
            Ok((id, value)) => (id, value, false),
            Err(e) => return refused(settings, &lang, e),
        },
    };
    let Some((transaction, asset)) = load(ctx, id, kind).await? else {
        return refused(settings, &lang, Denied::BadToken);
    };
    let lang = page_lang(settings, query.get("lang"), Some(&transaction));
    Ok(Gate::Pass(Session {
        csrf: interactive::csrf_token(&session),
        set_cookie: fresh.then(|| SessionCookie::new(settings, session)),
        transaction,
        asset,
        lang,
    }))
}

/// Where a posted form's credentials are, from its query and whether its body is multipart.
pub fn form_credentials(query: &Params, multipart: bool) -> Credentials {
    match (query.get("csrf_token").is_some(), multipart) {
        (true, _) => Credentials::InQuery,
        (false, true) => Credentials::Missing,
        (false, false) => Credentials::InBody,
    }
}

/// A posted form: the session cookie must cover the `transaction_id` of `source` (the
/// query or the body), whose `csrf_token` must be the session's. `lang` is the query's.
pub async fn post(
    ctx: &Context,
    kind: Kind,
    source: &Params,
    lang: Option<&str>,
    cookie: Option<&str>,
) -> Result<Gate<Session>, ApiError> {
    match in_session(ctx, kind, source.get("transaction_id"), lang, cookie).await? {
        Gate::Pass(s) if source.get("csrf_token") == Some(s.csrf.as_str()) => Ok(Gate::Pass(s)),
        Gate::Pass(s) => refused(&ctx.settings, &s.lang, Denied::Csrf),
        Gate::Refused(r) => Ok(Gate::Refused(r)),
    }
}

/// A request of the session (e.g. the end of an external flow): the session cookie must
/// cover `transaction_id`, a transaction of `kind`.
pub async fn in_session(
    ctx: &Context,
    kind: Kind,
    transaction_id: Option<&str>,
    lang: Option<&str>,
    cookie: Option<&str>,
) -> Result<Gate<Session>, ApiError> {
    let settings = &ctx.settings;
    let fallback = page_lang(settings, lang, None);
    let (id, session) = match session_for(ctx, cookie, transaction_id) {
        Ok(s) => s,
        Err(e) => return refused(settings, &fallback, e),
    };
    let Some((transaction, asset)) = load(ctx, id, kind).await? else {
        return refused(settings, &fallback, Denied::BadToken);
    };
    let lang = page_lang(settings, lang, Some(&transaction));
    Ok(Gate::Pass(Session {
        csrf: interactive::csrf_token(&session),
        set_cookie: None,
        transaction,
        asset,
        lang,
    }))
}

/// The transaction of a live fee request (`GET .../webapp/fee`), a JSON endpoint: a
/// missing or foreign session is SEP-24's `authentication_required`, an unknown
/// transaction a 404.
pub async fn fee_session(
    ctx: &Context,
    kind: Kind,
    query: &Params,
    cookie: Option<&str>,
) -> Result<(Transaction, Asset), ApiError> {
    let (id, _) = session_for(ctx, cookie, query.get("transaction_id"))
        .map_err(|_| super::authentication_required())?;
    load(ctx, id, kind)
        .await?
        .ok_or_else(|| ApiError::not_found("transaction not found"))
}

/// The more-info page: opened with the signed link of `more_info_url`, or with the
/// session of the transaction `id`. It has no CSRF token (it posts nothing).
pub async fn more_info(
    ctx: &Context,
    query: &Params,
    cookie: Option<&str>,
) -> Result<Gate<Session>, ApiError> {
    let settings = &ctx.settings;
    let lang = page_lang(settings, query.get("lang"), None);
    let id = query.get("id").unwrap_or_default();
    let linked = query
        .get("token")
        .is_some_and(|t| crate::auth::links::verify(settings, MORE_INFO_PATH, id, t));
    let allowed = linked || session_for(ctx, cookie, Some(id)).is_ok();
    let Some(uuid) = id.parse::<Uuid>().ok().filter(|_| allowed) else {
        return refused(settings, &lang, Denied::NoSession);
    };
    let Some((transaction, asset)) = interactive::load(ctx, uuid).await? else {
        return refused(settings, &lang, Denied::BadToken);
    };
    let lang = page_lang(settings, query.get("lang"), Some(&transaction));
    Ok(Gate::Pass(Session {
        csrf: String::new(),
        set_cookie: None,
        transaction,
        asset,
        lang,
    }))
}

#[cfg(test)]
mod tests;
