//! The handle mounts every active SEP, and only those, on one app. (Building the context
//! itself is tested in polaris-core's `tests/context.rs`.)

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
