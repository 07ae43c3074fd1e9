//! Ownership of SEP-12 customer ids: which authenticated account may see each customer.

use diesel::prelude::*;

use super::rows::to_db_time;
use super::schema::customers::dsl;
use super::transactions::Owner;
use super::{DbConnection, StoreError};

/// The customer id of `owner`, if it has one.
pub fn id_of(conn: &mut DbConnection, owner: &Owner) -> Result<Option<String>, StoreError> {
    let mut q = dsl::customers
        .filter(dsl::stellar_account.eq(owner.account.clone()))
        .into_boxed();
    q = match &owner.memo {
        Some(m) => q.filter(dsl::account_memo.eq(m.clone())),
        None => q.filter(dsl::account_memo.is_null()),
    };
    q = match &owner.muxed {
        Some(m) => q.filter(dsl::muxed_account.eq(m.clone())),
        None => q.filter(dsl::muxed_account.is_null()),
    };
    Ok(q.select(dsl::id).first(conn).optional()?)
}

/// Records that customer `id` belongs to `owner`. Returns `false`, recording nothing, when
/// `id` already belongs to another owner.
pub fn record(conn: &mut DbConnection, owner: &Owner, id: &str) -> Result<bool, StoreError> {
    conn.transaction(|conn| {
        let taken = dsl::customers
            .find(id)
            .select(dsl::id)
            .first::<String>(conn)
            .optional()?
            .is_some();
        if taken {
            return Ok(false);
        }
        insert(conn, owner, id)?;
        Ok(true)
    })
}

fn insert(conn: &mut DbConnection, owner: &Owner, id: &str) -> Result<(), StoreError> {
    diesel::insert_into(dsl::customers)
        .values((
            dsl::id.eq(id),
            dsl::stellar_account.eq(&owner.account),
            dsl::account_memo.eq(&owner.memo),
            dsl::muxed_account.eq(&owner.muxed),
            dsl::created_at.eq(to_db_time(crate::model::now())),
        ))
        .execute(conn)?;
    Ok(())
}

/// Forgets the customer of `owner`; returns its id if there was one.
pub fn forget(conn: &mut DbConnection, owner: &Owner) -> Result<Option<String>, StoreError> {
    let Some(id) = id_of(conn, owner)? else {
        return Ok(None);
    };
    diesel::delete(dsl::customers.find(&id)).execute(conn)?;
    Ok(Some(id))
}

/// Records `url` as the callback URL of customer `id` (replacing any earlier one); `None`
/// removes it. Returns whether the customer exists.
pub fn set_callback_url(
    conn: &mut DbConnection,
    id: &str,
    url: Option<&str>,
) -> Result<bool, StoreError> {
    let n = diesel::update(dsl::customers.find(id))
        .set(dsl::callback_url.eq(url))
        .execute(conn)?;
    Ok(n == 1)
}

/// The id and callback URL of `owner`'s customer, the row locked (written to) until the end
/// of the database transaction, so that the notifications of one customer are numbered in
/// the order of their writers.
pub fn lock_callback(
    conn: &mut DbConnection,
    owner: &Owner,
) -> Result<Option<(String, Option<String>)>, StoreError> {
    let Some(id) = id_of(conn, owner)? else {
        return Ok(None);
    };
    diesel::update(dsl::customers.find(&id))
        .set(dsl::callback_url.eq(dsl::callback_url))
        .execute(conn)?;
    let url = dsl::customers
        .find(&id)
        .select(dsl::callback_url)
        .first::<Option<String>>(conn)
        .optional()?
        .flatten();
    Ok(Some((id, url)))
}
