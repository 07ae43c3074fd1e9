#![forbid(unsafe_code)]
//! An existing actix-web application, "the shop", with Polaris mounted under `/anchor`.
//!
//! The shop keeps what it had: its own routes under `/api`, its own state
//! (`web::Data<Shop>`), its own CORS layer (on its own scope only) and its own cookie
//! session layer (on the whole app). Polaris is built with a base path and mounted with
//! [`Polaris::scope`]; SEP-1's stellar.toml is served at the host's root with
//! [`Polaris::well_known`], where wallets look for it. See `docs/embedding.md`.

use std::sync::atomic::{AtomicU64, Ordering};

use actix_cors::Cors;
use actix_session::storage::CookieSessionStore;
use actix_session::{Session, SessionMiddleware};
use actix_web::body::MessageBody;
use actix_web::cookie::Key;
use actix_web::dev::{ServiceFactory, ServiceRequest, ServiceResponse};
use actix_web::middleware::DefaultHeaders;
use actix_web::{web, App, HttpResponse};
use polaris_actix::Polaris;
use serde_json::json;

/// Where Polaris is mounted.
pub const PREFIX: &str = "/anchor";

/// The only origin the shop's own API accepts from browsers.
pub const SHOP_ORIGIN: &str = "https://shop.example.com";

/// The shop's session cookie (Polaris' is `polaris_sep24_session`, scoped to its path).
pub const SHOP_SESSION_COOKIE: &str = "shop_session";

/// The shop's own state.
#[derive(Debug, Default)]
pub struct Shop {
    /// The shop's name.
    pub name: String,
    /// Orders taken so far.
    pub orders: AtomicU64,
}

/// `GET /api/hello`: reads the shop's state.
async fn hello(shop: web::Data<Shop>) -> HttpResponse {
    HttpResponse::Ok().json(json!({
        "shop": shop.name,
        "orders": shop.orders.load(Ordering::SeqCst),
    }))
}

/// `POST /api/visit`: counts this browser's visits in the shop's session.
async fn visit(session: Session, shop: web::Data<Shop>) -> actix_web::Result<HttpResponse> {
    let visits = session.get::<u64>("visits")?.unwrap_or(0).saturating_add(1);
    session.insert("visits", visits)?;
    shop.orders.fetch_add(1, Ordering::SeqCst);
    Ok(HttpResponse::Ok().json(json!({ "visits": visits })))
}

/// The shop's CORS layer: its own origin only, with credentials.
pub fn shop_cors() -> Cors {
    Cors::default()
        .allowed_origin(SHOP_ORIGIN)
        .allowed_methods(["GET", "POST"])
        .supports_credentials()
        .max_age(600)
}

/// The shop's session layer: a signed cookie for the whole site.
pub fn shop_sessions(key: Key, secure: bool) -> SessionMiddleware<CookieSessionStore> {
    SessionMiddleware::builder(CookieSessionStore::default(), key)
        .cookie_name(SHOP_SESSION_COOKIE.to_string())
        .cookie_secure(secure)
        .build()
}

/// The whole application: the shop's routes, state and middleware, stellar.toml at the
/// root, and Polaris under its base path.
pub fn app(
    polaris: &Polaris,
    shop: web::Data<Shop>,
    key: Key,
) -> App<
    impl ServiceFactory<
        ServiceRequest,
        Config = (),
        Response = ServiceResponse<impl MessageBody>,
        Error = actix_web::Error,
        InitError = (),
    >,
> {
    let secure = !polaris.context().settings.local_mode;
    App::new()
        .app_data(shop)
        .wrap(shop_sessions(key, secure))
        .wrap(DefaultHeaders::new().add(("X-Shop", "embedded")))
        .service(
            web::scope("/api")
                .wrap(shop_cors())
                .route("/hello", web::get().to(hello))
                .route("/visit", web::post().to(visit)),
        )
        .configure(polaris.well_known())
        .service(polaris.scope())
}
