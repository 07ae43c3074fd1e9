//! Building a [`Context`]: settings and integrations in; the store opened, migrated or
//! checked, every stored asset checked against SEP-1, and Horizon chosen.
//!
//! A web crate builds its own handle the same way: `ContextBuilder<MyHandle>` for any
//! `MyHandle: From<Context>` (polaris-actix's `PolarisBuilder` is `ContextBuilder<Polaris>`),
//! so the integration setters are written once, here.

use std::marker::PhantomData;
use std::sync::Arc;

use super::{Context, NoHorizon};
use crate::integrations::{
    CustomerIntegration, DepositIntegration, FeeIntegration, InfoIntegration, Integrations,
    InteractiveIntegration, QuoteIntegration, RailsIntegration, ScriptsIntegration,
    Sep6Integration, TomlIntegration,
};
use crate::settings::{Sep, Settings};
use crate::stellar::{Horizon, HorizonClient, HorizonError};
use crate::store::{Store, StoreError};

/// Why a context could not be built.
#[derive(Debug, thiserror::Error)]
pub enum BuildError {
    /// The database could not be opened, migrated or checked, or a stored asset breaks
    /// SEP-1's rules.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The Horizon client could not be created from `HORIZON_URL`.
    #[error("setting HORIZON_URL: {0}")]
    Horizon(HorizonError),
}

/// Collects settings, integrations and options; [`ContextBuilder::build`] opens the store
/// and returns a `T` made from the built [`Context`].
pub struct ContextBuilder<T = Context> {
    settings: Settings,
    integrations: Integrations,
    horizon: Option<Arc<dyn Horizon>>,
    store: Option<Store>,
    migrate: bool,
    output: PhantomData<fn() -> T>,
}

impl<T> std::fmt::Debug for ContextBuilder<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ContextBuilder")
            .field("settings", &self.settings)
            .field("integrations", &self.integrations)
            .field("horizon", &self.horizon.is_some())
            .field("store", &self.store)
            .field("migrate", &self.migrate)
            .finish()
    }
}

impl Context {
    /// Starts building a context from validated settings.
    pub fn builder(settings: Settings) -> ContextBuilder<Context> {
        ContextBuilder::new(settings)
    }
}

impl<T> ContextBuilder<T> {
    /// A builder with Polaris' default integrations, no migrations, the store of
    /// `DATABASE_URL` and the Horizon of `HORIZON_URL`.
    pub fn new(settings: Settings) -> Self {
        Self {
            settings,
            integrations: Integrations::default(),
            horizon: None,
            store: None,
            migrate: false,
            output: PhantomData,
        }
    }

    /// Serves Polaris under `path` (e.g. `/anchor`) of `HOST_URL`'s host: sets the path of
    /// `HOST_URL`, so every URL Polaris writes (stellar.toml endpoints, interactive and
    /// more-info URLs, static files, SEP-10 issuer) and its cookie paths carry it. The same
    /// as writing the path in `HOST_URL`; `""` or `/` mounts at the root.
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

    /// Adds a signer of the distribution accounts: a KMS or HSM service, or one of the
    /// signers of a multisig account. Signers are asked in the order they are added, after
    /// an asset's stored seed, until the account's threshold is met (see
    /// [`crate::custody`]). Default: none, the stored seeds alone sign.
    pub fn signer(mut self, signer: Arc<dyn crate::custody::Signer>) -> Self {
        self.integrations.signers.push(signer);
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
}

impl<T: From<Context>> ContextBuilder<T> {
    /// Opens the store, migrates or checks its schema, checks every stored asset against
    /// SEP-1's rules, chooses Horizon (the one given, else `HORIZON_URL`'s, else one that
    /// tells the operator to set it), and returns the built handle.
    pub async fn build(mut self) -> Result<T, BuildError> {
        self.without_unconfigured_seps();
        let store = match self.store {
            Some(s) => s,
            None => open_store(&self.settings).await?,
        };
        prepare(&store, self.migrate).await?;
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
            metrics: Arc::default(),
        };
        Ok(T::from(ctx))
    }
}

impl<T> ContextBuilder<T> {
    /// Turns SEP-38 off when no quote integration is registered, saying so: its answers
    /// would all be 503s.
    fn without_unconfigured_seps(&mut self) {
        if self.integrations.quote.is_none() && self.settings.active_seps.remove(&Sep::Sep38) {
            tracing::info!("SEP-38 is not served: no quote integration is registered (quote)");
        }
    }
}

/// Migrates (when asked) or checks the schema, then checks the stored assets: a missing or
/// wrong `SEED_ENCRYPTION_KEY` or an asset breaking SEP-1 stops the start, not the first
/// request.
async fn prepare(store: &Store, migrate: bool) -> Result<(), StoreError> {
    let checked = store.clone();
    tokio::task::spawn_blocking(move || {
        if migrate {
            checked.migrate()?;
            checked.seal_plain_seeds()?;
        }
        checked.check_schema()?;
        checked.with_conn(crate::store::assets::all).map(|_| ())
    })
    .await
    .map_err(|e| StoreError::Task(e.to_string()))??;
    for asset in store.assets().await?.iter() {
        asset.check_sep1().map_err(StoreError::Invalid)?;
    }
    Ok(())
}

async fn open_store(settings: &Settings) -> Result<Store, StoreError> {
    let url = settings.database_url.expose().to_string();
    let size = settings.database_pool_size;
    let key = settings.seed_encryption_key.clone();
    tokio::task::spawn_blocking(move || Store::connect(&url, size).map(|s| s.with_seed_key(key)))
        .await
        .map_err(|e| StoreError::Task(e.to_string()))?
}
