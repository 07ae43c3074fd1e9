//! The back office over HTTP on every test database: sign-in required, wrong passwords and
//! missing CSRF tokens refused, search filters (hostile ones answered 400), a lifecycle
//! operation applied and a refused one explained, an asset edit reflected in stellar.toml,
//! unmatched payments matched once, and the customer list.

use std::sync::OnceLock;

use actix_web::dev::{Service, ServiceResponse};
use actix_web::http::header;
use actix_web::{test, App};
use diesel::RunQueryDsl;
use polaris_actix::Polaris;
use polaris_core::model::{Asset, Kind, Protocol, Stage, Status, Transaction};
use polaris_core::stellar::KeyPair;
use polaris_core::store::{events, transactions, watcher};
use polaris_core::testing::{store_asset, TestDatabase};
use rust_decimal::Decimal;

const PASSWORD: &str = "operator passphrase 42";

fn hash() -> &'static str {
    static HASH: OnceLock<String> = OnceLock::new();
    HASH.get_or_init(|| polaris_core::backoffice::auth::hash_password(PASSWORD).unwrap())
}

/// A test client keeping the session cookie between requests.
struct Client<S> {
    app: S,
    cookie: Option<String>,
}

struct Reply {
    status: u16,
    location: Option<String>,
    body: String,
}

impl<S> Client<S>
where
    S: Service<actix_http::Request, Response = ServiceResponse, Error = actix_web::Error>,
{
    async fn send(&mut self, req: test::TestRequest) -> Reply {
        let req = match &self.cookie {
            Some(c) => req.insert_header((header::COOKIE, c.clone())),
            None => req,
        };
        let resp = test::call_service(&self.app, req.to_request()).await;
        for c in resp.response().cookies() {
            if c.name() == polaris_actix::backoffice::SESSION_COOKIE {
                assert!(c.http_only().unwrap_or(false), "HttpOnly");
                assert_eq!(c.same_site(), Some(actix_web::cookie::SameSite::Strict));
                self.cookie = Some(format!("{}={}", c.name(), c.value()));
            }
        }
        let status = resp.status().as_u16();
        let location = resp
            .headers()
            .get(header::LOCATION)
            .map(|v| v.to_str().unwrap().to_string());
        let body = String::from_utf8(test::read_body(resp).await.to_vec()).unwrap();
        Reply {
            status,
            location,
            body,
        }
    }

    async fn get(&mut self, uri: &str) -> Reply {
        self.send(test::TestRequest::get().uri(uri)).await
    }

    async fn post(&mut self, uri: &str, form: &[(&str, &str)]) -> Reply {
        let body = serde_urlencoded::to_string(form).unwrap();
        let req = test::TestRequest::post()
            .uri(uri)
            .insert_header((header::CONTENT_TYPE, "application/x-www-form-urlencoded"))
            .set_payload(body);
        self.send(req).await
    }

    /// The CSRF token of the forms on `uri`.
    async fn csrf(&mut self, uri: &str) -> String {
        let page = self.get(uri).await;
        assert_eq!(page.status, 200, "{uri}: {}", page.body);
        token_in(&page.body)
    }

    async fn sign_in(&mut self) {
        let csrf = self.csrf("/admin/login").await;
        let r = self
            .post(
                "/admin/login",
                &[("csrf_token", &csrf), ("password", PASSWORD)],
            )
            .await;
        assert_eq!(r.status, 303, "{}", r.body);
        assert_eq!(r.location.as_deref(), Some("/admin/transactions"));
    }
}

fn token_in(html: &str) -> String {
    let at = html
        .find("name=\"csrf_token\" value=\"")
        .expect("a form with a CSRF token");
    let rest = &html[at + "name=\"csrf_token\" value=\"".len()..];
    rest[..rest.find('"').unwrap()].to_string()
}

async fn client(
    db: &TestDatabase,
    extra: &[(&str, &str)],
) -> Client<impl Service<actix_http::Request, Response = ServiceResponse, Error = actix_web::Error>>
{
    let mut pairs = vec![("BACKOFFICE_PASSWORD_HASH", hash())];
    pairs.extend_from_slice(extra);
    let settings = polaris_core::testing::settings(&pairs);
    let polaris = Polaris::builder(settings)
        .store(db.store.clone())
        .build()
        .await
        .expect("build");
    let app = test::init_service(App::new().configure(polaris.configure())).await;
    Client { app, cookie: None }
}

fn stored(db: &TestDatabase, tx: &Transaction) {
    db.store.with_conn(|c| transactions::insert(c, tx)).unwrap();
}

fn received(asset: &Asset, kind: Kind, account: &str) -> Transaction {
    let mut tx = Transaction::new(kind, Protocol::Sep6, asset.id, account);
    tx.status = Status::PendingAnchor;
    tx.stage = Stage::ReadyToPay;
    tx.amount_in = Some(Decimal::from(100));
    tx.amount_fee = Some(Decimal::from(2));
    tx.amount_out = Some(Decimal::from(98));
    tx
}

fn status_of(db: &TestDatabase, tx: &Transaction) -> Status {
    let id = tx.id;
    db.store
        .with_conn(move |c| transactions::by_id(c, id))
        .unwrap()
        .unwrap()
        .status
}

#[actix_web::test]
async fn pages_need_a_sign_in_and_a_wrong_password_is_refused() {
    for db in TestDatabase::all() {
        let mut c = client(&db, &[]).await;
        for page in [
            "/admin/transactions",
            "/admin/assets",
            "/admin/payments",
            "/admin/customers",
        ] {
            let r = c.get(page).await;
            assert_eq!(
                (r.status, r.location.as_deref()),
                (303, Some("/admin/login")),
                "{page}"
            );
        }
        let csrf = c.csrf("/admin/login").await;
        let r = c
            .post(
                "/admin/login",
                &[("csrf_token", &csrf), ("password", "guess")],
            )
            .await;
        assert_eq!(r.status, 401);
        assert!(r.body.contains("Sign-in refused."), "{}", r.body);
        assert!(!r.body.contains("guess"));
        assert_eq!(
            c.get("/admin/transactions").await.status,
            303,
            "still signed out"
        );
        let r = c.post("/admin/login", &[("password", PASSWORD)]).await;
        assert_eq!(
            r.status, 403,
            "no CSRF token: refused even with the right password"
        );
        assert_eq!(c.get("/admin/transactions").await.status, 303);

        c.sign_in().await;
        let r = c.get("/admin/transactions").await;
        assert_eq!(r.status, 200, "{}", r.body);
        let csrf = token_in(&r.body);
        let r = c.post("/admin/logout", &[("csrf_token", &csrf)]).await;
        assert_eq!(r.location.as_deref(), Some("/admin/login"));
        assert_eq!(c.get("/admin/transactions").await.status, 303, "signed out");
    }
}

#[actix_web::test]
async fn the_back_office_is_off_without_a_password_hash() {
    let db = TestDatabase::sqlite();
    let settings = polaris_core::testing::settings(&[]);
    let polaris = Polaris::builder(settings)
        .store(db.store.clone())
        .build()
        .await
        .unwrap();
    let app = test::init_service(App::new().configure(polaris.configure())).await;
    let resp = test::call_service(
        &app,
        test::TestRequest::get().uri("/admin/login").to_request(),
    )
    .await;
    assert_eq!(resp.status(), 404);
}

#[actix_web::test]
async fn every_post_needs_the_session_csrf_token() {
    for db in TestDatabase::all() {
        let asset = store_asset(
            &db.store,
            &Asset::new("USDC", KeyPair::random().public_key()),
        );
        let tx = received(&asset, Kind::Withdrawal, KeyPair::random().public_key());
        stored(&db, &tx);
        let mut c = client(&db, &[]).await;
        c.sign_in().await;
        let uri = format!("/admin/transactions/{}/operations", tx.id);
        for form in [
            vec![("op", "fail"), ("message", "x")],
            vec![("op", "fail"), ("message", "x"), ("csrf_token", "forged")],
        ] {
            let r = c.post(&uri, &form).await;
            assert_eq!(r.status, 403, "{}", r.body);
        }
        let other = {
            let mut other = client(&db, &[]).await;
            other.sign_in().await;
            other.csrf("/admin/transactions").await
        };
        let r = c
            .post(
                &uri,
                &[("op", "fail"), ("message", "x"), ("csrf_token", &other)],
            )
            .await;
        assert_eq!(r.status, 403, "another session's token");
        let r = c.post("/admin/assets/new", &[("code", "EVIL")]).await;
        assert_eq!(r.status, 403);
        assert_eq!(
            status_of(&db, &tx),
            Status::PendingAnchor,
            "nothing changed"
        );
    }
}

#[actix_web::test]
async fn search_filters_narrow_the_list_and_hostile_ones_are_refused() {
    for db in TestDatabase::all() {
        let asset = store_asset(
            &db.store,
            &Asset::new("USDC", KeyPair::random().public_key()),
        );
        let (alice, bob) = (KeyPair::random(), KeyPair::random());
        let mut a = received(&asset, Kind::Deposit, alice.public_key());
        a.memo = Some("memo-alice".into());
        let mut b = received(&asset, Kind::Withdrawal, bob.public_key());
        b.status = Status::Completed;
        b.external_transaction_id = Some("bank-ref-7".into());
        stored(&db, &a);
        stored(&db, &b);
        let mut c = client(&db, &[]).await;
        c.sign_in().await;
        let shows =
            |body: &str, tx: &Transaction| body.contains(&format!("/admin/transactions/{}", tx.id));
        let all = c.get("/admin/transactions").await;
        assert!(shows(&all.body, &a) && shows(&all.body, &b));
        let cases = [
            (
                format!("account={}", &alice.public_key()[..10]),
                true,
                false,
            ),
            (format!("account={}", bob.public_key()), false, true),
            ("status=completed".to_string(), false, true),
            ("kind=deposit".to_string(), true, false),
            ("memo=memo-alice".to_string(), true, false),
            (format!("id={}", a.id), true, false),
            ("id=bank-ref-7".to_string(), false, true),
            ("from=2000-01-01&until=2000-01-02".to_string(), false, false),
            (
                format!("from={}", chrono::Utc::now().format("%Y-%m-%d")),
                true,
                true,
            ),
        ];
        for (query, with_a, with_b) in cases {
            let r = c.get(&format!("/admin/transactions?{query}")).await;
            assert_eq!(r.status, 200, "{query}: {}", r.body);
            assert_eq!(
                (shows(&r.body, &a), shows(&r.body, &b)),
                (with_a, with_b),
                "{query}"
            );
        }
        let long = "x".repeat(300);
        for hostile in [
            "account=G%27%20OR%201%3D1--".to_string(),
            format!("id={long}"),
            "status=completed%27%3B%20DROP%20TABLE%20transactions".to_string(),
            "from=yesterday".to_string(),
            "page=-1".to_string(),
        ] {
            let r = c.get(&format!("/admin/transactions?{hostile}")).await;
            assert_eq!(r.status, 400, "{hostile}");
            assert!(
                r.body.contains("filter-errors"),
                "{hostile}: the error is shown"
            );
        }
        assert!(
            shows(&c.get("/admin/transactions").await.body, &b),
            "the table is still there"
        );
    }
}

#[actix_web::test]
async fn an_operation_applies_and_one_that_does_not_is_explained() {
    for db in TestDatabase::all() {
        let asset = store_asset(
            &db.store,
            &Asset::new("USDC", KeyPair::random().public_key()),
        );
        let tx = received(&asset, Kind::Withdrawal, KeyPair::random().public_key());
        stored(&db, &tx);
        let mut c = client(&db, &[]).await;
        c.sign_in().await;
        let page = format!("/admin/transactions/{}", tx.id);
        let before = c.get(&page).await;
        assert!(
            before.body.contains("id=\"op-hold\"") && !before.body.contains("id=\"op-release\"")
        );
        let csrf = token_in(&before.body);
        let uri = format!("{page}/operations");
        let r = c
            .post(
                &uri,
                &[
                    ("csrf_token", &csrf),
                    ("op", "hold"),
                    ("message", "checking the source of funds"),
                ],
            )
            .await;
        assert_eq!(
            (r.status, r.location.as_deref()),
            (303, Some(page.as_str()))
        );
        assert_eq!(status_of(&db, &tx), Status::OnHold);
        let after = c.get(&page).await;
        assert!(
            after
                .body
                .contains("Put on hold: the transaction is now on_hold."),
            "{}",
            after.body
        );
        assert!(
            after.body.contains("checking the source of funds"),
            "the history shows the message"
        );
        let history = db
            .store
            .with_conn(|conn| events::of_transaction(conn, tx.id))
            .unwrap();
        let moves: Vec<_> = history
            .iter()
            .map(|e| (e.from_status, e.to_status))
            .collect();
        assert_eq!(
            moves,
            vec![
                (None, Status::PendingAnchor),
                (Some(Status::PendingAnchor), Status::OnHold)
            ]
        );

        // A stale page's form: hold again, on a held transaction.
        let r = c.post(&uri, &[("csrf_token", &csrf), ("op", "hold")]).await;
        assert_eq!(r.status, 303);
        let shown = c.get(&page).await;
        assert_eq!(shown.status, 200);
        assert!(
            shown.body.contains("bo-flash-error")
                && shown.body.contains("cannot move from on_hold to on_hold"),
            "{}",
            shown.body
        );
        let r = c
            .post(
                &uri,
                &[
                    ("csrf_token", &csrf),
                    ("op", "refund"),
                    ("amount", "lots"),
                    ("payment_id", "x"),
                    ("id_type", "stellar"),
                ],
            )
            .await;
        assert_eq!(r.status, 303);
        assert!(c
            .get(&page)
            .await
            .body
            .contains("amount: &#x27;lots&#x27; is not a number"));
        let r = c
            .post(&uri, &[("csrf_token", &csrf), ("op", "release")])
            .await;
        assert_eq!(r.status, 303);
        assert_eq!(status_of(&db, &tx), Status::PendingAnchor);
        assert_eq!(c.get("/admin/transactions/not-a-uuid").await.status, 404);
        assert_eq!(
            c.get(&format!("/admin/transactions/{}", uuid::Uuid::new_v4()))
                .await
                .status,
            404
        );
    }
}

#[actix_web::test]
async fn asset_edits_show_in_the_stellar_toml_at_once() {
    for db in TestDatabase::all() {
        let issuer = KeyPair::random();
        let asset = store_asset(&db.store, &Asset::new("USDC", issuer.public_key()));
        let mut c = client(&db, &[]).await;
        c.sign_in().await;
        let toml = c.get("/.well-known/stellar.toml").await.body;
        assert!(
            toml.contains("display_decimals = 2") && !toml.contains("Dollar Coin"),
            "{toml}"
        );
        let edit = format!("/admin/assets/{}", asset.id);
        let csrf = c.csrf(&edit).await;
        let form = [
            ("csrf_token", csrf.as_str()),
            ("name", "Dollar Coin"),
            ("significant_decimals", "4"),
            ("deposit_enabled", "on"),
            ("deposit_min_amount", "1"),
            ("deposit_max_amount", "1000"),
            ("deposit_fee_fixed", "0.5"),
            ("withdrawal_fee_percent", "1.5"),
            ("sep6_enabled", "on"),
            ("sep24_enabled", "on"),
        ];
        let r = c.post(&edit, &form).await;
        assert_eq!(
            (r.status, r.location.as_deref()),
            (303, Some("/admin/assets")),
            "{}",
            r.body
        );
        let toml = c.get("/.well-known/stellar.toml").await.body;
        assert!(
            toml.contains("name = \"Dollar Coin\"") && toml.contains("display_decimals = 4"),
            "{toml}"
        );
        let info = c.get("/sep6/info").await.body;
        assert!(
            !info.contains("\"withdraw\":{\"USDC\":{\"enabled\":true"),
            "withdrawals are off: {info}"
        );

        let r = c
            .post(
                &edit,
                &[
                    ("csrf_token", &csrf),
                    ("significant_decimals", "12"),
                    ("deposit_min_amount", "9"),
                    ("deposit_max_amount", "1"),
                ],
            )
            .await;
        assert_eq!(r.status, 400);
        assert!(
            r.body.contains("id=\"error-significant_decimals\"")
                && r.body.contains("must not be below the minimum"),
            "{}",
            r.body
        );

        let new = [
            ("csrf_token", csrf.as_str()),
            ("code", "EURT"),
            ("issuer", issuer.public_key()),
            ("significant_decimals", "2"),
            ("deposit_enabled", "on"),
        ];
        assert_eq!(c.post("/admin/assets/new", &new).await.status, 303);
        assert!(c
            .get("/.well-known/stellar.toml")
            .await
            .body
            .contains("code = \"EURT\""));
        let again = c.post("/admin/assets/new", &new).await;
        assert_eq!(again.status, 400);
        assert!(again
            .body
            .contains("an asset with this code and issuer exists"));
    }
}

fn unmatched(db: &TestDatabase, asset: &Asset, token: &str, amount: &str) {
    let payment = watcher::UnmatchedPayment {
        paging_token: token.into(),
        account: KeyPair::random().public_key().into(),
        from_address: KeyPair::random().public_key().into(),
        asset: asset.asset_id(),
        amount: amount.into(),
        memo: None,
        transaction_hash: format!("{:0>64}", token),
        reason: "the payment has no memo".into(),
        created_at: chrono::Utc::now().naive_utc(),
    };
    db.store
        .with_conn(|c| watcher::record_unmatched(c, &payment))
        .unwrap();
}

#[actix_web::test]
async fn an_unmatched_payment_is_matched_or_refunded_once() {
    for db in TestDatabase::all() {
        let asset = store_asset(
            &db.store,
            &Asset::new("USDC", KeyPair::random().public_key()),
        );
        let mut w = Transaction::new(
            Kind::Withdrawal,
            Protocol::Sep6,
            asset.id,
            KeyPair::random().public_key(),
        );
        w.status = Status::PendingUserTransferStart;
        w.amount_in = Some(Decimal::from(50));
        w.amount_fee = Some(Decimal::from(1));
        w.amount_out = Some(Decimal::from(49));
        stored(&db, &w);
        unmatched(&db, &asset, "101", "50.0000000");
        unmatched(&db, &asset, "102", "7");
        let mut c = client(&db, &[]).await;
        c.sign_in().await;
        let csrf = c.csrf("/admin/payments").await;
        let id = w.id.to_string();
        let r = c
            .post(
                "/admin/payments/match",
                &[
                    ("csrf_token", &csrf),
                    ("paging_token", "101"),
                    ("transaction_id", &id),
                ],
            )
            .await;
        assert_eq!(r.status, 303);
        let page = c.get("/admin/payments").await.body;
        assert!(page.contains("Payment matched to"), "{page}");
        let after = db
            .store
            .with_conn(|conn| transactions::by_id(conn, w.id))
            .unwrap()
            .unwrap();
        assert_eq!(
            (after.status, after.stage),
            (Status::PendingAnchor, Stage::ReadyToPay)
        );
        assert_eq!(
            after.stellar_transaction_id.as_deref(),
            Some(format!("{:0>64}", "101").as_str())
        );
        for form in [
            [
                ("csrf_token", csrf.as_str()),
                ("paging_token", "101"),
                ("transaction_id", id.as_str()),
            ],
            [
                ("csrf_token", csrf.as_str()),
                ("paging_token", "101"),
                ("reference", "back"),
            ],
        ] {
            let uri = if form[2].0 == "reference" {
                "/admin/payments/refund"
            } else {
                "/admin/payments/match"
            };
            assert_eq!(c.post(uri, &form).await.status, 303);
            assert!(
                c.get("/admin/payments")
                    .await
                    .body
                    .contains("resolved already"),
                "{uri}"
            );
        }
        let r = c
            .post(
                "/admin/payments/refund",
                &[
                    ("csrf_token", &csrf),
                    ("paging_token", "102"),
                    ("reference", "refund-hash"),
                ],
            )
            .await;
        assert_eq!(r.status, 303);
        let page = c.get("/admin/payments").await.body;
        assert!(
            page.contains("Recorded: 7") && page.contains("refund-hash"),
            "{page}"
        );
    }
}

#[actix_web::test]
async fn customers_are_listed_and_searched_by_account() {
    for db in TestDatabase::all() {
        let (alice, bob) = (KeyPair::random(), KeyPair::random());
        db.store
            .with_conn(|conn| {
                for (id, account) in [("cust-a", alice.public_key()), ("cust-b", bob.public_key())] {
                    diesel::sql_query(format!(
                        "INSERT INTO customers (id, stellar_account, created_at) VALUES ('{id}', '{account}', CURRENT_TIMESTAMP)"
                    ))
                    .execute(conn)?;
                }
                Ok(())
            })
            .unwrap();
        let mut c = client(&db, &[]).await;
        c.sign_in().await;
        let all = c.get("/admin/customers").await;
        assert!(
            all.body.contains("cust-a") && all.body.contains("cust-b"),
            "{}",
            all.body
        );
        let one = c
            .get(&format!(
                "/admin/customers?account={}",
                &alice.public_key()[..20]
            ))
            .await;
        assert!(one.body.contains("cust-a") && !one.body.contains("cust-b"));
        assert_eq!(
            c.get("/admin/customers?account=%3Cscript%3E").await.status,
            400
        );
    }
}

#[actix_web::test]
async fn scope_mounts_it_below_the_base_path_with_a_secure_cookie_under_https() {
    let db = TestDatabase::sqlite();
    let settings = polaris_core::testing::settings(&[
        ("BACKOFFICE_PASSWORD_HASH", hash()),
        ("BACKOFFICE_PATH", "/ops/desk"),
        ("HOST_URL", "https://localhost:8000/anchor"),
    ]);
    let polaris = Polaris::builder(settings)
        .store(db.store.clone())
        .build()
        .await
        .unwrap();
    let app = test::init_service(App::new().service(polaris.scope())).await;
    let get = |uri: &str| test::TestRequest::get().uri(uri).to_request();
    let resp = test::call_service(&app, get("/anchor/ops/desk/transactions")).await;
    assert_eq!(resp.status(), 303);
    assert_eq!(
        resp.headers().get(header::LOCATION).unwrap(),
        "/anchor/ops/desk/login"
    );
    let resp = test::call_service(&app, get("/anchor/ops/desk/login")).await;
    assert_eq!(resp.status(), 200);
    let cookie = resp
        .response()
        .cookies()
        .find(|c| c.name() == polaris_actix::backoffice::SESSION_COOKIE)
        .expect("a session cookie")
        .into_owned();
    assert_eq!(cookie.secure(), Some(true));
    assert_eq!(cookie.path(), Some("/anchor/ops/desk"));
    let body = String::from_utf8(test::read_body(resp).await.to_vec()).unwrap();
    assert!(body.contains("action=\"/anchor/ops/desk/login\""), "{body}");
    assert!(body.contains("href=\"/anchor/ops/desk/static/polaris/backoffice.css\""));
    let css = test::call_service(&app, get("/anchor/ops/desk/static/polaris/backoffice.css")).await;
    assert_eq!(css.status(), 200);
    let resp = test::call_service(&app, get("/anchor/admin/login")).await;
    assert_eq!(resp.status(), 404, "only under BACKOFFICE_PATH");
}

#[actix_web::test]
async fn a_session_expires_after_backoffice_session_seconds() {
    let db = TestDatabase::sqlite();
    let mut c = client(&db, &[("BACKOFFICE_SESSION_SECONDS", "1")]).await;
    c.sign_in().await;
    assert_eq!(c.get("/admin/assets").await.status, 200);
    tokio::time::sleep(std::time::Duration::from_millis(2100)).await;
    let r = c.get("/admin/assets").await;
    assert_eq!(
        (r.status, r.location.as_deref()),
        (303, Some("/admin/login"))
    );
}
