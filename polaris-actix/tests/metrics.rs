//! `GET /metrics`: parsed as Prometheus text, its counters move with real requests and
//! rounds, and its gauges with the rows stored, on SQLite and PostgreSQL.

use actix_web::dev::{Service, ServiceResponse};
use actix_web::{test, App};
use chrono::Duration;
use polaris_actix::Polaris;
use polaris_core::model::{Asset, Kind, Protocol, Status, Transaction};
use polaris_core::processors::runner::Process;
use polaris_core::processors::Worker;
use polaris_core::stellar::KeyPair;
use polaris_core::store::callbacks::{self, Topic};
use polaris_core::store::transactions;
use polaris_core::testing::{settings, store_asset, TestDatabase};
use polaris_core::Context;
use prometheus_parse::{Scrape, Value};

async fn polaris(db: &TestDatabase, extra: &[(&str, &str)]) -> Polaris {
    Polaris::builder(settings(extra))
        .store(db.store.clone())
        .build()
        .await
        .expect("build")
}

async fn status<S>(app: &S, uri: &str) -> u16
where
    S: Service<actix_http::Request, Response = ServiceResponse, Error = actix_web::Error>,
{
    let resp = test::call_service(app, test::TestRequest::get().uri(uri).to_request()).await;
    resp.status().as_u16()
}

async fn scrape<S>(app: &S) -> Scrape
where
    S: Service<actix_http::Request, Response = ServiceResponse, Error = actix_web::Error>,
{
    let resp = test::call_service(app, test::TestRequest::get().uri("/metrics").to_request()).await;
    assert_eq!(resp.status().as_u16(), 200);
    let text = String::from_utf8(test::read_body(resp).await.to_vec()).unwrap();
    Scrape::parse(text.lines().map(|l| Ok(l.to_string()))).expect("Prometheus text")
}

/// The value of the sample `name` whose labels include `labels`; 0 when there is none.
fn value(scrape: &Scrape, name: &str, labels: &[(&str, &str)]) -> f64 {
    let found = scrape
        .samples
        .iter()
        .find(|s| s.metric == name && labels.iter().all(|(k, v)| s.labels.get(k) == Some(*v)));
    match found.map(|s| &s.value) {
        Some(Value::Counter(v)) | Some(Value::Gauge(v)) | Some(Value::Untyped(v)) => *v,
        Some(Value::Histogram(_)) | Some(Value::Summary(_)) => panic!("{name} is not a number"),
        None => 0.0,
    }
}

fn store_transaction(ctx: &Context, status: Status) {
    let asset = store_asset(
        &ctx.store,
        &Asset::new("SRT", KeyPair::random().public_key()),
    );
    let mut tx = Transaction::new(
        Kind::Deposit,
        Protocol::Sep24,
        asset.id,
        KeyPair::random().public_key(),
    );
    tx.status = status;
    ctx.store
        .with_conn(|c| transactions::insert(c, &tx))
        .unwrap();
}

#[actix_web::test]
async fn requests_rounds_and_rows_move_the_metrics() {
    for db in TestDatabase::all() {
        let polaris = polaris(&db, &[("METRICS_ENABLED", "true")]).await;
        let app = test::init_service(
            App::new()
                .wrap(polaris.http_metrics())
                .configure(polaris.configure()),
        )
        .await;
        let before = scrape(&app).await;
        assert_eq!(value(&before, "polaris_sep10_challenges_total", &[]), 0.0);
        assert_eq!(
            value(&before, "polaris_transactions", &[("status", "incomplete")]),
            0.0
        );

        let account = KeyPair::random();
        assert_eq!(
            status(&app, &format!("/auth?account={}", account.public_key())).await,
            200
        );
        assert_eq!(status(&app, "/no/such/page/42").await, 404);
        let ctx = polaris.context();
        store_transaction(ctx, Status::Incomplete);
        store_transaction(ctx, Status::Incomplete);
        store_transaction(ctx, Status::Completed);
        Process::ExpireTransactions.round(ctx, &Worker::new()).await;
        let queued = (chrono::Utc::now() - Duration::minutes(5)).naive_utc();
        ctx.store
            .with_conn(|c| {
                let id =
                    callbacks::enqueue(c, Topic::Customer, "c1", "https://w.example/cb", "{}")?;
                diesel::RunQueryDsl::execute(
                    diesel::sql_query(format!(
                        "UPDATE callbacks SET created_at = '{}' WHERE id = {id}",
                        queued.format("%Y-%m-%d %H:%M:%S")
                    )),
                    c,
                )?;
                Ok(())
            })
            .unwrap();

        let after = scrape(&app).await;
        assert_eq!(value(&after, "polaris_sep10_challenges_total", &[]), 1.0);
        let auth = [("method", "GET"), ("route", "/auth"), ("status", "200")];
        assert_eq!(value(&after, "polaris_http_requests_total", &auth), 1.0);
        let missing = [("route", "unmatched"), ("status", "404")];
        assert_eq!(value(&after, "polaris_http_requests_total", &missing), 1.0);
        assert!(
            !after
                .samples
                .iter()
                .any(|s| s.labels.values().any(|v| v.contains("/no/such"))),
            "a raw path became a label"
        );
        let latency = after
            .samples
            .iter()
            .find(|s| {
                s.metric == "polaris_http_request_duration_seconds"
                    && s.labels.get("route") == Some("/auth")
            })
            .expect("a latency histogram for /auth");
        assert!(matches!(latency.value, Value::Histogram(_)));
        assert_eq!(
            value(&after, "polaris_transactions", &[("status", "incomplete")]),
            2.0
        );
        assert_eq!(
            value(&after, "polaris_transactions", &[("status", "completed")]),
            1.0
        );
        assert_eq!(
            value(&after, "polaris_transactions", &[("status", "error")]),
            0.0
        );
        let round = [("process", "expire-transactions"), ("outcome", "ok")];
        assert_eq!(value(&after, "polaris_process_rounds_total", &round), 1.0);
        assert_eq!(value(&after, "polaris_callbacks_pending", &[]), 1.0);
        let age = value(&after, "polaris_callbacks_oldest_pending_age_seconds", &[]);
        assert!((290.0..3600.0).contains(&age), "callback age {age}");
        // The previous scrape is counted too, under its own route.
        let metrics = [("route", "/metrics"), ("status", "200")];
        assert!(value(&after, "polaris_http_requests_total", &metrics) >= 1.0);
    }
}

#[actix_web::test]
async fn metrics_are_off_by_default_and_off_the_public_routes_with_a_bind_address() {
    let db = TestDatabase::sqlite();
    for extra in [vec![], vec![("METRICS_BIND", "127.0.0.1:0")]] {
        let polaris = polaris(&db, &extra).await;
        let app = test::init_service(App::new().configure(polaris.configure())).await;
        assert_eq!(status(&app, "/metrics").await, 404, "{extra:?}");
    }
}

#[actix_web::test]
async fn two_contexts_count_apart() {
    let db = TestDatabase::sqlite();
    let one = polaris(&db, &[("METRICS_ENABLED", "true")]).await;
    let two = polaris(&db, &[("METRICS_ENABLED", "true")]).await;
    one.context().metrics.challenge_issued();
    assert!(one
        .context()
        .metrics
        .encode()
        .contains("polaris_sep10_challenges_total 1"));
    assert!(two
        .context()
        .metrics
        .encode()
        .contains("polaris_sep10_challenges_total 0"));
}

#[actix_web::test]
async fn a_metrics_listener_serves_the_scrape_on_its_own_address() {
    let db = TestDatabase::sqlite();
    let polaris = polaris(&db, &[]).await;
    let ctx: Context = polaris.context().clone();
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    drop(listener);
    let server = polaris_actix::metrics::server(ctx.clone(), addr).unwrap();
    let handle = server.handle();
    tokio::spawn(server);
    ctx.metrics.token_issued();
    let text = reqwest::get(format!("http://{addr}/metrics"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    handle.stop(true).await;
    let scrape = Scrape::parse(text.lines().map(|l| Ok(l.to_string()))).unwrap();
    assert_eq!(value(&scrape, "polaris_sep10_tokens_total", &[]), 1.0);
}

#[actix_web::test]
async fn a_broken_database_still_scrapes_and_is_counted() {
    let db = TestDatabase::sqlite();
    let polaris = polaris(&db, &[("METRICS_ENABLED", "true")]).await;
    let app = test::init_service(App::new().configure(polaris.configure())).await;
    store_transaction(polaris.context(), Status::Incomplete);
    let first = scrape(&app).await;
    assert_eq!(
        value(&first, "polaris_metrics_store_errors_total", &[]),
        0.0
    );

    let path = db.url.trim_start_matches("sqlite://").to_string();
    for suffix in ["", "-wal", "-shm"] {
        let file = format!("{path}{suffix}");
        if let Ok(meta) = std::fs::metadata(&file) {
            std::fs::write(&file, vec![0xA5u8; meta.len().max(4096) as usize]).unwrap();
        }
    }
    let second = scrape(&app).await;
    assert_eq!(
        value(&second, "polaris_metrics_store_errors_total", &[]),
        1.0
    );
    // The gauges keep their last values rather than dropping to zero.
    let incomplete = [("status", "incomplete")];
    assert_eq!(value(&second, "polaris_transactions", &incomplete), 1.0);
}
