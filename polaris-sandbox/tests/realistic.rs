//! The realistic pace over loopback HTTP: ledgers close on a clock, submissions wait in
//! stellar-core's queue (one per source account, a maximum of operations per ledger) and are
//! answered as Horizon answers them.

use std::sync::OnceLock;
use std::time::{Duration, Instant};

use polaris_core::stellar::tx::{Op, TransactionBuilder};
use polaris_core::stellar::{Asset, Horizon, HorizonClient, KeyPair};
use polaris_sandbox::testing::*;
use polaris_sandbox::{start, SandboxConfig, SandboxHandle};
use serde_json::Value;

const PACE: Duration = Duration::from_millis(200);

/// A sandbox at the instant pace (to set accounts up quickly) that `go()` turns realistic.
async fn instant_then(config: SandboxConfig) -> SandboxHandle {
    start(
        "127.0.0.1:0".parse().unwrap(),
        SandboxConfig {
            ledger_close: None,
            submission_timeout: Duration::from_secs(2),
            ..config
        },
    )
    .await
    .unwrap()
}

fn go(sb: &SandboxHandle, pace: Duration) {
    sb.set_ledger_close(Some(pace));
}

/// A payment of 1 XLM from `from` to `to` at sequence `seq` offering `fee` per operation.
fn payment(sb: &SandboxHandle, from: &KeyPair, to: &KeyPair, seq: i64, fee: u32) -> String {
    let b = TransactionBuilder::new(from.public_key(), seq, fee)
        .unwrap()
        .op(Op::payment(to.public_key(), Asset::Native, XLM).unwrap());
    envelope(b, &[from], &sb.passphrase())
}

async fn seq_of(h: &HorizonClient, k: &KeyPair) -> i64 {
    h.load_account(k.public_key())
        .await
        .unwrap()
        .unwrap()
        .sequence
}

/// One HTTP client for every test (building one loads the TLS roots: slow), keeping no
/// connection across the tests' runtimes.
fn http() -> &'static reqwest::Client {
    static HTTP: OnceLock<reqwest::Client> = OnceLock::new();
    HTTP.get_or_init(|| {
        reqwest::Client::builder()
            .pool_max_idle_per_host(0)
            .build()
            .unwrap()
    })
}

/// `POST path` with the form field `tx`: status and JSON body.
async fn post(sb: &SandboxHandle, path: &str, tx: &str) -> (u16, Value) {
    let r = http()
        .post(format!("{}{path}", sb.url()))
        .form(&[("tx", tx)])
        .send()
        .await
        .unwrap();
    let status = r.status().as_u16();
    (
        status,
        serde_json::from_str(&r.text().await.unwrap()).unwrap(),
    )
}

async fn get(sb: &SandboxHandle, path: &str) -> (u16, Value) {
    let r = http()
        .get(format!("{}{path}", sb.url()))
        .send()
        .await
        .unwrap();
    let status = r.status().as_u16();
    (
        status,
        serde_json::from_str(&r.text().await.unwrap()).unwrap(),
    )
}

/// Waits until a ledger after `seq` has closed.
async fn next_ledger(sb: &SandboxHandle, seq: u32) {
    let started = Instant::now();
    while sb.latest_ledger() <= seq {
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "no ledger closed"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// Asserts that no ledger closed since `before` (the clock restarts when the pace is set,
/// so what follows `go` runs in the first ledger's interval).
fn same_ledger(sb: &SandboxHandle, before: u32) {
    assert_eq!(sb.latest_ledger(), before, "a ledger closed in the middle");
}

#[tokio::test(flavor = "multi_thread")]
async fn second_transaction_of_a_source_is_try_again_later() {
    let sb = instant_then(SandboxConfig::default()).await;
    let h = client(&sb);
    let (a, b) = (funded(&sb).await, funded(&sb).await);
    let seq = seq_of(&h, &a).await;
    let (first, second) = (
        payment(&sb, &a, &b, seq + 1, 100),
        payment(&sb, &a, &b, seq + 2, 100),
    );
    let before = sb.latest_ledger();
    go(&sb, PACE);
    let (status, body) = post(&sb, "/transactions_async", &first).await;
    assert_eq!((status, body["tx_status"].as_str()), (201, Some("PENDING")));
    let first_hash = body["hash"].as_str().unwrap().to_string();
    let (status, body) = post(&sb, "/transactions_async", &second).await;
    assert_eq!(
        (status, body["tx_status"].as_str()),
        (503, Some("TRY_AGAIN_LATER"))
    );
    assert!(body.get("error_result_xdr").is_none());
    let (status, body) = post(&sb, "/transactions_async", &first).await;
    assert_eq!(
        (status, body["tx_status"].as_str()),
        (409, Some("DUPLICATE"))
    );
    same_ledger(&sb, before);
    next_ledger(&sb, before).await;
    let found = h.transaction(&first_hash).await.unwrap().unwrap();
    assert_eq!(found.ledger, before + 1);
    // The source's queue is free again: the second one is accepted now.
    let (status, _) = post(&sb, "/transactions_async", &second).await;
    assert_eq!(status, 201);
    sb.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn synchronous_submission_waits_for_the_close_or_times_out() {
    let sb = instant_then(SandboxConfig::default()).await;
    let h = client(&sb);
    let (a, b) = (funded(&sb).await, funded(&sb).await);
    let seq = seq_of(&h, &a).await;
    let (first, second) = (
        payment(&sb, &a, &b, seq + 1, 100),
        payment(&sb, &a, &b, seq + 2, 100),
    );
    let before = sb.latest_ledger();
    go(&sb, Duration::from_millis(400));
    let one = tokio::spawn({
        let url = sb.url().to_string();
        async move {
            let started = Instant::now();
            let r = http()
                .post(format!("{url}/transactions"))
                .form(&[("tx", first.as_str())])
                .send()
                .await
                .unwrap();
            (
                r.status().as_u16(),
                r.text().await.unwrap(),
                started.elapsed(),
            )
        }
    });
    tokio::time::sleep(Duration::from_millis(50)).await;
    let started = Instant::now();
    let (status, body) = post(&sb, "/transactions", &second).await;
    // TRY_AGAIN_LATER: Horizon waits for a transaction core never queued, then gives up.
    assert_eq!(status, 504, "{body}");
    assert_eq!(
        body["type"],
        "https://stellar.org/horizon-errors/transaction_submission_timeout"
    );
    assert_eq!(body["extras"]["envelope_xdr"], second.as_str());
    assert_eq!(body["extras"]["hash"].as_str().unwrap().len(), 64);
    assert!(started.elapsed() >= Duration::from_secs(2));
    let (status, body, waited) = one.await.unwrap();
    assert_eq!(status, 200, "{body}");
    let record: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(record["ledger"].as_u64(), Some(u64::from(before) + 1));
    assert!(
        waited >= Duration::from_millis(300),
        "answered at the close"
    );
    // A stale sequence number is refused at once with Horizon's codes.
    let seq = seq_of(&h, &a).await;
    let (status, body) = post(&sb, "/transactions", &payment(&sb, &a, &b, seq, 101)).await;
    assert_eq!(status, 400);
    assert_eq!(body["extras"]["result_codes"]["transaction"], "tx_bad_seq");
    // A transaction already in a ledger is answered from history, as Horizon does.
    let tx = payment(&sb, &a, &b, seq + 1, 100);
    let (status, first) = post(&sb, "/transactions", &tx).await;
    assert_eq!(status, 200);
    let (status, again) = post(&sb, "/transactions", &tx).await;
    assert_eq!((status, &again["hash"]), (200, &first["hash"]));
    sb.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn transactions_are_visible_only_after_the_close() {
    let sb = instant_then(SandboxConfig::default()).await;
    let h = client(&sb);
    let (a, b) = (funded(&sb).await, funded(&sb).await);
    let balance = |k: KeyPair| {
        let h = h.clone();
        async move {
            let acc = h.account(k.public_key()).await.unwrap().unwrap();
            acc.balance(&Asset::Native).unwrap().balance
        }
    };
    let start_balance = balance(b.clone()).await;
    let tx = payment(&sb, &a, &b, seq_of(&h, &a).await + 1, 100);
    let payments = format!("/accounts/{}/payments?order=desc&limit=1", b.public_key());
    let before = sb.latest_ledger();
    go(&sb, Duration::from_millis(400));
    let (status, body) = post(&sb, "/transactions_async", &tx).await;
    assert_eq!(status, 201);
    let hash = body["hash"].as_str().unwrap().to_string();
    assert_eq!(get(&sb, &format!("/transactions/{hash}")).await.0, 404);
    assert_eq!(balance(b.clone()).await, start_balance);
    let (_, page) = get(&sb, &payments).await;
    assert_eq!(page["_embedded"]["records"][0]["type"], "create_account");
    same_ledger(&sb, before);
    next_ledger(&sb, before).await;
    let (status, tx) = get(&sb, &format!("/transactions/{hash}")).await;
    assert_eq!(status, 200);
    assert_eq!(tx["ledger"].as_u64(), Some(u64::from(before) + 1));
    assert_eq!(balance(b.clone()).await, start_balance + XLM);
    let (_, page) = get(&sb, &payments).await;
    assert_eq!(
        page["_embedded"]["records"][0]["transaction_hash"],
        hash.as_str()
    );
    sb.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_ledger_never_holds_more_than_the_maximum_of_operations() {
    let config = SandboxConfig {
        max_ops_per_ledger: 3,
        ..Default::default()
    };
    let sb = instant_then(config).await;
    let h = client(&sb);
    let dest = funded(&sb).await;
    let (mut txs, mut payers, mut seqs) = (Vec::new(), Vec::new(), Vec::new());
    for i in 0..8 {
        let p = funded(&sb).await;
        // Six at the base fee fill the queue (twice a ledger); a seventh at the base fee
        // finds no room; an eighth bidding ten times more evicts the last of the six.
        let fee = if i == 7 { 1000 } else { 100 };
        seqs.push(seq_of(&h, &p).await);
        txs.push(payment(&sb, &p, &dest, seqs[i] + 1, fee));
        payers.push(p);
    }
    let before = sb.latest_ledger();
    go(&sb, Duration::from_millis(500));
    let mut statuses = Vec::new();
    for tx in &txs {
        statuses.push(post(&sb, "/transactions_async", tx).await.0);
    }
    same_ledger(&sb, before);
    assert_eq!(statuses, [201, 201, 201, 201, 201, 201, 503, 201]);
    next_ledger(&sb, before + 3).await;
    let cursor = u64::from(before) << 32;
    let (_, page) = get(&sb, &format!("/ledgers?cursor={cursor}&limit=3")).await;
    let ledgers = page["_embedded"]["records"].as_array().unwrap();
    let counts: Vec<u64> = ledgers
        .iter()
        .map(|l| l["operation_count"].as_u64().unwrap())
        .collect();
    assert_eq!(
        counts,
        [3, 3, 0],
        "six payments in two ledgers of at most three"
    );
    assert!(ledgers.iter().all(|l| l["max_tx_set_size"] == 3));
    // The best bid goes first; a full ledger charges everyone the lowest bid included.
    let path = |k: &KeyPair| {
        format!(
            "/accounts/{}/transactions?order=desc&limit=1",
            k.public_key()
        )
    };
    let (_, best) = get(&sb, &path(&payers[7])).await;
    let best = &best["_embedded"]["records"][0];
    assert_eq!(best["ledger"].as_u64(), Some(u64::from(before) + 1));
    assert_eq!(best["fee_charged"], "100");
    // The evicted one and the one refused never reach a ledger; the others do.
    for (i, p) in payers.iter().enumerate() {
        let paid = seq_of(&h, p).await == seqs[i] + 1;
        assert_eq!(paid, i != 5 && i != 6, "payer {i}");
    }
    sb.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn sequence_numbers_count_the_queued_transactions() {
    let config = SandboxConfig {
        queue_per_account: 3,
        ..Default::default()
    };
    let sb = instant_then(config).await;
    let h = client(&sb);
    let (a, b) = (funded(&sb).await, funded(&sb).await);
    let seq = seq_of(&h, &a).await;
    let txs: Vec<String> = (0..5).map(|n| payment(&sb, &a, &b, seq + n, 100)).collect();
    let send = |n: usize| {
        let tx = txs[n].clone();
        let sb = &sb;
        async move {
            let (status, body) = post(sb, "/transactions_async", &tx).await;
            (status, body["tx_status"].as_str().unwrap_or("").to_string())
        }
    };
    let before = sb.latest_ledger();
    go(&sb, Duration::from_millis(500));
    assert_eq!(send(1).await.0, 201);
    assert_eq!(send(2).await.0, 201);
    assert_eq!(send(4).await, (400, "ERROR".into()), "a gap");
    assert_eq!(send(1).await, (409, "DUPLICATE".into()));
    assert_eq!(send(0).await.0, 400, "already used");
    assert_eq!(send(3).await.0, 201);
    assert_eq!(
        send(4).await.0,
        503,
        "the fourth is over the limit of three"
    );
    same_ledger(&sb, before);
    next_ledger(&sb, before).await;
    assert_eq!(seq_of(&h, &a).await, seq + 3);
    let (_, page) = get(
        &sb,
        &format!(
            "/accounts/{}/transactions?order=desc&limit=3",
            a.public_key()
        ),
    )
    .await;
    let ledgers: Vec<u64> = page["_embedded"]["records"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["ledger"].as_u64().unwrap())
        .collect();
    assert_eq!(
        ledgers,
        [u64::from(before) + 1; 3],
        "all three in one ledger"
    );
    sb.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn at_the_network_limit_a_gap_or_an_old_sequence_is_refused() {
    let sb = instant_then(SandboxConfig::default()).await;
    let h = client(&sb);
    let (a, b) = (funded(&sb).await, funded(&sb).await);
    let s = seq_of(&h, &a).await;
    let before = sb.latest_ledger();
    go(&sb, Duration::from_millis(500));
    let (status, body) = post(
        &sb,
        "/transactions_async",
        &payment(&sb, &a, &b, s + 2, 100),
    )
    .await;
    assert_eq!((status, body["tx_status"].as_str()), (400, Some("ERROR")));
    let tx = payment(&sb, &a, &b, s + 1, 100);
    assert_eq!(post(&sb, "/transactions_async", &tx).await.0, 201);
    let (status, body) = post(&sb, "/transactions_async", &payment(&sb, &a, &b, s, 100)).await;
    assert_eq!(status, 400, "older than the queued one: {body}");
    same_ledger(&sb, before);
    sb.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn streams_deliver_at_the_close() {
    let sb = instant_then(SandboxConfig::default()).await;
    let h = client(&sb);
    let (a, b) = (funded(&sb).await, funded(&sb).await);
    go(&sb, Duration::from_millis(300));
    let mut stream = http()
        .get(format!(
            "{}/accounts/{}/payments?cursor=now",
            sb.url(),
            b.public_key()
        ))
        .header("Accept", "text/event-stream")
        .send()
        .await
        .unwrap();
    let opened = String::from_utf8(stream.chunk().await.unwrap().unwrap().to_vec()).unwrap();
    assert!(opened.contains("event: open"));
    let admitted_in = sb.latest_ledger();
    let tx = payment(&sb, &a, &b, seq_of(&h, &a).await + 1, 100);
    let (status, body) = post(&sb, "/transactions_async", &tx).await;
    assert_eq!(status, 201);
    let hash = body["hash"].as_str().unwrap().to_string();
    let chunk = tokio::time::timeout(Duration::from_secs(5), stream.chunk())
        .await
        .expect("an event after the close")
        .unwrap()
        .unwrap();
    let closed = sb.latest_ledger();
    assert!(closed > admitted_in, "the event came with a close");
    let text = String::from_utf8(chunk.to_vec()).unwrap();
    let data = text
        .lines()
        .find_map(|l| l.strip_prefix("data: "))
        .expect("a data line");
    let event: Value = serde_json::from_str(data).unwrap();
    assert_eq!(event["type"], "payment");
    assert_eq!(event["transaction_hash"], hash.as_str());
    let (_, tx) = get(&sb, &format!("/transactions/{hash}")).await;
    assert!(tx["ledger"].as_u64().unwrap() > u64::from(admitted_in));
    sb.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn friendbot_and_the_async_endpoint_at_both_paces() {
    let sb = start(
        "127.0.0.1:0".parse().unwrap(),
        SandboxConfig {
            ledger_close: Some(PACE),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    assert_eq!(sb.ledger_close(), Some(PACE));
    let h = client(&sb);
    // Friendbot answers once the account exists, several at once.
    let before = sb.latest_ledger();
    let accounts = futures::future::join_all((0..4).map(|_| funded(&sb))).await;
    assert!(sb.latest_ledger() > before);
    for k in &accounts {
        assert!(h.load_account(k.public_key()).await.unwrap().is_some());
    }
    // Back to instant: the async endpoint applies at once and says PENDING.
    sb.set_ledger_close(None);
    let (a, b) = (&accounts[0], &accounts[1]);
    let tx = payment(&sb, a, b, seq_of(&h, a).await + 1, 100);
    let (status, body) = post(&sb, "/transactions_async", &tx).await;
    assert_eq!((status, body["tx_status"].as_str()), (201, Some("PENDING")));
    let hash = body["hash"].as_str().unwrap();
    assert_eq!(get(&sb, &format!("/transactions/{hash}")).await.0, 200);
    let (status, body) = post(&sb, "/transactions_async", &tx).await;
    assert_eq!((status, body["tx_status"].as_str()), (400, Some("ERROR")));
    assert!(body["error_result_xdr"].as_str().is_some());
    let (status, body) = post(&sb, "/transactions_async", "AAAA").await;
    assert_eq!(status, 400);
    assert_eq!(
        body["type"],
        "https://stellar.org/horizon-errors/transaction_malformed"
    );
    sb.stop().await;
}
