//! SEP-24 interactive starts with `quote_id`, `source_asset` and `destination_asset` through
//! actix on SQLite and PostgreSQL: the quote's amounts recorded and the quote taken once,
//! quotes that do not fit refused with a 400, every body checked against its schema.

mod exchange_support;
mod schema;
mod sep24_support;

use actix_web::dev::{Service, ServiceResponse};
use actix_web::{test, web, App};
use exchange_support::{d, desk, setup};
use polaris_core::model::{AssetId, Transaction};
use polaris_core::stellar::KeyPair;
use polaris_core::store::{assets, transactions};
use polaris_core::testing::TestDatabase;
use polaris_core::Context;
use serde_json::{json, Value};

async fn service(
    ctx: &Context,
) -> impl Service<actix_http::Request, Response = ServiceResponse, Error = actix_web::Error> {
    test::init_service(
        App::new()
            .app_data(web::Data::new(ctx.clone()))
            .configure(polaris_actix::error::configure)
            .configure(polaris_actix::sep24::configure)
            .configure(polaris_actix::sep38::configure),
    )
    .await
}

/// A firm quote of the account of `jwt` (the body of `POST /sep38/quote`).
async fn quote<S>(app: &S, jwt: &str, body: Value) -> Value
where
    S: Service<actix_http::Request, Response = ServiceResponse, Error = actix_web::Error>,
{
    let req = test::TestRequest::post()
        .uri("/sep38/quote")
        .insert_header(("Authorization", format!("Bearer {jwt}")))
        .insert_header(("Content-Type", "application/json"))
        .set_payload(body.to_string())
        .to_request();
    let (status, body) = schema::read(test::call_service(app, req).await).await;
    assert_eq!(status, 201, "{body}");
    body
}

/// 100 tokens bought for 101 USD by wire.
fn deposit_quote(token: &AssetId) -> Value {
    json!({
        "sell_asset": "iso4217:USD", "buy_asset": token.to_string(), "buy_amount": "100",
        "sell_delivery_method": "WIRE", "context": "sep6",
    })
}

const DEPOSIT: &str = "/sep24/transactions/deposit/interactive";

async fn start<S>(app: &S, jwt: &str, body: Value) -> (u16, Value)
where
    S: Service<actix_http::Request, Response = ServiceResponse, Error = actix_web::Error>,
{
    let req = test::TestRequest::post()
        .uri(DEPOSIT)
        .insert_header(("Authorization", format!("Bearer {jwt}")))
        .set_json(body)
        .to_request();
    schema::read(test::call_service(app, req).await).await
}

fn error_of(body: &Value) -> &str {
    body["error"].as_str().unwrap_or_default()
}

fn jwt(ctx: &Context, account: &KeyPair) -> String {
    polaris_core::testing::token(&ctx.settings, account.public_key(), None)
}

fn stored(db: &TestDatabase, id: &str) -> Transaction {
    let id = id.parse().expect("a uuid");
    db.store
        .with_conn(move |c| transactions::by_id(c, id))
        .expect("read")
        .expect("stored")
}

#[actix_web::test]
async fn an_interactive_deposit_with_a_quote_records_it_and_takes_it_once() {
    for db in TestDatabase::all() {
        let s = setup(&db, true);
        let app = service(&s.ctx).await;
        let account = KeyPair::random();
        let jwt = jwt(&s.ctx, &account);
        let q = quote(&app, &jwt, deposit_quote(&s.token)).await;
        let quote_id = q["id"].as_str().unwrap();
        let body = json!({
            "asset_code": s.asset.code, "quote_id": quote_id,
            "source_asset": "iso4217:USD", "amount": "101",
        });
        let (status, answer) = start(&app, &jwt, body.clone()).await;
        assert_eq!(status, 200, "{answer}");
        let tx = stored(&db, answer["id"].as_str().unwrap());
        assert_eq!(tx.quote_id.as_deref(), Some(quote_id));
        assert_eq!(
            (tx.amount_in, tx.amount_out, tx.amount_fee),
            (Some(d("101")), Some(d("100")), Some(d("1")))
        );
        assert_eq!(tx.amount_in_asset.as_deref(), Some("iso4217:USD"));

        let (status, again) = start(&app, &jwt, body).await;
        assert_eq!(
            (status, error_of(&again)),
            (400, "the quote is already used")
        );
    }
}

#[actix_web::test]
async fn interactive_quotes_that_do_not_fit_are_refused() {
    for db in TestDatabase::all() {
        let s = setup(&db, true);
        let app = service(&s.ctx).await;
        let account = KeyPair::random();
        let jwt = jwt(&s.ctx, &account);
        let q = quote(&app, &jwt, deposit_quote(&s.token)).await;
        let quote_id = q["id"].as_str().unwrap();
        let other =
            polaris_core::testing::token(&s.ctx.settings, KeyPair::random().public_key(), None);
        let base = json!({"asset_code": s.asset.code, "quote_id": quote_id});
        let with = |k: &str, v: &str| {
            let mut b = base.clone();
            b[k] = json!(v);
            b
        };
        let cases = [
            (base.clone(), other.as_str(), "not a quote of yours"),
            (with("amount", "100"), jwt.as_str(), "sell_amount"),
            (
                with("source_asset", "iso4217:EUR"),
                jwt.as_str(),
                "the quote sells",
            ),
            (
                with("quote_id", "nope"),
                jwt.as_str(),
                "not a quote of yours",
            ),
        ];
        for (body, token, wanted) in cases {
            let (status, answer) = start(&app, token, body.clone()).await;
            assert_eq!(status, 400, "{body}: {answer}");
            assert!(error_of(&answer).contains(wanted), "{body}: {answer}");
        }
        let (status, answer) = start(&app, &jwt, base).await;
        assert_eq!(status, 200, "the quote is still free: {answer}");
    }
}

#[actix_web::test]
async fn an_interactive_exchange_without_a_quote_records_the_assets() {
    for db in TestDatabase::all() {
        let s = setup(&db, true);
        let app = service(&s.ctx).await;
        let jwt = jwt(&s.ctx, &KeyPair::random());
        let body = json!({"asset_code": s.asset.code, "source_asset": "iso4217:USD"});
        let (status, answer) = start(&app, &jwt, body).await;
        assert_eq!(status, 200, "{answer}");
        let tx = stored(&db, answer["id"].as_str().unwrap());
        assert_eq!((tx.quote_id, tx.amount_in), (None, None));
        assert_eq!(tx.amount_in_asset.as_deref(), Some("iso4217:USD"));
        let body = json!({"asset_code": s.asset.code, "source_asset": "iso4217:JPY"});
        let (status, answer) = start(&app, &jwt, body).await;
        assert_eq!(status, 400, "{answer}");
    }
}

/// Shows the amount form (the quote's amount filled in) until it was posted once: an
/// anchor asking the user to confirm the quoted amount.
#[derive(Default)]
struct ConfirmAmount(std::sync::Mutex<std::collections::HashSet<String>>);

#[async_trait::async_trait]
impl polaris_core::integrations::InteractiveIntegration for ConfirmAmount {
    async fn form_for_transaction(
        &self,
        request: &polaris_core::integrations::InteractiveRequest<'_>,
    ) -> Result<Option<polaris_core::forms::Form>, polaris_core::integrations::IntegrationError>
    {
        let tx = request.transaction;
        let done = self.0.lock().unwrap().contains(&tx.id.to_string());
        Ok((!done)
            .then(|| polaris_core::forms::Form::transaction(request.asset, tx.kind, tx.amount_in)))
    }

    async fn after_form_validation(
        &self,
        request: &polaris_core::integrations::ValidatedForm<'_>,
    ) -> Result<(), polaris_core::integrations::IntegrationError> {
        let id = request.interactive.transaction.id.to_string();
        self.0.lock().unwrap().insert(id);
        Ok(())
    }
}

#[actix_web::test]
async fn the_amount_of_a_quoted_deposit_cannot_be_changed_in_its_form() {
    use sep24_support::{app_with, csrf, open, path, post, settings};
    for db in TestDatabase::all() {
        let s = settings(&[]);
        let app = app_with(&db, &s, |b| {
            let usdc = db.store.with_conn(|c| assets::by_code(c, "USDC"));
            let usdc = usdc.expect("read").pop().expect("USDC stored");
            b.quote(desk(&AssetId::of_asset(&usdc)))
                .interactive(ConfirmAmount::default())
        })
        .await;
        let usdc = db.store.with_conn(|c| assets::by_code(c, "USDC"));
        let token = AssetId::of_asset(&usdc.expect("read")[0]);
        let account = KeyPair::random();
        let jwt = polaris_core::testing::token(&s, account.public_key(), None);
        let q = quote(&app, &jwt, deposit_quote(&token)).await;
        let body = json!({
            "asset_code": "USDC", "quote_id": q["id"], "source_asset": "iso4217:USD",
            "amount": "101",
        });
        let (status, started) = start(&app, &jwt, body).await;
        assert_eq!(status, 200, "{started}");
        let id = started["id"].as_str().expect("id");
        let (page, cookie) = open(&app, &path(started["url"].as_str().expect("url"))).await;
        assert_eq!(page.status, 200, "{} -> {}", page.body, page.location);
        let token = csrf(&page.body);

        let changed = [
            ("transaction_id", id),
            ("csrf_token", &token),
            ("amount", "150"),
        ];
        let refused = post(&app, "deposit", Some(&cookie), &changed).await;
        assert_eq!(refused.status, 400, "{}", refused.body);
        assert!(
            refused.body.contains("The amount is the quoted one"),
            "{}",
            refused.body
        );
        let tx = stored(&db, id);
        assert_eq!(tx.status, polaris_core::model::Status::Incomplete);
        assert_eq!(
            (tx.amount_in, tx.amount_out, tx.amount_fee),
            (Some(d("101")), Some(d("100")), Some(d("1"))),
            "the quote's amounts stay"
        );

        let quoted = [
            ("transaction_id", id),
            ("csrf_token", &token),
            ("amount", "101"),
        ];
        let accepted = post(&app, "deposit", Some(&cookie), &quoted).await;
        assert_eq!(accepted.status, 303, "{}", accepted.body);
        let tx = stored(&db, id);
        assert_eq!(
            (tx.amount_in, tx.amount_out),
            (Some(d("101")), Some(d("100")))
        );
    }
}
