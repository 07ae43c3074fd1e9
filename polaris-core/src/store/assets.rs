//! Asset queries.

use diesel::prelude::*;

use super::rows::{AssetRow, AssetValues};
use super::schema::assets::dsl;
use super::{DbConnection, StoreError};
use crate::model::Asset;

fn load(rows: Vec<AssetRow>) -> Result<Vec<Asset>, StoreError> {
    rows.into_iter().map(Asset::try_from).collect()
}

/// Inserts an asset, or updates the one with the same code and issuer; returns it stored.
/// An asset that breaks SEP-1's rules ([`Asset::check_sep1`]) is refused.
pub fn upsert(conn: &mut DbConnection, asset: &Asset) -> Result<Asset, StoreError> {
    asset.check_sep1().map_err(StoreError::Invalid)?;
    let values = AssetValues::try_from(asset)?;
    let written = conn.transaction(|conn| {
        let existing = by_code_and_issuer(conn, &asset.code, &asset.issuer)?;
        match existing {
            Some(found) => {
                diesel::update(dsl::assets.find(found.id))
                    .set(&values)
                    .execute(conn)?;
            }
            None => {
                diesel::insert_into(dsl::assets)
                    .values(&values)
                    .execute(conn)?;
            }
        }
        by_code_and_issuer(conn, &asset.code, &asset.issuer)?
            .ok_or_else(|| StoreError::Corrupt("asset vanished after upsert".into()))
    });
    super::cache::assets_changed();
    written
}

/// What [`delete`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Deleted {
    /// The asset is gone.
    Removed,
    /// No asset has this code and issuer.
    NotFound,
    /// Kept: this many transactions refer to it (their history would be lost).
    InUse(i64),
}

/// Deletes the asset with `code` and `issuer`, unless a transaction refers to it.
pub fn delete(conn: &mut DbConnection, code: &str, issuer: &str) -> Result<Deleted, StoreError> {
    use super::schema::transactions::dsl as tx;
    let outcome = conn.transaction(|conn| {
        let Some(found) = by_code_and_issuer(conn, code, issuer)? else {
            return Ok(Deleted::NotFound);
        };
        let used: i64 = tx::transactions
            .filter(tx::asset_id.eq(found.id))
            .count()
            .get_result(conn)?;
        if used > 0 {
            return Ok(Deleted::InUse(used));
        }
        diesel::delete(dsl::assets.find(found.id)).execute(conn)?;
        Ok::<_, StoreError>(Deleted::Removed)
    })?;
    if outcome == Deleted::Removed {
        super::cache::assets_changed();
    }
    Ok(outcome)
}

/// Every asset, by code.
pub fn all(conn: &mut DbConnection) -> Result<Vec<Asset>, StoreError> {
    load(
        dsl::assets
            .select(AssetRow::as_select())
            .order((dsl::code, dsl::issuer))
            .load(conn)?,
    )
}

/// The asset with this database id.
pub fn by_id(conn: &mut DbConnection, id: i64) -> Result<Option<Asset>, StoreError> {
    dsl::assets
        .find(id)
        .select(AssetRow::as_select())
        .first(conn)
        .optional()?
        .map(Asset::try_from)
        .transpose()
}

/// The asset with this code and issuer.
pub fn by_code_and_issuer(
    conn: &mut DbConnection,
    code: &str,
    issuer: &str,
) -> Result<Option<Asset>, StoreError> {
    dsl::assets
        .filter(dsl::code.eq(code).and(dsl::issuer.eq(issuer)))
        .select(AssetRow::as_select())
        .first(conn)
        .optional()?
        .map(Asset::try_from)
        .transpose()
}

/// Every asset with this code (several issuers may share a code).
pub fn by_code(conn: &mut DbConnection, code: &str) -> Result<Vec<Asset>, StoreError> {
    load(
        dsl::assets
            .filter(dsl::code.eq(code))
            .select(AssetRow::as_select())
            .order(dsl::issuer)
            .load(conn)?,
    )
}

/// Rewrites every distribution seed stored in plain text encrypted with the current key
/// (see [`super::seeds`]); returns how many were rewritten.
pub fn seal_plain_seeds(conn: &mut DbConnection) -> Result<usize, StoreError> {
    let rows: Vec<(i64, Option<String>)> = dsl::assets
        .select((dsl::id, dsl::distribution_seed))
        .load(conn)?;
    let mut sealed = 0;
    for (id, seed) in rows {
        let Some(seed) = seed.filter(|s| !super::seeds::is_sealed(s)) else {
            continue;
        };
        let value = super::seeds::seal(&seed)?;
        diesel::update(dsl::assets.find(id))
            .set(dsl::distribution_seed.eq(Some(value)))
            .execute(conn)?;
        sealed += 1;
    }
    if sealed > 0 {
        super::cache::assets_changed();
    }
    Ok(sealed)
}
