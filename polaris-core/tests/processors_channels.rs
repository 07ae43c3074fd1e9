//! Channel accounts against the in-process sandbox, on SQLite and PostgreSQL: the pool is
//! created and funded, memo deposits go out at once from different channels, a channel
//! stays with its envelope while that envelope may still apply, and a lease left by a
//! killed worker expires.

mod support;

use std::collections::HashSet;
use std::sync::Arc;
use std::time::Duration;

use polaris_core::model::Status;
use polaris_core::processors::channels::{ensure_pool, pool, CHANNEL_BALANCE};
use polaris_core::processors::deposits::run_once;
use polaris_core::processors::Worker;
use polaris_core::stellar::envelope::decode_envelope;
use polaris_core::stellar::tx::Op;
use polaris_core::stellar::{Asset as StellarAsset, KeyPair};
use polaris_core::store::channels;
use polaris_core::testing::{Arrivals, FakeRails, TestDatabase};
use stellar_base::xdr;
use support::{client, deposit, funded, load, op, setup as base_setup, srt_balance, Setup, SRT};

async fn setup(db: &TestDatabase, channels: u32) -> Setup {
    let mut s = base_setup(db, Arc::new(FakeRails::new(Arrivals::Expected))).await;
    let n = channels.to_string();
    s.ctx.settings = Arc::new(polaris_core::testing::settings(&[
        ("CHANNEL_ACCOUNTS", n.as_str()),
        ("SEED_ENCRYPTION_KEY", &"7e".repeat(32)),
    ]));
    s
}

async fn wallet(s: &Setup) -> KeyPair {
    let user = funded(&s.sb).await;
    op(&client(&s.sb), &s.sb, &user, Op::trust(&s.stellar_asset))
        .await
        .unwrap();
    user
}

/// The source account and sequence number of a stored envelope.
fn source_of(envelope: &str) -> (String, i64) {
    let xdr::TransactionEnvelope::Tx(v1) = decode_envelope(envelope).unwrap() else {
        panic!("a v1 envelope");
    };
    let xdr::MuxedAccount::Ed25519(k) = v1.tx.source_account else {
        panic!("a plain source account");
    };
    let id = polaris_core::stellar::Address::Account(k.0).account_id();
    (id, v1.tx.seq_num.0)
}

async fn xlm(s: &Setup, account: &str) -> i64 {
    let details = s.ctx.horizon.account(account).await.unwrap().unwrap();
    details
        .balance(&StellarAsset::Native)
        .map_or(0, |b| b.balance)
}

#[tokio::test]
async fn the_pool_is_created_funded_and_sealed() {
    for db in TestDatabase::all() {
        let s = setup(&db, 3).await;
        let first = ensure_pool(&s.ctx, 3).await.unwrap();
        assert_eq!(
            (first.generated, first.created, first.ready),
            (3, 3, 3),
            "{first:?}"
        );
        let channels = pool(&s.ctx).await.unwrap();
        assert_eq!(channels.len(), 3);
        for c in &channels {
            assert!(c.funded_at.is_some() && c.bound_hash.is_none());
            assert_eq!(xlm(&s, c.public_key()).await, CHANNEL_BALANCE);
        }
        // Seeds are sealed at rest.
        let raw: Vec<String> = s
            .ctx
            .store
            .with_conn(|c| {
                use diesel::prelude::*;
                Ok(diesel::sql_query("SELECT seed FROM channels")
                    .load::<SeedRow>(c)?
                    .into_iter()
                    .map(|r| r.seed)
                    .collect())
            })
            .unwrap();
        for (seed, c) in raw.iter().zip(&channels) {
            assert!(seed.starts_with("sealed:v1:"), "{seed}");
            assert!(!seed.contains(c.key.seed().expose()));
        }
        let again = ensure_pool(&s.ctx, 3).await.unwrap();
        assert_eq!(
            (again.generated, again.created, again.ready),
            (0, 0, 3),
            "{again:?}"
        );
        // A channel marked as short of XLM that has enough is simply marked ready again;
        // one that lost its XLM is topped up.
        let low = channels[0].key.clone();
        let sink = funded(&s.sb).await;
        let drain = CHANNEL_BALANCE - 20_000_000;
        op(
            &client(&s.sb),
            &s.sb,
            &low,
            Op::payment(sink.public_key(), StellarAsset::Native, drain).unwrap(),
        )
        .await
        .unwrap();
        let key = low.public_key().to_string();
        s.ctx
            .store
            .with_conn(|c| channels::set_funded(c, &key, None))
            .unwrap();
        let topped = ensure_pool(&s.ctx, 3).await.unwrap();
        assert_eq!(topped.topped_up, 1, "{topped:?}");
        assert_eq!(xlm(&s, low.public_key()).await, CHANNEL_BALANCE);
        s.sb.stop().await;
    }
}

#[derive(diesel::QueryableByName)]
struct SeedRow {
    #[diesel(sql_type = diesel::sql_types::Text)]
    seed: String,
}

#[tokio::test]
async fn memo_deposits_go_out_in_one_round_from_as_many_channels() {
    const N: u64 = 4;
    for db in TestDatabase::all() {
        let s = setup(&db, N as u32).await;
        let user = wallet(&s).await;
        let before = srt_balance(&s, s.distribution.public_key()).await;
        let txs: Vec<_> = (0..N)
            .map(|i| deposit(&s, user.public_key(), 10 + i as i64, Some(i)))
            .collect();
        let summary = run_once(&s.ctx, &Worker::new()).await.unwrap();
        assert_eq!(summary.completed, N as usize, "{summary:?}");
        let channel_keys: HashSet<String> = pool(&s.ctx)
            .await
            .unwrap()
            .iter()
            .map(|c| c.public_key().to_string())
            .collect();
        let mut sources = HashSet::new();
        for tx in &txs {
            let done = load(&s, tx);
            assert_eq!(done.status, Status::Completed);
            let (source, _) = source_of(done.envelope_xdr.as_deref().unwrap());
            assert!(channel_keys.contains(&source), "sent from a channel");
            sources.insert(source);
            let hash = done.stellar_transaction_id.unwrap();
            let record = s.ctx.horizon.transaction(&hash).await.unwrap().unwrap();
            assert_eq!(
                record.memo,
                polaris_core::stellar::Memo::Id(tx.memo.as_ref().unwrap().parse().unwrap())
            );
        }
        assert_eq!(sources.len(), N as usize, "one channel per envelope");
        let paid: i64 = (0..N as i64).map(|i| (10 + i - 1) * SRT).sum();
        assert_eq!(srt_balance(&s, user.public_key()).await, paid);
        assert_eq!(
            srt_balance(&s, s.distribution.public_key()).await,
            before - paid,
            "paid from the distribution account"
        );
        for c in &channel_keys {
            assert!(
                xlm(&s, c).await < CHANNEL_BALANCE,
                "the channel paid the fee"
            );
        }
        // Batchable deposits still share envelopes.
        let batch: Vec<_> = (0..5)
            .map(|_| deposit(&s, user.public_key(), 3, None))
            .collect();
        run_once(&s.ctx, &Worker::new()).await.unwrap();
        let hashes: HashSet<_> = batch
            .iter()
            .map(|t| load(&s, t).stellar_transaction_id.unwrap())
            .collect();
        assert_eq!(hashes.len(), 1, "one envelope for the batch");
        s.sb.stop().await;
    }
}

#[tokio::test]
async fn a_channel_stays_with_its_envelope_while_it_may_apply() {
    for db in TestDatabase::all() {
        let s = setup(&db, 1).await;
        ensure_pool(&s.ctx, 1).await.unwrap();
        let user = wallet(&s).await;
        let worker = Worker::new();
        let first = deposit(&s, user.public_key(), 10, Some(1));
        s.sb.faults().timeout_before_apply(1);
        run_once(&s.ctx, &worker).await.unwrap();
        let pending = load(&s, &first);
        assert_eq!(pending.status, Status::PendingStellar);
        let channel = pool(&s.ctx).await.unwrap().remove(0);
        assert_eq!(
            channel.bound_hash, pending.submission_hash,
            "bound to the live envelope"
        );
        let other = s
            .ctx
            .store
            .with_conn(|c| {
                channels::lease(
                    c,
                    "another-worker",
                    polaris_core::model::now(),
                    polaris_core::model::now() + chrono::Duration::seconds(60),
                )
            })
            .unwrap();
        assert!(other.is_none(), "a bound channel is not leased");

        // A second deposit waits while the first envelope is still live (its resubmission
        // times out again).
        let second = deposit(&s, user.public_key(), 20, Some(2));
        s.sb.faults().timeout_before_apply(1);
        let round = run_once(&s.ctx, &worker).await.unwrap();
        assert_eq!(round.completed, 0, "{round:?}");
        assert_eq!(load(&s, &first).status, Status::PendingStellar);
        assert_eq!(load(&s, &second).status, Status::PendingAnchor);
        assert_eq!(srt_balance(&s, user.public_key()).await, 0);

        for _ in 0..4 {
            run_once(&s.ctx, &worker).await.unwrap();
        }
        let (a, b) = (load(&s, &first), load(&s, &second));
        assert_eq!((a.status, b.status), (Status::Completed, Status::Completed));
        assert_eq!(
            a.stellar_transaction_id, pending.submission_hash,
            "the same envelope"
        );
        let (src_a, seq_a) = source_of(a.envelope_xdr.as_deref().unwrap());
        let (src_b, seq_b) = source_of(b.envelope_xdr.as_deref().unwrap());
        assert_eq!(
            (src_a, seq_a + 1),
            (src_b, seq_b),
            "one sequence number each"
        );
        assert_eq!(
            srt_balance(&s, user.public_key()).await,
            28 * SRT,
            "each paid once"
        );
        s.sb.stop().await;
    }
}

#[tokio::test]
async fn a_channel_leased_by_a_killed_worker_is_recovered() {
    for db in TestDatabase::all() {
        let s = setup(&db, 1).await;
        ensure_pool(&s.ctx, 1).await.unwrap();
        let user = wallet(&s).await;
        let tx = deposit(&s, user.public_key(), 10, Some(9));
        // A worker leases the only channel for 300 ms and dies before binding it.
        let now = polaris_core::model::now();
        let leased = s
            .ctx
            .store
            .with_conn(|c| {
                channels::lease(
                    c,
                    "killed-worker",
                    now,
                    now + chrono::Duration::milliseconds(300),
                )
            })
            .unwrap();
        assert!(leased.is_some());
        let worker = Worker::new();
        let round = run_once(&s.ctx, &worker).await.unwrap();
        assert_eq!((round.completed, round.retried), (0, 1), "{round:?}");
        assert_eq!(load(&s, &tx).status, Status::PendingAnchor);
        tokio::time::sleep(Duration::from_millis(400)).await;
        let round = run_once(&s.ctx, &worker).await.unwrap();
        assert_eq!(round.completed, 1, "{round:?}");
        assert_eq!(srt_balance(&s, user.public_key()).await, 9 * SRT);
        s.sb.stop().await;
    }
}

#[tokio::test]
async fn workers_at_once_share_the_channels_and_pay_each_deposit_once() {
    const MEMOS: i64 = 24;
    for db in TestDatabase::all() {
        let s = setup(&db, 4).await;
        ensure_pool(&s.ctx, 4).await.unwrap();
        let user = wallet(&s).await;
        let mut txs: Vec<_> = (0..MEMOS)
            .map(|i| deposit(&s, user.public_key(), 2 + i, Some(i as u64)))
            .collect();
        txs.extend((0..10).map(|_| deposit(&s, user.public_key(), 3, None)));
        let workers: Vec<Worker> = (0..3).map(|_| Worker::new()).collect();
        for _round in 0..30 {
            let runs = workers.iter().map(|w| run_once(&s.ctx, w));
            for r in futures::future::join_all(runs).await {
                r.unwrap();
            }
            if txs.iter().all(|t| load(&s, t).status == Status::Completed) {
                break;
            }
        }
        let mut used = HashSet::new();
        for tx in &txs {
            let done = load(&s, tx);
            assert_eq!(done.status, Status::Completed, "{}", tx.id);
            let hash = done.stellar_transaction_id.clone().unwrap();
            let (source, seq) = source_of(done.envelope_xdr.as_deref().unwrap());
            used.insert((source, seq, hash));
        }
        let slots: HashSet<_> = used
            .iter()
            .map(|(src, seq, _)| (src.clone(), *seq))
            .collect();
        assert_eq!(
            slots.len(),
            used.len(),
            "one envelope per sequence number of a channel"
        );
        let expected: i64 = (0..MEMOS).map(|i| (1 + i) * SRT).sum::<i64>() + 10 * 2 * SRT;
        assert_eq!(
            srt_balance(&s, user.public_key()).await,
            expected,
            "each paid once"
        );
        s.sb.stop().await;
    }
}

#[tokio::test]
async fn leases_taken_at_once_never_share_a_channel() {
    for db in TestDatabase::all() {
        let s = setup(&db, 4).await;
        ensure_pool(&s.ctx, 4).await.unwrap();
        let now = polaris_core::model::now();
        let until = now + chrono::Duration::seconds(60);
        let takes = (0..8).map(|i| {
            let store = s.ctx.store.clone();
            tokio::task::spawn_blocking(move || {
                store.with_conn(|c| channels::lease(c, &format!("worker-{i}"), now, until))
            })
        });
        let won: Vec<String> = futures::future::join_all(takes)
            .await
            .into_iter()
            .filter_map(|r| r.unwrap().unwrap())
            .map(|c| c.public_key().to_string())
            .collect();
        assert_eq!(won.len(), 4, "{won:?}");
        assert_eq!(
            won.iter().collect::<HashSet<_>>().len(),
            4,
            "each channel leased once"
        );
        s.sb.stop().await;
    }
}
