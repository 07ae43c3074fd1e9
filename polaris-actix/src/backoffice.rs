//! The back office's routes under `BACKOFFICE_PATH` (default `/admin`), mounted by
//! [`Polaris::configure`](crate::Polaris::configure) only when `BACKOFFICE_PASSWORD_HASH`
//! is set. Glue only: the pages and actions are [`polaris_core::backoffice`]'s; this
//! module owns the session cookie (actix-session's cookie store, encrypted with a key
//! derived from `SERVER_JWT_KEY`; HttpOnly, SameSite=Strict, Secure under an https
//! `HOST_URL`), signs operators in and out, and refuses every POST whose CSRF token is not
//! the session's with a 403.

use std::collections::BTreeMap;

use actix_session::config::{BrowserSession, CookieContentSecurity};
use actix_session::storage::CookieSessionStore;
use actix_session::{Session, SessionMiddleware};
use actix_web::cookie::{Key, SameSite};
use actix_web::http::header::{self, LOCATION};
use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use polaris_core::backoffice::{self as bo, assets, auth, pages, payments, Flash, View};
use polaris_core::params::Params;
use polaris_core::{ApiError, Context, Settings};
use uuid::Uuid;

/// The back office's session cookie.
pub const SESSION_COOKIE: &str = "polaris_backoffice";

/// The most a back-office form body may hold, in bytes.
const FORM_LIMIT: usize = 64 * 1024;

const NONCE: &str = "nonce";
const UNTIL: &str = "signed_in_until";
const FLASH: &str = "flash";

/// Mounts the back office under `BACKOFFICE_PATH`, when it is enabled.
pub fn configure(cfg: &mut web::ServiceConfig, settings: &Settings) {
    if !settings.backoffice.enabled() {
        return;
    }
    let scope = web::scope(&settings.backoffice.path)
        .wrap(sessions(settings))
        .route("", web::get().to(home))
        .route("/", web::get().to(home))
        .route("/login", web::get().to(login_form))
        .route("/login", web::post().to(login))
        .route("/logout", web::post().to(logout))
        .route("/transactions", web::get().to(transactions))
        .route("/transactions/{id}", web::get().to(transaction))
        .route("/transactions/{id}/operations", web::post().to(operation))
        .route("/assets", web::get().to(asset_list))
        .route("/assets/new", web::get().to(asset_new))
        .route("/assets/new", web::post().to(asset_create))
        .route("/assets/{id}", web::get().to(asset_edit))
        .route("/assets/{id}", web::post().to(asset_update))
        .route("/payments", web::get().to(payment_list))
        .route("/payments/match", web::post().to(payment_match))
        .route("/payments/refund", web::post().to(payment_refund))
        .route("/customers", web::get().to(customers))
        .route(
            "/static/{path:.*}",
            web::get().to(crate::sep24_webapp::static_file),
        );
    cfg.service(scope);
}

fn sessions(settings: &Settings) -> SessionMiddleware<CookieSessionStore> {
    let key = Key::from(&auth::session_key(settings));
    SessionMiddleware::builder(CookieSessionStore::default(), key)
        .cookie_name(SESSION_COOKIE.into())
        .cookie_path(bo::prefix(settings))
        .cookie_http_only(true)
        .cookie_same_site(SameSite::Strict)
        .cookie_secure(settings.host_url.scheme() == "https")
        .cookie_content_security(CookieContentSecurity::Private)
        .session_lifecycle(BrowserSession::default())
        .build()
}

fn html(status: u16, body: String) -> HttpResponse {
    HttpResponse::build(StatusCode::from_u16(status).unwrap_or(StatusCode::OK))
        .content_type("text/html; charset=utf-8")
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .insert_header(("X-Frame-Options", "DENY"))
        .insert_header((
            "Content-Security-Policy",
            "default-src 'self'; frame-ancestors 'none'; form-action 'self'",
        ))
        .body(body)
}

fn redirect(to: String) -> HttpResponse {
    HttpResponse::SeeOther()
        .insert_header((LOCATION, to))
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .finish()
}

fn to(ctx: &Context, path: &str) -> HttpResponse {
    redirect(format!("{}{path}", bo::prefix(&ctx.settings)))
}

/// What a handler returns: a response, or an error shown as a page with its status.
type Page = Result<HttpResponse, ApiError>;

/// The signed-in operator's session: its nonce (the CSRF token's seed) and pending flash.
struct Operator {
    nonce: String,
    flash: Option<Flash>,
}

impl Operator {
    fn view<'a>(&'a self, settings: &'a Settings, csrf: &'a str) -> View<'a> {
        View {
            settings,
            csrf,
            flash: self.flash.as_ref(),
        }
    }
}

/// The operator of this session, if signed in and not expired.
fn operator(session: &Session) -> Option<Operator> {
    let until = session.get::<i64>(UNTIL).ok().flatten()?;
    if until <= polaris_core::model::now().timestamp() {
        session.purge();
        return None;
    }
    let nonce = session.get::<String>(NONCE).ok().flatten()?;
    let flash = session.remove_as::<Flash>(FLASH).and_then(Result::ok);
    Some(Operator { nonce, flash })
}

/// Renders a page for a signed-in operator, or sends the browser to the sign-in page.
async fn signed_in<F, Fut>(ctx: web::Data<Context>, session: Session, page: F) -> HttpResponse
where
    F: FnOnce(web::Data<Context>, Operator, String) -> Fut,
    Fut: std::future::Future<Output = Page>,
{
    let Some(op) = operator(&session) else {
        return to(&ctx, "/login");
    };
    let csrf = auth::csrf_token(&ctx.settings, &op.nonce);
    let (settings, nonce) = (ctx.settings.clone(), op.nonce.clone());
    match page(ctx, op, csrf.clone()).await {
        Ok(resp) => resp,
        Err(e) => error_page(&settings, &nonce, &e),
    }
}

fn error_page(settings: &Settings, nonce: &str, e: &ApiError) -> HttpResponse {
    let csrf = auth::csrf_token(settings, nonce);
    let view = View {
        settings,
        csrf: &csrf,
        flash: None,
    };
    let message = e.body["error"].as_str().unwrap_or("The request failed.");
    let title = match e.status {
        404 => "Not found",
        403 => "Refused",
        400..=499 => "Bad request",
        _ => "Something went wrong",
    };
    match bo::message_page(&view, title, message) {
        Ok(body) => html(e.status, body),
        Err(_) => HttpResponse::build(StatusCode::INTERNAL_SERVER_ERROR).body(title),
    }
}

fn forbidden(settings: &Settings, nonce: &str) -> HttpResponse {
    let e = ApiError::new(
        403,
        "The form expired or did not come from this back office: reload the page and try again.",
    );
    error_page(settings, nonce, &e)
}

/// A posted form of a signed-in operator whose CSRF token is the session's, or the answer
/// refusing it (the sign-in page, a 403).
async fn posted(
    ctx: &Context,
    session: &Session,
    payload: web::Payload,
) -> Result<(Operator, Params), HttpResponse> {
    let Some(op) = operator(session) else {
        return Err(to(ctx, "/login"));
    };
    let params = match crate::body::limited(payload, FORM_LIMIT).await {
        Ok(bytes) => Params::parse(&String::from_utf8_lossy(&bytes)),
        Err(e) => return Err(error_page(&ctx.settings, &op.nonce, &e)),
    };
    let token = params.get("csrf_token").unwrap_or_default();
    if !auth::csrf_ok(&ctx.settings, &op.nonce, token) {
        return Err(forbidden(&ctx.settings, &op.nonce));
    }
    Ok((op, params))
}

fn flash(session: &Session, flash: Flash) {
    if let Err(e) = session.insert(FLASH, flash) {
        tracing::warn!(error = %e, "back office flash not kept");
    }
}

async fn home(ctx: web::Data<Context>) -> HttpResponse {
    to(&ctx, "/transactions")
}

/// The session's nonce, made now when it has none (before sign-in, for the login form).
fn nonce(session: &Session) -> String {
    if let Some(n) = session.get::<String>(NONCE).ok().flatten() {
        return n;
    }
    let n = auth::new_nonce();
    let _ = session.insert(NONCE, &n);
    n
}

fn login_page(ctx: &Context, session: &Session, status: u16, error: Option<&str>) -> HttpResponse {
    let csrf = auth::csrf_token(&ctx.settings, &nonce(session));
    match bo::login_page(&ctx.settings, &csrf, error) {
        Ok(body) => html(status, body),
        Err(e) => error_page(&ctx.settings, "", &e),
    }
}

async fn login_form(ctx: web::Data<Context>, session: Session) -> HttpResponse {
    if operator(&session).is_some() {
        return to(&ctx, "/transactions");
    }
    login_page(&ctx, &session, 200, None)
}

async fn login(ctx: web::Data<Context>, session: Session, payload: web::Payload) -> HttpResponse {
    let params = match crate::body::limited(payload, FORM_LIMIT).await {
        Ok(bytes) => Params::parse(&String::from_utf8_lossy(&bytes)),
        Err(e) => return error_page(&ctx.settings, "", &e),
    };
    let session_nonce = session
        .get::<String>(NONCE)
        .ok()
        .flatten()
        .unwrap_or_default();
    if !auth::csrf_ok(
        &ctx.settings,
        &session_nonce,
        params.get("csrf_token").unwrap_or_default(),
    ) {
        return forbidden(&ctx.settings, &session_nonce);
    }
    let throttle = auth::throttle();
    let accepted =
        throttle.allows() && check_password(&ctx, params.get("password").unwrap_or_default()).await;
    if !accepted {
        throttle.failed();
        tracing::warn!("back office sign-in refused");
        tokio::time::sleep(auth::FAILURE_DELAY).await;
        return login_page(&ctx, &session, 401, Some("Sign-in refused."));
    }
    session.renew();
    let until =
        polaris_core::model::now().timestamp() + ctx.settings.backoffice.session_seconds as i64;
    let stored = session
        .insert(NONCE, auth::new_nonce())
        .and_then(|_| session.insert(UNTIL, until));
    if let Err(e) = stored {
        return error_page(&ctx.settings, "", &ApiError::internal(e));
    }
    tracing::info!("back office sign-in");
    to(&ctx, "/transactions")
}

async fn check_password(ctx: &Context, password: &str) -> bool {
    let Some(hash) = ctx.settings.backoffice.password_hash.clone() else {
        return false;
    };
    let password = password.to_string();
    tokio::task::spawn_blocking(move || auth::verify_password(hash.expose(), &password))
        .await
        .unwrap_or(false)
}

async fn logout(ctx: web::Data<Context>, session: Session, payload: web::Payload) -> HttpResponse {
    if let Err(resp) = posted(&ctx, &session, payload).await {
        return resp;
    }
    session.purge();
    to(&ctx, "/login")
}

async fn transactions(ctx: web::Data<Context>, session: Session, req: HttpRequest) -> HttpResponse {
    let params = Params::parse(req.query_string());
    signed_in(ctx, session, |ctx, op, csrf| async move {
        let view = op.view(&ctx.settings, &csrf);
        let (status, body) = pages::transactions_page(&ctx, &view, &params).await?;
        Ok(html(status, body))
    })
    .await
}

fn transaction_id(text: &str) -> Result<Uuid, ApiError> {
    text.parse()
        .map_err(|_| ApiError::not_found(format!("no transaction {text}")))
}

async fn transaction(
    ctx: web::Data<Context>,
    session: Session,
    path: web::Path<String>,
) -> HttpResponse {
    signed_in(ctx, session, |ctx, op, csrf| async move {
        let id = transaction_id(&path)?;
        let view = op.view(&ctx.settings, &csrf);
        Ok(html(200, pages::transaction_page(&ctx, &view, id).await?))
    })
    .await
}

async fn operation(
    ctx: web::Data<Context>,
    session: Session,
    path: web::Path<String>,
    payload: web::Payload,
) -> HttpResponse {
    let (op, params) = match posted(&ctx, &session, payload).await {
        Ok(p) => p,
        Err(resp) => return resp,
    };
    let id = match transaction_id(&path) {
        Ok(id) => id,
        Err(e) => return error_page(&ctx.settings, &op.nonce, &e),
    };
    flash(&session, bo::actions::apply(&ctx, id, &params).await);
    to(&ctx, &format!("/transactions/{id}"))
}

async fn asset_list(ctx: web::Data<Context>, session: Session) -> HttpResponse {
    signed_in(ctx, session, |ctx, op, csrf| async move {
        let view = op.view(&ctx.settings, &csrf);
        Ok(html(200, assets::list_page(&ctx, &view).await?))
    })
    .await
}

async fn asset_new(ctx: web::Data<Context>, session: Session) -> HttpResponse {
    signed_in(ctx, session, |ctx, op, csrf| async move {
        let view = op.view(&ctx.settings, &csrf);
        Ok(html(
            200,
            assets::form_page(&view, None, None, &BTreeMap::new())?,
        ))
    })
    .await
}

fn asset_id(text: &str) -> Result<i64, ApiError> {
    text.parse()
        .map_err(|_| ApiError::not_found(format!("no asset {text}")))
}

async fn asset_edit(
    ctx: web::Data<Context>,
    session: Session,
    path: web::Path<String>,
) -> HttpResponse {
    signed_in(ctx, session, |ctx, op, csrf| async move {
        let asset = assets::load(&ctx, asset_id(&path)?).await?;
        let view = op.view(&ctx.settings, &csrf);
        Ok(html(
            200,
            assets::form_page(&view, Some(&asset), None, &BTreeMap::new())?,
        ))
    })
    .await
}

async fn asset_create(
    ctx: web::Data<Context>,
    session: Session,
    payload: web::Payload,
) -> HttpResponse {
    save_asset(ctx, session, payload, None).await
}

async fn asset_update(
    ctx: web::Data<Context>,
    session: Session,
    path: web::Path<String>,
    payload: web::Payload,
) -> HttpResponse {
    save_asset(ctx, session, payload, Some(path.into_inner())).await
}

async fn save_asset(
    ctx: web::Data<Context>,
    session: Session,
    payload: web::Payload,
    id: Option<String>,
) -> HttpResponse {
    let (op, params) = match posted(&ctx, &session, payload).await {
        Ok(p) => p,
        Err(resp) => return resp,
    };
    let csrf = auth::csrf_token(&ctx.settings, &op.nonce);
    let result: Page = async {
        let existing = match &id {
            Some(id) => Some(assets::load(&ctx, asset_id(id)?).await?),
            None => None,
        };
        match assets::save(&ctx, existing.clone(), &params).await? {
            assets::Saved::Asset(a) => {
                flash(&session, Flash::ok(format!("Asset {} saved.", a.code)));
                Ok(to(&ctx, "/assets"))
            }
            assets::Saved::Invalid(values, errors) => {
                let view = op.view(&ctx.settings, &csrf);
                Ok(html(
                    400,
                    assets::form_page(&view, existing.as_ref(), Some(values), &errors)?,
                ))
            }
        }
    }
    .await;
    result.unwrap_or_else(|e| error_page(&ctx.settings, &op.nonce, &e))
}

async fn payment_list(ctx: web::Data<Context>, session: Session) -> HttpResponse {
    signed_in(ctx, session, |ctx, op, csrf| async move {
        let view = op.view(&ctx.settings, &csrf);
        Ok(html(200, payments::list_page(&ctx, &view).await?))
    })
    .await
}

async fn payment_match(
    ctx: web::Data<Context>,
    session: Session,
    payload: web::Payload,
) -> HttpResponse {
    let (_, params) = match posted(&ctx, &session, payload).await {
        Ok(p) => p,
        Err(resp) => return resp,
    };
    let token = params.get("paging_token").unwrap_or_default();
    let tx = params.get("transaction_id").unwrap_or_default();
    flash(&session, payments::match_payment(&ctx, token, tx).await);
    to(&ctx, "/payments")
}

async fn payment_refund(
    ctx: web::Data<Context>,
    session: Session,
    payload: web::Payload,
) -> HttpResponse {
    let (_, params) = match posted(&ctx, &session, payload).await {
        Ok(p) => p,
        Err(resp) => return resp,
    };
    let token = params.get("paging_token").unwrap_or_default();
    let reference = params.get("reference").unwrap_or_default();
    flash(
        &session,
        payments::refund_payment(&ctx, token, reference).await,
    );
    to(&ctx, "/payments")
}

async fn customers(ctx: web::Data<Context>, session: Session, req: HttpRequest) -> HttpResponse {
    let params = Params::parse(req.query_string());
    signed_in(ctx, session, |ctx, op, csrf| async move {
        let view = op.view(&ctx.settings, &csrf);
        let (status, body) = pages::customers_page(&ctx, &view, &params).await?;
        Ok(html(status, body))
    })
    .await
}
