//! The builder mounts every active SEP, and only those, on one app.

use actix_web::{test, App};
use polaris_actix::Polaris;
use polaris_core::stellar::KeyPair;
use polaris_core::testing::TestDatabase;
use polaris_core::Settings;

fn settings(seps: &str) -> Settings {
    polaris_core::testing::settings(&[("ACTIVE_SEPS", seps)])
}

async fn statuses(seps: &str) -> Vec<u16> {
    let db = TestDatabase::sqlite();
    let polaris = Polaris::builder(settings(seps))
        .store(db.store.clone())
        .build()
        .await
        .unwrap();
    let app = test::init_service(App::new().configure(polaris.configure())).await;
    let account = KeyPair::random();
    let mut out = Vec::new();
    for uri in [
        "/.well-known/stellar.toml".to_string(),
        format!("/auth?account={}", account.public_key()),
        "/sep6/info".to_string(),
    ] {
        let resp = test::call_service(&app, test::TestRequest::get().uri(&uri).to_request()).await;
        out.push(resp.status().as_u16());
    }
    out
}

#[actix_web::test]
async fn every_active_sep_answers() {
    assert_eq!(statuses("sep-1,sep-6,sep-10").await, vec![200, 200, 200]);
}

#[actix_web::test]
async fn inactive_seps_are_not_mounted() {
    assert_eq!(statuses("sep-1").await, vec![200, 404, 404]);
}

#[actix_web::test]
async fn a_database_without_migrations_is_refused_unless_asked_to_migrate() {
    let dir = std::env::temp_dir().join(format!("polaris-builder-{}", uuid::Uuid::new_v4()));
    std::fs::create_dir_all(&dir).unwrap();
    let url = format!("sqlite://{}", dir.join("db.sqlite3").display());
    let mut s = settings("sep-1");
    s.database_url = polaris_core::settings::Secret::new(url);
    let err = Polaris::builder(s.clone())
        .build()
        .await
        .err()
        .expect("refused");
    assert!(err.to_string().contains("migrate"), "{err}");
    assert!(Polaris::builder(s)
        .run_migrations(true)
        .build()
        .await
        .is_ok());
    std::fs::remove_dir_all(dir).unwrap();
}

#[actix_web::test]
async fn an_asset_that_breaks_sep1_rules_is_refused_when_saved_and_at_start() {
    use diesel::RunQueryDsl;
    use polaris_core::model::Asset;
    use polaris_core::store::assets;
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
        let err = Polaris::builder(settings("sep-1"))
            .store(db.store.clone())
            .build()
            .await
            .err()
            .expect("refused at start")
            .to_string();
        assert!(err.contains("asset SRT") && err.contains("`name`"), "{err}");
    }
}
