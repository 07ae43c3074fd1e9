//! The `testnet` commands against the sandbox ledger, on every test database: issuing an
//! asset and funding client accounts with it (balances read back from Horizon), storing an
//! asset with its flags, deleting one, and a reset that restores the accounts and forgets the
//! payment stream cursors.

use clap::Parser;
use polaris_actix::sandbox::{self, SandboxConfig};
use polaris_actix::testnet::{self, TestnetCommand};
use polaris_core::model::{Kind, Protocol, Transaction};
use polaris_core::stellar::{Asset as StellarAsset, Horizon, HorizonClient, KeyPair};
use polaris_core::store::{assets, transactions, watcher};
use polaris_core::testing::TestDatabase;
use polaris_core::Settings;

/// An anchor's CLI that mounts the testnet commands.
#[derive(Debug, Parser)]
struct Cli {
    #[command(subcommand)]
    command: TestnetCommand,
}

async fn run(settings: &Settings, args: &[&str]) -> Result<Vec<String>, String> {
    let line = std::iter::once("anchor").chain(args.iter().copied());
    let command = Cli::try_parse_from(line).expect("parses").command;
    testnet::execute(settings, command).await
}

/// The value after `label` in the lines `testnet issue` printed.
fn printed<'a>(lines: &'a [String], label: &str) -> &'a str {
    lines
        .iter()
        .find_map(|l| l.strip_prefix(label))
        .map(str::trim)
        .unwrap_or_else(|| panic!("no {label} in {lines:?}"))
}

/// The balance of `code` issued by `issuer` on `account`, in stroops.
async fn balance(horizon: &HorizonClient, account: &str, code: &str, issuer: &str) -> i64 {
    let asset = StellarAsset::credit(code, issuer).expect("asset");
    let details = horizon
        .account(account)
        .await
        .expect("read")
        .expect("exists");
    details.balance(&asset).map_or(0, |b| b.balance)
}

#[actix_web::test]
async fn issue_store_fund_delete_and_reset_on_the_sandbox() {
    for db in TestDatabase::all() {
        let sb = sandbox::start("127.0.0.1:0".parse().unwrap(), SandboxConfig::default())
            .await
            .expect("sandbox");
        let settings = polaris_core::testing::settings(&[
            ("HORIZON_URL", sb.url()),
            ("DATABASE_URL", &db.url),
            ("SEED_ENCRYPTION_KEY", &"7e".repeat(32)),
        ]);
        let horizon = HorizonClient::new(sb.url()).expect("client");
        let store = db
            .store
            .clone()
            .with_seed_key(settings.seed_encryption_key.clone());

        let client = KeyPair::random();
        let seed = client.seed();
        let issue = ["issue", "--code", "TST", "--client-seed", seed.expose()];
        let lines = run(
            &settings,
            &[&issue[..], &["--client-amount", "50"]].concat(),
        )
        .await
        .expect("issued");
        let issuer = printed(&lines, "issuer:").to_string();
        let distribution_seed = printed(&lines, "distribution seed:").to_string();
        let unit = 10_000_000;
        assert_eq!(
            balance(&horizon, client.public_key(), "TST", &issuer).await,
            50 * unit
        );

        let add = [
            "add-asset",
            "--code",
            "TST",
            "--issuer",
            &issuer,
            "--distribution-seed",
            &distribution_seed,
            "--sep6-enabled",
            "false",
            "--deposit-enabled",
            "false",
            "--symbol",
            "T",
        ];
        run(&settings, &add).await.expect("stored");
        let stored = store
            .with_conn(|c| assets::by_code_and_issuer(c, "TST", &issuer))
            .unwrap()
            .expect("stored");
        assert!(!stored.sep6_enabled && stored.sep24_enabled);
        assert!(!stored.deposit.enabled && stored.withdrawal.enabled);
        assert_eq!(stored.symbol, "T");

        let other = KeyPair::random();
        let other_seed = other.seed();
        let fund = [
            "fund-client",
            "--code",
            "TST",
            "--issuer",
            &issuer,
            "--client-seed",
            other_seed.expose(),
            "--amount",
            "7",
        ];
        run(&settings, &fund).await.expect("funded");
        run(&settings, &fund)
            .await
            .expect("funding again changes nothing");
        assert_eq!(
            balance(&horizon, other.public_key(), "TST", &issuer).await,
            7 * unit
        );

        // A reset restores the accounts of the issuer's assets and forgets every cursor.
        db.store
            .with_conn(|c| watcher::set_cursor(c, other.public_key(), "12"))
            .unwrap();
        let issuer_seed = printed(&lines, "issuer seed:").to_string();
        let reset = run(&settings, &["reset", "--issuer-seed", &issuer_seed])
            .await
            .expect("reset");
        assert!(reset
            .iter()
            .any(|l| l == "TST: accounts, trustline and supply restored"));
        assert!(store.with_conn(watcher::cursors).unwrap().is_empty());

        // Deleting: refused while a transaction refers to the asset, then done.
        let delete = ["delete-asset", "--code", "TST", "--issuer", &issuer];
        let tx = Transaction::new(
            Kind::Deposit,
            Protocol::Sep24,
            stored.id,
            other.public_key(),
        );
        db.store
            .with_conn(|c| transactions::insert(c, &tx))
            .unwrap();
        let refused = run(&settings, &delete).await.expect_err("in use");
        assert!(refused.contains("1 transactions refer to it"), "{refused}");
        let unused = KeyPair::random().public_key().to_string();
        let add_unused = [
            "add-asset",
            "--code",
            "TWO",
            "--issuer",
            &unused,
            "--distribution-seed",
            &distribution_seed,
        ];
        run(&settings, &add_unused).await.expect("stored");
        let delete = ["delete-asset", "--code", "TWO", "--issuer", &unused];
        run(&settings, &delete).await.expect("deleted");
        let gone = store.with_conn(|c| assets::by_code_and_issuer(c, "TWO", &unused));
        assert!(gone.unwrap().is_none());
        let again = run(&settings, &delete).await.expect_err("already gone");
        assert!(again.contains("no asset TWO:"), "{again}");
        let kept = store.with_conn(|c| assets::by_code_and_issuer(c, "TST", &issuer));
        assert!(kept.unwrap().is_some());
        sb.stop().await;
    }
}
