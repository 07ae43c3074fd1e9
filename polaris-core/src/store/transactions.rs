//! Transaction queries.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use uuid::Uuid;

use super::rows::{to_db_time, TransactionRow};
use super::schema::transactions::dsl;
use super::{DbConnection, StoreError};
use crate::model::{Kind, Protocol, Stage, Status, Transaction};

/// The authenticated owner of transactions: a SEP-10 account with its memo or muxed address.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Owner {
    /// The `G...` account.
    pub account: String,
    /// The SEP-10 memo, for shared accounts.
    pub memo: Option<String>,
    /// The muxed address (`M...`), if the wallet authenticated with one.
    pub muxed: Option<String>,
}

impl Owner {
    /// An owner that is a plain `G...` account.
    pub fn account(account: impl Into<String>) -> Self {
        Self {
            account: account.into(),
            memo: None,
            muxed: None,
        }
    }
}

/// The filters of the SEP-6/SEP-24 `/transactions` endpoints.
#[derive(Debug, Clone)]
pub struct ListQuery {
    /// Whose transactions.
    pub owner: Owner,
    /// Which asset.
    pub asset_id: i64,
    /// Which SEP created them.
    pub protocol: Protocol,
    /// Only these kinds (empty: every kind).
    pub kinds: Vec<KindChoice>,
    /// Only those started at or after this time.
    pub no_older_than: Option<DateTime<Utc>>,
    /// Only those older than the transaction with this id (exclusive).
    pub paging_id: Option<Uuid>,
    /// The most to return.
    pub limit: i64,
}

/// One value of the `kind` filter: a kind of transfer, and whether only exchanges (a
/// transfer with a different off-chain asset, SEP-6's `deposit-exchange`), only plain
/// transfers (SEP-6's `deposit`) or both (SEP-24's `deposit`) are meant.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KindChoice {
    /// Deposits or withdrawals.
    pub kind: Kind,
    /// `Some(true)`: exchanges only; `Some(false)`: plain transfers only; `None`: both.
    pub exchange: Option<bool>,
}

/// How a single transaction is looked up by the SEP `/transaction` endpoints.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Lookup {
    /// By Polaris id.
    Id(Uuid),
    /// By Stellar transaction hash.
    StellarTransactionId(String),
    /// By the anchor's external id.
    ExternalTransactionId(String),
}

fn one(row: Option<TransactionRow>) -> Result<Option<Transaction>, StoreError> {
    row.map(Transaction::try_from).transpose()
}

fn many(rows: Vec<TransactionRow>) -> Result<Vec<Transaction>, StoreError> {
    rows.into_iter().map(Transaction::try_from).collect()
}

/// Stores a new transaction, and the first entry of its history ([`super::events`]).
pub fn insert(conn: &mut DbConnection, tx: &Transaction) -> Result<(), StoreError> {
    conn.transaction(|conn| {
        diesel::insert_into(dsl::transactions)
            .values(TransactionRow::from(tx))
            .execute(conn)?;
        super::events::record(conn, tx, None)
    })
}

/// The transaction with this id, whoever owns it (for processors, not for wallets).
pub fn by_id(conn: &mut DbConnection, id: Uuid) -> Result<Option<Transaction>, StoreError> {
    one(dsl::transactions
        .find(id.to_string())
        .select(TransactionRow::as_select())
        .first(conn)
        .optional()?)
}

macro_rules! owned_by {
    ($query:expr, $owner:expr) => {{
        let owner: &Owner = $owner;
        let mut q = $query.filter(dsl::stellar_account.eq(owner.account.clone()));
        q = match &owner.memo {
            Some(m) => q.filter(dsl::account_memo.eq(m.clone())),
            None => q.filter(dsl::account_memo.is_null()),
        };
        match &owner.muxed {
            Some(m) => q.filter(dsl::muxed_account.eq(m.clone())),
            None => q.filter(dsl::muxed_account.is_null()),
        }
    }};
}

/// One transaction of `owner`, looked up as a wallet asks for it.
pub fn find_owned(
    conn: &mut DbConnection,
    owner: &Owner,
    protocol: Protocol,
    lookup: &Lookup,
) -> Result<Option<Transaction>, StoreError> {
    let base = dsl::transactions
        .filter(dsl::protocol.eq(protocol.to_string()))
        .into_boxed();
    let q = owned_by!(base, owner);
    let q = match lookup {
        Lookup::Id(id) => q.filter(dsl::id.eq(id.to_string())),
        Lookup::StellarTransactionId(h) => q.filter(dsl::stellar_transaction_id.eq(h.clone())),
        Lookup::ExternalTransactionId(e) => q.filter(dsl::external_transaction_id.eq(e.clone())),
    };
    one(q
        .select(TransactionRow::as_select())
        .first(conn)
        .optional()?)
}

/// The transactions of a SEP `/transactions` request, newest first.
pub fn list(conn: &mut DbConnection, query: &ListQuery) -> Result<Vec<Transaction>, StoreError> {
    let base = dsl::transactions
        .filter(dsl::asset_id.eq(query.asset_id))
        .filter(dsl::protocol.eq(query.protocol.to_string()))
        .into_boxed();
    let mut q = owned_by!(base, &query.owner);
    if !query.kinds.is_empty() {
        let names = |exchange: Option<bool>| -> Vec<String> {
            let chosen = query.kinds.iter().filter(|c| c.exchange == exchange);
            chosen.map(|c| c.kind.to_string()).collect()
        };
        // An exchange is a transfer with an off-chain asset of its own (amount_in_asset).
        q = q.filter(
            dsl::kind
                .eq_any(names(None))
                .or(dsl::kind
                    .eq_any(names(Some(false)))
                    .and(dsl::amount_in_asset.is_null()))
                .or(dsl::kind
                    .eq_any(names(Some(true)))
                    .and(dsl::amount_in_asset.is_not_null())),
        );
    }
    if let Some(t) = query.no_older_than {
        q = q.filter(dsl::started_at.ge(to_db_time(t)));
    }
    if let Some(pid) = query.paging_id {
        let Some(anchor) = by_id(conn, pid)? else {
            return Ok(Vec::new());
        };
        let at = to_db_time(anchor.started_at);
        q = q.filter(
            dsl::started_at
                .lt(at)
                .or(dsl::started_at.eq(at).and(dsl::id.lt(pid.to_string()))),
        );
    }
    many(
        q.order((dsl::started_at.desc(), dsl::id.desc()))
            .limit(query.limit.max(0))
            .select(TransactionRow::as_select())
            .load(conn)?,
    )
}

/// Writes every column of `tx` if the stored status is still `expected`.
///
/// Returns whether a row was written. This is the one conditional write that
/// [`crate::state`] builds transitions on.
pub fn update_if_status(
    conn: &mut DbConnection,
    tx: &Transaction,
    expected: Status,
) -> Result<bool, StoreError> {
    let n = diesel::update(
        dsl::transactions
            .filter(dsl::id.eq(tx.id.to_string()))
            .filter(dsl::status.eq(expected.to_string())),
    )
    .set(TransactionRow::from(tx))
    .execute(conn)?;
    Ok(n == 1)
}

/// Transactions of `kind` in one of `statuses` and `stage`, oldest first, after `after` (for batching).
pub fn pending(
    conn: &mut DbConnection,
    kind: Kind,
    statuses: &[Status],
    stage: Option<Stage>,
    after: Option<DateTime<Utc>>,
    limit: i64,
) -> Result<Vec<Transaction>, StoreError> {
    let statuses: Vec<String> = statuses.iter().map(|s| s.to_string()).collect();
    let mut q = dsl::transactions
        .filter(dsl::kind.eq(kind.to_string()))
        .filter(dsl::status.eq_any(statuses))
        .into_boxed();
    if let Some(stage) = stage {
        q = q.filter(dsl::stage.eq(stage.to_string()));
    }
    if let Some(t) = after {
        q = q.filter(dsl::started_at.gt(to_db_time(t)));
    }
    many(
        q.order((dsl::started_at.asc(), dsl::id.asc()))
            .limit(limit.max(0))
            .select(TransactionRow::as_select())
            .load(conn)?,
    )
}

/// The withdrawals waiting for a payment with this memo.
pub fn by_memo(
    conn: &mut DbConnection,
    memo: &str,
    kind: Kind,
    status: Status,
) -> Result<Vec<Transaction>, StoreError> {
    many(
        dsl::transactions
            .filter(dsl::memo.eq(memo))
            .filter(dsl::kind.eq(kind.to_string()))
            .filter(dsl::status.eq(status.to_string()))
            .select(TransactionRow::as_select())
            .load(conn)?,
    )
}

/// How many transactions are stored.
pub fn count(conn: &mut DbConnection) -> Result<i64, StoreError> {
    Ok(dsl::transactions.count().get_result(conn)?)
}

/// Takes the lease on a transaction for `worker` until `until`, if it is still in `expected`
/// status and nobody else holds an unexpired lease. Returns whether the lease was taken.
pub fn claim(
    conn: &mut DbConnection,
    id: Uuid,
    expected: Status,
    worker: &str,
    now: DateTime<Utc>,
    until: DateTime<Utc>,
) -> Result<bool, StoreError> {
    let free = dsl::lease_expires_at
        .is_null()
        .or(dsl::lease_expires_at.lt(to_db_time(now)))
        .or(dsl::lease_owner.eq(worker.to_string()));
    let n = diesel::update(
        dsl::transactions
            .filter(dsl::id.eq(id.to_string()))
            .filter(dsl::status.eq(expected.to_string()))
            .filter(free),
    )
    .set((
        dsl::lease_owner.eq(Some(worker.to_string())),
        dsl::lease_expires_at.eq(Some(to_db_time(until))),
    ))
    .execute(conn)?;
    Ok(n == 1)
}

/// Records that `worker` is about to hand withdrawal `id` to the rails: moves its stage from
/// `ready_to_pay` to `paying_out` and stamps `payout_started_at`, only if it is still
/// `pending_anchor` / `ready_to_pay` and `worker` holds its lease. Exactly one caller can win,
/// so the rails hook runs at most once per transaction, whatever the leases do.
pub fn start_payout(
    conn: &mut DbConnection,
    id: Uuid,
    worker: &str,
    at: DateTime<Utc>,
) -> Result<bool, StoreError> {
    let n = diesel::update(
        dsl::transactions
            .filter(dsl::id.eq(id.to_string()))
            .filter(dsl::status.eq(Status::PendingAnchor.to_string()))
            .filter(dsl::stage.eq(Stage::ReadyToPay.to_string()))
            .filter(dsl::lease_owner.eq(worker.to_string())),
    )
    .set((
        dsl::stage.eq(Stage::PayingOut.to_string()),
        dsl::payout_started_at.eq(Some(to_db_time(at))),
        dsl::updated_at.eq(to_db_time(at)),
    ))
    .execute(conn)?;
    Ok(n == 1)
}

/// Withdrawals whose payout started before `before` and never reported back (a worker died
/// during the rails call) and that carry no operator message yet.
pub fn stalled_payouts(
    conn: &mut DbConnection,
    before: DateTime<Utc>,
    limit: i64,
) -> Result<Vec<Transaction>, StoreError> {
    many(
        dsl::transactions
            .filter(dsl::kind.eq(Kind::Withdrawal.to_string()))
            .filter(dsl::status.eq(Status::PendingAnchor.to_string()))
            .filter(dsl::stage.eq(Stage::PayingOut.to_string()))
            .filter(dsl::payout_started_at.lt(to_db_time(before)))
            .filter(dsl::status_message.is_null())
            .order(dsl::payout_started_at.asc())
            .limit(limit.max(0))
            .select(TransactionRow::as_select())
            .load(conn)?,
    )
}

/// Whether a withdrawal with `memo` already recorded the Stellar transaction `hash` as its
/// payment: another watcher matched this payment first.
pub fn already_matched(
    conn: &mut DbConnection,
    memo: &str,
    hash: &str,
) -> Result<bool, StoreError> {
    let n: i64 = dsl::transactions
        .filter(dsl::kind.eq(Kind::Withdrawal.to_string()))
        .filter(dsl::memo.eq(memo))
        .filter(dsl::stellar_transaction_id.eq(hash))
        .count()
        .get_result(conn)?;
    Ok(n > 0)
}

/// The transactions of `owner` (every SEP) in `status`, oldest first.
pub fn of_owner_in_status(
    conn: &mut DbConnection,
    owner: &Owner,
    status: Status,
) -> Result<Vec<Transaction>, StoreError> {
    let base = dsl::transactions
        .filter(dsl::status.eq(status.to_string()))
        .into_boxed();
    let q = owned_by!(base, owner);
    many(
        q.order((dsl::started_at.asc(), dsl::id.asc()))
            .select(TransactionRow::as_select())
            .load(conn)?,
    )
}

/// Transactions in `status` and stage `none` whose time is up, oldest first: the user's
/// deadline (`user_action_required_by`) passed before `now`, or, without a deadline, the last
/// change was before `idle_since` (`None`: only deadlines count).
pub fn expirable(
    conn: &mut DbConnection,
    status: Status,
    now: DateTime<Utc>,
    idle_since: Option<DateTime<Utc>>,
    limit: i64,
) -> Result<Vec<Transaction>, StoreError> {
    let q = dsl::transactions
        .filter(dsl::status.eq(status.to_string()))
        .filter(dsl::stage.eq(Stage::None.to_string()))
        .into_boxed();
    let deadline_passed = dsl::user_action_required_by.lt(to_db_time(now));
    let q = match idle_since {
        Some(t) => q.filter(
            deadline_passed.or(dsl::user_action_required_by
                .is_null()
                .and(dsl::updated_at.lt(to_db_time(t)))),
        ),
        None => q.filter(deadline_passed),
    };
    many(
        q.order((dsl::updated_at.asc(), dsl::id.asc()))
            .limit(limit.max(0))
            .select(TransactionRow::as_select())
            .load(conn)?,
    )
}
