//! The store conformance suite: every test runs on SQLite and, when
//! `POLARIS_TEST_DATABASE_URL` is set, on PostgreSQL.

use std::sync::{Arc, Barrier};

use chrono::Duration;
use polaris_core::model::{
    now, Asset, Kind, MemoType, Protocol, Refunds, Stage, Status, Transaction,
};
use polaris_core::state::{self, TransitionError};
use polaris_core::stellar::KeyPair;
use polaris_core::store::transactions::{self, KindChoice, ListQuery, Lookup, Owner};
use polaris_core::store::{assets, challenges, events, DbConnection, Store};
use polaris_core::testing::TestDatabase;
use rust_decimal_macros::dec;

fn each_backend(test: impl Fn(&Store)) {
    for db in TestDatabase::all() {
        eprintln!("store suite on {:?}", db.backend());
        test(&db.store);
    }
}

fn conn<T>(store: &Store, f: impl FnOnce(&mut DbConnection) -> T) -> T {
    store.with_conn(|c| Ok(f(c))).unwrap()
}

fn stored_asset(store: &Store, code: &str) -> Asset {
    let asset = Asset::new(code, KeyPair::random().public_key());
    conn(store, |c| assets::upsert(c, &asset).unwrap())
}

fn deposit(asset: &Asset, account: &str) -> Transaction {
    Transaction::new(Kind::Deposit, Protocol::Sep24, asset.id, account)
}

#[test]
fn assets_are_unique_by_code_and_issuer() {
    each_backend(|store| {
        let mut a = Asset::new("USD", KeyPair::random().public_key());
        a.deposit.min_amount = Some(dec!(0.5));
        a.deposit.fee_percent = Some(dec!(1.25));
        let stored = conn(store, |c| assets::upsert(c, &a).unwrap());
        assert!(stored.id > 0);
        assert_eq!(stored.deposit.min_amount, Some(dec!(0.5)));
        assert_eq!(stored.deposit.max_amount, None, "no bound stays NULL");
        a.significant_decimals = 7;
        let again = conn(store, |c| assets::upsert(c, &a).unwrap());
        assert_eq!(again.id, stored.id);
        assert_eq!(again.significant_decimals, 7);
        let other = Asset::new("USD", KeyPair::random().public_key());
        conn(store, |c| assets::upsert(c, &other).unwrap());
        assert_eq!(conn(store, |c| assets::by_code(c, "USD").unwrap()).len(), 2);
        let found = conn(store, |c| {
            assets::by_code_and_issuer(c, "USD", &a.issuer).unwrap()
        });
        assert_eq!(found.unwrap().id, stored.id);
        assert!(conn(store, |c| assets::by_id(c, stored.id).unwrap()).is_some());
    });
}

#[test]
fn a_transaction_reads_back_exactly_as_written() {
    each_backend(|store| {
        let asset = stored_asset(store, "SRT");
        let mut tx = deposit(&asset, KeyPair::random().public_key());
        tx.account_memo = Some(u64::MAX.to_string());
        tx.memo = Some(u64::MAX.to_string());
        tx.memo_type = MemoType::Id;
        tx.amount_in = Some(dec!(123456789012.1234567));
        tx.amount_fee = Some(dec!(0.0000001));
        tx.amount_expected = Some(dec!(100));
        tx.stage = Stage::KycReview;
        tx.refunds = Some(Refunds {
            amount_refunded: dec!(1),
            amount_fee: dec!(0.1),
            payments: vec![],
        });
        tx.required_info_updates = Some(serde_json::json!({"dest": {"description": "bank"}}));
        tx.lease_expires_at = Some(now());
        tx.amount_in_asset = Some("iso4217:BRL".into());
        tx.amount_out_asset = Some("stellar:SRT:GISSUER".into());
        tx.fee_details = Some(polaris_core::model::QuoteFee {
            total: dec!(1.5),
            asset: polaris_core::model::AssetId::fiat("BRL").unwrap(),
            details: vec![polaris_core::model::FeeDetail::new(
                "Service fee",
                dec!(1.5),
            )],
        });
        conn(store, |c| transactions::insert(c, &tx).unwrap());
        let back = conn(store, |c| transactions::by_id(c, tx.id).unwrap()).unwrap();
        assert_eq!(back, tx);
    });
}

#[test]
fn lookups_are_scoped_to_the_owner() {
    each_backend(|store| {
        let asset = stored_asset(store, "SRT");
        let alice = KeyPair::random().public_key().to_string();
        let mut tx = deposit(&asset, &alice);
        tx.stellar_transaction_id = Some("ab".repeat(32));
        tx.external_transaction_id = Some("bank-1".into());
        conn(store, |c| transactions::insert(c, &tx).unwrap());
        let owner = Owner::account(&alice);
        for lookup in [
            Lookup::Id(tx.id),
            Lookup::StellarTransactionId("ab".repeat(32)),
            Lookup::ExternalTransactionId("bank-1".into()),
        ] {
            let found = conn(store, |c| {
                transactions::find_owned(c, &owner, Protocol::Sep24, &lookup).unwrap()
            });
            assert_eq!(found.map(|t| t.id), Some(tx.id));
            let mallory = Owner::account(KeyPair::random().public_key());
            assert!(conn(store, |c| transactions::find_owned(
                c,
                &mallory,
                Protocol::Sep24,
                &lookup
            )
            .unwrap())
            .is_none());
            let memo_owner = Owner {
                memo: Some("7".into()),
                ..owner.clone()
            };
            assert!(conn(store, |c| transactions::find_owned(
                c,
                &memo_owner,
                Protocol::Sep24,
                &lookup
            )
            .unwrap())
            .is_none());
            assert!(conn(store, |c| transactions::find_owned(
                c,
                &owner,
                Protocol::Sep6,
                &lookup
            )
            .unwrap())
            .is_none());
        }
    });
}

#[test]
fn listing_tells_exchanges_from_plain_transfers() {
    each_backend(|store| {
        let asset = stored_asset(store, "SRT");
        let alice = KeyPair::random().public_key().to_string();
        let plain = deposit(&asset, &alice);
        let mut exchange = deposit(&asset, &alice);
        exchange.amount_in_asset = Some("iso4217:EUR".into());
        let withdrawal = Transaction::new(Kind::Withdrawal, Protocol::Sep24, asset.id, &alice);
        for tx in [&plain, &exchange, &withdrawal] {
            conn(store, |c| transactions::insert(c, tx).unwrap());
        }
        let listed = |kinds: &[(Kind, Option<bool>)]| {
            let q = ListQuery {
                owner: Owner::account(&alice),
                asset_id: asset.id,
                protocol: Protocol::Sep24,
                kinds: kinds
                    .iter()
                    .map(|&(kind, exchange)| KindChoice { kind, exchange })
                    .collect(),
                no_older_than: None,
                paging_id: None,
                limit: 100,
            };
            let mut ids: Vec<_> = conn(store, |c| transactions::list(c, &q).unwrap())
                .iter()
                .map(|t| t.id)
                .collect();
            ids.sort();
            ids
        };
        let sorted = |mut v: Vec<uuid::Uuid>| {
            v.sort();
            v
        };
        assert_eq!(listed(&[(Kind::Deposit, Some(true))]), vec![exchange.id]);
        assert_eq!(listed(&[(Kind::Deposit, Some(false))]), vec![plain.id]);
        assert_eq!(
            listed(&[(Kind::Deposit, None)]),
            sorted(vec![plain.id, exchange.id])
        );
        assert_eq!(
            listed(&[(Kind::Deposit, Some(true)), (Kind::Withdrawal, Some(false))]),
            sorted(vec![exchange.id, withdrawal.id])
        );
        assert!(listed(&[(Kind::Withdrawal, Some(true))]).is_empty());
        assert_eq!(listed(&[]).len(), 3);
    });
}

#[test]
fn listing_filters_orders_and_pages() {
    each_backend(|store| {
        let asset = stored_asset(store, "SRT");
        let other_asset = stored_asset(store, "EUR");
        let alice = KeyPair::random().public_key().to_string();
        let base = now() - Duration::hours(10);
        let mut ids = Vec::new();
        for i in 0..10 {
            let kind = if i % 2 == 0 {
                Kind::Deposit
            } else {
                Kind::Withdrawal
            };
            let mut tx = Transaction::new(kind, Protocol::Sep24, asset.id, &alice);
            tx.started_at = base + Duration::hours(i);
            conn(store, |c| transactions::insert(c, &tx).unwrap());
            ids.push(tx.id);
        }
        // Noise: another account, another asset, another memo.
        conn(store, |c| {
            transactions::insert(c, &deposit(&asset, KeyPair::random().public_key())).unwrap()
        });
        conn(store, |c| {
            transactions::insert(c, &deposit(&other_asset, &alice)).unwrap()
        });
        let mut memo_tx = deposit(&asset, &alice);
        memo_tx.account_memo = Some("42".into());
        conn(store, |c| transactions::insert(c, &memo_tx).unwrap());

        let q = ListQuery {
            owner: Owner::account(&alice),
            asset_id: asset.id,
            protocol: Protocol::Sep24,
            kinds: vec![],
            no_older_than: None,
            paging_id: None,
            limit: 100,
        };
        let all = conn(store, |c| transactions::list(c, &q).unwrap());
        let got: Vec<_> = all.iter().map(|t| t.id).collect();
        let mut newest_first = ids.clone();
        newest_first.reverse();
        assert_eq!(got, newest_first);

        let deposits = conn(store, |c| {
            transactions::list(
                c,
                &ListQuery {
                    kinds: vec![KindChoice {
                        kind: Kind::Deposit,
                        exchange: None,
                    }],
                    ..q.clone()
                },
            )
            .unwrap()
        });
        assert_eq!(deposits.len(), 5);
        assert!(deposits.iter().all(|t| t.kind == Kind::Deposit));

        let recent = conn(store, |c| {
            transactions::list(
                c,
                &ListQuery {
                    no_older_than: Some(base + Duration::hours(7)),
                    ..q.clone()
                },
            )
            .unwrap()
        });
        assert_eq!(recent.len(), 3);

        let page1 = conn(store, |c| {
            transactions::list(
                c,
                &ListQuery {
                    limit: 4,
                    ..q.clone()
                },
            )
            .unwrap()
        });
        let page2 = conn(store, |c| {
            transactions::list(
                c,
                &ListQuery {
                    limit: 4,
                    paging_id: Some(page1[3].id),
                    ..q.clone()
                },
            )
            .unwrap()
        });
        assert_eq!(
            page1.iter().chain(&page2).map(|t| t.id).collect::<Vec<_>>(),
            newest_first[..8]
        );

        let memo_list = conn(store, |c| {
            transactions::list(
                c,
                &ListQuery {
                    owner: Owner {
                        memo: Some("42".into()),
                        ..Owner::account(&alice)
                    },
                    ..q.clone()
                },
            )
            .unwrap()
        });
        assert_eq!(
            memo_list.iter().map(|t| t.id).collect::<Vec<_>>(),
            vec![memo_tx.id]
        );
    });
}

#[test]
fn transitions_check_the_table_and_the_current_status() {
    each_backend(|store| {
        let asset = stored_asset(store, "SRT");
        let mut tx = deposit(&asset, KeyPair::random().public_key());
        conn(store, |c| transactions::insert(c, &tx).unwrap());

        let err = conn(store, |c| {
            state::transition(c, &mut tx, Status::Completed).unwrap_err()
        });
        assert!(matches!(err, TransitionError::Forbidden { .. }), "{err}");
        assert_eq!(
            tx.status,
            Status::Incomplete,
            "a refused transition changes nothing"
        );

        tx.amount_in = Some(dec!(10));
        conn(store, |c| {
            state::transition(c, &mut tx, Status::PendingUserTransferStart).unwrap()
        });
        let stored = conn(store, |c| transactions::by_id(c, tx.id).unwrap()).unwrap();
        assert_eq!(stored.status, Status::PendingUserTransferStart);
        assert_eq!(stored.amount_in, Some(dec!(10)));

        let mut stale = tx.clone();
        stale.status = Status::Incomplete;
        let err = conn(store, |c| {
            state::transition(c, &mut stale, Status::Expired).unwrap_err()
        });
        match err {
            TransitionError::Conflict { expected, found } => {
                assert_eq!(expected, Status::Incomplete);
                assert_eq!(found, Some(Status::PendingUserTransferStart));
            }
            other => panic!("expected a conflict, got {other}"),
        }
        for next in [
            Status::PendingAnchor,
            Status::PendingStellar,
            Status::Completed,
        ] {
            conn(store, |c| state::transition(c, &mut tx, next).unwrap());
        }
        let done = conn(store, |c| transactions::by_id(c, tx.id).unwrap()).unwrap();
        assert!(done.completed_at.is_some());

        // The history has every change, and nothing of the refused and conflicting ones.
        let history = conn(store, |c| events::of_transaction(c, tx.id).unwrap());
        let moves: Vec<_> = history
            .iter()
            .map(|e| (e.from_status, e.to_status))
            .collect();
        use Status::*;
        assert_eq!(
            moves,
            vec![
                (None, Incomplete),
                (Some(Incomplete), PendingUserTransferStart),
                (Some(PendingUserTransferStart), PendingAnchor),
                (Some(PendingAnchor), PendingStellar),
                (Some(PendingStellar), Completed),
            ]
        );
        let mut same = done.clone();
        same.message = Some("a field alone".into());
        conn(store, |c| state::save_notify(c, &mut same).unwrap());
        let after = conn(store, |c| events::of_transaction(c, tx.id).unwrap());
        assert_eq!(
            after.len(),
            5,
            "a write without a status change is no event"
        );
    });
}

#[test]
fn eight_workers_racing_one_transition_yield_one_winner() {
    each_backend(|store| {
        let asset = stored_asset(store, "SRT");
        for _round in 0..5 {
            let mut tx = deposit(&asset, KeyPair::random().public_key());
            tx.status = Status::PendingAnchor;
            conn(store, |c| transactions::insert(c, &tx).unwrap());
            let barrier = Arc::new(Barrier::new(8));
            let handles: Vec<_> = (0..8)
                .map(|i| {
                    let (store, barrier, mut mine) = (store.clone(), barrier.clone(), tx.clone());
                    std::thread::spawn(move || {
                        mine.stellar_transaction_id = Some(format!("worker-{i}"));
                        barrier.wait();
                        store
                            .with_conn(|c| {
                                Ok(state::transition(c, &mut mine, Status::PendingStellar))
                            })
                            .unwrap()
                            .map(|_| i)
                    })
                })
                .collect();
            let results: Vec<_> = handles.into_iter().map(|h| h.join().unwrap()).collect();
            let winners: Vec<_> = results.iter().filter_map(|r| r.as_ref().ok()).collect();
            assert_eq!(winners.len(), 1, "exactly one worker wins");
            for r in &results {
                if let Err(e) = r {
                    assert!(
                        matches!(
                            e,
                            TransitionError::Conflict {
                                found: Some(Status::PendingStellar),
                                ..
                            }
                        ),
                        "{e}"
                    );
                }
            }
            let stored = conn(store, |c| transactions::by_id(c, tx.id).unwrap()).unwrap();
            assert_eq!(
                stored.stellar_transaction_id,
                Some(format!("worker-{}", winners[0]))
            );
            let history = conn(store, |c| events::of_transaction(c, tx.id).unwrap());
            assert_eq!(history.len(), 2, "created, then the one winning change");
        }
    });
}

#[test]
fn a_challenge_is_used_once() {
    each_backend(|store| {
        let exp = now() + Duration::minutes(15);
        assert!(conn(store, |c| challenges::mark_used(c, "h1", exp).unwrap()));
        assert!(!conn(store, |c| challenges::mark_used(c, "h1", exp).unwrap()));
        assert!(conn(store, |c| challenges::mark_used(
            c,
            "h2",
            now() - Duration::minutes(1)
        )
        .unwrap()));
        assert_eq!(
            conn(store, |c| challenges::purge_expired(c, now()).unwrap()),
            1
        );
    });
}

#[test]
fn schema_check_wants_migrations_and_reports_them() {
    let dir = std::env::temp_dir().join(format!("polaris-schema-{}", uuid::Uuid::new_v4()));
    std::fs::create_dir_all(&dir).unwrap();
    let store =
        Store::connect(&format!("sqlite://{}", dir.join("x.sqlite3").display()), 2).unwrap();
    let err = store.check_schema().unwrap_err();
    assert!(err.to_string().contains("migrate"), "{err}");
    assert!(!store.migrate().unwrap().is_empty());
    store.check_schema().unwrap();
    assert!(store.migrate().unwrap().is_empty());
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn bad_urls_report_the_real_cause() {
    let err = Store::connect("mysql://x", 1).unwrap_err();
    assert!(err.to_string().contains("DATABASE_URL"), "{err}");
    let err = Store::connect("postgres://nobody@127.0.0.1:1/none", 1).unwrap_err();
    assert!(err.to_string().contains("PostgreSQL"), "{err}");
    assert!(!err.to_string().contains("multiconnection"), "{err}");
}
