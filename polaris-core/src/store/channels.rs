//! Channel accounts: the sources of deposit payment envelopes (see
//! [`crate::processors::channels`]).
//!
//! A channel is free when it is funded, bound to no envelope and leased by nobody (or its
//! lease expired). A worker leases a free channel ([`lease`]), builds its envelope on the
//! channel's sequence number, and binds the channel to that envelope's hash ([`bind`]) in the
//! same database transaction that stores the envelope on its deposits; only the worker still
//! holding the lease can bind. A bound channel stays out of the pool until no deposit waits
//! on its envelope any more ([`release_settled`]): then the envelope is on the ledger or can
//! never apply, so its sequence number is free to use again.

use chrono::{DateTime, Utc};
use diesel::prelude::*;

use super::rows::{from_db_time, to_db_time};
use super::schema::channels::dsl;
use super::{seeds, DbConnection, StoreError};
use crate::model::Status;
use crate::stellar::KeyPair;

/// A channel account as stored, its seed opened.
#[derive(Debug, Clone)]
pub struct Channel {
    /// The account's key pair (its `Debug` shows the public key only).
    pub key: KeyPair,
    /// When the account was last seen funded on the ledger; `None`: to be created or topped up.
    pub funded_at: Option<DateTime<Utc>>,
    /// The hash of the stored envelope using this channel, until it is settled.
    pub bound_hash: Option<String>,
    /// The worker holding the lease, if any.
    pub lease_owner: Option<String>,
    /// When that lease ends.
    pub lease_expires_at: Option<DateTime<Utc>>,
}

impl Channel {
    /// The account id (`G...`).
    pub fn public_key(&self) -> &str {
        self.key.public_key()
    }
}

#[derive(Queryable, Selectable)]
#[diesel(table_name = super::schema::channels)]
struct ChannelRow {
    public_key: String,
    seed: String,
    funded_at: Option<chrono::NaiveDateTime>,
    bound_hash: Option<String>,
    lease_owner: Option<String>,
    lease_expires_at: Option<chrono::NaiveDateTime>,
}

impl TryFrom<ChannelRow> for Channel {
    type Error = StoreError;
    fn try_from(row: ChannelRow) -> Result<Self, StoreError> {
        let seed = seeds::open_channel(&row.seed)?;
        let key = KeyPair::from_seed(&seed)
            .map_err(|e| StoreError::Corrupt(format!("channel {}: {e}", row.public_key)))?;
        if key.public_key() != row.public_key {
            return Err(StoreError::Corrupt(format!(
                "channel {}: the seed is another account's",
                row.public_key
            )));
        }
        Ok(Channel {
            key,
            funded_at: row.funded_at.map(from_db_time),
            bound_hash: row.bound_hash,
            lease_owner: row.lease_owner,
            lease_expires_at: row.lease_expires_at.map(from_db_time),
        })
    }
}

/// Stores a new, not yet funded channel account; its seed is sealed with the store's key.
pub fn insert(
    conn: &mut DbConnection,
    key: &KeyPair,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    let sealed = seeds::seal_channel(key.seed().expose())?;
    diesel::insert_into(dsl::channels)
        .values((
            dsl::public_key.eq(key.public_key()),
            dsl::seed.eq(sealed),
            dsl::created_at.eq(to_db_time(now)),
        ))
        .execute(conn)?;
    Ok(())
}

/// Every channel account, oldest first.
pub fn all(conn: &mut DbConnection) -> Result<Vec<Channel>, StoreError> {
    dsl::channels
        .order((dsl::created_at.asc(), dsl::public_key.asc()))
        .select(ChannelRow::as_select())
        .load(conn)?
        .into_iter()
        .map(Channel::try_from)
        .collect()
}

/// The channel account `public_key`.
pub fn by_key(conn: &mut DbConnection, public_key: &str) -> Result<Option<Channel>, StoreError> {
    dsl::channels
        .filter(dsl::public_key.eq(public_key))
        .select(ChannelRow::as_select())
        .first(conn)
        .optional()?
        .map(Channel::try_from)
        .transpose()
}

/// How many channel accounts are stored.
pub fn count(conn: &mut DbConnection) -> Result<i64, StoreError> {
    Ok(dsl::channels.count().get_result(conn)?)
}

/// Records whether the channel is funded (`Some(at)`) or needs funding (`None`).
pub fn set_funded(
    conn: &mut DbConnection,
    public_key: &str,
    at: Option<DateTime<Utc>>,
) -> Result<(), StoreError> {
    diesel::update(dsl::channels.filter(dsl::public_key.eq(public_key)))
        .set(dsl::funded_at.eq(at.map(to_db_time)))
        .execute(conn)?;
    Ok(())
}

/// Leases a free channel (funded, bound to no envelope, no unexpired lease) to `worker`
/// until `until`. On PostgreSQL the row is picked with `FOR UPDATE SKIP LOCKED`, so workers
/// leasing at once take different channels without waiting; on SQLite (one writer at a
/// time) by a conditional update. `None` when every channel is taken.
pub fn lease(
    conn: &mut DbConnection,
    worker: &str,
    now: DateTime<Utc>,
    until: DateTime<Utc>,
) -> Result<Option<Channel>, StoreError> {
    let won = match &mut *conn {
        DbConnection::Pg(pg) => lease_pg(pg, worker, now, until)?,
        other => lease_by_update(other, worker, now, until)?,
    };
    match won {
        Some(key) => by_key(conn, &key),
        None => Ok(None),
    }
}

#[derive(QueryableByName)]
struct Leased {
    #[diesel(sql_type = diesel::sql_types::Text)]
    public_key: String,
}

fn lease_pg(
    pg: &mut diesel::PgConnection,
    worker: &str,
    now: DateTime<Utc>,
    until: DateTime<Utc>,
) -> Result<Option<String>, StoreError> {
    use diesel::sql_types::{Text, Timestamp};
    let rows: Vec<Leased> = diesel::sql_query(
        "UPDATE channels SET lease_owner = $1, lease_expires_at = $2 \
         WHERE public_key = (SELECT public_key FROM channels \
           WHERE funded_at IS NOT NULL AND bound_hash IS NULL \
             AND (lease_expires_at IS NULL OR lease_expires_at < $3) \
           ORDER BY lease_expires_at ASC NULLS FIRST, public_key \
           LIMIT 1 FOR UPDATE SKIP LOCKED) \
         RETURNING public_key",
    )
    .bind::<Text, _>(worker)
    .bind::<Timestamp, _>(to_db_time(until))
    .bind::<Timestamp, _>(to_db_time(now))
    .load(pg)?;
    Ok(rows.into_iter().next().map(|r| r.public_key))
}

fn lease_by_update(
    conn: &mut DbConnection,
    worker: &str,
    now: DateTime<Utc>,
    until: DateTime<Utc>,
) -> Result<Option<String>, StoreError> {
    let at = to_db_time(now);
    let free = || {
        dsl::funded_at
            .is_not_null()
            .and(dsl::bound_hash.is_null())
            .and(
                dsl::lease_expires_at
                    .is_null()
                    .or(dsl::lease_expires_at.lt(at)),
            )
    };
    let candidates: Vec<String> = dsl::channels
        .filter(free())
        .order(dsl::public_key.asc())
        .select(dsl::public_key)
        .limit(16)
        .load(conn)?;
    for key in candidates {
        let n = diesel::update(
            dsl::channels
                .filter(dsl::public_key.eq(&key))
                .filter(free()),
        )
        .set((
            dsl::lease_owner.eq(Some(worker)),
            dsl::lease_expires_at.eq(Some(to_db_time(until))),
        ))
        .execute(conn)?;
        if n == 1 {
            return Ok(Some(key));
        }
    }
    Ok(None)
}

/// Binds the channel to the envelope `hash`, if `worker` still holds its lease and it is
/// bound to nothing. Run in the database transaction that stores the envelope. Returns
/// whether it was bound.
pub fn bind(
    conn: &mut DbConnection,
    public_key: &str,
    worker: &str,
    hash: &str,
) -> Result<bool, StoreError> {
    let n = diesel::update(
        dsl::channels
            .filter(dsl::public_key.eq(public_key))
            .filter(dsl::lease_owner.eq(worker))
            .filter(dsl::bound_hash.is_null()),
    )
    .set(dsl::bound_hash.eq(Some(hash)))
    .execute(conn)?;
    Ok(n == 1)
}

/// Ends `worker`'s lease on the channel (a binding it made stays).
pub fn release_lease(
    conn: &mut DbConnection,
    public_key: &str,
    worker: &str,
) -> Result<(), StoreError> {
    diesel::update(
        dsl::channels
            .filter(dsl::public_key.eq(public_key))
            .filter(dsl::lease_owner.eq(worker)),
    )
    .set((
        dsl::lease_owner.eq(None::<String>),
        dsl::lease_expires_at.eq(None::<chrono::NaiveDateTime>),
    ))
    .execute(conn)?;
    Ok(())
}

/// Unbinds every channel whose envelope no deposit waits on any more (none is
/// `pending_stellar` with its hash): that envelope was settled, so it is on the ledger or can
/// never apply. Each channel is checked, then unbound only if still bound to the hash that
/// was checked. Returns how many were unbound.
pub fn release_settled(conn: &mut DbConnection) -> Result<usize, StoreError> {
    let bound: Vec<(String, Option<String>)> = dsl::channels
        .filter(dsl::bound_hash.is_not_null())
        .select((dsl::public_key, dsl::bound_hash))
        .load(conn)?;
    let mut released = 0;
    for (key, hash) in bound {
        let Some(hash) = hash else { continue };
        released += release_if_settled(conn, &key, &hash)?;
    }
    Ok(released)
}

/// Unbinds the channel bound to `hash`, if any, once no deposit waits on that envelope (see
/// [`release_settled`]). Returns how many were unbound (0 or 1).
pub fn release_hash(conn: &mut DbConnection, hash: &str) -> Result<usize, StoreError> {
    let key: Option<String> = dsl::channels
        .filter(dsl::bound_hash.eq(hash))
        .select(dsl::public_key)
        .first(conn)
        .optional()?;
    match key {
        Some(key) => release_if_settled(conn, &key, hash),
        None => Ok(0),
    }
}

fn release_if_settled(conn: &mut DbConnection, key: &str, hash: &str) -> Result<usize, StoreError> {
    use super::schema::transactions::dsl as tx;
    let waiting: i64 = tx::transactions
        .filter(tx::submission_hash.eq(hash))
        .filter(tx::status.eq(Status::PendingStellar.to_string()))
        .count()
        .get_result(conn)?;
    if waiting > 0 {
        return Ok(0);
    }
    Ok(diesel::update(
        dsl::channels
            .filter(dsl::public_key.eq(key))
            .filter(dsl::bound_hash.eq(hash)),
    )
    .set(dsl::bound_hash.eq(None::<String>))
    .execute(conn)?)
}
