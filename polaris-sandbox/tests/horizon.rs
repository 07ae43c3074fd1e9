//! The Horizon client against the sandbox over loopback HTTP: accounts, payments, assets,
//! every refusal code, persistence, and stellar-horizon's own client.

use polaris_core::stellar::bootstrap::{ensure_asset, AssetSetup};
use polaris_core::stellar::tx::{Op, SetOptions, TransactionBuilder, AUTH_REQUIRED_FLAG};
use polaris_core::stellar::{Asset, Horizon, HorizonError, KeyPair, Memo, PageQuery, PaymentKind};
use polaris_sandbox::testing::*;
use polaris_sandbox::{start, SandboxConfig};

#[tokio::test(flavor = "multi_thread")]
async fn friendbot_load_pay_and_list() {
    let sb = sandbox().await;
    let h = client(&sb);
    let (a, b) = (funded(&sb).await, funded(&sb).await);
    let acc = h.account(a.public_key()).await.unwrap().unwrap();
    assert_eq!(acc.balance(&Asset::Native).unwrap().balance, 10_000 * XLM);
    assert_eq!(acc.info.signers[0].key, a.public_key());
    assert!(h
        .load_account(KeyPair::random().public_key())
        .await
        .unwrap()
        .is_none());

    let pay = builder(&h, &a)
        .await
        .memo(Memo::text("deposit 42").unwrap())
        .op(Op::payment(b.public_key(), Asset::Native, 25 * XLM).unwrap());
    let tx = send(&h, &sb, pay, &[&a]).await.unwrap();
    assert!(tx.successful);
    assert_eq!(tx.fee_charged, 100);
    let found = h.transaction(&tx.hash).await.unwrap().unwrap();
    assert_eq!(found.memo, Memo::Text("deposit 42".into()));
    assert!(h.transaction(&"0".repeat(64)).await.unwrap().is_none());

    let page = h
        .payments(b.public_key(), &PageQuery::default())
        .await
        .unwrap();
    assert_eq!(page.records.len(), 2);
    assert_eq!(page.records[0].kind, PaymentKind::CreateAccount);
    let p = &page.records[1];
    assert_eq!(
        (p.kind, p.from.as_str(), p.amount),
        (PaymentKind::Payment, a.public_key(), 25 * XLM)
    );
    assert_eq!(p.memo, Some(Memo::Text("deposit 42".into())));
    let next = PageQuery {
        cursor: page.next_cursor.clone(),
        ..Default::default()
    };
    assert!(h
        .payments(b.public_key(), &next)
        .await
        .unwrap()
        .records
        .is_empty());
    let txs = h
        .transactions(a.public_key(), &PageQuery::default())
        .await
        .unwrap();
    assert_eq!(txs.records.len(), 2);
    let stats = h.fee_stats().await.unwrap();
    assert_eq!(stats.last_ledger_base_fee, 100);
    assert_eq!(polaris_core::stellar::base_fee(&h, 5000).await, 100);
    sb.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn credit_asset_bootstrap_and_trustlines() {
    let sb = sandbox().await;
    let h = client(&sb);
    let (issuer, dist) = (KeyPair::random(), KeyPair::random());
    let pass = sb.passphrase();
    let setup = AssetSetup {
        code: "SRT",
        issuer: &issuer,
        distribution: &dist,
        supply: 1_000_000 * XLM,
        passphrase: &pass,
    };
    let srt = ensure_asset(&h, &sb.friendbot_url(), &setup).await.unwrap();
    ensure_asset(&h, &sb.friendbot_url(), &setup).await.unwrap();
    let held = h.account(dist.public_key()).await.unwrap().unwrap();
    assert_eq!(
        held.balance(&srt).unwrap().balance,
        1_000_000 * XLM,
        "idempotent: supply issued once"
    );

    let user = funded(&sb).await;
    let pay = || Op::payment(user.public_key(), srt.clone(), 10 * XLM).unwrap();
    assert_eq!(
        failed(op(&h, &sb, &dist, pay()).await),
        ("tx_failed".into(), vec!["op_no_trust".into()])
    );
    op(&h, &sb, &user, Op::trust(&srt)).await.unwrap();
    op(&h, &sb, &dist, pay()).await.unwrap();
    let acc = h.account(user.public_key()).await.unwrap().unwrap();
    let line = acc.balance(&srt).unwrap();
    assert_eq!(
        (line.balance, line.limit, line.is_authorized),
        (10 * XLM, Some(i64::MAX), true)
    );
    let payments = h
        .payments(user.public_key(), &PageQuery::default())
        .await
        .unwrap();
    assert_eq!(payments.records.last().unwrap().asset, srt);
    sb.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn transaction_refusal_codes() {
    let sb = sandbox().await;
    let h = client(&sb);
    let pass = sb.passphrase();
    let (a, b) = (funded(&sb).await, funded(&sb).await);
    let pay = || Op::payment(b.public_key(), Asset::Native, XLM).unwrap();
    let seq = h
        .load_account(a.public_key())
        .await
        .unwrap()
        .unwrap()
        .sequence;
    let stale = TransactionBuilder::new(a.public_key(), seq, 100)
        .unwrap()
        .op(pay());
    assert_eq!(failed(send(&h, &sb, stale, &[&a]).await).0, "tx_bad_seq");
    assert_eq!(
        failed(send(&h, &sb, builder(&h, &a).await.op(pay()), &[&b]).await).0,
        "tx_bad_auth"
    );
    assert_eq!(
        failed(send(&h, &sb, builder(&h, &a).await.op(pay()), &[&a, &b]).await).0,
        "tx_bad_auth_extra"
    );
    let late = builder(&h, &a).await.time_bounds(0, 1_000).op(pay());
    assert_eq!(failed(send(&h, &sb, late, &[&a]).await).0, "tx_too_late");
    let early = builder(&h, &a)
        .await
        .time_bounds(4_000_000_000, 0)
        .op(pay());
    assert_eq!(failed(send(&h, &sb, early, &[&a]).await).0, "tx_too_early");
    let cheap = TransactionBuilder::new(a.public_key(), seq + 1, 1)
        .unwrap()
        .op(pay());
    assert_eq!(
        failed(send(&h, &sb, cheap, &[&a]).await).0,
        "tx_insufficient_fee"
    );
    let poor = KeyPair::random();
    op(
        &h,
        &sb,
        &a,
        Op::create_account(poor.public_key(), XLM).unwrap(),
    )
    .await
    .unwrap();
    let broke = builder(&h, &poor)
        .await
        .op(Op::manage_data("k", Some(b"v")).unwrap());
    assert_eq!(
        failed(send(&h, &sb, broke, &[&poor]).await).0,
        "tx_insufficient_balance"
    );
    let garbage = h.submit("AAAA-not-xdr").await;
    assert!(
        matches!(&garbage, Err(HorizonError::Other(m)) if m.contains("transaction_malformed")),
        "{garbage:?}"
    );
    let _ = pass;
    sb.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn operation_refusal_codes() {
    let sb = sandbox().await;
    let h = client(&sb);
    let (a, b, issuer) = (funded(&sb).await, funded(&sb).await, funded(&sb).await);
    let srt = Asset::credit("SRT", issuer.public_key()).unwrap();
    let ghost = KeyPair::random();
    let code = |r| failed(r).1.join(",");
    let native = |to: &str, n| Op::payment(to, Asset::Native, n).unwrap();
    assert_eq!(
        code(op(&h, &sb, &a, native(b.public_key(), 20_000 * XLM)).await),
        "op_underfunded"
    );
    assert_eq!(
        code(op(&h, &sb, &a, native(ghost.public_key(), XLM)).await),
        "op_no_destination"
    );
    assert_eq!(
        code(
            op(
                &h,
                &sb,
                &issuer,
                Op::payment(b.public_key(), srt.clone(), XLM).unwrap()
            )
            .await
        ),
        "op_no_trust"
    );
    assert_eq!(
        code(
            op(
                &h,
                &sb,
                &a,
                Op::create_account(b.public_key(), 5 * XLM).unwrap()
            )
            .await
        ),
        "op_already_exists"
    );
    assert_eq!(
        code(
            op(
                &h,
                &sb,
                &a,
                Op::create_account(ghost.public_key(), XLM / 2).unwrap()
            )
            .await
        ),
        "op_low_reserve"
    );
    op(&h, &sb, &b, Op::change_trust(&srt, 5 * XLM))
        .await
        .unwrap();
    assert_eq!(
        code(
            op(
                &h,
                &sb,
                &issuer,
                Op::payment(b.public_key(), srt.clone(), 6 * XLM).unwrap()
            )
            .await
        ),
        "op_line_full"
    );
    let gate = funded(&sb).await;
    op(
        &h,
        &sb,
        &gate,
        Op::set_options(SetOptions::default().set_flags(AUTH_REQUIRED_FLAG)),
    )
    .await
    .unwrap();
    let gated = Asset::credit("GATE", gate.public_key()).unwrap();
    op(&h, &sb, &b, Op::trust(&gated)).await.unwrap();
    assert_eq!(
        code(
            op(
                &h,
                &sb,
                &gate,
                Op::payment(b.public_key(), gated, XLM).unwrap()
            )
            .await
        ),
        "op_not_authorized"
    );
    // An operation failure is included: fee charged, sequence consumed.
    let acc = h.account(a.public_key()).await.unwrap().unwrap();
    assert_eq!(
        acc.balance(&Asset::Native).unwrap().balance,
        10_000 * XLM - 4 * 100
    );
    sb.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn problems_are_shaped_like_horizon() {
    let sb = sandbox().await;
    let http = reqwest::Client::new();
    let get = |path: &str| http.get(format!("{}{path}", sb.url())).send();
    let r = get("/accounts/GBAD").await.unwrap();
    assert_eq!(r.status(), 400);
    let body: serde_json::Value = serde_json::from_str(&r.text().await.unwrap()).unwrap();
    assert_eq!(
        body["type"],
        "https://stellar.org/horizon-errors/bad_request"
    );
    assert_eq!(body["extras"]["invalid_field"], "account_id");
    let r = get(&format!("/accounts/{}", KeyPair::random().public_key()))
        .await
        .unwrap();
    assert_eq!(r.status(), 404);
    assert_eq!(
        r.headers()["content-type"],
        "application/problem+json; charset=utf-8"
    );
    let r = get("/payments?limit=500").await.unwrap();
    assert_eq!(r.status(), 400);
    let r = http
        .post(format!("{}/transactions", sb.url()))
        .form(&[("tx", "%%%")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    let body: serde_json::Value = serde_json::from_str(&r.text().await.unwrap()).unwrap();
    assert_eq!(
        body["type"],
        "https://stellar.org/horizon-errors/transaction_malformed"
    );
    assert_eq!(body["extras"]["envelope_xdr"], "%%%");
    let r = get("/no/such/route").await.unwrap();
    assert_eq!(r.status(), 404);
    sb.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn stellar_horizon_client_reads_the_sandbox() {
    use stellar_horizon::api;
    use stellar_horizon::client::{HorizonClient as _, HorizonHttpClient};
    use stellar_horizon::request::PageRequest;
    let sb = sandbox().await;
    let (a, b) = (funded(&sb).await, funded(&sb).await);
    op(
        &client(&sb),
        &sb,
        &a,
        Op::payment(b.public_key(), Asset::Native, XLM).unwrap(),
    )
    .await
    .unwrap();
    let raw = HorizonHttpClient::new_from_str(sb.url()).unwrap();
    let (_, root) = raw.request(api::root::root()).await.unwrap();
    assert_eq!(root.network_passphrase, sb.passphrase());
    let pk = stellar_base::PublicKey::from_account_id(b.public_key()).unwrap();
    let (_, acc) = raw.request(api::accounts::single(&pk)).await.unwrap();
    assert_eq!(acc.balances[0].balance, "10001.0000000");
    let (_, page) = raw
        .request(api::payments::for_account(&pk).with_limit(5))
        .await
        .unwrap();
    assert_eq!(page.records.len(), 2);
    let (_, txs) = raw
        .request(api::transactions::for_account(&pk))
        .await
        .unwrap();
    assert_eq!(txs.records.len(), 2);
    let (_, ledgers) = raw
        .request(api::ledgers::all().with_limit(2))
        .await
        .unwrap();
    assert_eq!(ledgers.records[0].sequence, 1);
    let (_, fees) = raw.request(api::aggregations::fee_stats()).await.unwrap();
    assert_eq!(fees.last_ledger_base_fee, 100);
    let mut stream = raw
        .stream(api::payments::for_account(&pk).with_cursor("0"))
        .unwrap();
    let first = tokio::time::timeout(
        std::time::Duration::from_secs(10),
        futures::StreamExt::next(&mut stream),
    )
    .await;
    let first = first
        .expect("an event")
        .expect("stream open")
        .expect("parsed");
    assert!(matches!(
        first,
        stellar_horizon::resources::Payment::CreateAccount(_)
    ));
    sb.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn state_file_survives_a_restart() {
    let dir = std::env::temp_dir().join(format!("polaris-sandbox-http-{}", rand_suffix()));
    std::fs::create_dir_all(&dir).unwrap();
    let config = SandboxConfig {
        state_file: Some(dir.join("ledger.json")),
        ..Default::default()
    };
    let sb = start("127.0.0.1:0".parse().unwrap(), config.clone())
        .await
        .unwrap();
    let a = funded(&sb).await;
    sb.stop().await;
    let sb = start("127.0.0.1:0".parse().unwrap(), config).await.unwrap();
    assert!(client(&sb)
        .load_account(a.public_key())
        .await
        .unwrap()
        .is_some());
    sb.stop().await;
    std::fs::remove_dir_all(dir).ok();
}

fn rand_suffix() -> u128 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos()
}
