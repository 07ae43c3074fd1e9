//! Single-use SEP-10 challenges: a hash is remembered until its challenge expires.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel::result::{DatabaseErrorKind, Error};

use super::rows::to_db_time;
use super::schema::used_challenges::dsl;
use super::{DbConnection, StoreError};

/// Records `hash` as used; `Ok(true)` the first time, `Ok(false)` if it was used before.
///
/// The primary key makes this atomic across server instances sharing a database.
pub fn mark_used(
    conn: &mut DbConnection,
    hash: &str,
    expires_at: DateTime<Utc>,
) -> Result<bool, StoreError> {
    let inserted = diesel::insert_into(dsl::used_challenges)
        .values((
            dsl::hash.eq(hash),
            dsl::expires_at.eq(to_db_time(expires_at)),
        ))
        .execute(conn);
    match inserted {
        Ok(_) => Ok(true),
        Err(Error::DatabaseError(DatabaseErrorKind::UniqueViolation, _)) => Ok(false),
        Err(e) => Err(e.into()),
    }
}

/// Forgets challenges that expired before `now`; returns how many.
pub fn purge_expired(conn: &mut DbConnection, now: DateTime<Utc>) -> Result<usize, StoreError> {
    Ok(
        diesel::delete(dsl::used_challenges.filter(dsl::expires_at.lt(to_db_time(now))))
            .execute(conn)?,
    )
}
