//! The SEP-24 interactive pages: the one-time token gate, the session cookie, the
//! amount form with its CSRF token, and the more-info page. Logic lives in
//! [`polaris_core::sep24::interactive`].

use actix_web::cookie::{Cookie, SameSite};
use actix_web::http::header::LOCATION;
use actix_web::{web, HttpRequest, HttpResponse};
use polaris_core::model::{Asset, Kind, Transaction};
use polaris_core::sep24::interactive::{self, Denied};
use polaris_core::sep24::{check_lang, fixed, page, webapp_path};
use polaris_core::Context;
use serde::Deserialize;
use serde_json::json;
use uuid::Uuid;

use crate::error::HttpResult;

/// The session cookie's name.
pub const SESSION_COOKIE: &str = "polaris_sep24_session";

/// Mounts the interactive pages.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route(
        "/sep24/transactions/deposit/webapp",
        web::get().to(show_deposit),
    )
    .route(
        "/sep24/transactions/deposit/webapp",
        web::post().to(post_deposit),
    )
    .route(
        "/sep24/transactions/withdraw/webapp",
        web::get().to(show_withdraw),
    )
    .route(
        "/sep24/transactions/withdraw/webapp",
        web::post().to(post_withdraw),
    )
    .route("/sep24/transaction/more_info", web::get().to(more_info));
}

/// Query of the interactive page.
#[derive(Debug, Deserialize)]
struct PageQuery {
    transaction_id: Option<String>,
    token: Option<String>,
    lang: Option<String>,
}

/// Body of the amount form.
#[derive(Debug, Deserialize)]
struct AmountForm {
    transaction_id: Option<String>,
    csrf_token: Option<String>,
    amount: Option<String>,
}

fn html(status: actix_web::http::StatusCode, body: String) -> HttpResponse {
    HttpResponse::build(status)
        .content_type("text/html; charset=utf-8")
        .insert_header(("Cache-Control", "no-store"))
        .body(body)
}

fn denied(lang: &str, why: &Denied) -> HttpResult {
    let key = match why {
        Denied::BadToken => "bad_link",
        Denied::Reused => "reused",
        Denied::NoSession => "no_session",
        Denied::NotIncomplete => "not_incomplete",
    };
    let body = page::render(
        "error.html",
        lang,
        json!({ "message": page::text(lang, key) }),
    )?;
    Ok(html(actix_web::http::StatusCode::FORBIDDEN, body))
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

fn tx_lang(tx: &Transaction) -> String {
    check_lang(tx.lang.as_deref()).unwrap_or_else(|_| "en".into())
}

fn amount_page(
    tx: &Transaction,
    asset: &Asset,
    session: &str,
    amount: &str,
    error: Option<String>,
) -> HttpResult {
    let lang = tx_lang(tx);
    let config = if tx.kind == Kind::Withdrawal {
        &asset.withdrawal
    } else {
        &asset.deposit
    };
    let d = asset.significant_decimals;
    let mut limits = Vec::new();
    if let Some(min) = config.min_amount {
        limits.push(format!("{} {}", page::text(&lang, "min"), fixed(min, d)));
    }
    if let Some(max) = config.max_amount {
        limits.push(format!("{} {}", page::text(&lang, "max"), fixed(max, d)));
    }
    let body = page::render(
        "amount.html",
        &lang,
        json!({
            "kind": tx.kind.as_str(),
            "asset": asset.code,
            "action": format!("/{}", webapp_path(tx.kind)),
            "transaction_id": tx.id,
            "csrf": interactive::csrf_token(session),
            "amount": amount,
            "limits": limits.join(" · "),
            "error": error,
        }),
    )?;
    Ok(html(actix_web::http::StatusCode::OK, body))
}

async fn show(
    ctx: web::Data<Context>,
    req: HttpRequest,
    q: web::Query<PageQuery>,
    kind: Kind,
) -> HttpResult {
    let lang = check_lang(q.lang.as_deref()).unwrap_or_else(|_| "en".into());
    let Some(tid) = q.transaction_id.as_deref() else {
        return denied(&lang, &Denied::BadToken);
    };
    let (id, session) = match q.token.as_deref() {
        Some(token) => match interactive::open(&ctx, kind, token, tid).await {
            Ok(id) => (id, interactive::session_token(&ctx, id)?),
            Err(e) => return denied(&lang, &e),
        },
        None => {
            let Ok(id) = tid.parse::<Uuid>() else {
                return denied(&lang, &Denied::BadToken);
            };
            let cookie = req.cookie(SESSION_COOKIE).map(|c| c.value().to_string());
            if let Err(e) = interactive::check_session(&ctx, cookie.as_deref(), id) {
                return denied(&lang, &e);
            }
            (id, cookie.unwrap_or_default())
        }
    };
    let Some((tx, asset)) = interactive::load(&ctx, id).await? else {
        return denied(&lang, &Denied::BadToken);
    };
    if tx.kind != kind || tx.status != polaris_core::model::Status::Incomplete {
        return denied(&lang, &Denied::NotIncomplete);
    }
    let initial = tx
        .amount_expected
        .map(|a| fixed(a, asset.significant_decimals))
        .unwrap_or_default();
    let mut resp = amount_page(&tx, &asset, &session, &initial, None)?;
    resp.add_cookie(&session_cookie(&ctx, session))
        .map_err(polaris_core::ApiError::internal)?;
    Ok(resp)
}

async fn submit(
    ctx: web::Data<Context>,
    req: HttpRequest,
    form: web::Form<AmountForm>,
    kind: Kind,
) -> HttpResult {
    let Some(id) = form
        .transaction_id
        .as_deref()
        .and_then(|t| t.parse::<Uuid>().ok())
    else {
        return denied("en", &Denied::BadToken);
    };
    let cookie = req.cookie(SESSION_COOKIE).map(|c| c.value().to_string());
    if let Err(e) = interactive::check_session(&ctx, cookie.as_deref(), id) {
        return denied("en", &e);
    }
    let session = cookie.unwrap_or_default();
    let Some((tx, asset)) = interactive::load(&ctx, id).await? else {
        return denied("en", &Denied::BadToken);
    };
    let lang = tx_lang(&tx);
    if form.csrf_token.as_deref() != Some(interactive::csrf_token(&session).as_str()) {
        let body = page::render(
            "error.html",
            &lang,
            json!({ "message": page::text(&lang, "csrf") }),
        )?;
        return Ok(html(actix_web::http::StatusCode::FORBIDDEN, body));
    }
    if tx.kind != kind {
        return denied(&lang, &Denied::NotIncomplete);
    }
    let amount = form.amount.clone().unwrap_or_default();
    match interactive::submit_amount(&ctx, tx.clone(), &asset, &amount).await {
        Ok(done) => Ok(HttpResponse::SeeOther()
            .insert_header((
                LOCATION,
                format!("/sep24/transaction/more_info?id={}", done.id),
            ))
            .finish()),
        Err(Ok(message)) => {
            let key = if message.starts_with("amount_") {
                message
            } else {
                "invalid_amount".into()
            };
            amount_page(
                &tx,
                &asset,
                &session,
                &amount,
                Some(page::text(&lang, &key)),
            )
        }
        Err(Err(api)) => Err(api.into()),
    }
}

async fn show_deposit(
    ctx: web::Data<Context>,
    req: HttpRequest,
    q: web::Query<PageQuery>,
) -> HttpResult {
    show(ctx, req, q, Kind::Deposit).await
}

async fn show_withdraw(
    ctx: web::Data<Context>,
    req: HttpRequest,
    q: web::Query<PageQuery>,
) -> HttpResult {
    show(ctx, req, q, Kind::Withdrawal).await
}

async fn post_deposit(
    ctx: web::Data<Context>,
    req: HttpRequest,
    f: web::Form<AmountForm>,
) -> HttpResult {
    submit(ctx, req, f, Kind::Deposit).await
}

async fn post_withdraw(
    ctx: web::Data<Context>,
    req: HttpRequest,
    f: web::Form<AmountForm>,
) -> HttpResult {
    submit(ctx, req, f, Kind::Withdrawal).await
}

/// Query of the more-info page.
#[derive(Debug, Deserialize)]
struct MoreInfoQuery {
    id: Option<String>,
}

async fn more_info(
    ctx: web::Data<Context>,
    req: HttpRequest,
    q: web::Query<MoreInfoQuery>,
) -> HttpResult {
    let Some(id) = q.id.as_deref().and_then(|t| t.parse::<Uuid>().ok()) else {
        return denied("en", &Denied::BadToken);
    };
    let cookie = req.cookie(SESSION_COOKIE).map(|c| c.value().to_string());
    if let Err(e) = interactive::check_session(&ctx, cookie.as_deref(), id) {
        return denied("en", &e);
    }
    let Some((tx, asset)) = interactive::load(&ctx, id).await? else {
        return denied("en", &Denied::BadToken);
    };
    let lang = tx_lang(&tx);
    let d = asset.significant_decimals;
    let mut rows = Vec::new();
    for (key, value) in [
        ("amount_in", tx.amount_in),
        ("amount_fee", tx.amount_fee),
        ("amount_out", tx.amount_out),
    ] {
        if let Some(v) = value {
            rows.push((
                page::text(&lang, key),
                format!("{} {}", fixed(v, d), asset.code),
            ));
        }
    }
    if let Some(acc) = &tx.receiving_anchor_account {
        rows.push((page::text(&lang, "send_to"), acc.clone()));
    }
    if let (Kind::Withdrawal, Some(m)) = (tx.kind, &tx.memo) {
        rows.push((page::text(&lang, "memo"), m.clone()));
    }
    let instructions = if tx.kind == Kind::Deposit {
        ctx.integrations
            .deposit
            .instructions_for_pending_deposit(&tx)
            .await
            .map_err(polaris_core::ApiError::from)?
    } else {
        None
    };
    let body = page::render(
        "more_info.html",
        &lang,
        json!({ "status": tx.status.as_str(), "transaction_id": tx.id, "rows": rows, "instructions": instructions }),
    )?;
    Ok(html(actix_web::http::StatusCode::OK, body))
}
