//! Stored SEP-38 quotes, on SQLite and (with `POLARIS_TEST_DATABASE_URL`) PostgreSQL: read
//! back exactly, seen only by their owner, taken by one transaction at most, never once
//! expired.

use std::sync::{Arc, Barrier};

use chrono::Duration;
use polaris_core::model::{now, AssetId, FeeDetail, Protocol, Quote, QuoteFee};
use polaris_core::stellar::KeyPair;
use polaris_core::store::quotes::{self, TakeError};
use polaris_core::store::transactions::Owner;
use polaris_core::store::{DbConnection, Store};
use polaris_core::testing::TestDatabase;
use rust_decimal_macros::dec;

fn each_backend(test: impl Fn(&Store)) {
    for db in TestDatabase::all() {
        eprintln!("quote store suite on {:?}", db.backend());
        test(&db.store);
    }
}

fn conn<T>(store: &Store, f: impl FnOnce(&mut DbConnection) -> T) -> T {
    store.with_conn(|c| Ok(f(c))).unwrap()
}

fn quote(owner: &Owner, expires_in: Duration) -> Quote {
    let token = AssetId::parse(&format!("stellar:SRT:{}", KeyPair::random().public_key())).unwrap();
    let usd = AssetId::fiat("USD").unwrap();
    Quote {
        id: uuid::Uuid::new_v4().to_string(),
        account: owner.account.clone(),
        memo: owner.memo.clone(),
        muxed_account: owner.muxed.clone(),
        context: Protocol::Sep6,
        sell_asset: usd.clone(),
        sell_amount: dec!(101),
        sell_delivery_method: Some("WIRE".into()),
        buy_asset: token,
        buy_amount: dec!(100),
        buy_delivery_method: None,
        price: dec!(1),
        total_price: dec!(1.01),
        fee: QuoteFee {
            total: dec!(1),
            asset: usd,
            details: vec![FeeDetail::new("Service fee", dec!(1)).described("per quote")],
        },
        expires_at: now() + expires_in,
        used_by_transaction: None,
        created_at: now(),
    }
}

fn someone() -> Owner {
    Owner::account(KeyPair::random().public_key())
}

#[test]
fn a_quote_reads_back_exactly_and_only_for_its_owner() {
    each_backend(|store| {
        let owner = someone();
        let q = quote(&owner, Duration::minutes(5));
        conn(store, |c| quotes::insert(c, &q)).unwrap();
        let back = conn(store, |c| quotes::find_owned(c, &q.id, &owner)).unwrap();
        assert_eq!(back.as_ref(), Some(&q));
        let with_memo = Owner {
            memo: Some("7".into()),
            ..owner.clone()
        };
        for other in [someone(), with_memo] {
            let seen = conn(store, |c| quotes::find_owned(c, &q.id, &other)).unwrap();
            assert_eq!(seen, None, "{other:?}");
        }
    });
}

#[test]
fn a_quote_is_taken_once_and_not_by_another_owner() {
    each_backend(|store| {
        let owner = someone();
        let q = quote(&owner, Duration::minutes(5));
        conn(store, |c| quotes::insert(c, &q)).unwrap();
        let stranger = conn(store, |c| quotes::take(c, &q.id, &someone(), "tx-0", now()));
        assert!(matches!(stranger, Err(TakeError::NotFound)), "{stranger:?}");
        let taken = conn(store, |c| quotes::take(c, &q.id, &owner, "tx-1", now())).unwrap();
        assert_eq!(taken.used_by_transaction.as_deref(), Some("tx-1"));
        let again = conn(store, |c| quotes::take(c, &q.id, &owner, "tx-2", now()));
        assert!(matches!(again, Err(TakeError::Used)), "{again:?}");
        let back = conn(store, |c| quotes::find_owned(c, &q.id, &owner))
            .unwrap()
            .unwrap();
        assert_eq!(back.used_by_transaction.as_deref(), Some("tx-1"));
    });
}

#[test]
fn an_expired_quote_is_refused_but_still_readable() {
    each_backend(|store| {
        let owner = someone();
        let q = quote(&owner, Duration::seconds(-1));
        conn(store, |c| quotes::insert(c, &q)).unwrap();
        let taken = conn(store, |c| quotes::take(c, &q.id, &owner, "tx-1", now()));
        assert!(
            matches!(taken, Err(TakeError::Expired(at)) if at == q.expires_at),
            "{taken:?}"
        );
        let back = conn(store, |c| quotes::find_owned(c, &q.id, &owner))
            .unwrap()
            .unwrap();
        assert_eq!(back.used_by_transaction, None);
        let unknown = conn(store, |c| quotes::take(c, "nope", &owner, "tx-1", now()));
        assert!(matches!(unknown, Err(TakeError::NotFound)));
    });
}

#[test]
fn eight_transactions_racing_for_one_quote_yield_one_winner() {
    each_backend(|store| {
        let owner = someone();
        let q = quote(&owner, Duration::minutes(5));
        conn(store, |c| quotes::insert(c, &q)).unwrap();
        let barrier = Arc::new(Barrier::new(8));
        let handles: Vec<_> = (0..8)
            .map(|i| {
                let (store, barrier, owner, id) =
                    (store.clone(), barrier.clone(), owner.clone(), q.id.clone());
                std::thread::spawn(move || {
                    barrier.wait();
                    let tx = format!("tx-{i}");
                    store.with_conn(|c| Ok(quotes::take(c, &id, &owner, &tx, now()).is_ok()))
                })
            })
            .collect();
        let wins = handles
            .into_iter()
            .map(|h| h.join().unwrap().unwrap())
            .filter(|won| *won)
            .count();
        assert_eq!(wins, 1);
    });
}
