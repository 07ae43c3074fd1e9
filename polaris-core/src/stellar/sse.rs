//! A small server-sent-events reader for Horizon streams.
//!
//! It reconnects after the server closes the stream or a transport error, sending
//! `Last-Event-ID` so nothing is missed or repeated, and reports errors as stream items
//! instead of panicking. A 4xx answer ends the stream after reporting it.

use std::collections::VecDeque;
use std::time::Duration;

use futures::stream::{self, BoxStream, StreamExt};

use super::horizon::HorizonError;

/// One SSE message carrying data.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SseEvent {
    /// The `id:` field (Horizon's paging token), if any.
    pub id: Option<String>,
    /// The `event:` name (`message` when absent).
    pub event: String,
    /// The `data:` lines, joined by newlines.
    pub data: String,
}

/// Incremental parser: feed bytes, take complete events.
#[derive(Debug, Default)]
pub struct SseParser {
    buffer: String,
    /// The last `retry:` value seen, in milliseconds.
    pub retry_ms: Option<u64>,
}

impl SseParser {
    /// Adds received bytes and returns the events they complete.
    pub fn feed(&mut self, bytes: &[u8]) -> Vec<SseEvent> {
        self.buffer.push_str(&String::from_utf8_lossy(bytes));
        if self.buffer.contains('\r') {
            self.buffer = self.buffer.replace("\r\n", "\n").replace('\r', "\n");
        }
        let mut events = Vec::new();
        while let Some(end) = self.buffer.find("\n\n") {
            let block: String = self.buffer.drain(..end + 2).collect();
            if let Some(e) = self.parse_block(&block) {
                events.push(e);
            }
        }
        events
    }

    fn parse_block(&mut self, block: &str) -> Option<SseEvent> {
        let (mut id, mut event, mut data) = (None, None, Vec::new());
        for line in block.lines().filter(|l| !l.starts_with(':')) {
            let (field, value) = line.split_once(':').unwrap_or((line, ""));
            let value = value.strip_prefix(' ').unwrap_or(value);
            match field {
                "id" => id = Some(value.to_string()),
                "event" => event = Some(value.to_string()),
                "data" => data.push(value),
                "retry" => self.retry_ms = value.parse().ok(),
                _ => {}
            }
        }
        if data.is_empty() {
            return None;
        }
        let event = event.unwrap_or_else(|| "message".into());
        Some(SseEvent {
            id,
            event,
            data: data.join("\n"),
        })
    }
}

/// Where a stream connects, and how.
#[derive(Debug, Clone)]
pub struct SseRequest {
    /// The HTTP client.
    pub http: reqwest::Client,
    /// The full URL, with `cursor=` for the first connection.
    pub url: reqwest::Url,
    /// Delay before reconnecting when the server gave no `retry:`.
    pub reconnect: Duration,
}

struct State {
    req: SseRequest,
    last_id: Option<String>,
    body: Option<BoxStream<'static, reqwest::Result<Vec<u8>>>>,
    parser: SseParser,
    ready: VecDeque<SseEvent>,
    finished: bool,
    reconnecting: bool,
}

/// Opens a reconnecting SSE stream of Horizon `message` events (the `open`/`close` greetings
/// are skipped).
///
/// Inside a tokio runtime the connection is made at once by a task of its own (so `cursor=now`
/// means the time of this call) and events wait in a buffer until read; the task ends when the
/// stream is dropped. Outside a runtime the stream connects when first polled.
pub fn sse_stream(req: SseRequest) -> BoxStream<'static, Result<SseEvent, HorizonError>> {
    let lazy = lazy_stream(req);
    let Ok(runtime) = tokio::runtime::Handle::try_current() else {
        return lazy;
    };
    let (tx, rx) = tokio::sync::mpsc::channel(256);
    runtime.spawn(async move {
        let mut lazy = lazy;
        while let Some(item) = lazy.next().await {
            if tx.send(item).await.is_err() {
                break;
            }
        }
    });
    stream::unfold(rx, |mut rx| async move {
        rx.recv().await.map(|item| (item, rx))
    })
    .boxed()
}

fn lazy_stream(req: SseRequest) -> BoxStream<'static, Result<SseEvent, HorizonError>> {
    let state = State {
        req,
        last_id: None,
        body: None,
        parser: SseParser::default(),
        ready: VecDeque::new(),
        finished: false,
        reconnecting: false,
    };
    stream::unfold(state, |mut st| async move {
        let item = next_event(&mut st).await?;
        Some((item, st))
    })
    .boxed()
}

async fn next_event(st: &mut State) -> Option<Result<SseEvent, HorizonError>> {
    loop {
        if let Some(e) = st.ready.pop_front() {
            return Some(Ok(e));
        }
        if st.finished {
            return None;
        }
        match st.body.as_mut() {
            None => {
                if let Err(e) = connect(st).await {
                    return Some(Err(e));
                }
            }
            Some(body) => match body.next().await {
                Some(Ok(bytes)) => take_events(st, &bytes),
                Some(Err(e)) => {
                    st.body = None;
                    st.reconnecting = true;
                    return Some(Err(HorizonError::Unknown(format!(
                        "stream interrupted: {e}"
                    ))));
                }
                None => {
                    st.body = None;
                    st.reconnecting = true;
                }
            },
        }
    }
}

fn take_events(st: &mut State, bytes: &[u8]) {
    for e in st.parser.feed(bytes) {
        if let Some(id) = &e.id {
            st.last_id = Some(id.clone());
        }
        if e.event == "message" && e.data != "\"hello\"" && e.data != "\"byebye\"" {
            st.ready.push_back(e);
        }
    }
}

async fn connect(st: &mut State) -> Result<(), HorizonError> {
    if st.reconnecting {
        let wait = st
            .parser
            .retry_ms
            .map_or(st.req.reconnect, Duration::from_millis);
        tokio::time::sleep(wait).await;
    }
    st.reconnecting = true;
    let mut url = st.req.url.clone();
    if let Some(id) = &st.last_id {
        set_cursor(&mut url, id);
    }
    let mut request = st.req.http.get(url).header("Accept", "text/event-stream");
    if let Some(id) = &st.last_id {
        request = request.header("Last-Event-ID", id.as_str());
    }
    let resp = request
        .send()
        .await
        .map_err(|e| HorizonError::Unknown(format!("stream connection failed: {e}")))?;
    let status = resp.status();
    if status.is_client_error() {
        st.finished = true;
        let body = resp.text().await.unwrap_or_default();
        return Err(super::client::error_from_body(status.as_u16(), &body));
    }
    if !status.is_success() {
        return Err(HorizonError::Unknown(format!(
            "stream answered HTTP {status}"
        )));
    }
    st.parser = SseParser {
        retry_ms: st.parser.retry_ms,
        ..Default::default()
    };
    st.body = Some(resp.bytes_stream().map(|r| r.map(|b| b.to_vec())).boxed());
    Ok(())
}

fn set_cursor(url: &mut reqwest::Url, cursor: &str) {
    let pairs: Vec<(String, String)> = url
        .query_pairs()
        .filter(|(k, _)| k != "cursor")
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    url.query_pairs_mut()
        .clear()
        .extend_pairs(pairs)
        .append_pair("cursor", cursor);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_horizon_events_split_anywhere() {
        let text = "retry: 1000\nevent: open\ndata: \"hello\"\n\nid: 42\ndata: {\"a\":1}\n\n: comment\n\nid: 43\r\ndata: x\r\n\r\n";
        let mut p = SseParser::default();
        let mut events = Vec::new();
        for chunk in text.as_bytes().chunks(5) {
            events.extend(p.feed(chunk));
        }
        assert_eq!(p.retry_ms, Some(1000));
        assert_eq!(events.len(), 3);
        assert_eq!(events[0].event, "open");
        assert_eq!(
            events[1],
            SseEvent {
                id: Some("42".into()),
                event: "message".into(),
                data: "{\"a\":1}".into()
            }
        );
        assert_eq!(events[2].id.as_deref(), Some("43"));
    }
}
