//! The reference anchor's customers, kept in a table of its own in the Polaris database
//! (SQLite or PostgreSQL alike): one row per customer, its SEP-9 fields as JSON.
//!
//! A customer is a user, not an account: the users of one custodial wallet share a `G...`
//! account and differ by memo, and muxed users by their `M...` address. Rows are keyed by
//! the user key Polaris gives (`CustomerRequest::user`, `Transaction::user`).

use diesel::prelude::*;
use polaris_core::integrations::{IntegrationError, Sep9Fields};
use polaris_core::store::{Store, StoreError};

diesel::table! {
    reference_kyc (id) {
        id -> Text,
        user_key -> Text,
        fields -> Text,
    }
}

use reference_kyc::dsl;

const CREATE: &str = "CREATE TABLE IF NOT EXISTS reference_kyc (
    id TEXT PRIMARY KEY,
    user_key TEXT NOT NULL,
    fields TEXT NOT NULL
)";

fn unavailable(e: StoreError) -> IntegrationError {
    IntegrationError::unavailable_because("the customer store is unavailable", e)
}

/// Customers in the database.
#[derive(Clone, Debug)]
pub struct Customers {
    store: Store,
}

impl Customers {
    /// Uses `store`, creating the table if it is missing.
    pub fn open(store: Store) -> Result<Self, StoreError> {
        store.with_conn(|c| {
            diesel::sql_query(CREATE).execute(c)?;
            Ok(())
        })?;
        Ok(Self { store })
    }

    /// The store the customers are kept in.
    pub fn store(&self) -> &Store {
        &self.store
    }

    /// The customer of `user`: its id and fields.
    pub async fn of(&self, user: &str) -> Result<Option<(String, Sep9Fields)>, IntegrationError> {
        let user = user.to_string();
        let row: Option<(String, String)> = self
            .store
            .run(move |c| {
                Ok(dsl::reference_kyc
                    .filter(dsl::user_key.eq(user))
                    .select((dsl::id, dsl::fields))
                    .first(c)
                    .optional()?)
            })
            .await
            .map_err(unavailable)?;
        row.map(|(id, json)| {
            serde_json::from_str(&json)
                .map(|f| (id, f))
                .map_err(IntegrationError::other)
        })
        .transpose()
    }

    /// Adds `fields` to customer `id` (or to `user`'s, or to a new one); returns its id.
    pub async fn save(
        &self,
        id: Option<&str>,
        user: &str,
        fields: &Sep9Fields,
    ) -> Result<String, IntegrationError> {
        let existing = self.of(user).await?;
        let (id, mut all) = match existing {
            Some((found, all)) if id.is_none_or(|i| i == found) => (found, all),
            _ => (
                id.map_or_else(|| uuid::Uuid::new_v4().to_string(), str::to_string),
                Sep9Fields::new(),
            ),
        };
        all.extend(fields.clone());
        let json = serde_json::to_string(&all).map_err(IntegrationError::other)?;
        let (row_id, user) = (id.clone(), user.to_string());
        self.store
            .run(move |c| {
                c.transaction(|c| {
                    diesel::delete(dsl::reference_kyc.find(&row_id)).execute(c)?;
                    diesel::insert_into(dsl::reference_kyc)
                        .values((
                            dsl::id.eq(&row_id),
                            dsl::user_key.eq(&user),
                            dsl::fields.eq(&json),
                        ))
                        .execute(c)?;
                    Ok(())
                })
            })
            .await
            .map_err(unavailable)?;
        Ok(id)
    }

    /// Forgets customer `id`.
    pub async fn delete(&self, id: &str) -> Result<(), IntegrationError> {
        let id = id.to_string();
        self.store
            .run(move |c| {
                diesel::delete(dsl::reference_kyc.find(id)).execute(c)?;
                Ok(())
            })
            .await
            .map_err(unavailable)
    }
}
