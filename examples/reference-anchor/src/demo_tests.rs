//! The reference anchor's stellar.toml (the demo asset plus its additions) follows SEP-1:
//! parsed into JSON, it validates against `schemas/sep1/stellar_toml.json`.

#[path = "../../../polaris-actix/tests/schema/mod.rs"]
mod schema;

use polaris_core::integrations::{TomlIntegration, TomlRequest};
use polaris_core::stellar::KeyPair;

use super::{demo_asset, Toml};

#[actix_web::test]
async fn the_reference_stellar_toml_follows_sep1() {
    let settings = polaris_core::testing::settings(&[]);
    let asset = demo_asset(&KeyPair::random(), &KeyPair::random());
    let mut table = polaris_core::sep1::generate(&settings, &[asset]);
    let toml = Toml {
        org_url: settings.host_url.to_string(),
    };
    let additions = toml.toml(&TomlRequest::new(&table, &[])).await;
    polaris_core::sep1::merge(&mut table, additions.expect("additions"));
    let toml = serde_json::to_value(table).expect("JSON");
    assert_eq!(toml["CURRENCIES"][0]["code"], "SRT", "{toml}");
    assert_eq!(
        toml["DOCUMENTATION"]["ORG_NAME"],
        "Polaris Reference Anchor"
    );
    schema::assert_valid("sep1/stellar_toml.json", &toml);
}

#[actix_web::test]
async fn org_url_is_the_host_url() {
    let toml = Toml {
        org_url: "https://anchor.example.com/".into(),
    };
    let t = toml.toml(&TomlRequest::new(&toml::Table::new(), &[])).await;
    let t = t.expect("additions");
    assert_eq!(
        t["DOCUMENTATION"]["ORG_URL"].as_str(),
        Some("https://anchor.example.com")
    );
}

#[test]
fn the_demo_asset_keeps_sep1_rules() {
    let asset = demo_asset(&KeyPair::random(), &KeyPair::random());
    assert_eq!(asset.check_sep1(), Ok(()));
}
