//! The back office's queries: transactions searched by an operator, SEP-12 customers, and
//! the unmatched payments with what operators decided about them.
//!
//! Every filter is a bound parameter; text filters are exact matches, except account
//! prefixes, which the caller checks to be strkey characters only (see
//! [`crate::backoffice::filters`]).

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use serde::Serialize;

use super::rows::{from_db_time, to_db_time, TransactionRow};
use super::schema::{customers, transactions, unmatched_payments, unmatched_resolutions};
use super::watcher::UnmatchedPayment;
use super::{DbConnection, StoreError};
use crate::model::{Kind, Status, Transaction};

type Db = <DbConnection as diesel::Connection>::Backend;

/// What an operator searches transactions by; every field narrows the search.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TransactionFilter {
    /// The Polaris id, the Stellar transaction hash or the external id.
    pub id: Option<String>,
    /// The user's `G...` account (or the start of it) or muxed `M...` address.
    pub account: Option<String>,
    /// The transaction's memo or the user's SEP-10 memo.
    pub memo: Option<String>,
    /// The status.
    pub status: Option<Status>,
    /// The kind.
    pub kind: Option<Kind>,
    /// Started at or after.
    pub from: Option<DateTime<Utc>>,
    /// Started before.
    pub until: Option<DateTime<Utc>>,
}

fn filtered(f: &TransactionFilter) -> transactions::BoxedQuery<'static, Db> {
    use transactions::dsl;
    let mut q = dsl::transactions.into_boxed();
    if let Some(id) = f.id.clone() {
        q = q.filter(
            dsl::id
                .eq(id.clone())
                .or(dsl::stellar_transaction_id.eq(id.clone()))
                .or(dsl::external_transaction_id.eq(id)),
        );
    }
    if let Some(account) = f.account.clone() {
        q = q.filter(
            dsl::stellar_account
                .like(format!("{account}%"))
                .or(dsl::muxed_account.eq(account)),
        );
    }
    if let Some(memo) = f.memo.clone() {
        q = q.filter(dsl::memo.eq(memo.clone()).or(dsl::account_memo.eq(memo)));
    }
    if let Some(status) = f.status {
        q = q.filter(dsl::status.eq(status.as_str()));
    }
    if let Some(kind) = f.kind {
        q = q.filter(dsl::kind.eq(kind.as_str()));
    }
    if let Some(from) = f.from {
        q = q.filter(dsl::started_at.ge(to_db_time(from)));
    }
    if let Some(until) = f.until {
        q = q.filter(dsl::started_at.lt(to_db_time(until)));
    }
    q
}

/// One page of the transactions matching `f`, newest first, and how many match in all.
pub fn search_transactions(
    conn: &mut DbConnection,
    f: &TransactionFilter,
    offset: i64,
    limit: i64,
) -> Result<(Vec<Transaction>, i64), StoreError> {
    use transactions::dsl;
    let total: i64 = filtered(f).count().get_result(conn)?;
    let rows: Vec<TransactionRow> = filtered(f)
        .order((dsl::started_at.desc(), dsl::id.desc()))
        .offset(offset.max(0))
        .limit(limit.max(0))
        .select(TransactionRow::as_select())
        .load(conn)?;
    let list = rows
        .into_iter()
        .map(Transaction::try_from)
        .collect::<Result<_, _>>()?;
    Ok((list, total))
}

/// A SEP-12 customer as Polaris knows it: the id the anchor's integration gave, and whose.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Queryable, Selectable)]
#[diesel(table_name = customers)]
pub struct CustomerRecord {
    /// The customer id.
    pub id: String,
    /// The `G...` account.
    pub stellar_account: String,
    /// The SEP-10 memo, for shared accounts.
    pub account_memo: Option<String>,
    /// The muxed address.
    pub muxed_account: Option<String>,
    /// When Polaris first saw it.
    #[serde(skip)]
    pub created_at: chrono::NaiveDateTime,
    /// The URL the wallet asked status changes to be sent to.
    pub callback_url: Option<String>,
}

/// One page of the customers whose account starts with `account` (all when `None`),
/// newest first, and how many match in all.
pub fn search_customers(
    conn: &mut DbConnection,
    account: Option<&str>,
    offset: i64,
    limit: i64,
) -> Result<(Vec<CustomerRecord>, i64), StoreError> {
    use customers::dsl;
    let query = |account: Option<&str>| {
        let mut q = dsl::customers.into_boxed::<Db>();
        if let Some(a) = account {
            q = q.filter(
                dsl::stellar_account
                    .like(format!("{a}%"))
                    .or(dsl::muxed_account.eq(a.to_string())),
            );
        }
        q
    };
    let total: i64 = query(account).count().get_result(conn)?;
    let list = query(account)
        .order((dsl::created_at.desc(), dsl::id.asc()))
        .offset(offset.max(0))
        .limit(limit.max(0))
        .select(CustomerRecord::as_select())
        .load(conn)?;
    Ok((list, total))
}

/// What an operator decided about an unmatched payment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Resolution {
    /// `matched` or `refunded`.
    pub resolution: String,
    /// The transaction it was matched to.
    pub transaction_id: Option<String>,
    /// The reference of the refund payment.
    pub reference: Option<String>,
    /// When.
    pub resolved_at: DateTime<Utc>,
}

type ResolutionRow = (
    String,
    String,
    Option<String>,
    Option<String>,
    chrono::NaiveDateTime,
);

/// Every unmatched payment, newest first, with the operator's resolution when there is one.
pub fn unmatched_payments(
    conn: &mut DbConnection,
    limit: i64,
) -> Result<Vec<(UnmatchedPayment, Option<Resolution>)>, StoreError> {
    let payments: Vec<UnmatchedPayment> = unmatched_payments::table
        .order(unmatched_payments::created_at.desc())
        .limit(limit.max(0))
        .load(conn)?;
    let tokens: Vec<&str> = payments.iter().map(|p| p.paging_token.as_str()).collect();
    let resolutions: Vec<ResolutionRow> = unmatched_resolutions::table
        .filter(unmatched_resolutions::paging_token.eq_any(tokens))
        .load(conn)?;
    Ok(payments
        .into_iter()
        .map(|p| {
            let r = resolutions
                .iter()
                .find(|r| r.0 == p.paging_token)
                .map(|r| Resolution {
                    resolution: r.1.clone(),
                    transaction_id: r.2.clone(),
                    reference: r.3.clone(),
                    resolved_at: from_db_time(r.4),
                });
            (p, r)
        })
        .collect())
}

/// The unmatched payment with this paging token and its resolution, if any.
pub fn unmatched_payment(
    conn: &mut DbConnection,
    paging_token: &str,
) -> Result<Option<(UnmatchedPayment, bool)>, StoreError> {
    let Some(payment) = unmatched_payments::table
        .find(paging_token)
        .first::<UnmatchedPayment>(conn)
        .optional()?
    else {
        return Ok(None);
    };
    let resolved: i64 = unmatched_resolutions::table
        .find(paging_token)
        .count()
        .get_result(conn)?;
    Ok(Some((payment, resolved > 0)))
}

/// Records the resolution of payment `paging_token`. Fails (a unique-key violation) when
/// it was resolved already: call it inside the database transaction that acts on it, so
/// that of two operators only one acts.
pub fn resolve(
    conn: &mut DbConnection,
    paging_token: &str,
    resolution: &Resolution,
) -> Result<(), StoreError> {
    diesel::insert_into(unmatched_resolutions::table)
        .values((
            unmatched_resolutions::paging_token.eq(paging_token),
            unmatched_resolutions::resolution.eq(&resolution.resolution),
            unmatched_resolutions::transaction_id.eq(&resolution.transaction_id),
            unmatched_resolutions::reference.eq(&resolution.reference),
            unmatched_resolutions::resolved_at.eq(to_db_time(resolution.resolved_at)),
        ))
        .execute(conn)?;
    Ok(())
}
