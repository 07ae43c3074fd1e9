use super::*;

fn settings(pairs: &[(&str, &str)]) -> Result<Settings, SettingsError> {
    let map: HashMap<String, String> = pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    Settings::from_map(&map)
}

fn real_keys() -> Vec<(&'static str, String)> {
    vec![
        (
            "SIGNING_SEED",
            KeyPair::random().seed().expose().to_string(),
        ),
        ("SERVER_JWT_KEY", "0123456789abcdef0123".to_string()),
    ]
}

fn with_keys(extra: &[(&'static str, &str)]) -> Result<Settings, SettingsError> {
    let keys = real_keys();
    let mut pairs: Vec<(&str, &str)> = keys.iter().map(|(k, v)| (*k, v.as_str())).collect();
    pairs.extend_from_slice(extra);
    settings(&pairs)
}

#[test]
fn defaults_are_the_local_development_ones() {
    let s = with_keys(&[("LOCAL_MODE", "true")]).unwrap();
    assert_eq!(s.host_url.as_str(), "http://localhost:8000/");
    assert_eq!(s.web_auth_domain(), "localhost:8000");
    assert_eq!(s.sep10_home_domains, vec!["localhost:8000".to_string()]);
    assert_eq!(s.network_passphrase, TESTNET_PASSPHRASE);
    assert_eq!(s.interactive_jwt_expiration, 30);
    assert_eq!(s.sep10_jwt_expiration, 86_400);
    assert!(s.horizon_url.is_none());
    assert_eq!(s.active_seps.len(), Sep::ALL.len());
    assert_eq!(s.url("/sep24"), "http://localhost:8000/sep24");
    assert_eq!(s.process_interval_seconds, None);
    assert_eq!(s.base_path(), "");
}

#[test]
fn a_path_in_host_url_prefixes_every_url() {
    let s = with_keys(&[("HOST_URL", "https://example.com/anchor/")]).unwrap();
    assert_eq!(s.base_path(), "/anchor");
    assert_eq!(s.url("sep24"), "https://example.com/anchor/sep24");
    assert_eq!(s.web_auth_domain(), "example.com");
    let s = with_keys(&[("HOST_URL", "https://example.com/anchor")]).unwrap();
    assert_eq!(s.base_path(), "/anchor");
    assert_eq!(s.url("/auth"), "https://example.com/anchor/auth");
}

#[test]
fn keys_are_required_outside_local_mode() {
    let err = settings(&[("HOST_URL", "https://anchor.example.com")]).unwrap_err();
    assert_eq!(err.setting, "SIGNING_SEED");
    let seed = KeyPair::random().seed().expose().to_string();
    let err = settings(&[("HOST_URL", "https://a.example"), ("SIGNING_SEED", &seed)]).unwrap_err();
    assert_eq!(err.setting, "SERVER_JWT_KEY");
}

#[test]
fn invalid_values_name_the_setting() {
    let cases: &[(&str, &str, &str)] = &[
        ("SIGNING_SEED", "SNOTASEED", "SIGNING_SEED"),
        ("HOST_URL", "not a url", "HOST_URL"),
        ("LOCAL_MODE", "maybe", "LOCAL_MODE"),
        ("ACTIVE_SEPS", "sep-1,sep-99", "ACTIVE_SEPS"),
        (
            "INTERACTIVE_JWT_EXPIRATION",
            "-5",
            "INTERACTIVE_JWT_EXPIRATION",
        ),
        (
            "INTERACTIVE_JWT_EXPIRATION",
            "0",
            "INTERACTIVE_JWT_EXPIRATION",
        ),
        (
            "MAX_TRANSACTION_FEE_STROOPS",
            "ten",
            "MAX_TRANSACTION_FEE_STROOPS",
        ),
        ("DATABASE_URL", "mysql://x", "DATABASE_URL"),
        ("HORIZON_URL", "::", "HORIZON_URL"),
        ("SERVER_JWT_KEY", "short", "SERVER_JWT_KEY"),
        ("PROCESS_INTERVAL_SECONDS", "0", "PROCESS_INTERVAL_SECONDS"),
        ("CHANNEL_ACCOUNTS", "101", "CHANNEL_ACCOUNTS"),
        ("CHANNEL_ACCOUNTS", "many", "CHANNEL_ACCOUNTS"),
        (
            "PROCESS_INTERVAL_SECONDS",
            "often",
            "PROCESS_INTERVAL_SECONDS",
        ),
    ];
    for (name, value, expected) in cases {
        let mut pairs: Vec<(&str, String)> = real_keys();
        pairs.retain(|(k, _)| k != name);
        pairs.push((name, value.to_string()));
        pairs.push(("HOST_URL", "https://anchor.example.com".into()));
        if *name == "HOST_URL" {
            pairs.retain(|(k, v)| *k != "HOST_URL" || v == value);
        }
        let refs: Vec<(&str, &str)> = pairs.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let err = settings(&refs).unwrap_err();
        assert_eq!(err.setting, *expected, "{name}={value} gave {err}");
        assert!(err.to_string().starts_with(&format!("setting {expected}:")));
    }
}

#[test]
fn http_host_needs_local_mode() {
    let err = with_keys(&[("HOST_URL", "http://anchor.example.com")]).unwrap_err();
    assert_eq!(err.setting, "HOST_URL");
    assert!(with_keys(&[
        ("HOST_URL", "http://anchor.example.com"),
        ("LOCAL_MODE", "1")
    ])
    .is_ok());
}

#[test]
fn debug_output_hides_secrets() {
    let keys = real_keys();
    let s = with_keys(&[
        ("DATABASE_URL", "postgres://u:hunter2@db/x"),
        ("LOCAL_MODE", "true"),
    ])
    .unwrap();
    let dbg = format!("{s:?}");
    assert!(!dbg.contains("hunter2"));
    assert!(!dbg.contains(&keys[1].1));
    assert!(!dbg.contains(s.signing_key.seed().expose()));
    assert!(!dbg.contains(s.jwt_key.expose()));
}

#[test]
fn local_mode_generates_and_keeps_dev_keys() {
    let dir = std::env::temp_dir().join(format!("polaris-devkeys-{}", uuid::Uuid::new_v4()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("keys.json");
    let path = file.to_str().unwrap();
    let a = settings(&[("LOCAL_MODE", "true"), ("POLARIS_DEV_KEYS_FILE", path)]).unwrap();
    let b = settings(&[("LOCAL_MODE", "true"), ("POLARIS_DEV_KEYS_FILE", path)]).unwrap();
    assert_eq!(a.signing_key.public_key(), b.signing_key.public_key());
    assert_eq!(a.jwt_key, b.jwt_key);
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn lists_and_flags_parse() {
    let s = with_keys(&[
        ("ACTIVE_SEPS", "sep-1, SEP-10"),
        ("SEP10_HOME_DOMAINS", "a.example, b.example"),
        ("ADDITIVE_FEES_ENABLED", "yes"),
        ("MAX_TRANSACTION_FEE_STROOPS", "1000"),
        ("HOST_URL", "https://anchor.example.com:8443"),
        ("PROCESS_INTERVAL_SECONDS", "2"),
        ("CHANNEL_ACCOUNTS", "8"),
        ("SEED_ENCRYPTION_KEY", SEALING),
    ])
    .unwrap();
    assert_eq!(s.process_interval_seconds, Some(2));
    assert_eq!(s.channel_accounts, 8);
    assert!(s.is_active(Sep::Sep10) && s.is_active(Sep::Sep1) && !s.is_active(Sep::Sep24));
    assert_eq!(s.sep10_home_domains, vec!["a.example", "b.example"]);
    assert!(s.additive_fees_enabled);
    assert_eq!(s.max_transaction_fee_stroops, Some(1000));
    assert_eq!(s.web_auth_domain(), "anchor.example.com:8443");
}

/// A valid `SEED_ENCRYPTION_KEY`.
const SEALING: &str = "7e7e7e7e7e7e7e7e7e7e7e7e7e7e7e7e7e7e7e7e7e7e7e7e7e7e7e7e7e7e7e7e";

/// Channel seeds are stored sealed: channels without a sealing key stop the start, naming
/// the setting, instead of failing in the first deposit round.
#[test]
fn channel_accounts_need_a_seed_encryption_key() {
    let e =
        with_keys(&[("HOST_URL", HTTPS), ("CHANNEL_ACCOUNTS", "4")]).expect_err("no sealing key");
    assert_eq!(e.setting, "CHANNEL_ACCOUNTS");
    assert!(e.to_string().contains("SEED_ENCRYPTION_KEY"), "{e}");
    let zero = with_keys(&[("HOST_URL", HTTPS), ("CHANNEL_ACCOUNTS", "0")]).unwrap();
    assert_eq!(zero.channel_accounts, 0);
}

const HTTPS: &str = "https://anchor.example.com";

/// Issue 14, item 8: local mode never runs against real money.
#[test]
fn local_mode_is_refused_on_the_public_network_or_a_public_https_host() {
    let public = "Public Global Stellar Network ; September 2015";
    let err = with_keys(&[
        ("LOCAL_MODE", "true"),
        ("STELLAR_NETWORK_PASSPHRASE", public),
    ])
    .unwrap_err();
    assert_eq!(err.setting, "LOCAL_MODE");
    for host in ["https://anchor.mycompany.com", "https://8.8.8.8"] {
        let err = with_keys(&[("LOCAL_MODE", "true"), ("HOST_URL", host)]).unwrap_err();
        assert_eq!(err.setting, "LOCAL_MODE", "{host}");
    }
    for host in [
        "https://localhost:8443",
        "https://127.0.0.1",
        "https://anchor.example.com",
        "https://wallet.test",
        "https://192.168.1.20",
        "http://anchor.mycompany.com",
    ] {
        assert!(
            with_keys(&[("LOCAL_MODE", "true"), ("HOST_URL", host)]).is_ok(),
            "{host}"
        );
    }
    let production = [
        ("STELLAR_NETWORK_PASSPHRASE", public),
        ("HOST_URL", "https://anchor.mycompany.com"),
    ];
    assert!(with_keys(&production).is_ok(), "fine outside local mode");
}

/// Issue 14, item 8: generated key files are readable by their owner only.
#[cfg(unix)]
#[test]
fn generated_key_files_are_readable_by_the_owner_only() {
    use std::os::unix::fs::PermissionsExt;
    let dir = std::env::temp_dir().join(format!("polaris-devkeys-{}", uuid::Uuid::new_v4()));
    std::fs::create_dir_all(&dir).unwrap();
    let mode = |p: &std::path::Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    let file = dir.join("keys.json");
    let path = file.to_str().unwrap();
    let fresh = settings(&[("LOCAL_MODE", "true"), ("POLARIS_DEV_KEYS_FILE", path)]).unwrap();
    assert_eq!(mode(&file), 0o600);
    assert!(
        fresh.seed_encryption_key.is_some(),
        "local mode generates it"
    );

    // A file of an older version: world-readable, no seed key.
    let old = dir.join("old.json");
    let seed = KeyPair::random().seed().expose().to_string();
    let text = format!(r#"{{"signing_seed":"{seed}","server_jwt_key":"0123456789abcdef"}}"#);
    std::fs::write(&old, text).unwrap();
    std::fs::set_permissions(&old, std::fs::Permissions::from_mode(0o644)).unwrap();
    let old_path = old.to_str().unwrap();
    let a = settings(&[("LOCAL_MODE", "true"), ("POLARIS_DEV_KEYS_FILE", old_path)]).unwrap();
    assert_eq!(mode(&old), 0o600);
    let b = settings(&[("LOCAL_MODE", "true"), ("POLARIS_DEV_KEYS_FILE", old_path)]).unwrap();
    assert_eq!(
        a.seed_encryption_key.unwrap().to_hex(),
        b.seed_encryption_key.unwrap().to_hex(),
        "the generated seed key is kept"
    );
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn the_seed_encryption_key_is_64_hex_characters() {
    let err = with_keys(&[("HOST_URL", HTTPS), ("SEED_ENCRYPTION_KEY", "not-hex")]).unwrap_err();
    assert_eq!(err.setting, "SEED_ENCRYPTION_KEY");
    let hex = "ab".repeat(32);
    let s = with_keys(&[("HOST_URL", HTTPS), ("SEED_ENCRYPTION_KEY", &hex)]).unwrap();
    assert_eq!(s.seed_encryption_key.unwrap().to_hex(), hex);
    assert!(with_keys(&[("HOST_URL", HTTPS)])
        .unwrap()
        .seed_encryption_key
        .is_none());
}
