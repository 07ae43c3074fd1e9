//! The callback outbox: every notification a wallet is owed, as rows of the `callbacks` table.
//!
//! A row is written in the same database transaction as the change it reports (see
//! [`crate::state::transition`]), so a committed change always has its notification and a
//! rolled-back one never has. `deliver-callbacks` ([`crate::processors::callbacks`]) claims
//! due rows with a lease, sends them and records the outcome here.
//!
//! The rows of one subject (a transaction, a customer) carry increasing sequence numbers and
//! are delivered in that order: only the subject's *head*, its lowest row neither delivered
//! nor given up, can be claimed.

use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, Utc};
use diesel::prelude::*;

use super::rows::{from_db_time, to_db_time, TransactionRow};
use super::schema::callbacks::dsl;
use super::{DbConnection, StoreError};
use crate::model::Transaction;

/// What a callback reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Topic {
    /// A change of a SEP-6 or SEP-24 transaction (its subject is the transaction id); the
    /// payload is the transaction as it was, rendered for the wallet when it is sent.
    Transaction,
    /// A SEP-12 customer's status change (its subject is the customer id); the payload is
    /// the body sent.
    Customer,
}

impl Topic {
    /// The stored text: `transaction` or `customer`.
    pub fn as_str(self) -> &'static str {
        match self {
            Topic::Transaction => "transaction",
            Topic::Customer => "customer",
        }
    }
}

impl fmt::Display for Topic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Topic {
    type Err = StoreError;
    fn from_str(s: &str) -> Result<Self, StoreError> {
        match s {
            "transaction" => Ok(Topic::Transaction),
            "customer" => Ok(Topic::Customer),
            other => Err(StoreError::Corrupt(format!(
                "topic: unexpected value '{other}'"
            ))),
        }
    }
}

/// One notification, as stored.
#[derive(Debug, Clone, PartialEq)]
pub struct Callback {
    /// The row id.
    pub id: i64,
    /// What it reports.
    pub topic: Topic,
    /// Which transaction or customer.
    pub subject: String,
    /// Its place among the notifications of the subject (1, 2, ...).
    pub sequence: i64,
    /// Where it goes: the URL the wallet gave.
    pub url: String,
    /// The transaction snapshot ([`Topic::Transaction`]) or the body ([`Topic::Customer`]).
    pub payload: String,
    /// How many times it was sent.
    pub attempts: i32,
    /// When it may be sent (again).
    pub next_attempt_at: DateTime<Utc>,
    /// The worker sending it now.
    pub lease_owner: Option<String>,
    /// Until when that worker holds it.
    pub lease_expires_at: Option<DateTime<Utc>>,
    /// When the wallet accepted it (answered 2xx).
    pub delivered_at: Option<DateTime<Utc>>,
    /// When Polaris stopped trying.
    pub given_up_at: Option<DateTime<Utc>>,
    /// Why the last attempt failed.
    pub last_error: Option<String>,
    /// When it was written.
    pub created_at: DateTime<Utc>,
}

impl Callback {
    /// The transaction of a [`Topic::Transaction`] row, as it was when the row was written.
    pub fn transaction(&self) -> Result<Transaction, StoreError> {
        let row: TransactionRow = serde_json::from_str(&self.payload)
            .map_err(|e| StoreError::Corrupt(format!("callback {} payload: {e}", self.id)))?;
        Transaction::try_from(row)
    }
}

#[derive(Queryable, Selectable)]
#[diesel(table_name = super::schema::callbacks)]
struct Row {
    id: i64,
    topic: String,
    subject: String,
    sequence: i64,
    url: String,
    payload: String,
    attempts: i32,
    next_attempt_at: chrono::NaiveDateTime,
    lease_owner: Option<String>,
    lease_expires_at: Option<chrono::NaiveDateTime>,
    delivered_at: Option<chrono::NaiveDateTime>,
    given_up_at: Option<chrono::NaiveDateTime>,
    last_error: Option<String>,
    created_at: chrono::NaiveDateTime,
}

impl TryFrom<Row> for Callback {
    type Error = StoreError;
    fn try_from(r: Row) -> Result<Self, StoreError> {
        Ok(Callback {
            id: r.id,
            topic: r.topic.parse()?,
            subject: r.subject,
            sequence: r.sequence,
            url: r.url,
            payload: r.payload,
            attempts: r.attempts,
            next_attempt_at: from_db_time(r.next_attempt_at),
            lease_owner: r.lease_owner,
            lease_expires_at: r.lease_expires_at.map(from_db_time),
            delivered_at: r.delivered_at.map(from_db_time),
            given_up_at: r.given_up_at.map(from_db_time),
            last_error: r.last_error,
            created_at: from_db_time(r.created_at),
        })
    }
}

fn many(rows: Vec<Row>) -> Result<Vec<Callback>, StoreError> {
    rows.into_iter().map(Callback::try_from).collect()
}

/// Whether `url` can be the target of a callback: an absolute http(s) URL. `postMessage`
/// and other values meant for the wallet's page are not. The guarded client checks the
/// URL again, fully, when it is sent.
pub fn is_url(url: &str) -> bool {
    url::Url::parse(url).is_ok_and(|u| matches!(u.scheme(), "https" | "http") && u.has_host())
}

/// Writes a notification of `subject` for `url`, due now, after the subject's earlier ones;
/// returns its sequence number. Call it inside the database transaction of the change it
/// reports, after the change was written (whose row lock orders concurrent writers).
pub fn enqueue(
    conn: &mut DbConnection,
    topic: Topic,
    subject: &str,
    url: &str,
    payload: &str,
) -> Result<i64, StoreError> {
    let last: Option<i64> = dsl::callbacks
        .filter(dsl::topic.eq(topic.as_str()))
        .filter(dsl::subject.eq(subject))
        .select(diesel::dsl::max(dsl::sequence))
        .first(conn)?;
    let sequence = last.unwrap_or(0).saturating_add(1);
    let now = to_db_time(crate::model::now());
    diesel::insert_into(dsl::callbacks)
        .values((
            dsl::topic.eq(topic.as_str()),
            dsl::subject.eq(subject),
            dsl::sequence.eq(sequence),
            dsl::url.eq(url),
            dsl::payload.eq(payload),
            dsl::attempts.eq(0),
            dsl::next_attempt_at.eq(now),
            dsl::created_at.eq(now),
        ))
        .execute(conn)?;
    Ok(sequence)
}

/// Writes a notification of `tx`'s current state for `url` (see [`enqueue`]).
pub fn enqueue_transaction(
    conn: &mut DbConnection,
    tx: &Transaction,
    url: &str,
) -> Result<i64, StoreError> {
    let snapshot = serde_json::to_string(&TransactionRow::from(tx))
        .map_err(|e| StoreError::Invalid(format!("transaction snapshot: {e}")))?;
    enqueue(conn, Topic::Transaction, &tx.id.to_string(), url, &snapshot)
}

/// Claims, for `worker` until `until`, at most `limit` due notifications: not delivered,
/// not given up, due at `now`, with no unexpired lease of another worker, and the first
/// undelivered one of their subject. Each is taken with a conditional update, so of two
/// workers claiming the same row only one gets it.
pub fn claim_due(
    conn: &mut DbConnection,
    worker: &str,
    now: DateTime<Utc>,
    until: DateTime<Utc>,
    limit: i64,
) -> Result<Vec<Callback>, StoreError> {
    let earlier = diesel::alias!(super::schema::callbacks as earlier);
    let blocked = diesel::dsl::exists(
        earlier
            .filter(earlier.field(dsl::topic).eq(dsl::topic))
            .filter(earlier.field(dsl::subject).eq(dsl::subject))
            .filter(earlier.field(dsl::sequence).lt(dsl::sequence))
            .filter(earlier.field(dsl::delivered_at).is_null())
            .filter(earlier.field(dsl::given_up_at).is_null()),
    );
    let at = to_db_time(now);
    let ids: Vec<i64> = dsl::callbacks
        .filter(dsl::delivered_at.is_null())
        .filter(dsl::given_up_at.is_null())
        .filter(dsl::next_attempt_at.le(at))
        .filter(
            dsl::lease_expires_at
                .is_null()
                .or(dsl::lease_expires_at.lt(at)),
        )
        .filter(diesel::dsl::not(blocked))
        .order((dsl::next_attempt_at.asc(), dsl::id.asc()))
        .limit(limit.max(0))
        .select(dsl::id)
        .load(conn)?;
    let mut won = Vec::new();
    for id in ids {
        if claim(conn, id, worker, now, until)? {
            won.extend(by_id(conn, id)?);
        }
    }
    Ok(won)
}

fn claim(
    conn: &mut DbConnection,
    id: i64,
    worker: &str,
    now: DateTime<Utc>,
    until: DateTime<Utc>,
) -> Result<bool, StoreError> {
    let at = to_db_time(now);
    let n = diesel::update(
        dsl::callbacks
            .filter(dsl::id.eq(id))
            .filter(dsl::delivered_at.is_null())
            .filter(dsl::given_up_at.is_null())
            .filter(
                dsl::lease_expires_at
                    .is_null()
                    .or(dsl::lease_expires_at.lt(at)),
            ),
    )
    .set((
        dsl::lease_owner.eq(Some(worker)),
        dsl::lease_expires_at.eq(Some(to_db_time(until))),
    ))
    .execute(conn)?;
    Ok(n == 1)
}

/// The notification with this id.
pub fn by_id(conn: &mut DbConnection, id: i64) -> Result<Option<Callback>, StoreError> {
    dsl::callbacks
        .find(id)
        .select(Row::as_select())
        .first(conn)
        .optional()?
        .map(Callback::try_from)
        .transpose()
}

/// Every notification of a subject, in sequence order (for operators and tests).
pub fn of_subject(
    conn: &mut DbConnection,
    topic: Topic,
    subject: &str,
) -> Result<Vec<Callback>, StoreError> {
    many(
        dsl::callbacks
            .filter(dsl::topic.eq(topic.as_str()))
            .filter(dsl::subject.eq(subject))
            .order(dsl::sequence.asc())
            .select(Row::as_select())
            .load(conn)?,
    )
}

/// Records that the wallet accepted notification `id` at `at` (whoever held the lease:
/// it was sent). Returns whether the row was still undelivered.
pub fn mark_delivered(
    conn: &mut DbConnection,
    id: i64,
    at: DateTime<Utc>,
) -> Result<bool, StoreError> {
    let n = diesel::update(
        dsl::callbacks
            .filter(dsl::id.eq(id))
            .filter(dsl::delivered_at.is_null()),
    )
    .set((
        dsl::attempts.eq(dsl::attempts + 1),
        dsl::delivered_at.eq(Some(to_db_time(at))),
        dsl::lease_owner.eq(None::<String>),
        dsl::lease_expires_at.eq(None::<chrono::NaiveDateTime>),
    ))
    .execute(conn)?;
    Ok(n == 1)
}

/// What to record after a failed attempt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Failure {
    /// Try again at this time.
    RetryAt(DateTime<Utc>),
    /// Stop trying; this is the time it was given up.
    GiveUp(DateTime<Utc>),
}

/// Records a failed attempt of `worker` on notification `id`: one more attempt, the error,
/// and either the next attempt's time or the end; the lease is released. Nothing is
/// written (`false`) when the row was delivered meanwhile or `worker` lost its lease.
pub fn mark_failed(
    conn: &mut DbConnection,
    id: i64,
    worker: &str,
    error: &str,
    failure: &Failure,
) -> Result<bool, StoreError> {
    let target = dsl::callbacks
        .filter(dsl::id.eq(id))
        .filter(dsl::delivered_at.is_null())
        .filter(dsl::lease_owner.eq(worker));
    let common = (
        dsl::attempts.eq(dsl::attempts + 1),
        dsl::last_error.eq(Some(error)),
        dsl::lease_owner.eq(None::<String>),
        dsl::lease_expires_at.eq(None::<chrono::NaiveDateTime>),
    );
    let n = match failure {
        Failure::RetryAt(next) => diesel::update(target)
            .set((common, dsl::next_attempt_at.eq(to_db_time(*next))))
            .execute(conn)?,
        Failure::GiveUp(at) => diesel::update(target)
            .set((common, dsl::given_up_at.eq(Some(to_db_time(*at)))))
            .execute(conn)?,
    };
    Ok(n == 1)
}

/// How many notifications wait to be delivered (neither delivered nor given up).
pub fn pending_count(conn: &mut DbConnection) -> Result<i64, StoreError> {
    Ok(dsl::callbacks
        .filter(dsl::delivered_at.is_null())
        .filter(dsl::given_up_at.is_null())
        .count()
        .get_result(conn)?)
}
