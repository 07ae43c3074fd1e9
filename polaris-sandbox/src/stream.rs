//! Server-sent-event streams of list endpoints, as Horizon sends them.

use std::sync::Arc;

use crate::ledger::Cursor;
use actix_web::web::Bytes;
use actix_web::HttpResponse;
use futures::stream::{self, StreamExt};
use tokio::sync::watch;

use super::routes::{records, List, Params};
use super::Shared;

struct State {
    shared: Arc<Shared>,
    list: List,
    params: Params,
    base: String,
    ledgers: watch::Receiver<u32>,
    drops: watch::Receiver<u64>,
    opened: bool,
}

/// Answers a list request with a live stream starting after its cursor.
pub(super) fn respond(
    shared: Arc<Shared>,
    list: List,
    mut params: Params,
    base: String,
) -> HttpResponse {
    params.query.descending = false;
    params.query.limit = 200;
    if params.query.cursor == Cursor::Now {
        params.query.cursor = Cursor::At(shared.sandbox().latest_token());
    }
    let state = State {
        ledgers: shared.subscribe(),
        drops: shared.faults.drop_signal(),
        shared,
        list,
        params,
        base,
        opened: false,
    };
    let body = stream::unfold(state, |mut st| async move {
        let chunk = next_chunk(&mut st).await?;
        Some((Ok::<_, actix_web::Error>(Bytes::from(chunk)), st))
    });
    HttpResponse::Ok()
        .content_type("text/event-stream")
        .insert_header(("Cache-Control", "no-cache"))
        .insert_header(("X-Accel-Buffering", "no"))
        .streaming(body.boxed_local())
}

async fn next_chunk(st: &mut State) -> Option<String> {
    if !st.opened {
        st.opened = true;
        st.drops.mark_unchanged();
        return Some("retry: 1000\nevent: open\ndata: \"hello\"\n\n".into());
    }
    loop {
        st.ledgers.mark_unchanged();
        let batch = records(&st.shared.sandbox(), &st.list, &st.params, &st.base);
        if let Some((token, _)) = batch.last() {
            st.params.query.cursor = Cursor::At(token.parse().unwrap_or_default());
            let text = batch
                .iter()
                .map(|(id, v)| format!("id: {id}\ndata: {v}\n\n"))
                .collect();
            return Some(text);
        }
        tokio::select! {
            changed = st.ledgers.changed() => changed.ok()?,
            _ = st.drops.changed() => return None,
        }
    }
}
