//! The SEP-24 interactive pages: the one-time token gate, the session cookie, the form
//! loop, the live fee figures, the end of an external flow, the more-info page and the
//! static files. Logic lives in [`polaris_core::sep24::flow`] and [`polaris_core::sep24::pages`].

use actix_web::cookie::{Cookie, SameSite};
use actix_web::http::header::{self, LOCATION};
use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use polaris_core::forms::FormData;
use polaris_core::model::{Asset, Kind, Transaction};
use polaris_core::params::Params;
use polaris_core::sep24::flow::{self, Reply};
use polaris_core::sep24::interactive::{self, Denied};
use polaris_core::sep24::pages::{self, PageRequest};
use polaris_core::sep24::MORE_INFO_PATH;
use polaris_core::ui::Ui;
use polaris_core::{ApiError, Context};
use uuid::Uuid;

use crate::body;
use crate::error::HttpResult;

/// The session cookie's name.
pub const SESSION_COOKIE: &str = "polaris_sep24_session";

/// How long browsers may keep a static file before checking its `ETag` again.
const STATIC_MAX_AGE: &str = "public, max-age=3600";

/// Mounts the interactive pages and the static files.
pub fn configure(cfg: &mut web::ServiceConfig) {
    for (kind, name) in [(Kind::Deposit, "deposit"), (Kind::Withdrawal, "withdraw")] {
        let base = format!("/sep24/transactions/{name}");
        cfg.route(
            &format!("{base}/webapp"),
            web::get().to(move |c, r| show(c, r, kind)),
        )
        .route(
            &format!("{base}/webapp"),
            web::post().to(move |c, r, p| submit(c, r, p, kind)),
        )
        .route(
            &format!("{base}/webapp/fee"),
            web::get().to(move |c, r| fee(c, r, kind)),
        )
        .route(
            &format!("{base}/interactive/complete"),
            web::get().to(move |c, r| complete(c, r, kind)),
        );
    }
    cfg.route(&format!("/{MORE_INFO_PATH}"), web::get().to(more_info))
        .route("/polaris/static/{path:.*}", web::get().to(static_file));
}

fn html(status: u16, body: String) -> HttpResponse {
    HttpResponse::build(StatusCode::from_u16(status).unwrap_or(StatusCode::OK))
        .content_type("text/html; charset=utf-8")
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .body(body)
}

fn reply(r: Reply) -> HttpResponse {
    match r {
        Reply::Page { status, html: body } => html(status, body),
        Reply::Redirect(to) => HttpResponse::SeeOther()
            .insert_header((LOCATION, to))
            .insert_header((header::CACHE_CONTROL, "no-store"))
            .finish(),
    }
}

fn denied(ctx: &Context, lang: &str, why: &Denied) -> HttpResult {
    Ok(html(403, pages::denied_page(&ctx.settings, lang, why)?))
}

fn session_cookie(ctx: &Context, value: String) -> Cookie<'static> {
    let mut c = Cookie::build(SESSION_COOKIE, value)
        .path("/sep24")
        .http_only(true)
        .finish();
    if ctx.settings.local_mode {
        c.set_same_site(SameSite::Lax);
    } else {
        c.set_same_site(SameSite::None);
        c.set_secure(true);
    }
    c
}

/// The page language: a known `lang` of the request, else the transaction's, else English.
fn page_lang(ctx: &Context, asked: Option<&str>, tx: Option<&Transaction>) -> String {
    let ui = Ui::get(&ctx.settings).ok();
    let known = |l: Option<&str>| ui.as_ref().and_then(|u| u.language(l?));
    known(asked)
        .or_else(|| known(tx.and_then(|t| t.lang.as_deref())))
        .unwrap_or_else(|| "en".into())
}

fn cookie(req: &HttpRequest) -> Option<String> {
    req.cookie(SESSION_COOKIE).map(|c| c.value().to_string())
}

/// The transaction a session cookie covers, checked against `id`.
fn session_for(
    ctx: &Context,
    req: &HttpRequest,
    id: Option<&str>,
) -> Result<(Uuid, String), Denied> {
    let id: Uuid = id.and_then(|t| t.parse().ok()).ok_or(Denied::BadToken)?;
    let value = cookie(req);
    interactive::check_session(ctx, value.as_deref(), id)?;
    Ok((id, value.unwrap_or_default()))
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

async fn show(ctx: web::Data<Context>, req: HttpRequest, kind: Kind) -> HttpResult {
    let params = Params::parse(req.query_string());
    let lang = page_lang(&ctx, params.get("lang"), None);
    let tid = params.get("transaction_id");
    let (id, session, fresh) = match params.get("token") {
        Some(token) => match interactive::open(&ctx, kind, token, tid.unwrap_or_default()).await {
            Ok(id) => (id, interactive::session_token(&ctx, id)?, true),
            Err(e) => return denied(&ctx, &lang, &e),
        },
        None => match session_for(&ctx, &req, tid) {
            Ok((id, value)) => (id, value, false),
            Err(e) => return denied(&ctx, &lang, &e),
        },
    };
    let Some((tx, asset)) = load(&ctx, id, kind).await? else {
        return denied(&ctx, &lang, &Denied::BadToken);
    };
    let lang = page_lang(&ctx, params.get("lang"), Some(&tx));
    let csrf = interactive::csrf_token(&session);
    let page = page_request(&ctx, &lang, &params, &csrf);
    let mut resp = reply(flow::show(&ctx, tx, &asset, &page).await?);
    if fresh {
        resp.add_cookie(&session_cookie(&ctx, session))
            .map_err(ApiError::internal)?;
    }
    Ok(resp)
}

fn page_request<'a>(
    ctx: &'a Context,
    lang: &'a str,
    params: &'a Params,
    csrf: &'a str,
) -> PageRequest<'a> {
    PageRequest {
        settings: &ctx.settings,
        lang,
        callback: params.get("callback").filter(|c| !c.is_empty()),
        params,
        csrf,
    }
}

/// A posted form. The session and the CSRF token are checked before the body is read when
/// the form's action carries them in its query (as Polaris' pages do); a multipart body is
/// never read without them. Otherwise a small body is read and they are taken from it.
async fn submit(
    ctx: web::Data<Context>,
    req: HttpRequest,
    payload: web::Payload,
    kind: Kind,
) -> HttpResult {
    let query = Params::parse(req.query_string());
    let lang = query.get("lang");
    let early = match query.get("csrf_token") {
        Some(_) => match authenticate(&ctx, &req, kind, &query, lang).await? {
            Ok(found) => Some(found),
            Err(refused) => return Ok(refused),
        },
        None if body::is_multipart(&req) => {
            return denied(&ctx, &page_lang(&ctx, lang, None), &Denied::Csrf);
        }
        None => None,
    };
    let (params, files) = body::read(&req, payload).await?;
    let (tx, asset, lang, csrf) = match early {
        Some(found) => found,
        None => match authenticate(&ctx, &req, kind, &params, lang).await? {
            Ok(found) => found,
            Err(refused) => return Ok(refused),
        },
    };
    let page = page_request(&ctx, &lang, &params, &csrf);
    let data = FormData {
        values: params.all().clone(),
        files: files.into_iter().collect(),
    };
    Ok(reply(flow::submit(&ctx, tx, &asset, &page, &data).await?))
}

/// [`in_session`] for the `transaction_id` of `source`, whose `csrf_token` must match.
async fn authenticate(
    ctx: &Context,
    req: &HttpRequest,
    kind: Kind,
    source: &Params,
    lang: Option<&str>,
) -> HttpResult<Result<(Transaction, Asset, String, String), HttpResponse>> {
    let found = in_session(ctx, req, kind, source.get("transaction_id"), lang).await?;
    Ok(match found {
        Ok(found) if source.get("csrf_token") == Some(found.3.as_str()) => Ok(found),
        Ok(found) => Err(denied(ctx, &found.2, &Denied::Csrf)?),
        Err(refused) => Err(refused),
    })
}

/// The transaction of a request authenticated by its session cookie, with the page
/// language and the CSRF token; or the 403 page to answer.
async fn in_session(
    ctx: &Context,
    req: &HttpRequest,
    kind: Kind,
    transaction_id: Option<&str>,
    lang: Option<&str>,
) -> HttpResult<Result<(Transaction, Asset, String, String), HttpResponse>> {
    let fallback = page_lang(ctx, lang, None);
    let (id, session) = match session_for(ctx, req, transaction_id) {
        Ok(s) => s,
        Err(e) => return Ok(Err(denied(ctx, &fallback, &e)?)),
    };
    let Some((tx, asset)) = load(ctx, id, kind).await? else {
        return Ok(Err(denied(ctx, &fallback, &Denied::BadToken)?));
    };
    let lang = page_lang(ctx, lang, Some(&tx));
    Ok(Ok((tx, asset, lang, interactive::csrf_token(&session))))
}

async fn fee(ctx: web::Data<Context>, req: HttpRequest, kind: Kind) -> HttpResult {
    let params = Params::parse(req.query_string());
    let (id, _) = session_for(&ctx, &req, params.get("transaction_id"))
        .map_err(|_| polaris_core::sep24::authentication_required())?;
    let (tx, asset) = load(&ctx, id, kind)
        .await?
        .ok_or_else(|| ApiError::not_found("transaction not found"))?;
    let amount = params.required("amount")?;
    let figures = pages::fee_preview(&ctx, &tx, &asset, amount).await?;
    Ok(HttpResponse::Ok()
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .json(figures))
}

async fn complete(ctx: web::Data<Context>, req: HttpRequest, kind: Kind) -> HttpResult {
    let params = Params::parse(req.query_string());
    let (tx, asset, lang, csrf) = match in_session(
        &ctx,
        &req,
        kind,
        params.get("transaction_id"),
        params.get("lang"),
    )
    .await?
    {
        Ok(found) => found,
        Err(refused) => return Ok(refused),
    };
    let page = page_request(&ctx, &lang, &params, &csrf);
    Ok(reply(flow::complete(&ctx, tx, &asset, &page).await?))
}

/// The more-info page opens with the signed link of `more_info_url`, or with the session.
async fn more_info(ctx: web::Data<Context>, req: HttpRequest) -> HttpResult {
    let params = Params::parse(req.query_string());
    let lang = page_lang(&ctx, params.get("lang"), None);
    let id = params.get("id").unwrap_or_default();
    let linked = params
        .get("token")
        .is_some_and(|t| polaris_core::auth::links::verify(&ctx.settings, MORE_INFO_PATH, id, t));
    let allowed = linked || session_for(&ctx, &req, Some(id)).is_ok();
    let Some(uuid) = id.parse::<Uuid>().ok().filter(|_| allowed) else {
        return denied(&ctx, &lang, &Denied::NoSession);
    };
    let Some((tx, asset)) = interactive::load(&ctx, uuid).await? else {
        return denied(&ctx, &lang, &Denied::BadToken);
    };
    let lang = page_lang(&ctx, params.get("lang"), Some(&tx));
    let page = page_request(&ctx, &lang, &params, "");
    Ok(html(
        200,
        pages::more_info_page(&ctx, &tx, &asset, &page).await?,
    ))
}

async fn static_file(
    ctx: web::Data<Context>,
    req: HttpRequest,
    path: web::Path<String>,
) -> HttpResult {
    let ui = Ui::get(&ctx.settings)?;
    let file = ui
        .static_file(&path)
        .ok_or_else(|| ApiError::not_found("no such file"))?;
    let fresh = req
        .headers()
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|t| t.trim() == file.etag));
    let mut resp = if fresh {
        HttpResponse::NotModified()
    } else {
        HttpResponse::Ok()
    };
    resp.insert_header((header::ETAG, file.etag.clone()))
        .insert_header((header::CACHE_CONTROL, STATIC_MAX_AGE));
    if fresh {
        return Ok(resp.finish());
    }
    Ok(resp
        .content_type(file.content_type)
        .body(file.body.into_owned()))
}
