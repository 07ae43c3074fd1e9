//! Security regression tests: money paths (payouts, watcher, seeds, arithmetic).
//!
//! Findings of issue 14, items 6 to 10; every test runs on SQLite and, when
//! `POLARIS_TEST_DATABASE_URL` is set, on PostgreSQL.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use async_trait::async_trait;
use polaris_core::integrations::{FeeIntegration, Integrations};
use polaris_core::model::{Asset, Kind, MemoType, Protocol, Stage, Status, Transaction};
use polaris_core::processors::withdrawals::{execute_outgoing, watch_once};
use polaris_core::processors::Worker;
use polaris_core::stellar::horizon::{
    AccountInfo, Horizon, HorizonError, Order, Page, PageQuery, PaymentKind, PaymentRecord,
};
use polaris_core::stellar::{Asset as StellarAsset, KeyPair, Memo};
use polaris_core::store::{assets, transactions, watcher};
use polaris_core::testing::{context, store_asset, FakeRails, FixedFee, TestDatabase};
use polaris_core::Context;
use rust_decimal::Decimal;

/// A ledger whose payments into the distribution account are the records pushed so far,
/// paging tokens "1", "2", ...
#[derive(Default)]
struct Ledger {
    records: Mutex<Vec<PaymentRecord>>,
}

impl Ledger {
    fn pay(&self, asset: &Asset, to: &str, memo: &str, units: i64) {
        let mut all = self.records.lock().unwrap();
        let token = (all.len() + 1).to_string();
        all.push(PaymentRecord {
            id: token.clone(),
            paging_token: token.clone(),
            kind: PaymentKind::Payment,
            from: KeyPair::random().public_key().to_string(),
            to: to.to_string(),
            to_muxed: None,
            asset: StellarAsset::credit(&asset.code, &asset.issuer).unwrap(),
            amount: units * 10_000_000,
            transaction_hash: format!("{token:0>64}"),
            transaction_successful: true,
            memo: Some(Memo::text(memo).unwrap()),
            created_at: chrono::Utc::now(),
        });
    }
}

#[async_trait]
impl Horizon for Ledger {
    async fn load_account(&self, _: &str) -> Result<Option<AccountInfo>, HorizonError> {
        Ok(None)
    }

    async fn payments(
        &self,
        _: &str,
        query: &PageQuery,
    ) -> Result<Page<PaymentRecord>, HorizonError> {
        let all = self.records.lock().unwrap().clone();
        let after = |r: &PaymentRecord| {
            let cursor = query.cursor.as_deref().unwrap_or("0").parse::<u64>();
            r.paging_token.parse::<u64>().unwrap() > cursor.unwrap_or(0)
        };
        let records: Vec<PaymentRecord> = match query.order {
            Order::Desc => all.into_iter().rev().take(query.limit as usize).collect(),
            Order::Asc => all
                .into_iter()
                .filter(after)
                .take(query.limit as usize)
                .collect(),
        };
        let next_cursor = records.last().map(|r| r.paging_token.clone());
        Ok(Page {
            records,
            next_cursor,
        })
    }
}

/// Rails counting their payouts, which complete at once (after a delay, when given).
type Rails = FakeRails;

/// A fee function that fails for amounts of 13 and charges 1 otherwise.
fn unlucky() -> Arc<dyn FeeIntegration> {
    Arc::new(FixedFee::new(Decimal::ONE).unavailable_at(Decimal::from(13)))
}

struct Anchor {
    ctx: Context,
    asset: Asset,
    account: String,
    ledger: Arc<Ledger>,
    rails: Arc<Rails>,
}

fn anchor(db: &TestDatabase, rails: Rails, fee: Option<Arc<dyn FeeIntegration>>) -> Anchor {
    let distribution = KeyPair::random();
    let mut asset = Asset::new("SRT", KeyPair::random().public_key());
    asset.distribution_seed = Some(distribution.seed());
    asset.withdrawal.max_amount = Some(Decimal::from(1000));
    let asset = store_asset(&db.store, &asset);
    let (ledger, rails) = (Arc::new(Ledger::default()), Arc::new(rails));
    let integrations = Integrations {
        rails: Some(rails.clone()),
        fee,
        ..Default::default()
    };
    let mut ctx = context(&db.store, integrations);
    ctx.horizon = ledger.clone();
    Anchor {
        ctx,
        asset,
        account: distribution.public_key().to_string(),
        ledger,
        rails,
    }
}

fn withdrawal(a: &Anchor, status: Status, stage: Stage, expected: Option<i64>) -> Transaction {
    let user = KeyPair::random();
    let mut tx = Transaction::new(
        Kind::Withdrawal,
        Protocol::Sep24,
        a.asset.id,
        user.public_key(),
    );
    tx.status = status;
    tx.stage = stage;
    tx.amount_expected = expected.map(Decimal::from);
    tx.memo_type = MemoType::Text;
    tx.memo = Some(tx.id.simple().to_string()[..20].to_string());
    a.ctx
        .store
        .with_conn(|c| transactions::insert(c, &tx))
        .unwrap();
    tx
}

fn load(a: &Anchor, tx: &Transaction) -> Transaction {
    a.ctx
        .store
        .with_conn(|c| transactions::by_id(c, tx.id))
        .unwrap()
        .unwrap()
}

fn worker(lease_ms: u64) -> Worker {
    Worker {
        lease: Duration::from_millis(lease_ms),
        ..Worker::new()
    }
}

/// Item 6: a rails call slower than the lease; a second worker keeps trying meanwhile.
#[actix_web::test]
async fn a_slow_payout_is_never_paid_twice() {
    for db in TestDatabase::all() {
        let slow = Rails::default().with_delay(Duration::from_millis(900));
        let a = anchor(&db, slow, None);
        let tx = withdrawal(&a, Status::PendingAnchor, Stage::ReadyToPay, Some(10));
        let (first, second) = (worker(100), worker(100));
        let impatient = async {
            let mut moved = 0;
            for _ in 0..4 {
                tokio::time::sleep(Duration::from_millis(200)).await;
                moved += execute_outgoing(&a.ctx, &second).await.unwrap();
            }
            moved
        };
        let (paid, other) = futures::join!(execute_outgoing(&a.ctx, &first), impatient);
        assert_eq!(a.rails.calls(), 1, "the rails ran once");
        assert_eq!((paid.unwrap(), other), (1, 0));
        let done = load(&a, &tx);
        assert_eq!(done.status, Status::Completed);
        assert!(done.payout_started_at.is_some());
    }
}

/// Item 6: a worker killed during the rails call leaves the payout for the operator.
#[actix_web::test]
async fn a_payout_left_by_a_killed_worker_waits_for_the_operator() {
    for db in TestDatabase::all() {
        let a = anchor(&db, Rails::default(), None);
        let mut tx = withdrawal(&a, Status::PendingAnchor, Stage::PayingOut, Some(10));
        let long_ago = chrono::Utc::now() - chrono::Duration::minutes(5);
        tx.payout_started_at = Some(long_ago);
        tx.lease_owner = Some("a-dead-worker".into());
        tx.lease_expires_at = Some(long_ago);
        a.ctx
            .store
            .with_conn(|c| Ok(polaris_core::state::save(c, &mut tx)))
            .unwrap()
            .unwrap();
        assert_eq!(execute_outgoing(&a.ctx, &worker(100)).await.unwrap(), 0);
        assert_eq!(a.rails.calls(), 0, "never called again");
        let left = load(&a, &tx);
        assert_eq!(
            (left.status, left.stage),
            (Status::PendingAnchor, Stage::PayingOut)
        );
        assert!(left.status_message.is_some_and(|m| m.contains("check")));
    }
}

/// Item 7: 1,000,000 paid against an agreed 100 (and over the asset's max of 1000), and a
/// SEP-6 withdrawal without an agreed amount paid over the max: both held, none paid out.
#[actix_web::test]
async fn the_watcher_holds_an_amount_that_differs_from_the_agreed_one() {
    for db in TestDatabase::all() {
        let a = anchor(&db, Rails::default(), None);
        assert_eq!(watch_once(&a.ctx).await.unwrap(), 0, "starts from now");
        let mut agreed = withdrawal(&a, Status::PendingUserTransferStart, Stage::None, None);
        agreed.amount_in = Some(Decimal::from(100));
        agreed.amount_fee = Some(Decimal::ONE);
        a.ctx
            .store
            .with_conn(|c| Ok(polaris_core::state::save(c, &mut agreed)))
            .unwrap()
            .unwrap();
        let open = withdrawal(&a, Status::PendingUserTransferStart, Stage::None, None);
        a.ledger.pay(
            &a.asset,
            &a.account,
            agreed.memo.as_deref().unwrap(),
            1_000_000,
        );
        a.ledger
            .pay(&a.asset, &a.account, open.memo.as_deref().unwrap(), 5000);
        assert_eq!(watch_once(&a.ctx).await.unwrap(), 2);
        for (tx, why) in [(&agreed, "differs"), (&open, "limits")] {
            let held = load(&a, tx);
            assert_eq!(
                (held.status, held.stage),
                (Status::PendingAnchor, Stage::AmountReview)
            );
            let message = held.status_message.unwrap_or_default();
            assert!(message.contains(why), "{message}");
        }
        assert_eq!(execute_outgoing(&a.ctx, &worker(1000)).await.unwrap(), 0);
        assert_eq!(a.rails.calls(), 0, "nothing paid out");
    }
}

/// Item 7: the fee function fails on one payment; the next payment is still handled.
#[actix_web::test]
async fn a_fee_error_on_one_payment_does_not_stall_the_watcher() {
    for db in TestDatabase::all() {
        let a = anchor(&db, Rails::default(), Some(unlucky()));
        watch_once(&a.ctx).await.unwrap();
        let unlucky = withdrawal(&a, Status::PendingUserTransferStart, Stage::None, Some(13));
        let fine = withdrawal(&a, Status::PendingUserTransferStart, Stage::None, Some(10));
        a.ledger
            .pay(&a.asset, &a.account, unlucky.memo.as_deref().unwrap(), 13);
        a.ledger
            .pay(&a.asset, &a.account, fine.memo.as_deref().unwrap(), 10);
        assert_eq!(watch_once(&a.ctx).await.unwrap(), 2);
        let held = load(&a, &unlucky);
        assert_eq!(held.stage, Stage::AmountReview);
        assert!(held.status_message.is_some_and(|m| m.contains("fee")));
        let paid = load(&a, &fine);
        assert_eq!(
            (paid.stage, paid.amount_out),
            (Stage::ReadyToPay, Some(Decimal::from(9)))
        );
        let cursor = a.ctx.store.with_conn(|c| watcher::cursor(c, &a.account));
        assert_eq!(cursor.unwrap().as_deref(), Some("2"), "the cursor moved on");
    }
}

/// Item 7: a second watcher that read the same page handles an already-matched payment
/// as handled, not as unmatched.
#[actix_web::test]
async fn a_second_watcher_does_not_record_a_matched_payment_as_unmatched() {
    for db in TestDatabase::all() {
        let a = anchor(&db, Rails::default(), None);
        watch_once(&a.ctx).await.unwrap();
        let tx = withdrawal(&a, Status::PendingUserTransferStart, Stage::None, Some(10));
        a.ledger
            .pay(&a.asset, &a.account, tx.memo.as_deref().unwrap(), 10);
        assert_eq!(watch_once(&a.ctx).await.unwrap(), 1);
        // The second watcher started from the cursor before that payment.
        let account = a.account.clone();
        a.ctx
            .store
            .with_conn(|c| watcher::set_cursor(c, &account, "0"))
            .unwrap();
        assert_eq!(watch_once(&a.ctx).await.unwrap(), 0);
        assert!(a
            .ctx
            .store
            .with_conn(watcher::unmatched)
            .unwrap()
            .is_empty());
        let got = load(&a, &tx);
        assert_eq!(
            (got.status, got.stage),
            (Status::PendingAnchor, Stage::ReadyToPay)
        );
    }
}

use super::sep24_support;

/// The largest decimal: any fee on it overflows.
const HUGE: &str = "79228162514264337593543950335";

/// A SEP-10 token for a fresh account.
fn jwt(s: &polaris_core::Settings) -> String {
    use polaris_core::auth::{Sep10Claims, Subject};
    let account = polaris_core::stellar::Address::parse(KeyPair::random().public_key()).unwrap();
    let now = u64::try_from(chrono::Utc::now().timestamp()).unwrap();
    Sep10Claims::new(s, &Subject::new(&account, None), now, "j".into(), None)
        .encode(&s.jwt_key)
        .unwrap()
}

/// Item 10: a fee or a sum that does not fit in a decimal is a 400, never a panic; `/fee`
/// refuses amounts above the asset's max.
#[actix_web::test]
async fn huge_amounts_get_a_400_from_every_fee_endpoint() {
    use sep24_support::{app_with, get, open, settings, start, start_usdc};
    for db in TestDatabase::all() {
        let s = settings(&[("ADDITIVE_FEES_ENABLED", "true")]);
        let app = app_with(&db, &s, |b| b).await;
        // BIG: no limits, a fixed deposit fee (the additive sum overflows) and a 2 %
        // withdrawal fee (the fee itself overflows).
        let mut big = Asset::new("BIG", KeyPair::random().public_key());
        big.deposit.fee_fixed = Some(Decimal::ONE);
        big.withdrawal.fee_percent = Some(Decimal::from(2));
        db.store.with_conn(|c| assets::upsert(c, &big)).unwrap();

        let (id, uri) = start_usdc(&app, &s, "deposit").await;
        let (_, cookie) = open(&app, &uri).await;
        let fee = format!("/sep24/transactions/deposit/webapp/fee?transaction_id={id}");
        let over_max = get(&app, &format!("{fee}&amount=1000.01"), Some(&cookie)).await;
        assert_eq!(over_max.status, 400, "{}", over_max.body);
        let huge = get(&app, &format!("{fee}&amount={HUGE}"), Some(&cookie)).await;
        assert_eq!(huge.status, 400, "{}", huge.body);

        let body = serde_json::json!({"asset_code": "BIG"});
        let (id, uri) = start(&app, &s, "deposit", body).await;
        let (_, cookie) = open(&app, &uri).await;
        let fee = format!("/sep24/transactions/deposit/webapp/fee?transaction_id={id}");
        let sum = get(&app, &format!("{fee}&amount={HUGE}"), Some(&cookie)).await;
        assert_eq!(sum.status, 400, "{}", sum.body);
        assert!(sum.body.contains("too large"), "{}", sum.body);

        let token = jwt(&s);
        for uri in [
            format!("/sep24/fee?operation=withdraw&asset_code=BIG&amount={HUGE}"),
            "/sep24/fee?operation=deposit&asset_code=USDC&amount=5000".to_string(),
            format!("/sep6/fee?operation=withdraw&asset_code=BIG&amount={HUGE}"),
            "/sep6/fee?operation=deposit&asset_code=USDC&amount=5000".to_string(),
        ] {
            let req = actix_web::test::TestRequest::get()
                .uri(&uri)
                .insert_header(("Authorization", format!("Bearer {token}")));
            let resp = actix_web::test::call_service(&app, req.to_request()).await;
            let status = resp.status().as_u16();
            let body = actix_web::test::read_body(resp).await;
            assert_eq!(status, 400, "{uri}: {}", String::from_utf8_lossy(&body));
            let v: serde_json::Value = serde_json::from_slice(&body).unwrap();
            assert!(v["error"].is_string(), "{uri}: the SEP error shape");
        }
    }
}

/// Item 9: a server started with the wrong `SEED_ENCRYPTION_KEY` stops at start, naming it.
#[actix_web::test]
async fn a_wrong_seed_key_stops_the_start() {
    use polaris_core::store::seeds::SeedKey;
    use polaris_core::store::Store;
    for db in TestDatabase::all() {
        anchor(&db, Rails::default(), None);
        let s = sep24_support::settings(&[]);
        let wrong = Store::connect(&db.url, 1)
            .unwrap()
            .with_seed_key(Some(SeedKey::random()));
        let built = polaris_actix::Polaris::builder(s.clone())
            .store(wrong)
            .build()
            .await;
        let err = built.err().expect("refused").to_string();
        assert!(err.contains("SEED_ENCRYPTION_KEY"), "{err}");
        let right = polaris_actix::Polaris::builder(s).store(db.store.clone());
        assert!(right.build().await.is_ok());
    }
}
