//! `reference-anchor testnet ...`: set up assets on any Horizon (the sandbox or testnet).

use std::process::ExitCode;

use clap::{Args, Subcommand};
use polaris_actix::cli;
use polaris_core::model::Asset;
use polaris_core::settings::Secret;
use polaris_core::stellar::bootstrap::{ensure_asset, AssetSetup};
use polaris_core::stellar::{HorizonClient, KeyPair};
use polaris_core::store::{assets, Store};
use polaris_core::Settings;

/// The Horizon used when `HORIZON_URL` is unset: the reference anchor's sandbox.
const SANDBOX_URL: &str = "http://127.0.0.1:8001";

/// Asset helpers for test networks.
#[derive(Debug, Subcommand)]
pub enum TestnetCommand {
    /// Create and fund issuer and distribution accounts, add the trustline and issue the asset.
    Issue(IssueArgs),
    /// Store an asset (already issued) in the anchor's database.
    AddAsset(AddAssetArgs),
    /// After a test network reset: recreate the accounts of every stored asset of an issuer.
    Reset(ResetArgs),
}

/// Options of `testnet issue`.
#[derive(Debug, Args)]
pub struct IssueArgs {
    /// The asset code.
    #[arg(long)]
    code: String,
    /// The issuer's seed; generated when absent.
    #[arg(long)]
    issuer_seed: Option<String>,
    /// The distribution account's seed; generated when absent.
    #[arg(long)]
    distribution_seed: Option<String>,
    /// How much the distribution account should hold.
    #[arg(long, default_value_t = 1_000_000)]
    supply: i64,
    /// The friendbot that funds new accounts (default: derived from the Horizon URL).
    #[arg(long)]
    friendbot: Option<String>,
}

/// Options of `testnet add-asset`.
#[derive(Debug, Args)]
pub struct AddAssetArgs {
    /// The asset code.
    #[arg(long)]
    code: String,
    /// The issuing account (G...).
    #[arg(long)]
    issuer: String,
    /// The distribution account's seed.
    #[arg(long)]
    distribution_seed: String,
    /// Decimal places accepted for amounts.
    #[arg(long, default_value_t = 2)]
    decimals: u32,
}

/// Options of `testnet reset`.
#[derive(Debug, Args)]
pub struct ResetArgs {
    /// The seed of the issuer whose assets are recreated.
    #[arg(long)]
    issuer_seed: String,
    /// How much each distribution account should hold.
    #[arg(long, default_value_t = 1_000_000)]
    supply: i64,
    /// The friendbot that funds new accounts (default: derived from the Horizon URL).
    #[arg(long)]
    friendbot: Option<String>,
}

/// Runs a `testnet` command.
pub async fn run(settings: &Settings, command: TestnetCommand) -> ExitCode {
    let result = match command {
        TestnetCommand::Issue(args) => issue(settings, args).await,
        TestnetCommand::AddAsset(args) => add_asset(settings, args).await,
        TestnetCommand::Reset(args) => reset(settings, args).await,
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => cli::fail(&e),
    }
}

fn horizon_url(settings: &Settings) -> String {
    settings
        .horizon_url
        .as_ref()
        .map_or(SANDBOX_URL.to_string(), |u| {
            u.as_str().trim_end_matches('/').to_string()
        })
}

fn friendbot_url(settings: &Settings, given: Option<String>) -> String {
    let horizon = horizon_url(settings);
    given.unwrap_or_else(|| {
        if horizon.contains("horizon-testnet.stellar.org") {
            "https://friendbot.stellar.org".to_string()
        } else {
            format!("{horizon}/friendbot")
        }
    })
}

fn key(seed: Option<&str>, what: &str) -> Result<KeyPair, String> {
    match seed {
        Some(s) => KeyPair::from_seed(s).map_err(|e| format!("--{what}-seed: {e}")),
        None => Ok(KeyPair::random()),
    }
}

async fn put_on_ledger(
    settings: &Settings,
    code: &str,
    issuer: &KeyPair,
    distribution: &KeyPair,
    supply: i64,
    friendbot: &str,
) -> Result<(), String> {
    let horizon = HorizonClient::new(&horizon_url(settings)).map_err(|e| e.to_string())?;
    let setup = AssetSetup {
        code,
        issuer,
        distribution,
        supply: supply.saturating_mul(10_000_000),
        passphrase: &settings.network_passphrase,
    };
    ensure_asset(&horizon, friendbot, &setup)
        .await
        .map_err(|e| format!("{code}: {e}"))?;
    Ok(())
}

async fn issue(settings: &Settings, args: IssueArgs) -> Result<(), String> {
    let issuer = key(args.issuer_seed.as_deref(), "issuer")?;
    let distribution = key(args.distribution_seed.as_deref(), "distribution")?;
    let friendbot = friendbot_url(settings, args.friendbot);
    put_on_ledger(
        settings,
        &args.code,
        &issuer,
        &distribution,
        args.supply,
        &friendbot,
    )
    .await?;
    println!("issued {} on {}", args.code, horizon_url(settings));
    println!("issuer:            {}", issuer.public_key());
    println!("issuer seed:       {}", issuer.seed().expose());
    println!("distribution:      {}", distribution.public_key());
    println!("distribution seed: {}", distribution.seed().expose());
    Ok(())
}

fn open_store(settings: &Settings) -> Result<Store, String> {
    let store = Store::connect(settings.database_url.expose(), 1)
        .map_err(|e| e.to_string())?
        .with_seed_key(settings.seed_encryption_key.clone());
    store.migrate().map_err(|e| e.to_string())?;
    store.seal_plain_seeds().map_err(|e| e.to_string())?;
    Ok(store)
}

async fn add_asset(settings: &Settings, args: AddAssetArgs) -> Result<(), String> {
    KeyPair::from_seed(&args.distribution_seed).map_err(|e| format!("--distribution-seed: {e}"))?;
    let mut asset = Asset::new(&args.code, &args.issuer);
    asset.significant_decimals = args.decimals;
    asset.distribution_seed = Some(Secret::new(args.distribution_seed));
    let store = open_store(settings)?;
    let stored = store
        .run(move |c| assets::upsert(c, &asset))
        .await
        .map_err(|e| e.to_string())?;
    println!(
        "stored {}:{} (id {})",
        stored.code, stored.issuer, stored.id
    );
    Ok(())
}

async fn reset(settings: &Settings, args: ResetArgs) -> Result<(), String> {
    let issuer = key(Some(&args.issuer_seed), "issuer")?;
    let friendbot = friendbot_url(settings, args.friendbot);
    let store = open_store(settings)?;
    let all = store.run(assets::all).await.map_err(|e| e.to_string())?;
    let mine = all.iter().filter(|a| a.issuer == issuer.public_key());
    for asset in mine {
        let Some(Ok(distribution)) = asset.distribution_key() else {
            println!("{}: no distribution seed stored, skipped", asset.code);
            continue;
        };
        put_on_ledger(
            settings,
            &asset.code,
            &issuer,
            &distribution,
            args.supply,
            &friendbot,
        )
        .await?;
        println!("{}: accounts, trustline and supply restored", asset.code);
    }
    Ok(())
}
