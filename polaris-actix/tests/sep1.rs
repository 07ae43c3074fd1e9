//! The stellar.toml that Polaris serves follows SEP-1: parsed into JSON, it validates against
//! `schemas/sep1/stellar_toml.json` (field types, `https://` servers, CURRENCIES limits).

mod schema;

use actix_web::{test, App};
use polaris_actix::Polaris;
use polaris_core::model::Asset;
use polaris_core::stellar::KeyPair;
use polaris_core::store::assets;
use polaris_core::testing::TestDatabase;
use serde_json::Value;

/// A fully described asset, within SEP-1's limits.
fn usdc() -> Asset {
    let mut a = Asset::new("USDC", KeyPair::random().public_key());
    a.distribution_seed = Some(KeyPair::random().seed());
    a.significant_decimals = 2;
    a.name = Some("USD Coin".into());
    a.description = Some("A dollar on Stellar, redeemable one for one".into());
    a.anchor_asset_type = Some("fiat".into());
    a.anchor_asset = Some("USD".into());
    a.redemption_instructions = Some("Withdraw with any SEP-24 wallet".into());
    a
}

/// GET /.well-known/stellar.toml with every SEP active and `asset` stored, as JSON.
async fn served_toml(db: &TestDatabase, asset: Asset) -> Value {
    db.store
        .run(move |c| assets::upsert(c, &asset))
        .await
        .expect("asset");
    let settings =
        polaris_core::testing::settings(&[("ACTIVE_SEPS", "sep-1,sep-6,sep-10,sep-12,sep-24")]);
    let polaris = Polaris::builder(settings)
        .store(db.store.clone())
        .build()
        .await
        .expect("build");
    let app = test::init_service(App::new().configure(polaris.configure())).await;
    let req = test::TestRequest::get().uri("/.well-known/stellar.toml");
    let resp = test::call_service(&app, req.to_request()).await;
    assert_eq!(resp.status().as_u16(), 200);
    let text = String::from_utf8(test::read_body(resp).await.to_vec()).expect("utf8");
    let table: toml::Table = toml::from_str(&text).expect("valid TOML");
    serde_json::to_value(table).expect("JSON")
}

#[actix_web::test]
async fn the_generated_stellar_toml_follows_sep1() {
    for db in TestDatabase::all() {
        let toml = served_toml(&db, usdc()).await;
        schema::assert_valid("sep1/stellar_toml.json", &toml);
        assert_eq!(toml["CURRENCIES"][0]["code"], "USDC", "{toml}");
        for server in ["TRANSFER_SERVER", "TRANSFER_SERVER_SEP0024", "KYC_SERVER"] {
            assert!(toml[server].is_string(), "{server}: {toml}");
        }
    }
}

#[actix_web::test]
async fn a_currency_name_over_twenty_characters_breaks_the_schema() {
    let db = TestDatabase::sqlite();
    let mut toml = served_toml(&db, usdc()).await;
    toml["CURRENCIES"][0]["name"] = Value::String("Stellar Reference Token".into());
    let errors = schema::errors("sep1/stellar_toml.json", &toml);
    assert!(
        errors.iter().any(|e| e.contains("/CURRENCIES/0/name")),
        "{errors:?}"
    );
}
