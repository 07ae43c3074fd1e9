//! The realistic pace's clock: closes a ledger every interval, empty or not, as the network
//! does, and wakes streams and waiting submissions.

use std::sync::Arc;

use tokio::time::{sleep_until, Instant};

use super::routes::now;
use super::Shared;

/// Runs until aborted: closes ledgers at the configured pace, and when the pace turns instant
/// closes ledgers until the queue is empty.
pub(crate) async fn run(shared: Arc<Shared>) {
    let mut pace = shared.pace.subscribe();
    let mut last = Instant::now();
    loop {
        let interval = *pace.borrow_and_update();
        match interval {
            None => {
                flush(&shared);
                if pace.changed().await.is_err() {
                    return;
                }
                last = Instant::now();
            }
            Some(every) => {
                tokio::select! {
                    () = sleep_until(last + every) => {
                        last = Instant::now();
                        close(&shared);
                    }
                    changed = pace.changed() => if changed.is_err() { return },
                }
            }
        }
    }
}

/// Closes one ledger with what the queue offers.
fn close(shared: &Shared) {
    let closed = shared.sandbox().close_ledger(now());
    tracing::debug!(transactions = closed.len(), "ledger closed");
    shared.ledger_closed();
}

/// Closes ledgers until nothing is queued (the pace turned instant).
fn flush(shared: &Shared) {
    while shared.sandbox().queued() > 0 {
        close(shared);
    }
}
