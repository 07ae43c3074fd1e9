//! `testnet ...`: asset helpers for test networks (the sandbox or the public testnet), to
//! `#[command(subcommand)]` into an anchor's CLI: issue an asset (and fund a client account
//! with it), store one in the anchor's database with its flags, delete one, fund a client
//! account, and bring every asset of an issuer back after a test network reset.

use std::process::ExitCode;

use clap::{Args, Subcommand};
use polaris_core::model::Asset;
use polaris_core::settings::Secret;
use polaris_core::stellar::amount::STROOPS_PER_UNIT as STROOPS;
use polaris_core::stellar::bootstrap::{ensure_asset, fund_client, AssetSetup, Holding};
use polaris_core::stellar::{Asset as StellarAsset, HorizonClient, KeyPair};
use polaris_core::store::assets::{self, Deleted};
use polaris_core::store::{watcher, Store};
use polaris_core::Settings;

use crate::cli;

/// The Horizon used when `HORIZON_URL` is unset: the sandbox's default address.
const SANDBOX_URL: &str = "http://127.0.0.1:8001";

/// Asset helpers for test networks.
#[derive(Debug, Clone, Subcommand)]
pub enum TestnetCommand {
    /// Create and fund issuer and distribution accounts, add the trustline and issue the
    /// asset; with `--client-seed`, fund a client account with it too.
    Issue(IssueArgs),
    /// Store an asset (already issued) in the anchor's database.
    AddAsset(AddAssetArgs),
    /// Delete an asset from the anchor's database (refused while transactions refer to it).
    DeleteAsset(AssetArgs),
    /// Fund a client (wallet) account with a stored asset: created by the friendbot when
    /// missing, trusting the asset, paid by the asset's distribution account.
    FundClient(FundClientArgs),
    /// After a test network reset: recreate the accounts of every stored asset of an issuer
    /// and forget the payment stream cursors.
    Reset(ResetArgs),
}

/// Options of `testnet issue`.
#[derive(Debug, Clone, Args)]
pub struct IssueArgs {
    /// The asset code.
    #[arg(long)]
    pub code: String,
    /// The issuer's seed; generated when absent.
    #[arg(long)]
    pub issuer_seed: Option<String>,
    /// The distribution account's seed; generated when absent.
    #[arg(long)]
    pub distribution_seed: Option<String>,
    /// How much the distribution account should hold.
    #[arg(long, default_value_t = 1_000_000)]
    pub supply: i64,
    /// A client account to fund with the asset too.
    #[arg(long)]
    pub client_seed: Option<String>,
    /// How much the client account should hold.
    #[arg(long, default_value_t = 1_000)]
    pub client_amount: i64,
    /// The friendbot that funds new accounts (default: derived from the Horizon URL).
    #[arg(long)]
    pub friendbot: Option<String>,
}

/// Options of `testnet add-asset`.
#[derive(Debug, Clone, Args)]
pub struct AddAssetArgs {
    /// The asset code.
    #[arg(long)]
    pub code: String,
    /// The issuing account (G...).
    #[arg(long)]
    pub issuer: String,
    /// The distribution account's seed.
    #[arg(long)]
    pub distribution_seed: String,
    /// Decimal places accepted for amounts.
    #[arg(long, default_value_t = 2)]
    pub decimals: u32,
    /// Offered through SEP-6.
    #[arg(long, default_value_t = true, action = clap::ArgAction::Set)]
    pub sep6_enabled: bool,
    /// Offered through SEP-24.
    #[arg(long, default_value_t = true, action = clap::ArgAction::Set)]
    pub sep24_enabled: bool,
    /// Deposits enabled.
    #[arg(long, default_value_t = true, action = clap::ArgAction::Set)]
    pub deposit_enabled: bool,
    /// Withdrawals enabled.
    #[arg(long, default_value_t = true, action = clap::ArgAction::Set)]
    pub withdrawal_enabled: bool,
    /// The currency symbol shown in the pages.
    #[arg(long, default_value = "$")]
    pub symbol: String,
}

/// An asset by code and issuer.
#[derive(Debug, Clone, Args)]
pub struct AssetArgs {
    /// The asset code.
    #[arg(long)]
    pub code: String,
    /// The issuing account (G...).
    #[arg(long)]
    pub issuer: String,
}

/// Options of `testnet fund-client`.
#[derive(Debug, Clone, Args)]
pub struct FundClientArgs {
    /// The stored asset.
    #[command(flatten)]
    pub asset: AssetArgs,
    /// The client account's seed (it signs its trustline).
    #[arg(long)]
    pub client_seed: String,
    /// How much the client account should hold.
    #[arg(long, default_value_t = 1_000)]
    pub amount: i64,
    /// The friendbot that funds new accounts (default: derived from the Horizon URL).
    #[arg(long)]
    pub friendbot: Option<String>,
}

/// Options of `testnet reset`.
#[derive(Debug, Clone, Args)]
pub struct ResetArgs {
    /// The seed of the issuer whose assets are recreated.
    #[arg(long)]
    pub issuer_seed: String,
    /// How much each distribution account should hold.
    #[arg(long, default_value_t = 1_000_000)]
    pub supply: i64,
    /// The friendbot that funds new accounts (default: derived from the Horizon URL).
    #[arg(long)]
    pub friendbot: Option<String>,
}

/// Runs a `testnet` command: prints what it did and exits 0, or prints `error: <why>` and
/// exits 2.
pub async fn run(settings: &Settings, command: TestnetCommand) -> ExitCode {
    match execute(settings, command).await {
        Ok(lines) => {
            for line in lines {
                println!("{line}");
            }
            ExitCode::SUCCESS
        }
        Err(e) => cli::fail(&e),
    }
}

/// Runs a `testnet` command; returns the lines it reports, or why it failed.
pub async fn execute(settings: &Settings, command: TestnetCommand) -> Result<Vec<String>, String> {
    match command {
        TestnetCommand::Issue(args) => issue(settings, args).await,
        TestnetCommand::AddAsset(args) => add_asset(settings, args).await,
        TestnetCommand::DeleteAsset(args) => delete_asset(settings, args).await,
        TestnetCommand::FundClient(args) => fund(settings, args).await,
        TestnetCommand::Reset(args) => reset(settings, args).await,
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

fn horizon(settings: &Settings) -> Result<HorizonClient, String> {
    HorizonClient::new(&horizon_url(settings)).map_err(|e| e.to_string())
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

fn stroops(units: i64, what: &str) -> Result<i64, String> {
    match units.checked_mul(STROOPS) {
        Some(s) if s > 0 => Ok(s),
        _ => Err(format!(
            "--{what} must be positive and at most {}",
            i64::MAX / STROOPS
        )),
    }
}

/// The issuer and distribution keys of an asset to put on the ledger.
struct Keys<'a> {
    issuer: &'a KeyPair,
    distribution: &'a KeyPair,
}

async fn put_on_ledger(
    settings: &Settings,
    code: &str,
    keys: &Keys<'_>,
    supply: i64,
    friendbot: &str,
) -> Result<StellarAsset, String> {
    let setup = AssetSetup {
        code,
        issuer: keys.issuer,
        distribution: keys.distribution,
        supply: stroops(supply, "supply")?,
        passphrase: &settings.network_passphrase,
    };
    ensure_asset(&horizon(settings)?, friendbot, &setup)
        .await
        .map_err(|e| format!("{code}: {e}"))
}

async fn fund_with(
    settings: &Settings,
    asset: &StellarAsset,
    payer: &KeyPair,
    client: &KeyPair,
    amount: i64,
    friendbot: &str,
) -> Result<String, String> {
    let holding = Holding {
        holder: client,
        payer,
        asset,
        at_least: stroops(amount, "amount")?,
        passphrase: &settings.network_passphrase,
    };
    fund_client(&horizon(settings)?, friendbot, &holding)
        .await
        .map_err(|e| format!("funding the client: {e}"))?;
    Ok(format!(
        "client {} holds at least {amount}",
        client.public_key()
    ))
}

async fn issue(settings: &Settings, args: IssueArgs) -> Result<Vec<String>, String> {
    let issuer = key(args.issuer_seed.as_deref(), "issuer")?;
    let distribution = key(args.distribution_seed.as_deref(), "distribution")?;
    let client = args
        .client_seed
        .as_deref()
        .map(|s| key(Some(s), "client"))
        .transpose()?;
    let friendbot = friendbot_url(settings, args.friendbot);
    let keys = Keys {
        issuer: &issuer,
        distribution: &distribution,
    };
    let asset = put_on_ledger(settings, &args.code, &keys, args.supply, &friendbot).await?;
    let mut lines = vec![
        format!("issued {} on {}", args.code, horizon_url(settings)),
        format!("issuer:            {}", issuer.public_key()),
        format!("issuer seed:       {}", issuer.seed().expose()),
        format!("distribution:      {}", distribution.public_key()),
        format!("distribution seed: {}", distribution.seed().expose()),
    ];
    if let Some(client) = client {
        let amount = args.client_amount;
        lines.push(fund_with(settings, &asset, &distribution, &client, amount, &friendbot).await?);
    }
    Ok(lines)
}

fn open_store(settings: &Settings) -> Result<Store, String> {
    let store = Store::connect(settings.database_url.expose(), 1)
        .map_err(|e| e.to_string())?
        .with_seed_key(settings.seed_encryption_key.clone());
    store.migrate().map_err(|e| e.to_string())?;
    store.seal_plain_seeds().map_err(|e| e.to_string())?;
    Ok(store)
}

async fn add_asset(settings: &Settings, args: AddAssetArgs) -> Result<Vec<String>, String> {
    KeyPair::from_seed(&args.distribution_seed).map_err(|e| format!("--distribution-seed: {e}"))?;
    let mut asset = Asset::new(&args.code, &args.issuer);
    asset.significant_decimals = args.decimals;
    asset.distribution_seed = Some(Secret::new(args.distribution_seed));
    asset.sep6_enabled = args.sep6_enabled;
    asset.sep24_enabled = args.sep24_enabled;
    asset.deposit.enabled = args.deposit_enabled;
    asset.withdrawal.enabled = args.withdrawal_enabled;
    asset.symbol = args.symbol;
    let store = open_store(settings)?;
    let stored = store
        .run(move |c| assets::upsert(c, &asset))
        .await
        .map_err(|e| e.to_string())?;
    Ok(vec![format!(
        "stored {}:{} (id {})",
        stored.code, stored.issuer, stored.id
    )])
}

async fn delete_asset(settings: &Settings, args: AssetArgs) -> Result<Vec<String>, String> {
    let store = open_store(settings)?;
    let (code, issuer) = (args.code.clone(), args.issuer.clone());
    let outcome = store
        .run(move |c| assets::delete(c, &code, &issuer))
        .await
        .map_err(|e| e.to_string())?;
    let name = format!("{}:{}", args.code, args.issuer);
    match outcome {
        Deleted::Removed => Ok(vec![format!("deleted {name}")]),
        Deleted::NotFound => Err(format!("no asset {name} is stored")),
        Deleted::InUse(n) => Err(format!(
            "{name} is kept: {n} transactions refer to it (disable it instead)"
        )),
    }
}

async fn fund(settings: &Settings, args: FundClientArgs) -> Result<Vec<String>, String> {
    let client = key(Some(&args.client_seed), "client")?;
    let store = open_store(settings)?;
    let (code, issuer) = (args.asset.code.clone(), args.asset.issuer.clone());
    let stored = store
        .run(move |c| assets::by_code_and_issuer(c, &code, &issuer))
        .await
        .map_err(|e| e.to_string())?
        .ok_or_else(|| {
            format!(
                "no asset {}:{} is stored",
                args.asset.code, args.asset.issuer
            )
        })?;
    let distribution = match stored.distribution_key() {
        Some(Ok(key)) => key,
        _ => return Err(format!("{}: no distribution seed stored", stored.code)),
    };
    let asset = StellarAsset::credit(&stored.code, &stored.issuer).map_err(|e| e.0)?;
    let friendbot = friendbot_url(settings, args.friendbot);
    let line = fund_with(
        settings,
        &asset,
        &distribution,
        &client,
        args.amount,
        &friendbot,
    )
    .await?;
    Ok(vec![line])
}

async fn reset(settings: &Settings, args: ResetArgs) -> Result<Vec<String>, String> {
    let issuer = key(Some(&args.issuer_seed), "issuer")?;
    let friendbot = friendbot_url(settings, args.friendbot);
    let store = open_store(settings)?;
    let all = store.run(assets::all).await.map_err(|e| e.to_string())?;
    let mut lines = Vec::new();
    for asset in all.iter().filter(|a| a.issuer == issuer.public_key()) {
        let Some(Ok(distribution)) = asset.distribution_key() else {
            lines.push(format!(
                "{}: no distribution seed stored, skipped",
                asset.code
            ));
            continue;
        };
        let keys = Keys {
            issuer: &issuer,
            distribution: &distribution,
        };
        put_on_ledger(settings, &asset.code, &keys, args.supply, &friendbot).await?;
        lines.push(format!(
            "{}: accounts, trustline and supply restored",
            asset.code
        ));
    }
    // The reset network numbers its payments afresh: old cursors would skip or stall.
    let removed = store
        .run(|c| watcher::reset_cursors(c, None))
        .await
        .map_err(|e| e.to_string())?;
    lines.push(format!("{removed} payment stream cursors reset"));
    Ok(lines)
}
