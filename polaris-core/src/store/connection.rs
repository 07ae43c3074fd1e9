//! One connection type over SQLite and PostgreSQL, pooled with r2d2.

use diesel::connection::SimpleConnection;
use diesel::pg::PgConnection;
use diesel::r2d2::{self, ManageConnection};
use diesel::sqlite::SqliteConnection;
use diesel::Connection;

use super::StoreError;

/// A database connection on either backend.
#[derive(diesel::MultiConnection)]
pub enum DbConnection {
    /// PostgreSQL, the production engine.
    Pg(PgConnection),
    /// SQLite (bundled), the embedded default.
    Sqlite(SqliteConnection),
}

/// Which database engine a store runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    /// PostgreSQL.
    Postgres,
    /// SQLite.
    Sqlite,
}

/// Where to connect, parsed from `DATABASE_URL` by its scheme.
#[derive(Clone)]
pub(crate) enum Target {
    Sqlite(String),
    Postgres(String),
}

impl Target {
    pub(crate) fn parse(url: &str) -> Result<Self, StoreError> {
        if let Some(rest) = url.strip_prefix("sqlite:") {
            let path = rest.trim_start_matches("//");
            if path.is_empty() || path == ":memory:" {
                return Err(StoreError::Connection(
                    "DATABASE_URL: give SQLite a file path (sqlite://polaris.sqlite3); an in-memory database cannot be shared by a pool".into(),
                ));
            }
            return Ok(Target::Sqlite(path.to_string()));
        }
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            return Ok(Target::Postgres(url.to_string()));
        }
        Err(StoreError::Connection(
            "DATABASE_URL: expected sqlite://PATH or postgres://USER@HOST/DB".into(),
        ))
    }

    pub(crate) fn backend(&self) -> Backend {
        match self {
            Target::Sqlite(_) => Backend::Sqlite,
            Target::Postgres(_) => Backend::Postgres,
        }
    }

    /// Connects to the concrete backend, so that its own error is reported.
    pub(crate) fn connect(&self) -> Result<DbConnection, StoreError> {
        match self {
            Target::Sqlite(path) => {
                let mut conn = SqliteConnection::establish(path)
                    .map_err(|e| StoreError::Connection(format!("SQLite {path}: {e}")))?;
                conn.batch_execute(
                    "PRAGMA busy_timeout = 10000; PRAGMA journal_mode = WAL; \
                     PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON;",
                )
                .map_err(|e| StoreError::Connection(format!("SQLite {path}: {e}")))?;
                Ok(DbConnection::Sqlite(conn))
            }
            Target::Postgres(url) => PgConnection::establish(url)
                .map(DbConnection::Pg)
                .map_err(|e| StoreError::Connection(format!("PostgreSQL: {e}"))),
        }
    }
}

/// The r2d2 manager: connects through [`Target::connect`].
pub(crate) struct Manager(pub(crate) Target);

/// A connection failure, as r2d2 reports it.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct ManagerError(String);

impl ManageConnection for Manager {
    type Connection = DbConnection;
    type Error = ManagerError;

    fn connect(&self) -> Result<DbConnection, ManagerError> {
        self.0.connect().map_err(|e| ManagerError(e.to_string()))
    }

    fn is_valid(&self, conn: &mut DbConnection) -> Result<(), ManagerError> {
        conn.batch_execute("SELECT 1")
            .map_err(|e| ManagerError(e.to_string()))
    }

    fn has_broken(&self, _conn: &mut DbConnection) -> bool {
        false
    }
}

/// The pool type.
pub(crate) type Pool = r2d2::Pool<Manager>;
