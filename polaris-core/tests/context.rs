//! Building a context: the store migrated or checked, stored assets checked against SEP-1,
//! the integrations and Horizon chosen, the base path written into `HOST_URL`.

use diesel::RunQueryDsl;
use polaris_core::model::Asset;
use polaris_core::stellar::KeyPair;
use polaris_core::store::assets;
use polaris_core::testing::{FixedFee, TestDatabase};
use polaris_core::{Context, Settings};
use rust_decimal_macros::dec;

fn settings() -> Settings {
    polaris_core::testing::settings(&[("ACTIVE_SEPS", "sep-1")])
}

#[tokio::test]
async fn a_database_without_migrations_is_refused_unless_asked_to_migrate() {
    let dir = std::env::temp_dir().join(format!("polaris-context-{}", uuid::Uuid::new_v4()));
    std::fs::create_dir_all(&dir).unwrap();
    let url = format!("sqlite://{}", dir.join("db.sqlite3").display());
    let mut s = settings();
    s.database_url = polaris_core::settings::Secret::new(url);
    let err = Context::builder(s.clone())
        .build()
        .await
        .expect_err("refused");
    assert!(err.to_string().contains("migrate"), "{err}");
    let built = Context::builder(s).run_migrations(true).build().await;
    assert!(built.is_ok(), "{:?}", built.err());
    std::fs::remove_dir_all(dir).unwrap();
}

#[tokio::test]
async fn an_asset_that_breaks_sep1_rules_is_refused_when_saved_and_at_start() {
    for db in TestDatabase::all() {
        let mut asset = Asset::new("SRT", KeyPair::random().public_key());
        asset.name = Some("Stellar Reference Token".into());
        let refused = db.store.with_conn(|c| assets::upsert(c, &asset));
        let err = refused
            .expect_err("a 23-character name is refused")
            .to_string();
        assert!(err.contains("`name`") && err.contains("20"), "{err}");

        // A row written past the check (by hand, or by an older version) stops the start.
        asset.name = Some("Reference Token".into());
        db.store.with_conn(|c| assets::upsert(c, &asset)).unwrap();
        db.store
            .with_conn(|c| {
                diesel::sql_query("UPDATE assets SET name = 'Stellar Reference Token'")
                    .execute(c)
                    .map_err(Into::into)
            })
            .unwrap();
        let err = Context::builder(settings())
            .store(db.store.clone())
            .build()
            .await
            .expect_err("refused at start")
            .to_string();
        assert!(err.contains("asset SRT") && err.contains("`name`"), "{err}");
    }
}

#[tokio::test]
async fn the_built_context_holds_what_was_given() {
    let db = TestDatabase::sqlite();
    let ctx = Context::builder(settings())
        .store(db.store.clone())
        .fee(FixedFee::new(dec!(1)))
        .base_path("anchor")
        .build()
        .await
        .expect("built");
    assert!(ctx.integrations.fee.is_some() && ctx.integrations.rails.is_none());
    assert_eq!(ctx.settings.host_url.path(), "/anchor/");
    // No HORIZON_URL and no client given: every Horizon call says what to set.
    let err = ctx
        .horizon
        .load_account("GA")
        .await
        .expect_err("no Horizon");
    assert!(err.to_string().contains("HORIZON_URL"), "{err}");
}
