//! The queue's rules that the HTTP tests cannot reach quickly: aging, bans, and checks
//! made again at the close.

use super::super::{LedgerConfig, Sandbox};
use super::{Admission, QueueLimits, BAN_DEPTH, PENDING_DEPTH};
use polaris_core::stellar::tx::{Op, TransactionBuilder};
use polaris_core::stellar::{encode_xdr, Asset, KeyPair, TESTNET_PASSPHRASE};

const NOW: i64 = 1_700_000_000;

fn net(max_ops_per_ledger: u32) -> (Sandbox, KeyPair, KeyPair) {
    let mut sb = Sandbox::new(LedgerConfig {
        queue: QueueLimits {
            per_account: 1,
            max_ops_per_ledger,
        },
        ..LedgerConfig::default()
    });
    let (a, b) = (KeyPair::random(), KeyPair::random());
    sb.friendbot(a.public_key(), NOW).unwrap();
    sb.friendbot(b.public_key(), NOW).unwrap();
    (sb, a, b)
}

fn payments(sb: &Sandbox, from: &KeyPair, to: &KeyPair, n: usize, max_time: u64) -> String {
    let seq = sb.account(from.public_key()).unwrap().seq + 1;
    let mut b = TransactionBuilder::new(from.public_key(), seq, 100).unwrap();
    for _ in 0..n {
        b = b.op(Op::payment(to.public_key(), Asset::Native, 1).unwrap());
    }
    if max_time > 0 {
        b = b.timeout_at(max_time);
    }
    encode_xdr(&b.sign(&[from], TESTNET_PASSPHRASE).unwrap())
}

#[test]
fn a_transaction_that_never_fits_is_dropped_then_banned() {
    let (mut sb, a, b) = net(1);
    let tx = payments(&sb, &a, &b, 2, 0);
    assert!(matches!(sb.admit(&tx, NOW), Admission::Pending { .. }));
    for _ in 0..PENDING_DEPTH {
        assert_eq!(sb.queued(), 1);
        assert!(
            sb.close_ledger(NOW).is_empty(),
            "two operations never fit in one"
        );
    }
    assert_eq!(sb.queued(), 0, "dropped after {PENDING_DEPTH} ledgers");
    assert!(matches!(
        sb.admit(&tx, NOW),
        Admission::TryAgainLater { .. }
    ));
    for _ in 0..BAN_DEPTH {
        sb.close_ledger(NOW);
    }
    assert!(matches!(sb.admit(&tx, NOW), Admission::Pending { .. }));
}

#[test]
fn a_transaction_expired_at_the_close_is_dropped() {
    let (mut sb, a, b) = net(1000);
    let seq = sb.account(a.public_key()).unwrap().seq;
    let tx = payments(&sb, &a, &b, 1, (NOW + 5) as u64);
    assert!(matches!(sb.admit(&tx, NOW), Admission::Pending { .. }));
    assert!(sb.close_ledger(NOW + 6).is_empty());
    assert_eq!(sb.queued(), 0);
    assert_eq!(
        sb.account(a.public_key()).unwrap().seq,
        seq,
        "nothing charged"
    );
    assert_eq!(sb.latest_ledger().successful_transaction_count, 0);
}

#[test]
fn a_close_holds_every_queued_source_and_counts_operations() {
    let (mut sb, a, b) = net(1000);
    let (ta, tb) = (payments(&sb, &a, &b, 3, 0), payments(&sb, &b, &a, 2, 0));
    assert!(matches!(sb.admit(&ta, NOW), Admission::Pending { .. }));
    assert!(matches!(sb.admit(&tb, NOW), Admission::Pending { .. }));
    let closed = sb.close_ledger(NOW);
    assert_eq!(closed.len(), 2);
    let seq = sb.latest_ledger().seq;
    assert!(closed.iter().all(|t| t.ledger == seq));
    assert_ne!(closed[0].toid, closed[1].toid);
    let header = sb.latest_ledger();
    assert_eq!(
        (header.operation_count, header.tx_set_operation_count),
        (5, 5)
    );
    assert_eq!(header.successful_transaction_count, 2);
}

#[test]
fn a_fee_bump_ten_times_higher_replaces_the_queued_transaction() {
    use polaris_core::stellar::{envelope, Address};
    let (mut sb, a, b) = net(1000);
    let sponsor = KeyPair::random();
    sb.friendbot(sponsor.public_key(), NOW).unwrap();
    let seq = sb.account(a.public_key()).unwrap().seq + 1;
    let inner = TransactionBuilder::new(a.public_key(), seq, 100)
        .unwrap()
        .op(Op::payment(b.public_key(), Asset::Native, 1).unwrap())
        .sign(&[&a], TESTNET_PASSPHRASE)
        .unwrap();
    assert!(matches!(
        sb.admit(&encode_xdr(&inner), NOW),
        Admission::Pending { .. }
    ));
    let payer = Address::parse(sponsor.public_key()).unwrap();
    let bump = |fee| {
        let env = envelope::fee_bump(inner.clone(), &payer, fee, &sponsor, TESTNET_PASSPHRASE);
        encode_xdr(&env.unwrap())
    };
    // Two operations' worth (inner + bump) at ten times 100 stroops each: 2,000.
    let Admission::Error { error, .. } = sb.admit(&bump(1999), NOW) else {
        panic!("a bid under ten times is refused")
    };
    let super::SubmitError::Failed { codes, .. } = error else {
        panic!("{error:?}")
    };
    assert_eq!(codes.transaction, "tx_insufficient_fee");
    assert!(matches!(
        sb.admit(&bump(2000), NOW),
        Admission::Pending { .. }
    ));
    assert_eq!(sb.queued(), 1, "replaced, not added");
    let closed = sb.close_ledger(NOW);
    assert_eq!(closed.len(), 1);
    assert!(closed[0].inner_hash.is_some(), "the fee bump went in");
    assert_eq!(closed[0].fee_account, sponsor.public_key());
}
