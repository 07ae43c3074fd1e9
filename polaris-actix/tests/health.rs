//! `GET /health` and `GET /ready`: readiness follows the database, its migrations and
//! Horizon (the sandbox), on SQLite and PostgreSQL.

use std::sync::Arc;

use actix_web::dev::{Service, ServiceResponse};
use actix_web::{test, App};
use diesel::connection::SimpleConnection;
use diesel::pg::PgConnection;
use diesel::{Connection, RunQueryDsl};
use polaris_actix::sandbox::testing::{client, sandbox};
use polaris_actix::Polaris;
use polaris_core::testing::{settings, TestDatabase, POSTGRES_ENV};
use serde_json::{json, Value};

async fn polaris(
    db: &TestDatabase,
    horizon_url: &polaris_actix::sandbox::SandboxHandle,
) -> Polaris {
    Polaris::builder(settings(&[]))
        .store(db.store.clone())
        .horizon(Arc::new(client(horizon_url)))
        .build()
        .await
        .expect("build")
}

async fn get<S>(app: &S, uri: &str) -> (u16, Value)
where
    S: Service<actix_http::Request, Response = ServiceResponse, Error = actix_web::Error>,
{
    let resp = test::call_service(app, test::TestRequest::get().uri(uri).to_request()).await;
    let status = resp.status().as_u16();
    (status, test::read_body_json(resp).await)
}

fn check(body: &Value, name: &str) -> bool {
    body["checks"][name]["ok"]
        .as_bool()
        .unwrap_or_else(|| panic!("no check {name} in {body}"))
}

#[actix_web::test]
async fn ready_while_database_and_horizon_answer_not_once_horizon_stops() {
    for db in TestDatabase::all() {
        let sb = sandbox().await;
        let polaris = polaris(&db, &sb).await;
        let app = test::init_service(App::new().configure(polaris.configure())).await;

        assert_eq!(get(&app, "/health").await, (200, json!({"status": "ok"})));
        let (status, body) = get(&app, "/ready").await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(body["status"], "ready");
        for name in ["database", "migrations", "horizon"] {
            assert!(check(&body, name), "{name}: {body}");
        }

        sb.stop().await;
        let (status, body) = get(&app, "/ready").await;
        assert_eq!(status, 503, "{body}");
        assert_eq!(body["status"], "not_ready");
        assert!(!check(&body, "horizon"), "{body}");
        assert!(check(&body, "database"), "{body}");
        // Liveness does no I/O: still fine.
        assert_eq!(get(&app, "/health").await.0, 200);
    }
}

#[actix_web::test]
async fn not_ready_while_a_migration_is_pending() {
    for db in TestDatabase::all() {
        let sb = sandbox().await;
        let polaris = polaris(&db, &sb).await;
        let app = test::init_service(App::new().configure(polaris.configure())).await;
        assert_eq!(get(&app, "/ready").await.0, 200);

        // Forget the newest migration: the database now lags behind this build.
        db.store
            .with_conn(|c| {
                diesel::sql_query(
                    "DELETE FROM __diesel_schema_migrations WHERE version = \
                     (SELECT MAX(version) FROM __diesel_schema_migrations)",
                )
                .execute(c)?;
                Ok(())
            })
            .unwrap();
        let (status, body) = get(&app, "/ready").await;
        assert_eq!(status, 503, "{body}");
        assert!(
            check(&body, "database") && check(&body, "horizon"),
            "{body}"
        );
        assert!(!check(&body, "migrations"), "{body}");
        let detail = body["checks"]["migrations"]["detail"].as_str().unwrap();
        assert!(detail.contains("pending"), "{detail}");
        sb.stop().await;
    }
}

#[actix_web::test]
async fn not_ready_once_the_postgres_database_is_gone() {
    let Some(db) = TestDatabase::postgres() else {
        eprintln!("SKIPPED: the dropped-database readiness test ({POSTGRES_ENV} is not set)");
        return;
    };
    let sb = sandbox().await;
    let polaris = polaris(&db, &sb).await;
    let app = test::init_service(App::new().configure(polaris.configure())).await;
    assert_eq!(get(&app, "/ready").await.0, 200);

    let admin_url = std::env::var(POSTGRES_ENV).unwrap();
    let name = url::Url::parse(&db.url)
        .unwrap()
        .path()
        .trim_start_matches('/')
        .to_string();
    let mut admin = PgConnection::establish(&admin_url).unwrap();
    admin
        .batch_execute(&format!("DROP DATABASE {name} WITH (FORCE)"))
        .unwrap();

    let (status, body) = get(&app, "/ready").await;
    assert_eq!(status, 503, "{body}");
    assert!(!check(&body, "database"), "{body}");
    assert!(!check(&body, "migrations"), "{body}");
    assert!(check(&body, "horizon"), "{body}");
    assert_eq!(get(&app, "/health").await.0, 200);
    sb.stop().await;
}

#[actix_web::test]
async fn health_sits_under_the_base_path_with_scope() {
    let db = TestDatabase::sqlite();
    let sb = sandbox().await;
    let polaris = Polaris::builder(settings(&[]))
        .base_path("/anchor")
        .store(db.store.clone())
        .horizon(Arc::new(client(&sb)))
        .build()
        .await
        .unwrap();
    let app = test::init_service(App::new().service(polaris.scope())).await;
    assert_eq!(get(&app, "/anchor/health").await.0, 200);
    assert_eq!(get(&app, "/anchor/ready").await.0, 200);
    let resp = test::call_service(&app, test::TestRequest::get().uri("/health").to_request()).await;
    assert_eq!(resp.status().as_u16(), 404);
    sb.stop().await;
}

#[actix_web::test]
async fn not_ready_once_the_sqlite_file_is_unusable() {
    let db = TestDatabase::sqlite();
    let sb = sandbox().await;
    let polaris = polaris(&db, &sb).await;
    let app = test::init_service(App::new().configure(polaris.configure())).await;
    assert_eq!(get(&app, "/ready").await.0, 200);

    // Overwrite the database, its write-ahead log and its shared index in place (the open
    // connections keep their file handles, so removing the files would not be noticed).
    let path = db.url.trim_start_matches("sqlite://").to_string();
    for suffix in ["", "-wal", "-shm"] {
        let file = format!("{path}{suffix}");
        if let Ok(meta) = std::fs::metadata(&file) {
            let garbage = vec![0xA5u8; meta.len().max(4096) as usize];
            std::fs::write(&file, garbage).unwrap();
        }
    }
    let (status, body) = get(&app, "/ready").await;
    assert_eq!(status, 503, "{body}");
    assert!(!check(&body, "database"), "{body}");
    assert!(!check(&body, "migrations"), "{body}");
    assert!(check(&body, "horizon"), "{body}");
    assert_eq!(get(&app, "/health").await.0, 200);
    sb.stop().await;
}
