//! The Polaris handle: built by [`PolarisBuilder`] (core's context builder), mountable on
//! any actix-web `App`.

use actix_web::web;
use polaris_core::context::ContextBuilder;
use polaris_core::ratelimit::RateLimiter;
use polaris_core::settings::Sep;
use polaris_core::{Context, Settings};

pub use polaris_core::context::BuildError;

/// Polaris, built: the shared context, ready to be mounted on any actix-web `App`.
#[derive(Clone)]
pub struct Polaris {
    ctx: web::Data<Context>,
    limiter: web::Data<RateLimiter>,
}

/// Collects settings, integrations and options; `build()` opens the store and returns the
/// mountable [`Polaris`]. The setters are those of core's
/// [`ContextBuilder`](polaris_core::context::ContextBuilder).
pub type PolarisBuilder = ContextBuilder<Polaris>;

impl From<Context> for Polaris {
    fn from(ctx: Context) -> Self {
        Self {
            limiter: web::Data::new(RateLimiter::new(&ctx.settings)),
            ctx: web::Data::new(ctx),
        }
    }
}

impl Polaris {
    /// Starts a builder from validated settings.
    pub fn builder(settings: Settings) -> PolarisBuilder {
        ContextBuilder::new(settings)
    }

    /// The shared context (settings, store, Horizon, integrations).
    pub fn context(&self) -> &Context {
        &self.ctx
    }

    /// The middleware that records every request of the app in this context's metrics
    /// (method, route pattern, status, latency; see `docs/metrics.md`). Wrap the whole app
    /// with it, so that requests matching no route are counted too:
    /// `App::new().wrap(polaris.http_metrics()).configure(polaris.configure())`.
    pub fn http_metrics(&self) -> crate::metrics::HttpMetrics {
        crate::metrics::HttpMetrics::new(self.ctx.metrics.clone())
    }

    /// A closure for `App::configure` that mounts every active SEP's routes at the root of
    /// the app (or of the scope it is called in), with Polaris' request configuration
    /// (body limits, SEP-shaped extractor errors) as data of that app or scope, and the
    /// back office under `BACKOFFICE_PATH` when `BACKOFFICE_PASSWORD_HASH` is set (see
    /// [`crate::backoffice`]).
    ///
    /// `GET /health` and `GET /ready` ([`crate::health`]) are always mounted beside them,
    /// and `GET /metrics` when `METRICS_ENABLED` is set without `METRICS_BIND`
    /// ([`crate::metrics`]). The rate limits of [`crate::ratelimit`] apply to the routes
    /// mounted here.
    ///
    /// With a path in `HOST_URL` ([`PolarisBuilder::base_path`](polaris_core::context::ContextBuilder::base_path)), the URLs Polaris writes
    /// carry it: mount with [`Polaris::scope`] instead, unless a proxy in front strips the
    /// prefix before requests reach this app.
    ///
    /// ```no_run
    /// # async fn run(polaris: polaris_actix::Polaris) -> std::io::Result<()> {
    /// use actix_web::{App, HttpServer};
    /// HttpServer::new(move || App::new().configure(polaris.configure()))
    ///     .bind(("127.0.0.1", 8000))?
    ///     .run()
    ///     .await
    /// # }
    /// ```
    pub fn configure(&self) -> impl Fn(&mut web::ServiceConfig) + Clone + 'static {
        let ctx = self.ctx.clone();
        let limiter = self.limiter.clone();
        move |cfg: &mut web::ServiceConfig| {
            cfg.app_data(ctx.clone()).app_data(limiter.clone());
            crate::error::configure(cfg);
            crate::health::configure(cfg);
            if ctx.settings.metrics.on_public_routes() {
                crate::metrics::configure(cfg);
            }
            if ctx.settings.is_active(Sep::Sep1) {
                crate::sep1::configure(cfg);
            }
            if ctx.settings.is_active(Sep::Sep10) {
                crate::sep10::configure(cfg);
            }
            if ctx.settings.is_active(Sep::Sep6) {
                crate::sep6::configure(cfg);
            }
            if ctx.settings.is_active(Sep::Sep12) {
                crate::sep12::configure(cfg);
            }
            if ctx.settings.is_active(Sep::Sep24) {
                crate::sep24::configure(cfg);
                crate::sep24_webapp::configure(cfg);
            }
            if ctx.settings.is_active(Sep::Sep38) {
                crate::sep38::configure(cfg);
            }
            crate::backoffice::configure(cfg, &ctx.settings);
        }
    }
}

impl Polaris {
    /// Every active SEP's routes in a scope at `HOST_URL`'s path (see
    /// [`PolarisBuilder::base_path`](polaris_core::context::ContextBuilder::base_path)), for an existing app serving its own routes beside
    /// them. Polaris' request configuration stays inside the scope, so the app's own
    /// extractors keep theirs; the app's own middleware may wrap the scope (or not: wrap
    /// only the app's own scopes with a CORS layer, Polaris' routes carry theirs). A scope
    /// answers every path under its prefix: with no base path it matches every request, so
    /// register it after the app's own routes.
    ///
    /// ```no_run
    /// # async fn run(polaris: polaris_actix::Polaris) -> std::io::Result<()> {
    /// use actix_web::{web, App, HttpResponse, HttpServer};
    /// HttpServer::new(move || {
    ///     App::new()
    ///         .route("/", web::get().to(|| async { HttpResponse::Ok().body("my app") }))
    ///         .configure(polaris.well_known())
    ///         .service(polaris.scope())
    /// })
    /// .bind(("127.0.0.1", 8000))?
    /// .run()
    /// .await
    /// # }
    /// ```
    pub fn scope(&self) -> actix_web::Scope {
        web::scope(self.ctx.settings.base_path()).configure(self.configure())
    }

    /// A closure for `App::configure` that serves SEP-1's `/.well-known/stellar.toml` at
    /// the root of the host, where wallets look for it, when Polaris itself is mounted
    /// under a path with [`Polaris::scope`]. Nothing is mounted when SEP-1 is not active.
    pub fn well_known(&self) -> impl Fn(&mut web::ServiceConfig) + Clone + 'static {
        let ctx = self.ctx.clone();
        move |cfg: &mut web::ServiceConfig| {
            if ctx.settings.is_active(Sep::Sep1) {
                cfg.app_data(ctx.clone());
                crate::sep1::configure(cfg);
            }
        }
    }
}
