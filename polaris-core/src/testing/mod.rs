//! Throw-away databases for tests, on SQLite and on PostgreSQL.
//!
//! Polaris runs its store suite on both backends with these, and anchors can do
//! the same for their own tests. PostgreSQL tests use the server named by the
//! `POLARIS_TEST_DATABASE_URL` environment variable: each [`TestDatabase`] creates
//! its own database there and drops it afterwards, so runs never collide.

use diesel::connection::SimpleConnection;
use diesel::pg::PgConnection;
use diesel::Connection;

use crate::store::{Backend, Store};

/// The environment variable naming the PostgreSQL server for tests.
pub const POSTGRES_ENV: &str = "POLARIS_TEST_DATABASE_URL";
/// When set to `1`, a missing PostgreSQL server fails the tests instead of skipping them.
pub const REQUIRE_ENV: &str = "POLARIS_REQUIRE_ALL_SUITES";

/// A migrated database that is removed when dropped.
pub struct TestDatabase {
    /// The connection URL of this database.
    pub url: String,
    /// A store on it, migrated.
    pub store: Store,
    cleanup: Cleanup,
}

enum Cleanup {
    File(std::path::PathBuf),
    Database { admin_url: String, name: String },
}

impl TestDatabase {
    /// A fresh SQLite database in a temporary file.
    pub fn sqlite() -> Self {
        let dir = std::env::temp_dir().join(format!("polaris-test-{}", uuid::Uuid::new_v4()));
        std::fs::create_dir_all(&dir).expect("create a temporary directory");
        let url = format!("sqlite://{}", dir.join("db.sqlite3").display());
        let store = migrated(&url);
        Self {
            url,
            store,
            cleanup: Cleanup::File(dir),
        }
    }

    /// A fresh PostgreSQL database, or `None` when `POLARIS_TEST_DATABASE_URL` is unset.
    pub fn postgres() -> Option<Self> {
        let admin_url = std::env::var(POSTGRES_ENV).ok().filter(|v| !v.is_empty())?;
        let name = format!("polaris_test_{}", uuid::Uuid::new_v4().simple());
        let mut admin = PgConnection::establish(&admin_url)
            .unwrap_or_else(|e| panic!("{POSTGRES_ENV} is set but PostgreSQL is unreachable: {e}"));
        admin
            .batch_execute(&format!("CREATE DATABASE {name}"))
            .expect("create a test database");
        let mut url = url::Url::parse(&admin_url).expect("POLARIS_TEST_DATABASE_URL is a URL");
        url.set_path(&name);
        let url = url.to_string();
        let store = migrated(&url);
        Some(Self {
            url,
            store,
            cleanup: Cleanup::Database { admin_url, name },
        })
    }

    /// SQLite always, plus PostgreSQL when configured. Says loudly when PostgreSQL is
    /// skipped, and panics instead when `POLARIS_REQUIRE_ALL_SUITES=1`.
    pub fn all() -> Vec<Self> {
        let mut dbs = vec![Self::sqlite()];
        match Self::postgres() {
            Some(pg) => dbs.push(pg),
            None => skip_postgres(),
        }
        dbs
    }

    /// The backend of this database.
    pub fn backend(&self) -> Backend {
        self.store.backend()
    }
}

fn skip_postgres() {
    if std::env::var(REQUIRE_ENV).as_deref() == Ok("1") {
        panic!("{POSTGRES_ENV} is not set but {REQUIRE_ENV}=1: the PostgreSQL suite must run");
    }
    eprintln!("SKIPPED: PostgreSQL store tests ({POSTGRES_ENV} is not set)");
}

/// The key every [`TestDatabase`] store encrypts distribution seeds with: fixed, so that a
/// second process opening the same test database can read them. For tests only.
pub fn seed_key() -> crate::store::seeds::SeedKey {
    crate::store::seeds::SeedKey::from_hex(&"7e".repeat(32)).expect("a valid test key")
}

fn migrated(url: &str) -> Store {
    let store = Store::connect(url, 8)
        .expect("connect to the test database")
        .with_seed_key(Some(seed_key()));
    store.migrate().expect("migrate the test database");
    store
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        match &self.cleanup {
            Cleanup::File(dir) => {
                let _ = std::fs::remove_dir_all(dir);
            }
            Cleanup::Database { admin_url, name } => {
                if let Ok(mut admin) = PgConnection::establish(admin_url) {
                    let _ = admin
                        .batch_execute(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"));
                }
            }
        }
    }
}

/// Settings for tests: `https://anchor.example.com`, a random signing key, a fixed JWT key,
/// plus `extra` settings.
pub fn settings(extra: &[(&str, &str)]) -> crate::Settings {
    let mut map = std::collections::HashMap::new();
    map.insert(
        "SERVER_JWT_KEY".to_string(),
        "a-secret-of-sufficient-length".to_string(),
    );
    map.insert(
        "HOST_URL".to_string(),
        "https://anchor.example.com".to_string(),
    );
    let seed = crate::stellar::KeyPair::random().seed();
    map.insert("SIGNING_SEED".to_string(), seed.expose().to_string());
    for (k, v) in extra {
        map.insert(k.to_string(), v.to_string());
    }
    crate::Settings::from_map(&map).expect("valid test settings")
}

/// A SEP-10 token for `account` (`G...` or `M...`, with an optional memo), as `POST /auth` issues.
pub fn token(settings: &crate::Settings, account: &str, memo: Option<u64>) -> String {
    let address = crate::stellar::Address::parse(account).expect("a Stellar account");
    let subject = crate::auth::Subject::new(&address, memo);
    let now = chrono::Utc::now().timestamp().max(0) as u64;
    crate::auth::Sep10Claims::new(
        settings,
        &subject,
        now,
        uuid::Uuid::new_v4().to_string(),
        None,
    )
    .encode(&settings.jwt_key)
    .expect("encode a test token")
}

mod fakes;
mod fixtures;
mod quotes;

pub use fakes::{Arrivals, ExternalApp, FakeRails, FixedFee, MemoryCustomers};
pub use fixtures::{context, store_asset};
pub use quotes::RateTable;
