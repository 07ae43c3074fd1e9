//! The history of transactions' statuses: one row of `transaction_events` per change.
//!
//! Rows are written by [`crate::state`] in the same database transaction as the status
//! change they record, and by [`super::transactions::insert`] when a transaction is
//! created (with no `from_status`), so the history is never ahead of or behind the
//! transaction itself.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use serde::Serialize;
use uuid::Uuid;

use super::rows::{from_db_time, to_db_time};
use super::schema::transaction_events::dsl;
use super::{DbConnection, StoreError};
use crate::model::{Stage, Status, Transaction};

/// One status change of a transaction.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TransactionEvent {
    /// The row id (increasing with time).
    pub id: i64,
    /// The transaction.
    pub transaction_id: Uuid,
    /// The status it left; `None` when the transaction was created.
    pub from_status: Option<Status>,
    /// The status it reached.
    pub to_status: Status,
    /// Its processing stage after the change.
    pub stage: Stage,
    /// Its `status_message` after the change.
    pub status_message: Option<String>,
    /// When the change was written.
    pub created_at: DateTime<Utc>,
}

#[derive(Queryable, Selectable)]
#[diesel(table_name = super::schema::transaction_events)]
struct Row {
    id: i64,
    transaction_id: String,
    from_status: Option<String>,
    to_status: String,
    stage: String,
    status_message: Option<String>,
    created_at: chrono::NaiveDateTime,
}

fn corrupt(e: impl std::fmt::Display) -> StoreError {
    StoreError::Corrupt(format!("transaction event: {e}"))
}

impl TryFrom<Row> for TransactionEvent {
    type Error = StoreError;
    fn try_from(r: Row) -> Result<Self, StoreError> {
        Ok(Self {
            id: r.id,
            transaction_id: r.transaction_id.parse().map_err(corrupt)?,
            from_status: r
                .from_status
                .map(|s| s.parse())
                .transpose()
                .map_err(corrupt)?,
            to_status: r.to_status.parse().map_err(corrupt)?,
            stage: r.stage.parse().map_err(corrupt)?,
            status_message: r.status_message,
            created_at: from_db_time(r.created_at),
        })
    }
}

/// Records that `tx` reached its current status, coming from `from` (`None`: created).
pub fn record(
    conn: &mut DbConnection,
    tx: &Transaction,
    from: Option<Status>,
) -> Result<(), StoreError> {
    diesel::insert_into(dsl::transaction_events)
        .values((
            dsl::transaction_id.eq(tx.id.to_string()),
            dsl::from_status.eq(from.map(|s| s.as_str())),
            dsl::to_status.eq(tx.status.as_str()),
            dsl::stage.eq(tx.stage.as_str()),
            dsl::status_message.eq(tx.status_message.as_deref()),
            dsl::created_at.eq(to_db_time(tx.updated_at)),
        ))
        .execute(conn)?;
    Ok(())
}

/// Every recorded status change of transaction `id`, oldest first.
pub fn of_transaction(
    conn: &mut DbConnection,
    id: Uuid,
) -> Result<Vec<TransactionEvent>, StoreError> {
    dsl::transaction_events
        .filter(dsl::transaction_id.eq(id.to_string()))
        .order(dsl::id.asc())
        .select(Row::as_select())
        .load(conn)?
        .into_iter()
        .map(TransactionEvent::try_from)
        .collect()
}
