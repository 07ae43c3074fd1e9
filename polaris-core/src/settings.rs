//! Typed settings, read from the environment, a `.env` file, or set in code.
//!
//! Every setting has the name the operator writes (`HOST_URL`, `SIGNING_SEED`, ...).
//! A missing or invalid value is reported as a [`SettingsError`] naming the
//! setting and what it expects. Secrets are wrapped in [`Secret`], whose `Debug`
//! output never shows the value.

use std::collections::{BTreeSet, HashMap};
use std::fmt;
use std::path::PathBuf;
use std::str::FromStr;

use url::Url;

use crate::stellar::keys::KeyPair;

mod backoffice;
mod callbacks;
mod dev_keys;
mod guard;
mod ops;
pub use backoffice::BackofficeSettings;
pub use callbacks::CallbackRetry;
pub use dev_keys::{write_private, DevKeys};
pub use ops::{MetricsSettings, Quota, RateLimitSettings};

use crate::store::seeds::SeedKey;

/// The testnet network passphrase, the default.
pub const TESTNET_PASSPHRASE: &str = "Test SDF Network ; September 2015";
/// The public network passphrase.
pub const PUBNET_PASSPHRASE: &str = "Public Global Stellar Network ; September 2015";

pub use crate::secret::Secret;

/// A SEP this library can serve.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Sep {
    /// SEP-1, stellar.toml.
    Sep1,
    /// SEP-6, programmatic deposit and withdrawal.
    Sep6,
    /// SEP-10, web authentication.
    Sep10,
    /// SEP-12, KYC.
    Sep12,
    /// SEP-24, interactive deposit and withdrawal.
    Sep24,
    /// SEP-38, quotes (served only with a quote integration).
    Sep38,
}

impl Sep {
    /// Every SEP, in the order of their numbers.
    pub const ALL: [Sep; 6] = [
        Sep::Sep1,
        Sep::Sep6,
        Sep::Sep10,
        Sep::Sep12,
        Sep::Sep24,
        Sep::Sep38,
    ];

    /// The name used in `ACTIVE_SEPS`, e.g. `sep-24`.
    pub fn as_str(self) -> &'static str {
        match self {
            Sep::Sep1 => "sep-1",
            Sep::Sep6 => "sep-6",
            Sep::Sep10 => "sep-10",
            Sep::Sep12 => "sep-12",
            Sep::Sep24 => "sep-24",
            Sep::Sep38 => "sep-38",
        }
    }
}

impl fmt::Display for Sep {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Sep {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        let s = s.trim().to_ascii_lowercase();
        Sep::ALL
            .into_iter()
            .find(|sep| sep.as_str() == s)
            .ok_or_else(|| {
                format!("unknown SEP '{s}' (expected some of sep-1, sep-6, sep-10, sep-12, sep-24, sep-38)")
            })
    }
}

/// A setting that is missing or has a value that cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("setting {setting}: {message}")]
pub struct SettingsError {
    /// The setting's name, e.g. `HOST_URL`.
    pub setting: &'static str,
    /// What is wrong and what is expected.
    pub message: String,
}

impl SettingsError {
    fn new(setting: &'static str, message: impl Into<String>) -> Self {
        Self {
            setting,
            message: message.into(),
        }
    }
}

/// Every setting of the library, validated.
///
/// Build it with [`Settings::from_env`] (environment plus `.env`),
/// [`Settings::from_map`] (tests, code), or read the defaults in `docs/configuration.md`.
#[derive(Debug, Clone)]
pub struct Settings {
    /// `ACTIVE_SEPS`: the SEPs to serve. Default: all of them.
    pub active_seps: BTreeSet<Sep>,
    /// `SIGNING_SEED`: the key that signs SEP-10 challenges (`S...`).
    pub signing_key: KeyPair,
    /// `SERVER_JWT_KEY`: the HMAC key of every JWT the server issues.
    pub jwt_key: Secret,
    /// `STELLAR_NETWORK_PASSPHRASE`. Default: testnet.
    pub network_passphrase: String,
    /// `HORIZON_URL`. When unset, an embedding binary may run the sandbox ledger.
    pub horizon_url: Option<Url>,
    /// `HOST_URL`: the public base URL of this server. Default `http://localhost:8000`.
    pub host_url: Url,
    /// `LOCAL_MODE`: allows http, loopback client domains and generated dev keys. Default false.
    /// Refused with the public network's passphrase or a public https `HOST_URL`.
    pub local_mode: bool,
    /// `SEED_ENCRYPTION_KEY`: 64 hexadecimal characters (32 bytes) encrypting the distribution
    /// seeds stored in the database. Generated into the dev keys file in local mode; without
    /// it, storing a seed is refused. Default: none.
    pub seed_encryption_key: Option<SeedKey>,
    /// `SEP10_HOME_DOMAINS`: accepted SEP-10 home domains. Default: the host (and port) of `HOST_URL`.
    pub sep10_home_domains: Vec<String>,
    /// `SEP10_JWT_EXPIRATION`: lifetime of SEP-10 tokens in seconds. Default 86400.
    pub sep10_jwt_expiration: u64,
    /// `SEP10_CLIENT_ATTRIBUTION_REQUIRED`: refuse challenges without `client_domain`. Default false.
    pub sep10_client_attribution_required: bool,
    /// `SEP10_CLIENT_ATTRIBUTION_REQUEST_TIMEOUT`: seconds to fetch a client domain's stellar.toml. Default 3.
    pub sep10_client_attribution_request_timeout: u64,
    /// `SEP10_CLIENT_ATTRIBUTION_ALLOWLIST`: if not empty, the only client domains accepted.
    pub sep10_client_attribution_allowlist: Vec<String>,
    /// `SEP10_CLIENT_ATTRIBUTION_DENYLIST`: client domains refused.
    pub sep10_client_attribution_denylist: Vec<String>,
    /// `INTERACTIVE_JWT_EXPIRATION`: lifetime in seconds of the one-time token in SEP-24 URLs. Default 30.
    pub interactive_jwt_expiration: u64,
    /// `MAX_TRANSACTION_FEE_STROOPS`: the most this anchor pays per operation; unset means Horizon's fee stats decide.
    pub max_transaction_fee_stroops: Option<u32>,
    /// `CALLBACK_REQUEST_TIMEOUT`: seconds to wait for a wallet's callback URL. Default 3.
    pub callback_request_timeout: u64,
    /// `CALLBACK_RETRY_BASE_SECONDS`, `CALLBACK_RETRY_MAX_SECONDS`, `CALLBACK_MAX_ATTEMPTS`:
    /// how undelivered callbacks are retried (see [`CallbackRetry`]).
    pub callback_retry: CallbackRetry,
    /// `ADDITIVE_FEES_ENABLED`: the user pays amount plus fee instead of the fee coming out of the amount. Default false.
    pub additive_fees_enabled: bool,
    /// `SEP6_USE_MORE_INFO_URL`: include `more_info_url` in SEP-6 responses. Default false.
    pub sep6_use_more_info_url: bool,
    /// `ASSETS_DIR`: a directory laid out like Polaris' `assets/` whose templates, locales
    /// and static files replace or add to the embedded ones. Must exist when set. Default: none.
    pub assets_dir: Option<std::path::PathBuf>,
    /// `DATABASE_URL`: `sqlite://path` or `postgres://...`. Default `sqlite://polaris.sqlite3`.
    pub database_url: Secret,
    /// `DATABASE_POOL_SIZE`: connections in the pool. Default 10.
    pub database_pool_size: u32,
    /// `PROCESS_INTERVAL_SECONDS`: seconds between rounds of every background process run
    /// in a loop (by `serve` or a process command without `--interval`). Default: none, each
    /// process keeps its own interval (5 s to watch payments, 60 s to check trustlines and
    /// poll payouts, 10 s for the others).
    pub process_interval_seconds: Option<u64>,
    /// `INCOMPLETE_EXPIRATION_SECONDS`: how long a transaction may stay `incomplete` (the
    /// user never finished the interactive flow) without change before `expire-transactions`
    /// moves it to `expired`. `0` turns it off (`None`). Default 86400 (one day).
    pub incomplete_expiration_seconds: Option<u64>,
    /// `PENDING_USER_TRANSFER_START_EXPIRATION_SECONDS`: how long a transaction may wait in
    /// `pending_user_transfer_start` for the user's funds without change before
    /// `expire-transactions` moves it to `expired`. `0` turns it off (`None`). Default 86400.
    pub pending_user_transfer_start_expiration_seconds: Option<u64>,
    /// `METRICS_ENABLED`, `METRICS_BIND`: where Prometheus metrics are served (see
    /// [`MetricsSettings`]). Default: nowhere.
    pub metrics: MetricsSettings,
    /// `RATE_LIMIT_*`, `TRUSTED_PROXIES`: the rate limits of the endpoints that cost CPU
    /// or create rows (see [`RateLimitSettings`]). Default: on, generous.
    pub rate_limit: RateLimitSettings,
    /// `CHANNEL_ACCOUNTS`: how many channel accounts deposit payments are sent from, so
    /// that that many envelopes go out at once (at most 100). `0`: every envelope comes
    /// from the distribution account, one at a time. Default 0.
    pub channel_accounts: u32,
    /// `BACKOFFICE_PASSWORD_HASH`, `BACKOFFICE_PATH`, `BACKOFFICE_SESSION_SECONDS`: the
    /// operators' back office (see [`BackofficeSettings`]). Off by default.
    pub backoffice: BackofficeSettings,
}

/// The names of every setting read by [`Settings`].
pub const SETTING_NAMES: &[&str] = &[
    "ACTIVE_SEPS",
    "SIGNING_SEED",
    "SERVER_JWT_KEY",
    "STELLAR_NETWORK_PASSPHRASE",
    "HORIZON_URL",
    "HOST_URL",
    "LOCAL_MODE",
    "SEP10_HOME_DOMAINS",
    "SEP10_JWT_EXPIRATION",
    "SEP10_CLIENT_ATTRIBUTION_REQUIRED",
    "SEP10_CLIENT_ATTRIBUTION_REQUEST_TIMEOUT",
    "SEP10_CLIENT_ATTRIBUTION_ALLOWLIST",
    "SEP10_CLIENT_ATTRIBUTION_DENYLIST",
    "INTERACTIVE_JWT_EXPIRATION",
    "MAX_TRANSACTION_FEE_STROOPS",
    "CALLBACK_REQUEST_TIMEOUT",
    "CALLBACK_RETRY_BASE_SECONDS",
    "CALLBACK_RETRY_MAX_SECONDS",
    "CALLBACK_MAX_ATTEMPTS",
    "ADDITIVE_FEES_ENABLED",
    "SEP6_USE_MORE_INFO_URL",
    "ASSETS_DIR",
    "DATABASE_URL",
    "DATABASE_POOL_SIZE",
    "PROCESS_INTERVAL_SECONDS",
    "INCOMPLETE_EXPIRATION_SECONDS",
    "PENDING_USER_TRANSFER_START_EXPIRATION_SECONDS",
    "POLARIS_DEV_KEYS_FILE",
    "METRICS_ENABLED",
    "METRICS_BIND",
    "RATE_LIMIT_ENABLED",
    "RATE_LIMIT_PER_ADDRESS_PER_MINUTE",
    "RATE_LIMIT_PER_ADDRESS_BURST",
    "RATE_LIMIT_PER_ACCOUNT_PER_MINUTE",
    "RATE_LIMIT_PER_ACCOUNT_BURST",
    "TRUSTED_PROXIES",
    "CHANNEL_ACCOUNTS",
    "BACKOFFICE_PASSWORD_HASH",
    "BACKOFFICE_PATH",
    "BACKOFFICE_SESSION_SECONDS",
];

/// Where settings come from: a name-to-value lookup.
struct Source<'a>(&'a dyn Fn(&str) -> Option<String>);

impl Source<'_> {
    fn get(&self, name: &str) -> Option<String> {
        (self.0)(name)
            .map(|v| v.trim().to_string())
            .filter(|v| !v.is_empty())
    }

    fn parse<T: FromStr>(
        &self,
        name: &'static str,
        default: T,
        expected: &str,
    ) -> Result<T, SettingsError> {
        match self.get(name) {
            None => Ok(default),
            Some(v) => v
                .parse()
                .map_err(|_| SettingsError::new(name, format!("expected {expected}, got '{v}'"))),
        }
    }

    fn flag(&self, name: &'static str, default: bool) -> Result<bool, SettingsError> {
        match self.get(name).map(|v| v.to_ascii_lowercase()) {
            None => Ok(default),
            Some(v) if ["1", "true", "yes", "on"].contains(&v.as_str()) => Ok(true),
            Some(v) if ["0", "false", "no", "off"].contains(&v.as_str()) => Ok(false),
            Some(v) => Err(SettingsError::new(
                name,
                format!("expected true or false, got '{v}'"),
            )),
        }
    }

    fn list(&self, name: &str) -> Vec<String> {
        self.get(name)
            .map(|v| {
                v.split(',')
                    .map(|s| s.trim().to_string())
                    .filter(|s| !s.is_empty())
                    .collect()
            })
            .unwrap_or_default()
    }
}

impl Settings {
    /// Reads settings from the process environment, after loading `.env` from the
    /// working directory if there is one (the environment wins over the file).
    pub fn from_env() -> Result<Self, SettingsError> {
        if let Err(e) = dotenvy::dotenv() {
            if !e.not_found() {
                return Err(SettingsError::new(".env", e.to_string()));
            }
        }
        Self::from_lookup(&|name| std::env::var(name).ok())
    }

    /// Reads settings from a map of names to values; names absent take their defaults.
    pub fn from_map(map: &HashMap<String, String>) -> Result<Self, SettingsError> {
        Self::from_lookup(&|name| map.get(name).cloned())
    }

    /// Reads settings through any lookup function.
    pub fn from_lookup(lookup: &dyn Fn(&str) -> Option<String>) -> Result<Self, SettingsError> {
        let src = Source(lookup);
        let local_mode = src.flag("LOCAL_MODE", false)?;
        let host_url = parse_host_url(&src, local_mode)?;
        let passphrase = src
            .get("STELLAR_NETWORK_PASSPHRASE")
            .unwrap_or_else(|| TESTNET_PASSPHRASE.to_string());
        guard::refuse_local_in_production(local_mode, &passphrase, &host_url)?;
        let (signing_key, jwt_key, seed_encryption_key) = keys(&src, local_mode)?;
        let channel_accounts = channel_accounts(&src, seed_encryption_key.is_some())?;
        let mut home_domains = src.list("SEP10_HOME_DOMAINS");
        if home_domains.is_empty() {
            home_domains.push(host_with_port(&host_url));
        }
        Ok(Settings {
            active_seps: active_seps(&src)?,
            signing_key,
            jwt_key,
            network_passphrase: passphrase,
            horizon_url: optional_url(&src, "HORIZON_URL")?,
            host_url,
            local_mode,
            seed_encryption_key,
            sep10_home_domains: home_domains,
            sep10_jwt_expiration: positive(&src, "SEP10_JWT_EXPIRATION", 86_400)?,
            sep10_client_attribution_required: src
                .flag("SEP10_CLIENT_ATTRIBUTION_REQUIRED", false)?,
            sep10_client_attribution_request_timeout: positive(
                &src,
                "SEP10_CLIENT_ATTRIBUTION_REQUEST_TIMEOUT",
                3,
            )?,
            sep10_client_attribution_allowlist: src.list("SEP10_CLIENT_ATTRIBUTION_ALLOWLIST"),
            sep10_client_attribution_denylist: src.list("SEP10_CLIENT_ATTRIBUTION_DENYLIST"),
            interactive_jwt_expiration: positive(&src, "INTERACTIVE_JWT_EXPIRATION", 30)?,
            max_transaction_fee_stroops: max_fee(&src)?,
            callback_request_timeout: positive(&src, "CALLBACK_REQUEST_TIMEOUT", 3)?,
            callback_retry: callbacks::callback_retry(&src)?,
            additive_fees_enabled: src.flag("ADDITIVE_FEES_ENABLED", false)?,
            sep6_use_more_info_url: src.flag("SEP6_USE_MORE_INFO_URL", false)?,
            assets_dir: assets_dir(&src)?,
            database_url: database_url(&src)?,
            database_pool_size: src
                .parse("DATABASE_POOL_SIZE", 10u32, "a number of connections")?
                .max(1),
            process_interval_seconds: optional_positive(&src, "PROCESS_INTERVAL_SECONDS")?,
            incomplete_expiration_seconds: expiration(&src, "INCOMPLETE_EXPIRATION_SECONDS")?,
            pending_user_transfer_start_expiration_seconds: expiration(
                &src,
                "PENDING_USER_TRANSFER_START_EXPIRATION_SECONDS",
            )?,
            metrics: ops::metrics(&src)?,
            rate_limit: ops::rate_limits(&src)?,
            channel_accounts,
            backoffice: backoffice::backoffice(&src)?,
        })
    }

    /// Whether `sep` is active.
    pub fn is_active(&self, sep: Sep) -> bool {
        self.active_seps.contains(&sep)
    }

    /// The SEP-10 `web_auth_domain`: the host (and port, if any) of `HOST_URL`.
    pub fn web_auth_domain(&self) -> String {
        host_with_port(&self.host_url)
    }

    /// The path of `HOST_URL` without its trailing slash: `""` for `https://anchor.example.com`,
    /// `"/anchor"` for `https://example.com/anchor/`. Polaris' routes are mounted under it
    /// (see `Polaris::scope` in polaris-actix) and its cookies are scoped to it.
    pub fn base_path(&self) -> &str {
        self.host_url.path().trim_end_matches('/')
    }

    /// `HOST_URL` joined with a path, without a doubled slash.
    pub fn url(&self, path: &str) -> String {
        format!(
            "{}/{}",
            self.host_url.as_str().trim_end_matches('/'),
            path.trim_start_matches('/')
        )
    }
}

/// `host` or `host:port` of a URL.
pub(crate) fn host_with_port(url: &Url) -> String {
    let host = url.host_str().unwrap_or("localhost");
    match url.port() {
        Some(p) => format!("{host}:{p}"),
        None => host.to_string(),
    }
}

fn parse_host_url(src: &Source, local_mode: bool) -> Result<Url, SettingsError> {
    let raw = src
        .get("HOST_URL")
        .unwrap_or_else(|| "http://localhost:8000".to_string());
    let url = Url::parse(&raw).map_err(|e| {
        SettingsError::new(
            "HOST_URL",
            format!("expected an absolute URL such as https://anchor.example.com ({e})"),
        )
    })?;
    match url.scheme() {
        "https" => Ok(url),
        "http" if local_mode => Ok(url),
        "http" => Err(SettingsError::new(
            "HOST_URL",
            "must use https outside LOCAL_MODE (set LOCAL_MODE=true for local development)",
        )),
        other => Err(SettingsError::new(
            "HOST_URL",
            format!("unsupported scheme '{other}', expected https"),
        )),
    }
}

fn optional_url(src: &Source, name: &'static str) -> Result<Option<Url>, SettingsError> {
    src.get(name)
        .map(|v| {
            Url::parse(&v)
                .map_err(|e| SettingsError::new(name, format!("expected an absolute URL ({e})")))
        })
        .transpose()
}

fn assets_dir(src: &Source) -> Result<Option<std::path::PathBuf>, SettingsError> {
    match src.get("ASSETS_DIR").map(std::path::PathBuf::from) {
        Some(d) if !d.is_dir() => Err(SettingsError::new(
            "ASSETS_DIR",
            format!("{} is not a directory", d.display()),
        )),
        other => Ok(other),
    }
}

fn active_seps(src: &Source) -> Result<BTreeSet<Sep>, SettingsError> {
    let list = src.list("ACTIVE_SEPS");
    if list.is_empty() {
        return Ok(Sep::ALL.into_iter().collect());
    }
    list.iter()
        .map(|s| {
            s.parse()
                .map_err(|e: String| SettingsError::new("ACTIVE_SEPS", e))
        })
        .collect()
}

fn positive(src: &Source, name: &'static str, default: u64) -> Result<u64, SettingsError> {
    let v = src.parse(name, default, "a whole number of seconds")?;
    if v == 0 {
        return Err(SettingsError::new(name, "must be at least 1"));
    }
    Ok(v)
}

fn optional_positive(src: &Source, name: &'static str) -> Result<Option<u64>, SettingsError> {
    match src.get(name) {
        None => Ok(None),
        Some(_) => positive(src, name, 1).map(Some),
    }
}

/// An age in seconds, one day by default; `0` means never (`None`).
fn expiration(src: &Source, name: &'static str) -> Result<Option<u64>, SettingsError> {
    let v = src.parse(name, 86_400u64, "a whole number of seconds (0: never)")?;
    Ok((v > 0).then_some(v))
}

fn max_fee(src: &Source) -> Result<Option<u32>, SettingsError> {
    let name = "MAX_TRANSACTION_FEE_STROOPS";
    match src.get(name) {
        None => Ok(None),
        Some(v) => match v.parse::<u32>() {
            Ok(n) if n >= 100 => Ok(Some(n)),
            _ => Err(SettingsError::new(
                name,
                format!("expected a number of stroops of at least 100, got '{v}'"),
            )),
        },
    }
}

/// `CHANNEL_ACCOUNTS`: at most [`crate::processors::channels::MAX_CHANNELS`], and only with a
/// seed encryption key, since the channels' seeds are stored sealed.
fn channel_accounts(src: &Source, sealing: bool) -> Result<u32, SettingsError> {
    let name = "CHANNEL_ACCOUNTS";
    let n: u32 = src.parse(name, 0u32, "a number of accounts")?;
    if n > crate::processors::channels::MAX_CHANNELS {
        return Err(SettingsError::new(
            name,
            format!(
                "at most {} channel accounts, got {n}",
                crate::processors::channels::MAX_CHANNELS
            ),
        ));
    }
    if n > 0 && !sealing {
        return Err(SettingsError::new(
            name,
            "needs SEED_ENCRYPTION_KEY: the channel accounts' seeds are stored encrypted",
        ));
    }
    Ok(n)
}

fn database_url(src: &Source) -> Result<Secret, SettingsError> {
    let url = src
        .get("DATABASE_URL")
        .unwrap_or_else(|| "sqlite://polaris.sqlite3".to_string());
    let known = ["sqlite:", "postgres://", "postgresql://"];
    if !known.iter().any(|p| url.starts_with(p)) {
        return Err(SettingsError::new(
            "DATABASE_URL",
            "expected sqlite://PATH or postgres://USER@HOST/DB",
        ));
    }
    Ok(Secret::new(url))
}

type Keys = (KeyPair, Secret, Option<SeedKey>);

fn keys(src: &Source, local_mode: bool) -> Result<Keys, SettingsError> {
    let seed = src.get("SIGNING_SEED");
    let jwt = src.get("SERVER_JWT_KEY");
    let sealing = src.get("SEED_ENCRYPTION_KEY");
    // The dev keys file holds the seed key too, used when the other keys come from it.
    let dev = if local_mode && (seed.is_none() || jwt.is_none()) {
        let path = src
            .get("POLARIS_DEV_KEYS_FILE")
            .map(PathBuf::from)
            .unwrap_or_else(|| PathBuf::from("polaris-dev-keys.json"));
        Some(
            DevKeys::load_or_create(&path)
                .map_err(|e| SettingsError::new("POLARIS_DEV_KEYS_FILE", e))?,
        )
    } else {
        None
    };
    let signing_key = match (seed, &dev) {
        (Some(s), _) => {
            KeyPair::from_seed(&s).map_err(|e| SettingsError::new("SIGNING_SEED", e.0))?
        }
        (None, Some(d)) => d.signing_key.clone(),
        (None, None) => {
            return Err(SettingsError::new(
                "SIGNING_SEED",
                "is required outside LOCAL_MODE: a Stellar secret seed (S...)",
            ))
        }
    };
    let seed_key = match (sealing, &dev) {
        (Some(hex), _) => Some(
            SeedKey::from_hex(&hex).map_err(|e| SettingsError::new("SEED_ENCRYPTION_KEY", e))?,
        ),
        (None, Some(d)) => Some(d.seed_key.clone()),
        (None, None) => None,
    };
    let jwt_key = match (jwt, dev) {
        (Some(k), _) if k.len() >= 16 => Secret::new(k),
        (Some(_), _) => {
            return Err(SettingsError::new(
                "SERVER_JWT_KEY",
                "must be at least 16 characters",
            ))
        }
        (None, Some(d)) => d.jwt_key,
        (None, None) => {
            return Err(SettingsError::new(
                "SERVER_JWT_KEY",
                "is required outside LOCAL_MODE: a random string of at least 16 characters",
            ))
        }
    };
    Ok((signing_key, jwt_key, seed_key))
}

#[cfg(test)]
mod tests;
