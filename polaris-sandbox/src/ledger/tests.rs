//! Ledger logic, driven through envelopes as a wallet would build them.

use super::*;
use polaris_core::stellar::tx::{
    Op, SetOptions, TransactionBuilder, AUTH_REQUIRED_FLAG, AUTH_REVOCABLE_FLAG,
};
use polaris_core::stellar::{envelope, Asset, KeyPair, Memo};

const NOW: i64 = 1_700_000_000;
const XLM: i64 = 10_000_000;

struct Net {
    sb: Sandbox,
}

impl Net {
    fn new() -> Self {
        Self {
            sb: Sandbox::new(LedgerConfig::default()),
        }
    }

    fn fund(&mut self) -> KeyPair {
        let k = KeyPair::random();
        self.sb.friendbot(k.public_key(), NOW).unwrap();
        k
    }

    fn builder(&self, source: &KeyPair) -> TransactionBuilder {
        let seq = self
            .sb
            .account(source.public_key())
            .map_or(1, |a| a.seq + 1);
        TransactionBuilder::new(source.public_key(), seq, 100).unwrap()
    }

    fn send(
        &mut self,
        b: TransactionBuilder,
        signers: &[&KeyPair],
    ) -> Result<TxRecord, SubmitError> {
        let env = b.sign(signers, TESTNET_PASSPHRASE).unwrap();
        self.sb.submit(&encode_xdr(&env), NOW)
    }

    fn codes(&mut self, b: TransactionBuilder, signers: &[&KeyPair]) -> (String, Vec<String>) {
        match self.send(b, signers) {
            Ok(_) => ("tx_success".into(), vec![]),
            Err(SubmitError::Failed { codes, .. }) => (codes.transaction, codes.operations),
            Err(e) => panic!("unexpected {e:?}"),
        }
    }

    fn balance(&self, k: &KeyPair, asset: &Asset) -> Option<i64> {
        self.sb.state().balance_of(k.public_key(), asset)
    }
}

fn ops(codes: &[&str]) -> Vec<String> {
    codes.iter().map(|c| c.to_string()).collect()
}

#[test]
fn friendbot_funds_and_refuses_twice() {
    let mut net = Net::new();
    let a = net.fund();
    assert_eq!(net.balance(&a, &Asset::Native), Some(10_000 * XLM));
    let again = net.sb.friendbot(a.public_key(), NOW);
    let Err(SubmitError::Failed { codes, record, .. }) = again else {
        panic!("{again:?}")
    };
    assert_eq!(codes.operations, ops(&["op_already_exists"]));
    assert!(
        record.is_some(),
        "an operation failure is still included in a ledger"
    );
}

#[test]
fn payment_moves_funds_charges_fee_and_bumps_sequence() {
    let mut net = Net::new();
    let (a, b) = (net.fund(), net.fund());
    let seq = net.sb.account(a.public_key()).unwrap().seq;
    let tx =
        net.builder(&a)
            .memo(Memo::Id(9))
            .op(Op::payment(b.public_key(), Asset::Native, 5 * XLM).unwrap());
    let rec = net.send(tx, &[&a]).unwrap();
    assert_eq!(rec.memo_type, "id");
    assert_eq!(
        net.balance(&a, &Asset::Native),
        Some(10_000 * XLM - 5 * XLM - 100)
    );
    assert_eq!(net.balance(&b, &Asset::Native), Some(10_005 * XLM));
    assert_eq!(net.sb.account(a.public_key()).unwrap().seq, seq + 1);
    let q = Query {
        cursor: Cursor::Start,
        descending: false,
        limit: 10,
        include_failed: false,
    };
    let pays = net
        .sb
        .history()
        .payments(Some(b.public_key()), &q, net.sb.latest_token());
    assert_eq!(pays.len(), 2, "create_account and payment");
    assert_eq!(pays[1].details["amount"], "5.0000000");
}

#[test]
fn transaction_level_codes() {
    let mut net = Net::new();
    let (a, b) = (net.fund(), net.fund());
    let pay = || Op::payment(b.public_key(), Asset::Native, XLM).unwrap();
    let seq = net.sb.account(a.public_key()).unwrap().seq;
    let stale = TransactionBuilder::new(a.public_key(), seq, 100)
        .unwrap()
        .op(pay());
    assert_eq!(net.codes(stale, &[&a]).0, "tx_bad_seq");
    assert_eq!(net.codes(net.builder(&a).op(pay()), &[&b]).0, "tx_bad_auth");
    assert_eq!(
        net.codes(net.builder(&a).op(pay()), &[&a, &b]).0,
        "tx_bad_auth_extra"
    );
    assert_eq!(
        net.codes(
            net.builder(&a).time_bounds(0, (NOW - 10) as u64).op(pay()),
            &[&a]
        )
        .0,
        "tx_too_late"
    );
    assert_eq!(
        net.codes(
            net.builder(&a).time_bounds((NOW + 60) as u64, 0).op(pay()),
            &[&a]
        )
        .0,
        "tx_too_early"
    );
    let cheap = TransactionBuilder::new(a.public_key(), seq + 1, 10)
        .unwrap()
        .op(pay());
    assert_eq!(net.codes(cheap, &[&a]).0, "tx_insufficient_fee");
    let ghost = KeyPair::random();
    let from_ghost = TransactionBuilder::new(ghost.public_key(), 1, 100)
        .unwrap()
        .op(pay());
    assert_eq!(net.codes(from_ghost, &[&ghost]).0, "tx_no_source_account");
    assert_eq!(
        net.sb.account(a.public_key()).unwrap().seq,
        seq,
        "refused transactions consume nothing"
    );
}

#[test]
fn insufficient_balance_for_the_fee() {
    let mut net = Net::new();
    let a = net.fund();
    let poor = KeyPair::random();
    let create = net
        .builder(&a)
        .op(Op::create_account(poor.public_key(), XLM).unwrap());
    assert_eq!(net.codes(create, &[&a]).0, "tx_success");
    let tx = net.builder(&poor).op(Op::manage_data("k", None).unwrap());
    assert_eq!(net.codes(tx, &[&poor]).0, "tx_insufficient_balance");
}

#[test]
fn operation_codes() {
    let mut net = Net::new();
    let (issuer, a, b) = (net.fund(), net.fund(), net.fund());
    let srt = Asset::credit("SRT", issuer.public_key()).unwrap();
    let ghost = KeyPair::random();
    let cases: Vec<(Op, &KeyPair, &str)> = vec![
        (
            Op::payment(ghost.public_key(), Asset::Native, XLM).unwrap(),
            &a,
            "op_no_destination",
        ),
        (
            Op::payment(b.public_key(), Asset::Native, 20_000 * XLM).unwrap(),
            &a,
            "op_underfunded",
        ),
        (
            Op::payment(b.public_key(), srt.clone(), XLM).unwrap(),
            &issuer,
            "op_no_trust",
        ),
        (
            Op::payment(issuer.public_key(), srt.clone(), XLM).unwrap(),
            &a,
            "op_src_no_trust",
        ),
        (
            Op::create_account(b.public_key(), XLM).unwrap(),
            &a,
            "op_already_exists",
        ),
        (
            Op::create_account(ghost.public_key(), 1).unwrap(),
            &a,
            "op_low_reserve",
        ),
        (
            Op::manage_data("missing", None).unwrap(),
            &a,
            "op_data_name_not_found",
        ),
    ];
    for (op, key, code) in cases {
        let (t, o) = net.codes(net.builder(key).op(op), &[key]);
        assert_eq!((t.as_str(), o), ("tx_failed", ops(&[code])), "{code}");
    }
}

#[test]
fn trustlines_limits_and_authorization() {
    let mut net = Net::new();
    let (issuer, a) = (net.fund(), net.fund());
    let srt = Asset::credit("SRT", issuer.public_key()).unwrap();
    net.send(net.builder(&a).op(Op::change_trust(&srt, 100 * XLM)), &[&a])
        .unwrap();
    let pay = |amount| Op::payment(a.public_key(), srt.clone(), amount).unwrap();
    net.send(net.builder(&issuer).op(pay(60 * XLM)), &[&issuer])
        .unwrap();
    assert_eq!(net.balance(&a, &srt), Some(60 * XLM));
    assert_eq!(
        net.codes(net.builder(&issuer).op(pay(50 * XLM)), &[&issuer])
            .1,
        ops(&["op_line_full"])
    );
    assert_eq!(
        net.codes(net.builder(&a).op(Op::change_trust(&srt, 0)), &[&a])
            .1,
        ops(&["op_invalid_limit"])
    );
    // An issuer that requires authorization.
    let flags = SetOptions::default().set_flags(AUTH_REQUIRED_FLAG | AUTH_REVOCABLE_FLAG);
    let gated = net.fund();
    net.send(net.builder(&gated).op(Op::set_options(flags)), &[&gated])
        .unwrap();
    let gsrt = Asset::credit("GATE", gated.public_key()).unwrap();
    net.send(net.builder(&a).op(Op::trust(&gsrt)), &[&a])
        .unwrap();
    let gpay = Op::payment(a.public_key(), gsrt.clone(), XLM).unwrap();
    assert_eq!(
        net.codes(net.builder(&gated).op(gpay), &[&gated]).1,
        ops(&["op_not_authorized"])
    );
    // Reserve: a trustline costs 0.5 XLM more.
    let acc = net.sb.account(a.public_key()).unwrap();
    assert_eq!(acc.min_balance(5_000_000), 2 * XLM);
}

#[test]
fn multisig_thresholds_and_op_bad_auth() {
    let mut net = Net::new();
    let (a, b, cosigner) = (net.fund(), net.fund(), net.fund());
    let opts = SetOptions::default()
        .signer(cosigner.public_key(), 1)
        .unwrap()
        .thresholds(1, 2, 2);
    net.send(net.builder(&a).op(Op::set_options(opts)), &[&a])
        .unwrap();
    let pay = || Op::payment(b.public_key(), Asset::Native, XLM).unwrap();
    assert_eq!(
        net.codes(net.builder(&a).op(pay()), &[&a]),
        ("tx_failed".into(), ops(&["op_bad_auth"]))
    );
    assert_eq!(
        net.codes(net.builder(&a).op(pay()), &[&a, &cosigner]).0,
        "tx_success"
    );
}

#[test]
fn claimable_balances_and_path_payments() {
    let mut net = Net::new();
    let (a, b) = (net.fund(), net.fund());
    let create = Op::create_claimable_balance(&Asset::Native, 7 * XLM, &[b.public_key()]).unwrap();
    let seq = net.sb.account(a.public_key()).unwrap().seq + 1;
    net.send(net.builder(&a).op(create), &[&a]).unwrap();
    let id = format!(
        "00000000{}",
        hex::encode(apply::claimable_balance_id(a.public_key(), seq, 0))
    );
    assert!(net.sb.state().claimable_balances.contains_key(&id));
    assert_eq!(
        net.codes(
            net.builder(&a)
                .op(Op::claim_claimable_balance(&id).unwrap()),
            &[&a]
        )
        .1,
        ops(&["op_cannot_claim"])
    );
    net.send(
        net.builder(&b)
            .op(Op::claim_claimable_balance(&id).unwrap()),
        &[&b],
    )
    .unwrap();
    assert_eq!(net.balance(&b, &Asset::Native), Some(10_007 * XLM - 100));
    assert_eq!(net.sb.account(a.public_key()).unwrap().num_sponsoring, 0);
    let pp = Op::path_payment_strict_receive(
        &Asset::Native,
        2 * XLM,
        b.public_key(),
        &Asset::Native,
        XLM,
    )
    .unwrap();
    net.send(net.builder(&a).op(pp), &[&a]).unwrap();
    let srt = Asset::credit("SRT", a.public_key()).unwrap();
    let convert =
        Op::path_payment_strict_receive(&Asset::Native, 2 * XLM, b.public_key(), &srt, XLM)
            .unwrap();
    assert_eq!(
        net.codes(net.builder(&a).op(convert), &[&a]).1,
        ops(&["op_too_few_offers"])
    );
}

#[test]
fn fee_bumps_and_muxed_destinations() {
    let mut net = Net::new();
    let (a, b, sponsor) = (net.fund(), net.fund(), net.fund());
    let muxed = polaris_core::stellar::Address::Muxed {
        key: b.public_key_bytes(),
        id: 42,
    }
    .to_string();
    let inner = net
        .builder(&a)
        .op(Op::payment(&muxed, Asset::Native, XLM).unwrap())
        .sign(&[&a], TESTNET_PASSPHRASE)
        .unwrap();
    let sponsor_addr = polaris_core::stellar::Address::parse(sponsor.public_key()).unwrap();
    let bumped =
        envelope::fee_bump(inner, &sponsor_addr, 1000, &sponsor, TESTNET_PASSPHRASE).unwrap();
    let rec = net.sb.submit(&encode_xdr(&bumped), NOW).unwrap();
    assert!(rec.inner_hash.is_some());
    assert_eq!(rec.fee_account, sponsor.public_key());
    assert_eq!(
        net.balance(&a, &Asset::Native),
        Some(9_999 * XLM),
        "the fee source paid the fee"
    );
    assert_eq!(
        net.balance(&sponsor, &Asset::Native),
        Some(10_000 * XLM - 200)
    );
    let op = net.sb.history().operations.last().unwrap();
    assert_eq!(op.details["to_muxed"], muxed);
    assert_eq!(op.details["to_muxed_id"], "42");
    assert!(net
        .sb
        .history()
        .transaction(rec.inner_hash.as_deref().unwrap())
        .is_some());
}

#[test]
fn garbage_is_malformed() {
    let mut net = Net::new();
    for junk in ["", "!!!", "AAAA", "AAAAAgAAAAA="] {
        assert!(
            matches!(net.sb.submit(junk, NOW), Err(SubmitError::Malformed(_))),
            "{junk}"
        );
    }
}

#[test]
fn state_survives_a_restart() {
    let dir = std::env::temp_dir().join(format!("polaris-sandbox-{}", rand::random::<u64>()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("ledger.json");
    let a = KeyPair::random();
    {
        let mut sb = Sandbox::open(LedgerConfig::default(), &file).unwrap();
        sb.friendbot(a.public_key(), NOW).unwrap();
    }
    let sb = Sandbox::open(LedgerConfig::default(), &file).unwrap();
    assert!(sb.account(a.public_key()).is_some());
    assert_eq!(sb.history().transactions.len(), 1);
    let other = LedgerConfig {
        passphrase: "other".into(),
        ..Default::default()
    };
    assert!(Sandbox::open(other, &file).is_err());
    std::fs::remove_dir_all(dir).ok();
}
