//! Streams, resuming from cursors, and every injected fault, through the Horizon client.

use std::time::Duration;

use futures::StreamExt;
use polaris_core::stellar::tx::Op;
use polaris_core::stellar::{
    Asset, Horizon, HorizonClient, HorizonError, KeyPair, PaymentRecord, RecordStream,
};
use polaris_sandbox::testing::*;

async fn next(stream: &mut RecordStream<PaymentRecord>) -> PaymentRecord {
    let item = tokio::time::timeout(Duration::from_secs(10), stream.next())
        .await
        .expect("an event within 10 s");
    item.expect("stream open").expect("no error")
}

#[tokio::test(flavor = "multi_thread")]
async fn streams_from_now_and_resume_from_a_cursor() {
    let sb = sandbox().await;
    let h = client(&sb);
    let (a, b) = (funded(&sb).await, funded(&sb).await);
    let mut live = h.stream_payments(b.public_key(), "now");
    tokio::time::sleep(Duration::from_millis(200)).await;
    for n in 1..=2 {
        op(
            &h,
            &sb,
            &a,
            Op::payment(b.public_key(), Asset::Native, n * XLM).unwrap(),
        )
        .await
        .unwrap();
    }
    let first = next(&mut live).await;
    let second = next(&mut live).await;
    assert_eq!((first.amount, second.amount), (XLM, 2 * XLM));
    assert!(first.memo.is_some(), "the client joins transactions");
    let mut resumed = h.stream_payments(b.public_key(), &first.paging_token);
    assert_eq!(next(&mut resumed).await.paging_token, second.paging_token);
    let mut from_start = h.stream_payments(b.public_key(), "0");
    assert_eq!(
        next(&mut from_start).await.amount,
        10_000 * XLM,
        "the create_account comes first"
    );
    let mut txs = h.stream_transactions(a.public_key(), "0");
    let t = tokio::time::timeout(Duration::from_secs(10), txs.next())
        .await
        .unwrap()
        .unwrap()
        .unwrap();
    assert!(t.successful);
    sb.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_dropped_stream_reconnects_without_loss_or_repeat() {
    let sb = sandbox().await;
    let h = client(&sb);
    let (a, b) = (funded(&sb).await, funded(&sb).await);
    let mut live = h.stream_payments(b.public_key(), "now");
    tokio::time::sleep(Duration::from_millis(200)).await;
    op(
        &h,
        &sb,
        &a,
        Op::payment(b.public_key(), Asset::Native, XLM).unwrap(),
    )
    .await
    .unwrap();
    assert_eq!(next(&mut live).await.amount, XLM);
    sb.faults().drop_streams();
    op(
        &h,
        &sb,
        &a,
        Op::payment(b.public_key(), Asset::Native, 2 * XLM).unwrap(),
    )
    .await
    .unwrap();
    op(
        &h,
        &sb,
        &a,
        Op::payment(b.public_key(), Asset::Native, 3 * XLM).unwrap(),
    )
    .await
    .unwrap();
    assert_eq!(next(&mut live).await.amount, 2 * XLM);
    assert_eq!(next(&mut live).await.amount, 3 * XLM);
    sb.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn timeout_after_apply_is_unknown_and_the_hash_resolves_it() {
    let sb = sandbox().await;
    let h = client(&sb);
    let (a, b) = (funded(&sb).await, funded(&sb).await);
    sb.faults().timeout_after_apply(1);
    let env = envelope(
        builder(&h, &a)
            .await
            .op(Op::payment(b.public_key(), Asset::Native, XLM).unwrap()),
        &[&a],
        &sb.passphrase(),
    );
    let out = h.submit(&env).await;
    assert!(
        matches!(&out, Err(HorizonError::Unknown(m)) if m.contains("504")),
        "{out:?}"
    );
    let hash = polaris_core::stellar::envelope_hash_hex(
        &polaris_core::stellar::decode_envelope(&env).unwrap(),
        &sb.passphrase(),
    )
    .unwrap();
    let found = h
        .transaction(&hash)
        .await
        .unwrap()
        .expect("applied despite the 504");
    assert!(found.successful);
    assert_eq!(
        failed(h.submit(&env).await).0,
        "tx_bad_seq",
        "resubmitting the same envelope cannot pay twice"
    );
    sb.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn timeout_before_apply_is_unknown_and_nothing_happened() {
    let sb = sandbox().await;
    let h = client(&sb);
    let (a, b) = (funded(&sb).await, funded(&sb).await);
    sb.faults().timeout_before_apply(1);
    let env = envelope(
        builder(&h, &a)
            .await
            .op(Op::payment(b.public_key(), Asset::Native, XLM).unwrap()),
        &[&a],
        &sb.passphrase(),
    );
    assert!(matches!(
        h.submit(&env).await,
        Err(HorizonError::Unknown(_))
    ));
    let hash = polaris_core::stellar::envelope_hash_hex(
        &polaris_core::stellar::decode_envelope(&env).unwrap(),
        &sb.passphrase(),
    )
    .unwrap();
    assert!(h.transaction(&hash).await.unwrap().is_none());
    assert!(
        h.submit(&env).await.unwrap().successful,
        "the same envelope goes through once the fault is spent"
    );
    sb.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn latency_makes_a_short_timeout_unknown() {
    let sb = sandbox().await;
    sb.faults().set_latency(Duration::from_millis(700));
    let impatient = HorizonClient::with_timeout(sb.url(), Duration::from_millis(200)).unwrap();
    let out = impatient.load_account(KeyPair::random().public_key()).await;
    assert!(
        matches!(&out, Err(HorizonError::Unknown(m)) if m.contains("timed out")),
        "{out:?}"
    );
    sb.faults().clear();
    assert!(impatient
        .load_account(KeyPair::random().public_key())
        .await
        .unwrap()
        .is_none());
    sb.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn faults_can_be_armed_over_http() {
    let sb = sandbox().await;
    let http = reqwest::Client::new();
    let url = format!("{}/_sandbox/faults", sb.url());
    let r = http
        .post(&url)
        .body(r#"{"timeout_before_apply": 2, "latency_ms": 5}"#)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let plan = sb.faults().get();
    assert_eq!((plan.timeout_before_apply, plan.latency_ms), (2, 5));
    let h = client(&sb);
    let a = funded(&sb).await;
    let env = envelope(
        builder(&h, &a)
            .await
            .op(Op::manage_data("k", Some(b"v")).unwrap()),
        &[&a],
        &sb.passphrase(),
    );
    assert!(matches!(
        h.submit(&env).await,
        Err(HorizonError::Unknown(_))
    ));
    assert_eq!(sb.faults().get().timeout_before_apply, 1);
    let r = http.post(&url).body("not json").send().await.unwrap();
    assert_eq!(r.status(), 400);
    let r = http
        .post(format!("{}/_sandbox/drop_streams", sb.url()))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 204);
    sb.stop().await;
}
