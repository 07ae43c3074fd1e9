//! Counts and ages read for monitoring (the gauges of [`crate::metrics`]) and readiness.

use chrono::{DateTime, Utc};
use diesel::dsl::count_star;
use diesel::prelude::*;

use super::rows::from_db_time;
use super::schema::{callbacks, transactions};
use super::{DbConnection, StoreError};

/// Answers a trivial query: the database is reachable and serving. SQLite answers
/// `SELECT 1` without reading its file, so there the query reads the schema instead.
pub fn ping(conn: &mut DbConnection) -> Result<(), StoreError> {
    let query = match conn {
        DbConnection::Sqlite(_) => "SELECT count(*) FROM sqlite_master",
        DbConnection::Pg(_) => "SELECT 1",
    };
    diesel::sql_query(query).execute(conn)?;
    Ok(())
}

/// The number of transactions in each status (statuses with none are left out).
pub fn transactions_by_status(conn: &mut DbConnection) -> Result<Vec<(String, i64)>, StoreError> {
    Ok(transactions::table
        .group_by(transactions::status)
        .select((transactions::status, count_star()))
        .load(conn)?)
}

/// When the oldest callback still waiting to be delivered (neither delivered nor given
/// up) was queued, if any waits.
pub fn oldest_pending_callback(
    conn: &mut DbConnection,
) -> Result<Option<DateTime<Utc>>, StoreError> {
    let oldest = callbacks::table
        .filter(callbacks::delivered_at.is_null())
        .filter(callbacks::given_up_at.is_null())
        .select(callbacks::created_at)
        .order(callbacks::created_at.asc())
        .first::<chrono::NaiveDateTime>(conn)
        .optional()?;
    Ok(oldest.map(from_db_time))
}

/// Every stream cursor of `watch-transactions`: the account watched and when its cursor
/// was last stored.
pub fn cursor_updates(conn: &mut DbConnection) -> Result<Vec<(String, DateTime<Utc>)>, StoreError> {
    Ok(super::watcher::cursors(conn)?
        .into_iter()
        .map(|c| (c.account, from_db_time(c.updated_at)))
        .collect())
}
