//! SEP-12 customer callbacks: when the anchor changes a customer's KYC status, the wallet
//! that registered a URL with `PUT /customer/callback` receives the customer as
//! `GET /customer` shows it, signed like every callback, through the callback outbox.

use diesel::Connection;

use crate::context::Context;
use crate::integrations::{CustomerInfo, CustomerStatus};
use crate::store::callbacks::{self, Topic};
use crate::store::customers;
use crate::store::transactions::Owner;
use crate::store::{DbConnection, StoreError};

/// Reports `info` (the customer's new status, the fields still needed, ...) to the callback
/// URL `owner`'s customer registered, by writing it to the callback outbox; returns its
/// sequence number, or `None` when the customer is unknown or registered no URL. Call it
/// in the database transaction of the status change when the status lives in the same
/// database, so the notification is written if and only if the change is.
///
/// After `ACCEPTED` or `REJECTED` the URL is forgotten: SEP-12 callbacks stop at a final
/// status, and a wallet that wants more sets its callback again.
pub fn notify_customer_status(
    conn: &mut DbConnection,
    owner: &Owner,
    info: &CustomerInfo,
) -> Result<Option<i64>, StoreError> {
    conn.transaction(|conn| {
        let Some((id, Some(url))) = customers::lock_callback(conn, owner)? else {
            return Ok(None);
        };
        let body = super::customer_body(Some(id.clone()), info.clone()).to_string();
        let sequence = callbacks::enqueue(conn, Topic::Customer, &id, &url, &body)?;
        if is_final(info.status) {
            customers::set_callback_url(conn, &id, None)?;
        }
        Ok(Some(sequence))
    })
}

/// [`notify_customer_status`] on the blocking pool.
pub async fn notify_customer_status_async(
    ctx: &Context,
    owner: Owner,
    info: CustomerInfo,
) -> Result<Option<i64>, StoreError> {
    ctx.store
        .run(move |c| notify_customer_status(c, &owner, &info))
        .await
}

fn is_final(status: CustomerStatus) -> bool {
    match status {
        CustomerStatus::Accepted | CustomerStatus::Rejected => true,
        CustomerStatus::Processing | CustomerStatus::NeedsInfo => false,
    }
}
