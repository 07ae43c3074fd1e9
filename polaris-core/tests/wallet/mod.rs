//! A wallet's callback receiver for the callback tests: a tiny HTTP server on 127.0.0.1
//! (reachable in local mode) that checks each request's `Signature` header with the
//! anchor's public key, answers as planned, and records the bodies it accepted.
//! Plus a context whose settings retry quickly.

#![allow(dead_code)]

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use base64::Engine;
use polaris_core::integrations::Integrations;
use polaris_core::model::{Asset, Kind, Protocol, Status, Transaction};
use polaris_core::processors::callbacks::{run_once, Summary};
use polaris_core::processors::Worker;
use polaris_core::state;
use polaris_core::stellar::KeyPair;
use polaris_core::store::transactions;
use polaris_core::testing::{store_asset, TestDatabase};
use polaris_core::Context;
use serde_json::Value;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// How the wallet answers one request.
#[derive(Debug, Clone, Copy)]
pub enum Answer {
    /// This status code at once (2xx accepts the callback).
    Status(u16),
    /// 200, but only after this long (longer than the anchor waits).
    Slow(Duration),
    /// 200 after this short while (within the anchor's timeout): accepted, recorded at once.
    Delayed(Duration),
}

#[derive(Default)]
struct State {
    plan: VecDeque<Answer>,
    accepted: Vec<Value>,
    requests: usize,
    bad_signatures: usize,
}

/// The receiver; it runs until the test's runtime ends.
pub struct Wallet {
    /// Its callback URL, `http://127.0.0.1:PORT/callback`.
    pub url: String,
    state: Arc<Mutex<State>>,
}

impl Wallet {
    /// Starts a receiver that trusts callbacks signed by `anchor`.
    pub async fn start(anchor: &KeyPair) -> Wallet {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let host = listener.local_addr().unwrap().to_string();
        let state = Arc::new(Mutex::new(State::default()));
        let (shared, key) = (state.clone(), anchor.public_key_bytes());
        let url = format!("http://{host}/callback");
        tokio::spawn(async move {
            while let Ok((socket, _)) = listener.accept().await {
                tokio::spawn(serve(socket, shared.clone(), key, host.clone()));
            }
        });
        Wallet { url, state }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The next requests are answered so, in order; then 200.
    pub fn plan(&self, answers: &[Answer]) {
        self.lock().plan.extend(answers.iter().copied());
    }

    /// The bodies accepted (answered 2xx), in the order they arrived.
    pub fn accepted(&self) -> Vec<Value> {
        self.lock().accepted.clone()
    }

    /// Every request received, accepted or not.
    pub fn requests(&self) -> usize {
        self.lock().requests
    }

    /// Requests whose signature did not verify.
    pub fn bad_signatures(&self) -> usize {
        self.lock().bad_signatures
    }

    /// The statuses of the accepted transaction bodies of transaction `id`, in order.
    pub fn statuses_of(&self, id: &str) -> Vec<String> {
        self.accepted()
            .iter()
            .filter(|b| b["transaction"]["id"] == id)
            .map(|b| {
                b["transaction"]["status"]
                    .as_str()
                    .unwrap_or("")
                    .to_string()
            })
            .collect()
    }
}

async fn serve(mut socket: TcpStream, state: Arc<Mutex<State>>, key: [u8; 32], host: String) {
    let Some((head, body)) = read_request(&mut socket).await else {
        return;
    };
    let signed = verify(&head, &body, &key, &host);
    let answer = {
        let mut s = state.lock().unwrap_or_else(|e| e.into_inner());
        s.requests += 1;
        if !signed {
            s.bad_signatures += 1;
        }
        let answer = s.plan.pop_front().unwrap_or(Answer::Status(200));
        if matches!(answer, Answer::Status(200..=299) | Answer::Delayed(_)) {
            s.accepted
                .push(serde_json::from_str(&body).unwrap_or(Value::Null));
        }
        answer
    };
    let code = match answer {
        Answer::Status(code) => code,
        Answer::Slow(wait) | Answer::Delayed(wait) => {
            tokio::time::sleep(wait).await;
            200
        }
    };
    let reply = format!("HTTP/1.1 {code} X\r\ncontent-length: 0\r\nconnection: close\r\n\r\n");
    let _ = socket.write_all(reply.as_bytes()).await;
    let _ = socket.shutdown().await;
}

async fn read_request(socket: &mut TcpStream) -> Option<(String, String)> {
    let mut data = Vec::new();
    let mut buf = [0u8; 4096];
    loop {
        let n = socket.read(&mut buf).await.ok()?;
        if n == 0 {
            return None;
        }
        data.extend_from_slice(&buf[..n]);
        let text = String::from_utf8_lossy(&data).to_string();
        if let Some((head, body)) = text.split_once("\r\n\r\n") {
            let length = header(head, "content-length")
                .and_then(|v| v.parse::<usize>().ok())
                .unwrap_or(0);
            if body.len() >= length {
                return Some((head.to_string(), body.to_string()));
            }
        }
    }
}

fn header<'a>(head: &'a str, name: &str) -> Option<&'a str> {
    head.lines().find_map(|line| {
        let (n, v) = line.split_once(':')?;
        n.trim().eq_ignore_ascii_case(name).then(|| v.trim())
    })
}

/// The SEP check of a callback: `Signature: t=<time>, s=<base64>` over
/// `<time>.<host>.<body>` with the anchor's key, and a fresh time.
fn verify(head: &str, body: &str, key: &[u8; 32], host: &str) -> bool {
    let Some((t, s)) = header(head, "signature").and_then(|v| v.split_once(", s=")) else {
        return false;
    };
    let Some(time) = t.strip_prefix("t=").and_then(|t| t.parse::<i64>().ok()) else {
        return false;
    };
    let fresh = (chrono::Utc::now().timestamp() - time).abs() < 60;
    let sig = base64::engine::general_purpose::STANDARD
        .decode(s)
        .unwrap_or_default();
    let payload = format!("{time}.{host}.{body}");
    fresh && polaris_core::stellar::keys::verify(key, payload.as_bytes(), &sig)
}

/// A context on `db` in local mode (so 127.0.0.1 is reachable), retrying after 1 s, 2 s
/// (at most), giving up after `max_attempts`, waiting 1 s for an answer; and an asset.
pub fn context(db: &TestDatabase, max_attempts: u32) -> (Context, Asset) {
    let attempts = max_attempts.to_string();
    let settings = polaris_core::testing::settings(&[
        ("LOCAL_MODE", "true"),
        ("HOST_URL", "http://localhost:8000"),
        ("CALLBACK_REQUEST_TIMEOUT", "1"),
        ("CALLBACK_RETRY_BASE_SECONDS", "1"),
        ("CALLBACK_RETRY_MAX_SECONDS", "2"),
        ("CALLBACK_MAX_ATTEMPTS", &attempts),
    ]);
    let mut ctx = polaris_core::testing::context(&db.store, Integrations::default());
    ctx.settings = Arc::new(settings);
    let asset = store_asset(
        &db.store,
        &Asset::new("SRT", KeyPair::random().public_key()),
    );
    (ctx, asset)
}

/// A stored `incomplete` transaction of `protocol` whose changes go to `callback`.
pub fn transaction(
    ctx: &Context,
    asset: &Asset,
    protocol: Protocol,
    callback: Option<&str>,
) -> Transaction {
    let mut tx = Transaction::new(
        Kind::Deposit,
        protocol,
        asset.id,
        KeyPair::random().public_key(),
    );
    tx.on_change_callback = callback.map(str::to_string);
    let stored = tx.clone();
    ctx.store
        .with_conn(|c| transactions::insert(c, &stored))
        .unwrap();
    tx
}

/// Moves `tx` through `statuses`, one transition each.
pub fn move_through(ctx: &Context, tx: &mut Transaction, statuses: &[Status]) {
    for to in statuses {
        ctx.store
            .with_conn(|c| Ok(state::transition(c, tx, *to)))
            .unwrap()
            .unwrap();
    }
}

/// One round of `deliver-callbacks` by `worker`.
pub async fn round(ctx: &Context, worker: &Worker) -> Summary {
    run_once(ctx, worker).await.unwrap()
}

/// `(delivered, retried, given_up)` of a round.
pub fn counts(s: &Summary) -> (usize, usize, usize) {
    (s.delivered, s.retried, s.given_up)
}
