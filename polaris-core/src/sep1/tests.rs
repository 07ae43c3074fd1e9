use std::collections::{BTreeSet, HashMap};

use super::*;
use crate::settings::Settings;
use crate::stellar::KeyPair;

fn settings(seps: &str) -> Settings {
    let map: HashMap<String, String> = [
        (
            "SIGNING_SEED",
            KeyPair::random().seed().expose().to_string(),
        ),
        ("SERVER_JWT_KEY", "0123456789abcdef0123".to_string()),
        ("HOST_URL", "https://anchor.example.com".to_string()),
        ("ACTIVE_SEPS", seps.to_string()),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v))
    .collect();
    Settings::from_map(&map).unwrap()
}

fn demo_asset() -> Asset {
    let mut a = Asset::new("SRT", KeyPair::random().public_key());
    a.distribution_seed = Some(KeyPair::random().seed());
    a.name = Some("Stellar Reference Token".into());
    a.anchor_asset_type = Some("fiat".into());
    a.anchor_asset = Some("USD".into());
    a
}

#[test]
fn every_active_sep_gets_its_endpoint() {
    let s = settings("sep-1,sep-6,sep-10,sep-12,sep-24,sep-38");
    let asset = demo_asset();
    let text = toml::to_string(&generate(&s, std::slice::from_ref(&asset))).unwrap();
    let t: Table = text.parse().unwrap();
    assert_eq!(
        t["NETWORK_PASSPHRASE"].as_str(),
        Some(s.network_passphrase.as_str())
    );
    assert_eq!(t["SIGNING_KEY"].as_str(), Some(s.signing_key.public_key()));
    assert_eq!(
        t["WEB_AUTH_ENDPOINT"].as_str(),
        Some("https://anchor.example.com/auth")
    );
    assert_eq!(
        t["TRANSFER_SERVER"].as_str(),
        Some("https://anchor.example.com/sep6")
    );
    assert_eq!(
        t["TRANSFER_SERVER_SEP0024"].as_str(),
        Some("https://anchor.example.com/sep24")
    );
    assert_eq!(
        t["KYC_SERVER"].as_str(),
        Some("https://anchor.example.com/kyc")
    );
    assert_eq!(
        t["ANCHOR_QUOTE_SERVER"].as_str(),
        Some("https://anchor.example.com/sep38")
    );
    assert_eq!(
        t["ACCOUNTS"][0].as_str(),
        asset.distribution_account().as_deref()
    );
    let c = &t["CURRENCIES"][0];
    assert_eq!(c["code"].as_str(), Some("SRT"));
    assert_eq!(c["issuer"].as_str(), Some(asset.issuer.as_str()));
    assert_eq!(c["anchor_asset"].as_str(), Some("USD"));
    assert_eq!(c["display_decimals"].as_integer(), Some(2));
    assert!(c.get("desc").is_none(), "unknown fields are left out");
}

#[test]
fn inactive_seps_have_no_entry() {
    let s = settings("sep-1");
    let t = generate(&s, &[]);
    let keys: BTreeSet<&str> = t.keys().map(String::as_str).collect();
    for absent in [
        "SIGNING_KEY",
        "WEB_AUTH_ENDPOINT",
        "TRANSFER_SERVER",
        "TRANSFER_SERVER_SEP0024",
        "KYC_SERVER",
        "ANCHOR_QUOTE_SERVER",
        "CURRENCIES",
    ] {
        assert!(!keys.contains(absent), "{absent} present");
    }
}

#[test]
fn the_hook_adds_and_overrides() {
    let s = settings("sep-1,sep-24");
    let asset = demo_asset();
    let mut t = generate(&s, std::slice::from_ref(&asset));
    let extra: Table = format!(
        r#"
        TRANSFER_SERVER_SEP0024 = "https://other.example/sep24"
        [DOCUMENTATION]
        ORG_NAME = "Example Anchor"
        [[CURRENCIES]]
        code = "SRT"
        issuer = "{}"
        desc = "A test token"
        [[CURRENCIES]]
        code = "XLM"
        "#,
        asset.issuer
    )
    .parse()
    .unwrap();
    merge(&mut t, extra);
    assert_eq!(
        t["TRANSFER_SERVER_SEP0024"].as_str(),
        Some("https://other.example/sep24")
    );
    assert_eq!(
        t["DOCUMENTATION"]["ORG_NAME"].as_str(),
        Some("Example Anchor")
    );
    let cur = t["CURRENCIES"].as_array().unwrap();
    assert_eq!(cur.len(), 2);
    assert_eq!(cur[0]["desc"].as_str(), Some("A test token"));
    assert_eq!(
        cur[0]["anchor_asset"].as_str(),
        Some("USD"),
        "generated fields stay"
    );
}
