//! The operator commands on every test database, parsed from a command line as an anchor's
//! CLI receives them: what they print, what they change, and what they refuse.

use std::process::ExitCode;

use clap::Parser;
use polaris_actix::ops::{self, OpsCommand, OpsError};
use polaris_core::model::{Asset, Kind, Protocol, Stage, Status, Transaction};
use polaris_core::operations::OperationError;
use polaris_core::stellar::KeyPair;
use polaris_core::store::transactions;
use polaris_core::testing::{store_asset, TestDatabase};
use polaris_core::Settings;
use rust_decimal::Decimal;
use serde_json::{json, Value};
use uuid::Uuid;

/// An anchor's CLI that flattens the operator commands.
#[derive(Debug, Parser)]
struct Cli {
    #[command(subcommand)]
    command: OpsCommand,
}

fn parse(args: &[&str]) -> OpsCommand {
    let line = std::iter::once("anchor").chain(args.iter().copied());
    Cli::try_parse_from(line).expect("parses").command
}

async fn exec(db: &TestDatabase, settings: &Settings, args: &[&str]) -> Result<Value, OpsError> {
    ops::execute(settings, &db.store, parse(args)).await
}

/// A transaction of a new user whose 100 units arrived (fee 2), waiting for the anchor.
fn insert(
    db: &TestDatabase,
    asset: &Asset,
    kind: Kind,
    protocol: Protocol,
    status: Status,
) -> Transaction {
    let mut tx = Transaction::new(kind, protocol, asset.id, KeyPair::random().public_key());
    tx.status = status;
    tx.stage = Stage::ReadyToPay;
    tx.amount_in = Some(Decimal::from(100));
    tx.amount_fee = Some(Decimal::from(2));
    tx.amount_out = Some(Decimal::from(98));
    db.store
        .with_conn(|c| transactions::insert(c, &tx))
        .unwrap();
    tx
}

fn status_of(db: &TestDatabase, id: Uuid) -> Status {
    db.store
        .with_conn(|c| transactions::by_id(c, id))
        .unwrap()
        .expect("stored")
        .status
}

fn asset(db: &TestDatabase) -> Asset {
    store_asset(
        &db.store,
        &Asset::new("USDC", KeyPair::random().public_key()),
    )
}

#[actix_web::test]
async fn refunds_partial_then_full_print_the_sep24_refunds_object() {
    for db in TestDatabase::all() {
        let settings = polaris_core::testing::settings(&[]);
        let asset = asset(&db);
        let tx = insert(
            &db,
            &asset,
            Kind::Deposit,
            Protocol::Sep24,
            Status::PendingAnchor,
        );
        let id = tx.id.to_string();

        let partial = exec(
            &db,
            &settings,
            &[
                "refund",
                &id,
                "--amount",
                "10",
                "--fee",
                "5",
                "--id",
                "wire-1",
                "--id-type",
                "external",
            ],
        )
        .await
        .unwrap();
        assert_eq!(partial["id"], id.as_str());
        assert_eq!(partial["status"], "pending_anchor");
        assert_eq!(
            partial["refunds"],
            json!({
                "amount_refunded": "10.00",
                "amount_fee": "5.00",
                "payments": [{"id": "wire-1", "id_type": "external", "amount": "10.00", "fee": "5.00"}]
            })
        );

        let full = exec(
            &db,
            &settings,
            &[
                "refund",
                &id,
                "--amount",
                "85",
                "--id",
                "abc123",
                "--id-type",
                "stellar",
            ],
        )
        .await
        .unwrap();
        assert_eq!(full["status"], "refunded");
        assert_eq!(full["refunded"], true);
        assert_eq!(full["refunds"]["amount_refunded"], "95.00");
        assert_eq!(full["refunds"]["payments"][1]["id_type"], "stellar");

        let shown = exec(&db, &settings, &["transaction", "show", &id])
            .await
            .unwrap();
        assert_eq!(shown, full, "show prints what is stored");
        assert_eq!(status_of(&db, tx.id), Status::Refunded);
    }
}

#[actix_web::test]
async fn hold_release_info_external_fail_each_move_the_transaction() {
    for db in TestDatabase::all() {
        let settings = polaris_core::testing::settings(&[]);
        let asset = asset(&db);
        let tx = insert(
            &db,
            &asset,
            Kind::Withdrawal,
            Protocol::Sep6,
            Status::PendingAnchor,
        );
        let id = tx.id.to_string();

        let held = exec(
            &db,
            &settings,
            &["hold", &id, "--message", "Compliance review"],
        )
        .await
        .unwrap();
        assert_eq!(held["status"], "on_hold");
        let released = exec(&db, &settings, &["release", &id]).await.unwrap();
        assert_eq!(released["status"], "pending_anchor");

        let asked = exec(
            &db,
            &settings,
            &[
                "request-info",
                &id,
                "--fields",
                "dest=Your IBAN",
                "dest_extra=Your BIC",
                "--message",
                "We need your bank",
            ],
        )
        .await
        .unwrap();
        assert_eq!(asked["status"], "pending_transaction_info_update");
        assert_eq!(asked["required_info_message"], "We need your bank");
        assert_eq!(
            asked["required_info_updates"],
            json!({"dest": {"description": "Your IBAN"}, "dest_extra": {"description": "Your BIC"}})
        );

        let failed = exec(&db, &settings, &["fail", &id, "--message", "Bank refused"])
            .await
            .unwrap();
        assert_eq!(failed["status"], "error");
        assert_eq!(failed["message"], "Bank refused");

        let deposit = insert(
            &db,
            &asset,
            Kind::Deposit,
            Protocol::Sep6,
            Status::PendingUserTransferStart,
        );
        let external = exec(
            &db,
            &settings,
            &[
                "pending-external",
                &deposit.id.to_string(),
                "--external-id",
                "ach-7",
            ],
        )
        .await
        .unwrap();
        assert_eq!(external["status"], "pending_external");
        assert_eq!(external["external_transaction_id"], "ach-7");
    }
}

#[actix_web::test]
async fn customer_verified_moves_every_waiting_transaction_of_the_account() {
    for db in TestDatabase::all() {
        let settings = polaris_core::testing::settings(&[]);
        let asset = asset(&db);
        let tx = insert(
            &db,
            &asset,
            Kind::Deposit,
            Protocol::Sep6,
            Status::PendingCustomerInfoUpdate,
        );
        let other = insert(
            &db,
            &asset,
            Kind::Deposit,
            Protocol::Sep6,
            Status::PendingCustomerInfoUpdate,
        );

        let moved = exec(&db, &settings, &["customer-verified", &tx.stellar_account])
            .await
            .unwrap();
        let moved = moved.as_array().expect("an array");
        assert_eq!(moved.len(), 1);
        assert_eq!(moved[0]["id"], tx.id.to_string());
        assert_eq!(moved[0]["status"], "pending_anchor");
        assert_eq!(status_of(&db, other.id), Status::PendingCustomerInfoUpdate);
    }
}

#[actix_web::test]
async fn refused_moves_write_nothing_and_exit_non_zero() {
    for db in TestDatabase::all() {
        let settings = polaris_core::testing::settings(&[]);
        let asset = asset(&db);
        let tx = insert(
            &db,
            &asset,
            Kind::Deposit,
            Protocol::Sep24,
            Status::Incomplete,
        );
        let id = tx.id.to_string();

        let refused = exec(&db, &settings, &["hold", &id]).await.unwrap_err();
        assert!(
            matches!(
                refused,
                OpsError::Operation(OperationError::IllegalTransition {
                    from: Status::Incomplete,
                    to: Status::OnHold,
                    ..
                })
            ),
            "{refused}"
        );
        assert_eq!(
            refused.to_string(),
            "a deposit cannot move from incomplete to on_hold"
        );
        assert_eq!(status_of(&db, tx.id), Status::Incomplete);

        let refund = parse(&[
            "refund",
            &id,
            "--amount",
            "1",
            "--id",
            "x",
            "--id-type",
            "external",
        ]);
        assert_eq!(
            ops::run(&settings, &db.store, refund).await,
            ExitCode::FAILURE
        );
        let release = parse(&["release", &id]);
        assert_eq!(
            ops::run(&settings, &db.store, release).await,
            ExitCode::FAILURE
        );
        let missing = parse(&["transaction", "show", &Uuid::new_v4().to_string()]);
        assert_eq!(
            ops::run(&settings, &db.store, missing).await,
            ExitCode::FAILURE
        );
        assert_eq!(status_of(&db, tx.id), Status::Incomplete);

        let show = parse(&["transaction", "show", &id]);
        assert_eq!(
            ops::run(&settings, &db.store, show).await,
            ExitCode::SUCCESS
        );
    }
}

#[test]
fn bad_arguments_are_refused_by_the_parser() {
    let id = Uuid::new_v4().to_string();
    for args in [
        vec![
            "anchor",
            "request-info",
            &id,
            "--fields",
            "no-equals",
            "--message",
            "m",
        ],
        vec![
            "anchor",
            "refund",
            &id,
            "--amount",
            "ten",
            "--id",
            "x",
            "--id-type",
            "external",
        ],
        vec![
            "anchor",
            "refund",
            &id,
            "--amount",
            "1",
            "--id",
            "x",
            "--id-type",
            "paypal",
        ],
        vec!["anchor", "hold", "not-a-uuid"],
    ] {
        assert!(Cli::try_parse_from(&args).is_err(), "{args:?}");
    }
}

#[actix_web::test]
async fn unmatched_payments_are_listed_and_cursors_listed_and_reset() {
    use polaris_core::store::watcher::{self, UnmatchedPayment};
    for db in TestDatabase::all() {
        let settings = polaris_core::testing::settings(&[]);
        let (alice, bob) = (KeyPair::random(), KeyPair::random());
        let payment = UnmatchedPayment {
            paging_token: "4294967297".into(),
            account: alice.public_key().to_string(),
            from_address: bob.public_key().to_string(),
            asset: "native".into(),
            amount: "12.5".into(),
            memo: Some("nobody".into()),
            transaction_hash: "ab".repeat(32),
            reason: "no transaction has this memo".into(),
            created_at: chrono::Utc::now().naive_utc(),
        };
        db.store
            .with_conn(|c| {
                watcher::record_unmatched(c, &payment)?;
                watcher::set_cursor(c, alice.public_key(), "100")?;
                watcher::set_cursor(c, bob.public_key(), "200")
            })
            .unwrap();

        let listed = exec(&db, &settings, &["unmatched", "list"]).await.unwrap();
        let rows = listed.as_array().expect("an array");
        assert_eq!(rows.len(), 1, "{listed}");
        assert_eq!(rows[0]["paging_token"], "4294967297");
        assert_eq!(rows[0]["amount"], "12.5");
        assert_eq!(rows[0]["memo"], "nobody");

        let cursors = exec(&db, &settings, &["cursors", "list"]).await.unwrap();
        let mut seen: Vec<(String, String)> = cursors
            .as_array()
            .expect("an array")
            .iter()
            .map(|c| {
                (
                    c["account"].as_str().unwrap().into(),
                    c["cursor"].as_str().unwrap().into(),
                )
            })
            .collect();
        seen.sort();
        let mut wanted = vec![
            (alice.public_key().to_string(), "100".to_string()),
            (bob.public_key().to_string(), "200".to_string()),
        ];
        wanted.sort();
        assert_eq!(seen, wanted);

        let one = ["cursors", "reset", "--account", alice.public_key()];
        assert_eq!(
            exec(&db, &settings, &one).await.unwrap(),
            json!({"reset": 1})
        );
        let left = db.store.with_conn(watcher::cursors).unwrap();
        assert_eq!(left.len(), 1);
        assert_eq!(left[0].account, bob.public_key());
        let all = exec(&db, &settings, &["cursors", "reset"]).await.unwrap();
        assert_eq!(all, json!({"reset": 1}));
        assert!(db.store.with_conn(watcher::cursors).unwrap().is_empty());
    }
}
