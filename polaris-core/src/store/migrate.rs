//! Embedded migrations, one set per backend, and a check for schema skew.

use diesel_migrations::{embed_migrations, EmbeddedMigrations, MigrationHarness};

use super::connection::DbConnection;
use super::StoreError;

/// The SQLite migrations (`migrations/sqlite`).
pub const SQLITE_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/sqlite");
/// The PostgreSQL migrations (`migrations/postgres`).
pub const POSTGRES_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/postgres");

fn err(e: impl std::fmt::Display) -> StoreError {
    StoreError::Migration(e.to_string())
}

/// Applies pending migrations; returns the versions applied.
pub fn run(conn: &mut DbConnection) -> Result<Vec<String>, StoreError> {
    let applied = match conn {
        DbConnection::Sqlite(c) => c.run_pending_migrations(SQLITE_MIGRATIONS).map_err(err)?,
        DbConnection::Pg(c) => c.run_pending_migrations(POSTGRES_MIGRATIONS).map_err(err)?,
    };
    Ok(applied.into_iter().map(|v| v.to_string()).collect())
}

/// Fails when migrations are pending, or when the database knows migrations this build does not.
pub fn check(conn: &mut DbConnection) -> Result<(), StoreError> {
    let (pending, applied, known) = match conn {
        DbConnection::Sqlite(c) => state(c, SQLITE_MIGRATIONS)?,
        DbConnection::Pg(c) => state(c, POSTGRES_MIGRATIONS)?,
    };
    if let Some(unknown) = applied.iter().find(|v| !known.contains(v)) {
        return Err(StoreError::Migration(format!(
            "the database has migration {unknown}, which this build does not know: it was migrated by a newer version"
        )));
    }
    if pending > 0 {
        return Err(StoreError::Migration(format!(
            "{pending} migration(s) pending: run the `migrate` command first"
        )));
    }
    Ok(())
}

type MigrationState = (usize, Vec<String>, Vec<String>);

fn state<C>(conn: &mut C, set: EmbeddedMigrations) -> Result<MigrationState, StoreError>
where
    C: MigrationHarness<C::Backend> + diesel::Connection,
{
    use diesel::migration::MigrationSource;
    let known = MigrationSource::<C::Backend>::migrations(&set)
        .map_err(err)?
        .iter()
        .map(|m| m.name().version().to_string())
        .collect();
    let applied = conn
        .applied_migrations()
        .map_err(err)?
        .into_iter()
        .map(|v| v.to_string())
        .collect();
    let pending = conn.pending_migrations(set).map_err(err)?.len();
    Ok((pending, applied, known))
}
