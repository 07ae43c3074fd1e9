//! The demo asset `SRT` and the reference anchor's stellar.toml additions.

use std::path::Path;

use async_trait::async_trait;
use polaris_core::integrations::{IntegrationError, TomlIntegration, TomlRequest};
use polaris_core::model::{Asset, FieldSpec, FundingMethod, OperationConfig};
use polaris_core::settings::Secret;
use polaris_core::stellar::bootstrap::{ensure_asset, AssetSetup};
use polaris_core::stellar::{Horizon, KeyPair};
use polaris_core::store::assets;
use polaris_core::Context;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

/// Where the demo asset's keys are kept between runs.
const DEMO_KEYS_FILE: &str = "polaris-demo-asset.json";

#[derive(Serialize, Deserialize)]
struct DemoKeys {
    issuer_seed: String,
    distribution_seed: String,
}

fn demo_keys(path: &Path) -> Result<(KeyPair, KeyPair), String> {
    let keys = match std::fs::read_to_string(path) {
        Ok(text) => serde_json::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))?,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            let keys = DemoKeys {
                issuer_seed: KeyPair::random().seed().expose().to_string(),
                distribution_seed: KeyPair::random().seed().expose().to_string(),
            };
            let text = serde_json::to_string_pretty(&keys).map_err(|e| e.to_string())?;
            polaris_core::settings::write_private(path, &text)
                .map_err(|e| format!("{}: {e}", path.display()))?;
            tracing::info!(path = %path.display(), "generated keys for the demo asset SRT");
            keys
        }
        Err(e) => return Err(format!("{}: {e}", path.display())),
    };
    let issuer = KeyPair::from_seed(&keys.issuer_seed).map_err(|e| e.0)?;
    let distribution = KeyPair::from_seed(&keys.distribution_seed).map_err(|e| e.0)?;
    Ok((issuer, distribution))
}

/// The demo asset: a test token anchored to US dollars, with a small fee and bounds;
/// deposits by wire, withdrawals to a bank account (`dest`, the account number).
fn demo_asset(issuer: &KeyPair, distribution: &KeyPair) -> Asset {
    let limits = OperationConfig {
        enabled: true,
        fee_fixed: Some(Decimal::ONE),
        fee_percent: Some(Decimal::ONE),
        min_amount: Some(Decimal::ONE),
        max_amount: Some(Decimal::from(10_000)),
        funding_methods: Vec::new(),
    };
    let mut a = Asset::new("SRT", issuer.public_key());
    a.deposit = OperationConfig {
        funding_methods: vec![FundingMethod::new("WIRE")],
        ..limits.clone()
    };
    a.withdrawal = OperationConfig {
        funding_methods: vec![FundingMethod::new("bank_account")
            .field("dest", FieldSpec::required("your bank account number"))
            .field(
                "dest_extra",
                FieldSpec::optional("your bank's routing number"),
            )],
        ..limits
    };
    a.distribution_seed = Some(Secret::new(distribution.seed().expose()));
    a.name = Some("Reference Token".into());
    a.description = Some("A test token of the Polaris reference anchor".into());
    a.anchor_asset_type = Some("fiat".into());
    a.anchor_asset = Some("USD".into());
    a.redemption_instructions = Some("Withdraw with any SEP-24 wallet".into());
    a
}

/// The demo asset's issuing and distribution keys.
pub struct DemoAsset {
    /// The issuer of `SRT`.
    pub issuer: KeyPair,
    /// The account that pays deposits and receives withdrawals.
    pub distribution: KeyPair,
}

/// Loads (or generates) the demo keys, and stores the demo asset `SRT` if the database
/// has no asset yet.
pub async fn ensure_demo_asset(ctx: &Context) -> Result<DemoAsset, String> {
    let (issuer, distribution) = demo_keys(Path::new(DEMO_KEYS_FILE))?;
    let existing = ctx
        .store
        .run(assets::all)
        .await
        .map_err(|e| e.to_string())?;
    let demo = DemoAsset {
        issuer: issuer.clone(),
        distribution: distribution.clone(),
    };
    if !existing.is_empty() {
        return Ok(demo);
    }
    let asset = demo_asset(&issuer, &distribution);
    let stored = ctx
        .store
        .run(move |c| assets::upsert(c, &asset))
        .await
        .map_err(|e| e.to_string())?;
    tracing::info!(code = %stored.code, issuer = %stored.issuer, "demo asset configured");
    Ok(demo)
}

/// Creates and funds the demo accounts on the sandbox ledger and issues 1,000,000 SRT
/// to the distribution account (nothing is done twice across restarts).
pub async fn fund_on_sandbox(
    demo: &DemoAsset,
    horizon: &dyn Horizon,
    friendbot_url: &str,
    passphrase: &str,
) -> Result<(), String> {
    let setup = AssetSetup {
        code: "SRT",
        issuer: &demo.issuer,
        distribution: &demo.distribution,
        supply: 1_000_000 * 10_000_000,
        passphrase,
    };
    ensure_asset(horizon, friendbot_url, &setup)
        .await
        .map_err(|e| format!("setting up SRT on the sandbox: {e}"))?;
    tracing::info!(
        distribution = demo.distribution.public_key(),
        "SRT issued to the distribution account on the sandbox"
    );
    Ok(())
}

/// The reference anchor's stellar.toml additions: its organization, at `org_url` (the
/// anchor's HOST_URL).
pub struct Toml {
    /// The organization's web site.
    pub org_url: String,
}

#[async_trait]
impl TomlIntegration for Toml {
    async fn toml(&self, _request: &TomlRequest<'_>) -> Result<toml::Table, IntegrationError> {
        let mut documentation = toml::Table::new();
        let mut put = |k: &str, v: &str| {
            documentation.insert(k.into(), toml::Value::String(v.into()));
        };
        put("ORG_NAME", "Polaris Reference Anchor");
        put("ORG_URL", self.org_url.trim_end_matches('/'));
        put(
            "ORG_DESCRIPTION",
            "A demonstration anchor built with Polaris for Rust",
        );
        let mut table = toml::Table::new();
        table.insert("DOCUMENTATION".into(), toml::Value::Table(documentation));
        Ok(table)
    }
}

#[cfg(test)]
#[path = "demo_tests.rs"]
mod tests;
