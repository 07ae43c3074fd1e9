//! The state of `watch-transactions`: a cursor per account, and payments it could not match.

use diesel::prelude::*;

use super::rows::to_db_time;
use super::schema::{stream_cursors, unmatched_payments};
use super::{DbConnection, StoreError};
use crate::model::now;

/// A payment to a distribution account that matched no transaction.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Insertable, serde::Serialize)]
#[diesel(table_name = unmatched_payments)]
pub struct UnmatchedPayment {
    /// Horizon's paging token of the payment operation.
    pub paging_token: String,
    /// The account paid.
    pub account: String,
    /// The payer.
    pub from_address: String,
    /// `CODE:ISSUER` or `native`.
    pub asset: String,
    /// The amount, as a decimal.
    pub amount: String,
    /// The memo, as Horizon shows it.
    pub memo: Option<String>,
    /// The Stellar transaction hash.
    pub transaction_hash: String,
    /// Why it matched nothing.
    pub reason: String,
    /// When it was recorded.
    pub created_at: chrono::NaiveDateTime,
}

/// Where `watch-transactions` is in the payments of one account.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, serde::Serialize)]
pub struct StreamCursor {
    /// The watched account.
    pub account: String,
    /// Horizon's paging token of the last payment seen.
    pub cursor: String,
    /// When it last moved.
    pub updated_at: chrono::NaiveDateTime,
}

/// Every stored cursor, by account.
pub fn cursors(conn: &mut DbConnection) -> Result<Vec<StreamCursor>, StoreError> {
    Ok(stream_cursors::table
        .order(stream_cursors::account.asc())
        .load(conn)?)
}

/// Forgets the cursor of `account` (of every account when `None`), so that
/// `watch-transactions` starts again from the newest payment, as on its first run: what a
/// test network reset (which restarts paging tokens) needs. Returns how many were removed.
pub fn reset_cursors(conn: &mut DbConnection, account: Option<&str>) -> Result<usize, StoreError> {
    Ok(match account {
        Some(a) => diesel::delete(stream_cursors::table.find(a)).execute(conn)?,
        None => diesel::delete(stream_cursors::table).execute(conn)?,
    })
}

/// The cursor stored for `account`.
pub fn cursor(conn: &mut DbConnection, account: &str) -> Result<Option<String>, StoreError> {
    Ok(stream_cursors::table
        .find(account)
        .select(stream_cursors::cursor)
        .first(conn)
        .optional()?)
}

/// Stores the cursor of `account`.
pub fn set_cursor(conn: &mut DbConnection, account: &str, cursor: &str) -> Result<(), StoreError> {
    let at = to_db_time(now());
    let n = diesel::update(stream_cursors::table.find(account))
        .set((
            stream_cursors::cursor.eq(cursor),
            stream_cursors::updated_at.eq(at),
        ))
        .execute(conn)?;
    if n == 0 {
        diesel::insert_into(stream_cursors::table)
            .values((
                stream_cursors::account.eq(account),
                stream_cursors::cursor.eq(cursor),
                stream_cursors::updated_at.eq(at),
            ))
            .execute(conn)?;
    }
    Ok(())
}

/// Records an unmatched payment; recording the same payment again changes nothing.
pub fn record_unmatched(
    conn: &mut DbConnection,
    payment: &UnmatchedPayment,
) -> Result<(), StoreError> {
    let known: i64 = unmatched_payments::table
        .filter(unmatched_payments::paging_token.eq(&payment.paging_token))
        .count()
        .get_result(conn)?;
    if known == 0 {
        diesel::insert_into(unmatched_payments::table)
            .values(payment)
            .execute(conn)?;
    }
    Ok(())
}

/// Every unmatched payment, oldest first.
pub fn unmatched(conn: &mut DbConnection) -> Result<Vec<UnmatchedPayment>, StoreError> {
    Ok(unmatched_payments::table
        .order(unmatched_payments::created_at.asc())
        .load(conn)?)
}
