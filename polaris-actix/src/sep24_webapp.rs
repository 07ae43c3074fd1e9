//! The SEP-24 interactive pages: the one-time token gate, the session cookie, the form
//! loop, the live fee figures, the end of an external flow, the more-info page and the
//! static files. Who may see what is decided by [`polaris_core::sep24::gate`]; the pages
//! come from [`polaris_core::sep24::flow`] and [`polaris_core::sep24::pages`].

use actix_web::cookie::{Cookie, SameSite};
use actix_web::http::header::{self, LOCATION};
use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use polaris_core::forms::FormData;
use polaris_core::model::Kind;
use polaris_core::params::Params;
use polaris_core::sep24::flow::{self, Reply};
use polaris_core::sep24::gate::{self, Credentials, Gate, SessionCookie};
use polaris_core::sep24::interactive::Denied;
use polaris_core::sep24::pages;
use polaris_core::sep24::MORE_INFO_PATH;
use polaris_core::ui::Ui;
use polaris_core::{ApiError, Context};

use crate::body;
use crate::error::HttpResult;

/// The session cookie's name.
pub use polaris_core::sep24::gate::SESSION_COOKIE;

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

fn cookie(req: &HttpRequest) -> Option<String> {
    req.cookie(SESSION_COOKIE).map(|c| c.value().to_string())
}

fn set_cookie(resp: &mut HttpResponse, spec: SessionCookie) -> Result<(), ApiError> {
    let mut c = Cookie::build(spec.name, spec.value)
        .path(spec.path)
        .http_only(true)
        .finish();
    c.set_same_site(match spec.same_site_lax {
        true => SameSite::Lax,
        false => SameSite::None,
    });
    if spec.secure {
        c.set_secure(true);
    }
    resp.add_cookie(&c).map_err(ApiError::internal)
}

async fn show(ctx: web::Data<Context>, req: HttpRequest, kind: Kind) -> HttpResult {
    let query = Params::parse(req.query_string());
    let s = match gate::open(&ctx, kind, &query, cookie(&req).as_deref()).await? {
        Gate::Pass(s) => s,
        Gate::Refused(r) => return Ok(reply(r.reply)),
    };
    let page = gate::page_request(&ctx.settings, &s.lang, &query, &s.csrf);
    let mut resp = reply(flow::show(&ctx, s.transaction, &s.asset, &page).await?);
    if let Some(spec) = s.set_cookie {
        set_cookie(&mut resp, spec)?;
    }
    Ok(resp)
}

/// A posted form. Its session and CSRF token are checked before the body is read when
/// the form's action carries them in its query (as Polaris' pages do), see
/// [`gate::form_credentials`].
async fn submit(
    ctx: web::Data<Context>,
    req: HttpRequest,
    payload: web::Payload,
    kind: Kind,
) -> HttpResult {
    let query = Params::parse(req.query_string());
    let (lang, cookie) = (query.get("lang"), cookie(&req));
    let early = match gate::form_credentials(&query, body::is_multipart(&req)) {
        Credentials::InQuery => {
            match gate::post(&ctx, kind, &query, lang, cookie.as_deref()).await? {
                Gate::Pass(s) => Some(s),
                Gate::Refused(r) => return Ok(reply(r.reply)),
            }
        }
        Credentials::Missing => {
            return Ok(reply(
                gate::refuse(&ctx.settings, lang, Denied::Csrf)?.reply,
            ))
        }
        Credentials::InBody => None,
    };
    let (params, files) = body::read(&req, payload).await?;
    let s = match early {
        Some(s) => s,
        None => match gate::post(&ctx, kind, &params, lang, cookie.as_deref()).await? {
            Gate::Pass(s) => s,
            Gate::Refused(r) => return Ok(reply(r.reply)),
        },
    };
    let page = gate::page_request(&ctx.settings, &s.lang, &params, &s.csrf);
    let data = FormData {
        values: params.all().clone(),
        files: files.into_iter().collect(),
    };
    Ok(reply(
        flow::submit(&ctx, s.transaction, &s.asset, &page, &data).await?,
    ))
}

async fn fee(ctx: web::Data<Context>, req: HttpRequest, kind: Kind) -> HttpResult {
    let params = Params::parse(req.query_string());
    let (tx, asset) = gate::fee_session(&ctx, kind, &params, cookie(&req).as_deref()).await?;
    let amount = params.required("amount")?;
    let figures = pages::fee_preview(&ctx, &tx, &asset, amount).await?;
    Ok(HttpResponse::Ok()
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .json(figures))
}

async fn complete(ctx: web::Data<Context>, req: HttpRequest, kind: Kind) -> HttpResult {
    let params = Params::parse(req.query_string());
    let (id, lang) = (params.get("transaction_id"), params.get("lang"));
    let s = match gate::in_session(&ctx, kind, id, lang, cookie(&req).as_deref()).await? {
        Gate::Pass(s) => s,
        Gate::Refused(r) => return Ok(reply(r.reply)),
    };
    let page = gate::page_request(&ctx.settings, &s.lang, &params, &s.csrf);
    Ok(reply(
        flow::complete(&ctx, s.transaction, &s.asset, &page).await?,
    ))
}

/// The more-info page opens with the signed link of `more_info_url`, or with the session.
async fn more_info(ctx: web::Data<Context>, req: HttpRequest) -> HttpResult {
    let params = Params::parse(req.query_string());
    let s = match gate::more_info(&ctx, &params, cookie(&req).as_deref()).await? {
        Gate::Pass(s) => s,
        Gate::Refused(r) => return Ok(reply(r.reply)),
    };
    let page = gate::page_request(&ctx.settings, &s.lang, &params, "");
    Ok(html(
        200,
        pages::more_info_page(&ctx, &s.transaction, &s.asset, &page).await?,
    ))
}

/// A static file of the UI (also served under the back office's path).
pub(crate) async fn static_file(
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
