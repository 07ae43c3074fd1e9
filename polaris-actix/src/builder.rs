//! The Polaris builder: settings and integrations in, a mountable handle out.

use std::sync::Arc;

use actix_web::web;
use polaris_core::context::NoHorizon;
use polaris_core::integrations::{
    CustomerIntegration, DepositIntegration, FeeIntegration, InfoIntegration, Integrations,
    InteractiveIntegration, QuoteIntegration, RailsIntegration, ScriptsIntegration,
    Sep6Integration, TomlIntegration,
};
use polaris_core::settings::Sep;
use polaris_core::stellar::{Horizon, HorizonClient};
use polaris_core::{Context, Settings, Store, StoreError};

/// Polaris, built: the shared context, ready to be mounted on any actix-web `App`.
#[derive(Clone)]
pub struct Polaris {
    ctx: web::Data<Context>,
}

/// Collects settings, integrations and options; [`PolarisBuilder::build`] opens the store.
pub struct PolarisBuilder {
    settings: Settings,
    integrations: Integrations,
    horizon: Option<Arc<dyn Horizon>>,
    store: Option<Store>,
    migrate: bool,
}

/// Why Polaris could not be built.
#[derive(Debug, thiserror::Error)]
pub enum BuildError {
    /// The database could not be opened, migrated or checked, or a stored asset breaks
    /// SEP-1's rules.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The Horizon client could not be created from `HORIZON_URL`.
    #[error("setting HORIZON_URL: {0}")]
    Horizon(polaris_core::stellar::HorizonError),
}

impl Polaris {
    /// Starts a builder from validated settings.
    pub fn builder(settings: Settings) -> PolarisBuilder {
        PolarisBuilder {
            settings,
            integrations: Integrations::default(),
            horizon: None,
            store: None,
            migrate: false,
        }
    }

    /// The shared context (settings, store, Horizon, integrations).
    pub fn context(&self) -> &Context {
        &self.ctx
    }

    /// A closure for `App::configure` that mounts every active SEP's routes at the root of
    /// the app (or of the scope it is called in), with Polaris' request configuration
    /// (body limits, SEP-shaped extractor errors) as data of that app or scope.
    ///
    /// With a path in `HOST_URL` ([`PolarisBuilder::base_path`]), the URLs Polaris writes
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
        move |cfg: &mut web::ServiceConfig| {
            cfg.app_data(ctx.clone());
            crate::error::configure(cfg);
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
        }
    }
}

impl Polaris {
    /// Every active SEP's routes in a scope at `HOST_URL`'s path (see
    /// [`PolarisBuilder::base_path`]), for an existing app serving its own routes beside
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

impl PolarisBuilder {
    /// Serves Polaris under `path` (e.g. `/anchor`) of `HOST_URL`'s host: sets the path of
    /// `HOST_URL`, so every URL Polaris writes (stellar.toml endpoints, interactive and
    /// more-info URLs, static files, SEP-10 issuer) and its cookie paths carry it. Mount
    /// with [`Polaris::scope`]. The same as writing the path in `HOST_URL`; `""` or `/`
    /// mounts at the root.
    pub fn base_path(mut self, path: &str) -> Self {
        let trimmed = path.trim_matches('/');
        let full = match trimmed.is_empty() {
            true => "/".to_string(),
            false => format!("/{trimmed}/"),
        };
        self.settings.host_url.set_path(&full);
        self
    }

    /// The anchor's SEP-24 interactive flow (forms, pages, external app), for deposits and
    /// withdrawals alike. Default: Polaris' amount form.
    pub fn interactive(mut self, integration: impl InteractiveIntegration) -> Self {
        self.integrations.interactive = Arc::new(integration);
        self
    }

    /// The anchor's SEP-6 decisions. Default: SEP-6 deposits and withdrawals are refused.
    pub fn sep6(mut self, integration: impl Sep6Integration) -> Self {
        self.integrations.sep6 = Arc::new(integration);
        self
    }

    /// The anchor's hooks on deposits (instructions, after completion). Default: none.
    pub fn deposit(mut self, integration: impl DepositIntegration) -> Self {
        self.integrations.deposit = Arc::new(integration);
        self
    }

    /// The anchor's bank rails, used by the background processes.
    pub fn rails(mut self, integration: impl RailsIntegration) -> Self {
        self.integrations.rails = Some(Arc::new(integration));
        self
    }

    /// The anchor's SEP-12 customer store.
    pub fn customer(mut self, integration: impl CustomerIntegration) -> Self {
        self.integrations.customer = Some(Arc::new(integration));
        self
    }

    /// Replaces the asset-based fee function.
    pub fn fee(mut self, integration: impl FeeIntegration) -> Self {
        self.integrations.fee = Some(Arc::new(integration));
        self
    }

    /// Describes SEP-6 `/info` fields and types.
    pub fn info(mut self, integration: impl InfoIntegration) -> Self {
        self.integrations.info = Some(Arc::new(integration));
        self
    }

    /// The anchor's SEP-38 quote desk: off-chain assets, prices and firm quotes. Without
    /// one, SEP-38 is not served (nor advertised in stellar.toml), even when `ACTIVE_SEPS`
    /// names it.
    pub fn quote(mut self, integration: impl QuoteIntegration) -> Self {
        self.integrations.quote = Some(Arc::new(integration));
        self
    }

    /// Adds to or overrides the generated stellar.toml.
    pub fn toml(mut self, hook: impl TomlIntegration) -> Self {
        self.integrations.toml = Some(Arc::new(hook));
        self
    }

    /// Serves this text as stellar.toml instead of generating it.
    pub fn static_toml(mut self, text: impl Into<String>) -> Self {
        self.integrations.static_toml = Some(Arc::from(text.into()));
        self
    }

    /// Adds scripts to the interactive pages.
    pub fn scripts(mut self, hook: impl ScriptsIntegration) -> Self {
        self.integrations.scripts = Some(Arc::new(hook));
        self
    }

    /// Uses this Horizon (or sandbox) client instead of one built from `HORIZON_URL`.
    pub fn horizon(mut self, horizon: Arc<dyn Horizon>) -> Self {
        self.horizon = Some(horizon);
        self
    }

    /// Uses an already opened store instead of opening `DATABASE_URL`.
    pub fn store(mut self, store: Store) -> Self {
        self.store = Some(store);
        self
    }

    /// Applies pending migrations when building (default: no; the schema is only checked).
    pub fn run_migrations(mut self, yes: bool) -> Self {
        self.migrate = yes;
        self
    }

    /// Opens the store, migrates or checks its schema, checks every stored asset against
    /// SEP-1's rules, and returns the mountable handle.
    pub async fn build(mut self) -> Result<Polaris, BuildError> {
        self.without_unconfigured_seps();
        let store = match self.store {
            Some(s) => s,
            None => open_store(&self.settings).await?,
        };
        let migrate = self.migrate;
        let checked = store.clone();
        tokio::task::spawn_blocking(move || {
            if migrate {
                checked.migrate()?;
                checked.seal_plain_seeds()?;
            }
            checked.check_schema()?;
            // A missing or wrong SEED_ENCRYPTION_KEY stops the start, not the first payment.
            checked
                .with_conn(polaris_core::store::assets::all)
                .map(|_| ())
        })
        .await
        .map_err(|e| StoreError::Task(e.to_string()))??;
        for asset in store.assets().await?.iter() {
            asset.check_sep1().map_err(StoreError::Invalid)?;
        }
        let horizon = match (self.horizon, &self.settings.horizon_url) {
            (Some(h), _) => h,
            (None, Some(url)) => {
                Arc::new(HorizonClient::new(url.as_str()).map_err(BuildError::Horizon)?)
            }
            (None, None) => Arc::new(NoHorizon),
        };
        let ctx = Context {
            settings: Arc::new(self.settings),
            store,
            horizon,
            integrations: self.integrations,
        };
        Ok(Polaris {
            ctx: web::Data::new(ctx),
        })
    }
}

impl PolarisBuilder {
    /// Turns SEP-38 off when no quote integration is registered, saying so: its answers
    /// would all be 503s.
    fn without_unconfigured_seps(&mut self) {
        if self.integrations.quote.is_none() && self.settings.active_seps.remove(&Sep::Sep38) {
            tracing::info!(
                "SEP-38 is not served: no quote integration is registered (PolarisBuilder::quote)"
            );
        }
    }
}

async fn open_store(settings: &Settings) -> Result<Store, StoreError> {
    let url = settings.database_url.expose().to_string();
    let size = settings.database_pool_size;
    let key = settings.seed_encryption_key.clone();
    tokio::task::spawn_blocking(move || Store::connect(&url, size).map(|s| s.with_seed_key(key)))
        .await
        .map_err(|e| StoreError::Task(e.to_string()))?
}
