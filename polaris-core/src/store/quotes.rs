//! SEP-38 firm quotes: stored with the SEP-10 account that asked, read back by that account
//! only, and taken by at most one transaction before they expire.

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use rust_decimal::Decimal;

use super::rows::{from_db_time, to_db_time};
use super::schema::quotes::{self, dsl};
use super::transactions::Owner;
use super::{DbConnection, StoreError};
use crate::model::{Quote, QuoteFee};

/// Why a quote cannot be taken for a transaction.
#[derive(Debug, thiserror::Error)]
pub enum TakeError {
    /// No quote of this id belongs to the owner.
    #[error("no such quote")]
    NotFound,
    /// Another transaction took it first.
    #[error("the quote is already used by another transaction")]
    Used,
    /// It expired before it was taken.
    #[error("the quote expired at {0}")]
    Expired(DateTime<Utc>),
    /// The database failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = quotes)]
struct QuoteRow {
    id: String,
    stellar_account: String,
    account_memo: Option<String>,
    muxed_account: Option<String>,
    context: String,
    sell_asset: String,
    sell_amount: String,
    sell_delivery_method: Option<String>,
    buy_asset: String,
    buy_amount: String,
    buy_delivery_method: Option<String>,
    price: String,
    total_price: String,
    fee: String,
    expires_at: NaiveDateTime,
    used_by_transaction: Option<String>,
    created_at: NaiveDateTime,
}

fn corrupt(column: &str, value: &str) -> StoreError {
    StoreError::Corrupt(format!("quotes.{column}: unexpected value '{value}'"))
}

fn parsed<T: std::str::FromStr>(column: &str, value: &str) -> Result<T, StoreError> {
    value.parse().map_err(|_| corrupt(column, value))
}

fn text(d: Decimal) -> String {
    d.normalize().to_string()
}

impl QuoteRow {
    fn of(q: &Quote) -> Result<Self, StoreError> {
        Ok(Self {
            id: q.id.clone(),
            stellar_account: q.account.clone(),
            account_memo: q.memo.clone(),
            muxed_account: q.muxed_account.clone(),
            context: q.context.to_string(),
            sell_asset: q.sell_asset.to_string(),
            sell_amount: text(q.sell_amount),
            sell_delivery_method: q.sell_delivery_method.clone(),
            buy_asset: q.buy_asset.to_string(),
            buy_amount: text(q.buy_amount),
            buy_delivery_method: q.buy_delivery_method.clone(),
            price: text(q.price),
            total_price: text(q.total_price),
            fee: serde_json::to_string(&q.fee).map_err(|e| StoreError::Invalid(e.to_string()))?,
            expires_at: to_db_time(q.expires_at),
            used_by_transaction: q.used_by_transaction.clone(),
            created_at: to_db_time(q.created_at),
        })
    }

    fn into_quote(self) -> Result<Quote, StoreError> {
        let fee: QuoteFee =
            serde_json::from_str(&self.fee).map_err(|_| corrupt("fee", &self.fee))?;
        Ok(Quote {
            context: parsed("context", &self.context)?,
            sell_asset: parsed("sell_asset", &self.sell_asset)?,
            sell_amount: parsed("sell_amount", &self.sell_amount)?,
            buy_asset: parsed("buy_asset", &self.buy_asset)?,
            buy_amount: parsed("buy_amount", &self.buy_amount)?,
            price: parsed("price", &self.price)?,
            total_price: parsed("total_price", &self.total_price)?,
            fee,
            id: self.id,
            account: self.stellar_account,
            memo: self.account_memo,
            muxed_account: self.muxed_account,
            sell_delivery_method: self.sell_delivery_method,
            buy_delivery_method: self.buy_delivery_method,
            expires_at: from_db_time(self.expires_at),
            used_by_transaction: self.used_by_transaction,
            created_at: from_db_time(self.created_at),
        })
    }
}

/// Stores a new quote.
pub fn insert(conn: &mut DbConnection, quote: &Quote) -> Result<(), StoreError> {
    diesel::insert_into(dsl::quotes)
        .values(QuoteRow::of(quote)?)
        .execute(conn)?;
    Ok(())
}

/// The quote `id` if it belongs to `owner` (the account, memo and muxed address that asked
/// for it); another owner's quote is `None`, as an unknown one is.
pub fn find_owned(
    conn: &mut DbConnection,
    id: &str,
    owner: &Owner,
) -> Result<Option<Quote>, StoreError> {
    let mut q = dsl::quotes
        .filter(dsl::id.eq(id.to_string()))
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
    q.select(QuoteRow::as_select())
        .first(conn)
        .optional()?
        .map(QuoteRow::into_quote)
        .transpose()
}

/// Takes quote `id` of `owner` for `transaction_id`, exactly once: one conditional write
/// (`used_by_transaction IS NULL AND expires_at > now`) decides, so of two transactions
/// taking the same quote at once, one wins and the other gets [`TakeError::Used`]. Returns
/// the quote as taken.
pub fn take(
    conn: &mut DbConnection,
    id: &str,
    owner: &Owner,
    transaction_id: &str,
    now: DateTime<Utc>,
) -> Result<Quote, TakeError> {
    let quote = find_owned(conn, id, owner)?.ok_or(TakeError::NotFound)?;
    let taken = diesel::update(
        dsl::quotes
            .filter(dsl::id.eq(id))
            .filter(dsl::used_by_transaction.is_null())
            .filter(dsl::expires_at.gt(to_db_time(now))),
    )
    .set(dsl::used_by_transaction.eq(transaction_id))
    .execute(conn)
    .map_err(StoreError::from)?;
    match (taken, quote.used_by_transaction.as_deref()) {
        (1, _) => Ok(Quote {
            used_by_transaction: Some(transaction_id.to_string()),
            ..quote
        }),
        (_, Some(_)) => Err(TakeError::Used),
        (_, None) if quote.expires_at <= now => Err(TakeError::Expired(quote.expires_at)),
        // Taken between the read and the write.
        (_, None) => Err(TakeError::Used),
    }
}
