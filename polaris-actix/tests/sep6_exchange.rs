//! SEP-6 `deposit-exchange` and `withdraw-exchange` through actix on SQLite and PostgreSQL,
//! with firm quotes made by `POST /sep38/quote`: every body checked against its schema, the
//! quote's amounts and fee recorded on the transaction, and each quote that does not fit
//! (another account's, expired, used, other assets or amount) refused with a 400.

mod exchange_support;
mod schema;

use actix_web::dev::{Service, ServiceResponse};
use actix_web::{test, web, App};
use chrono::Duration;
use exchange_support::{d, setup, setup_with, Setup};
use polaris_core::model::{now, AssetId, FundingMethod, Protocol, Quote, QuoteFee, Transaction};
use polaris_core::stellar::KeyPair;
use polaris_core::store::{quotes, transactions};
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
            .configure(polaris_actix::sep6::configure)
            .configure(polaris_actix::sep38::configure),
    )
    .await
}

fn request(uri: &str, jwt: Option<&str>) -> actix_http::Request {
    let req = test::TestRequest::get().uri(uri);
    match jwt {
        Some(jwt) => req.insert_header(("Authorization", format!("Bearer {jwt}"))),
        None => req,
    }
    .to_request()
}

async fn get<S>(app: &S, uri: &str, jwt: Option<&str>) -> (u16, Value)
where
    S: Service<actix_http::Request, Response = ServiceResponse, Error = actix_web::Error>,
{
    schema::read(test::call_service(app, request(uri, jwt)).await).await
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

fn enc(text: &str) -> String {
    url::form_urlencoded::byte_serialize(text.as_bytes()).collect()
}

fn deposit_uri(s: &Setup, amount: &str, quote_id: Option<&str>) -> String {
    let mut uri = format!(
        "/sep6/deposit-exchange?destination_asset={}&source_asset=iso4217%3AUSD&amount={amount}",
        s.asset.code
    );
    if let Some(id) = quote_id {
        uri.push_str(&format!("&quote_id={}", enc(id)));
    }
    uri
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

fn count(db: &TestDatabase, s: &Setup, account: &str) -> usize {
    let query = transactions::ListQuery {
        owner: transactions::Owner::account(account),
        asset_id: s.asset.id,
        protocol: Protocol::Sep6,
        kinds: vec![],
        no_older_than: None,
        paging_id: None,
        limit: 100,
    };
    db.store
        .with_conn(move |c| transactions::list(c, &query))
        .expect("list")
        .len()
}

#[actix_web::test]
async fn info_lists_exchanges_only_with_a_quote_integration() {
    for db in TestDatabase::all() {
        for quotes in [true, false] {
            let s = setup(&db, quotes);
            let app = service(&s.ctx).await;
            let (status, info) = get(&app, "/sep6/info", None).await;
            assert_eq!(status, 200, "{info}");
            assert_eq!(info.get("deposit-exchange").is_some(), quotes, "{info}");
            assert_eq!(info.get("withdraw-exchange").is_some(), quotes, "{info}");
            if quotes {
                let entry = &info["deposit-exchange"][&s.asset.code];
                assert_eq!(entry["authentication_required"], true, "{info}");
                assert!(entry.get("enabled").is_none(), "{info}");
            }
        }
    }
}

#[actix_web::test]
async fn a_deposit_exchange_records_its_quote_and_takes_it() {
    for db in TestDatabase::all() {
        let s = setup(&db, true);
        let app = service(&s.ctx).await;
        let account = KeyPair::random();
        let jwt = jwt(&s.ctx, &account);
        let q = quote(&app, &jwt, deposit_quote(&s.token)).await;
        let quote_id = q["id"].as_str().unwrap();
        assert_eq!(q["sell_amount"], "101");

        let (status, body) = get(&app, &deposit_uri(&s, "101", Some(quote_id)), Some(&jwt)).await;
        assert_eq!(status, 200, "{body}");
        let id = body["id"].as_str().unwrap();
        let tx = stored(&db, id);
        assert_eq!(tx.quote_id.as_deref(), Some(quote_id));
        assert_eq!(
            (tx.amount_in, tx.amount_out, tx.amount_fee),
            (Some(d("101")), Some(d("100")), Some(d("1")))
        );
        assert_eq!(tx.amount_in_asset.as_deref(), Some("iso4217:USD"));
        assert_eq!(tx.amount_out_asset, Some(s.token.to_string()));

        let (status, view) = get(&app, &format!("/sep6/transaction?id={id}"), Some(&jwt)).await;
        assert_eq!(status, 200, "{view}");
        let t = &view["transaction"];
        assert_eq!(t["kind"], "deposit-exchange", "{view}");
        assert_eq!(t["quote_id"], quote_id);
        assert_eq!(t["amount_in_asset"], "iso4217:USD");
        assert_eq!(t["amount_out_asset"], s.token.to_string());
        assert_eq!(t["amount_out"], "100.00");
        assert_eq!(
            t["fee_details"],
            json!({"total": "1", "asset": "iso4217:USD"})
        );

        let owner = transactions::Owner::account(account.public_key());
        let qid = quote_id.to_string();
        let taken = db
            .store
            .with_conn(move |c| quotes::find_owned(c, &qid, &owner))
            .unwrap()
            .unwrap();
        assert_eq!(taken.used_by_transaction.as_deref(), Some(id));

        let (status, body) = get(&app, &deposit_uri(&s, "101", Some(quote_id)), Some(&jwt)).await;
        assert_eq!(
            (status, error_of(&body)),
            (400, "the quote is already used")
        );
        assert_eq!(count(&db, &s, account.public_key()), 1);
    }
}

/// The ids of `/sep6/transactions?asset_code=SRT&{filter}`, sorted.
async fn listed<S>(app: &S, jwt: &str, filter: &str) -> Vec<String>
where
    S: Service<actix_http::Request, Response = ServiceResponse, Error = actix_web::Error>,
{
    let uri = format!("/sep6/transactions?asset_code=SRT&{filter}");
    let (status, body) = get(app, &uri, Some(jwt)).await;
    assert_eq!(status, 200, "{filter}: {body}");
    let mut ids: Vec<String> = body["transactions"]
        .as_array()
        .expect("a list")
        .iter()
        .map(|t| t["id"].as_str().expect("an id").to_string())
        .collect();
    ids.sort();
    ids
}

#[actix_web::test]
async fn an_exchange_answer_leaves_out_the_assets_fees_and_the_kind_filter_tells_it_apart() {
    for db in TestDatabase::all() {
        let s = setup_with(&db, true, |a| {
            a.deposit.fee_fixed = Some(d("2"));
            a.deposit.fee_percent = Some(d("1"));
        });
        let app = service(&s.ctx).await;
        let account = KeyPair::random();
        let jwt = jwt(&s.ctx, &account);
        let plain_uri = format!(
            "/sep6/deposit?asset_code=SRT&account={}&amount=10",
            account.public_key()
        );
        let (status, plain) = get(&app, &plain_uri, Some(&jwt)).await;
        assert_eq!(status, 200, "{plain}");
        assert_eq!(plain["fee_fixed"].as_f64(), Some(2.0), "{plain}");

        let q = quote(&app, &jwt, deposit_quote(&s.token)).await;
        let uri = deposit_uri(&s, "101", q["id"].as_str());
        let (status, exchange) = get(&app, &uri, Some(&jwt)).await;
        assert_eq!(status, 200, "{exchange}");
        for fee in ["fee_fixed", "fee_percent"] {
            assert!(exchange.get(fee).is_none(), "{fee} in {exchange}");
        }

        let plain_id = plain["id"].as_str().unwrap().to_string();
        let exchange_id = exchange["id"].as_str().unwrap().to_string();
        let mut both = vec![plain_id.clone(), exchange_id.clone()];
        both.sort();
        assert_eq!(listed(&app, &jwt, "kind=deposit").await, vec![plain_id]);
        assert_eq!(
            listed(&app, &jwt, "kind=deposit-exchange").await,
            vec![exchange_id.clone()]
        );
        assert_eq!(
            listed(&app, &jwt, "kind=deposit&kind=deposit-exchange").await,
            both
        );
        assert_eq!(
            listed(&app, &jwt, "kind=deposit-exchange,withdrawal").await,
            [exchange_id]
        );
        assert_eq!(listed(&app, &jwt, "").await, both);
        let (status, body) = get(
            &app,
            "/sep6/transactions?asset_code=SRT&kind=exchange",
            Some(&jwt),
        )
        .await;
        assert_eq!(status, 400, "{body}");
    }
}

#[actix_web::test]
async fn exchange_funding_methods_are_the_offchain_assets_delivery_methods() {
    for db in TestDatabase::all() {
        let s = setup_with(&db, true, |a| {
            a.deposit.funding_methods = vec![FundingMethod::new("bank_transfer")];
        });
        let app = service(&s.ctx).await;
        let (status, info) = get(&app, "/sep6/info", None).await;
        assert_eq!(status, 200, "{info}");
        assert_eq!(
            info["deposit"]["SRT"]["funding_methods"],
            json!(["bank_transfer"])
        );
        assert_eq!(
            info["deposit-exchange"]["SRT"]["funding_methods"],
            json!(["WIRE"])
        );
        assert_eq!(
            info["withdraw-exchange"]["SRT"]["funding_methods"],
            json!(["bank_account"])
        );

        let jwt = jwt(&s.ctx, &KeyPair::random());
        let usd = |method: &str| format!("{}&funding_method={method}", deposit_uri(&s, "10", None));
        let (status, body) = get(&app, &usd("WIRE"), Some(&jwt)).await;
        assert_eq!(status, 200, "{body}");
        let (status, body) = get(&app, &usd("bank_transfer"), Some(&jwt)).await;
        assert_eq!(
            (status, error_of(&body)),
            (
                400,
                "funding_method 'bank_transfer' is not offered for deposits of SRT: use one of WIRE"
            )
        );
        // Euros have no delivery methods at this desk: the asset's own methods apply.
        let eur =
            "/sep6/deposit-exchange?destination_asset=SRT&source_asset=iso4217%3AEUR&amount=10";
        let (status, body) = get(
            &app,
            &format!("{eur}&funding_method=bank_transfer"),
            Some(&jwt),
        )
        .await;
        assert_eq!(status, 200, "{body}");
        let (status, _) = get(&app, &format!("{eur}&funding_method=WIRE"), Some(&jwt)).await;
        assert_eq!(status, 400);
    }
}

#[actix_web::test]
async fn a_withdraw_exchange_pays_the_quoted_amount_to_the_anchor() {
    for db in TestDatabase::all() {
        let s = setup(&db, true);
        let app = service(&s.ctx).await;
        let jwt = jwt(&s.ctx, &KeyPair::random());
        let body = json!({
            "sell_asset": s.token.to_string(), "buy_asset": "iso4217:USD", "sell_amount": "50",
            "buy_delivery_method": "bank_account", "context": "sep6",
        });
        let q = quote(&app, &jwt, body).await;
        let quote_id = q["id"].as_str().unwrap();
        let uri = format!(
            "/sep6/withdraw-exchange?source_asset={}&destination_asset=iso4217%3AUSD&amount=50&quote_id={quote_id}",
            enc(&s.token.to_string())
        );
        let (status, body) = get(&app, &uri, Some(&jwt)).await;
        assert_eq!(status, 200, "{body}");
        let tx = stored(&db, body["id"].as_str().unwrap());
        assert_eq!(body["memo"], tx.memo.clone().unwrap());
        assert_eq!(
            (tx.amount_in, tx.amount_out, tx.amount_fee),
            (Some(d("50")), Some(d("49")), Some(d("1")))
        );
        assert_eq!(tx.amount_in_asset, Some(s.token.to_string()));
        assert_eq!(tx.amount_out_asset.as_deref(), Some("iso4217:USD"));
        let id = tx.id;
        let (_, view) = get(&app, &format!("/sep6/transaction?id={id}"), Some(&jwt)).await;
        assert_eq!(view["transaction"]["kind"], "withdrawal-exchange", "{view}");
    }
}

#[actix_web::test]
async fn an_exchange_without_a_quote_records_the_assets_and_the_amount() {
    for db in TestDatabase::all() {
        let s = setup(&db, true);
        let app = service(&s.ctx).await;
        let jwt = jwt(&s.ctx, &KeyPair::random());
        let (status, body) = get(&app, &deposit_uri(&s, "25.5", None), Some(&jwt)).await;
        assert_eq!(status, 200, "{body}");
        let tx = stored(&db, body["id"].as_str().unwrap());
        assert_eq!(tx.quote_id, None);
        assert_eq!(tx.amount_expected, Some(d("25.5")));
        assert_eq!((tx.amount_in, tx.amount_out), (None, None));
        assert_eq!(tx.amount_in_asset.as_deref(), Some("iso4217:USD"));
    }
}

/// A quote of `account` stored directly, for 101 USD, expiring at `expires_at`.
fn stored_quote(
    db: &TestDatabase,
    s: &Setup,
    account: &str,
    expires_at: chrono::DateTime<chrono::Utc>,
) -> String {
    let usd = AssetId::fiat("USD").unwrap();
    let q = Quote {
        id: uuid::Uuid::new_v4().to_string(),
        account: account.to_string(),
        memo: None,
        muxed_account: None,
        context: Protocol::Sep6,
        sell_asset: usd.clone(),
        sell_amount: d("101"),
        sell_delivery_method: None,
        buy_asset: s.token.clone(),
        buy_amount: d("100"),
        buy_delivery_method: None,
        price: d("1"),
        total_price: d("1.01"),
        fee: QuoteFee {
            total: d("1"),
            asset: usd,
            details: Vec::new(),
        },
        expires_at,
        used_by_transaction: None,
        created_at: now() - Duration::minutes(10),
    };
    let id = q.id.clone();
    db.store.with_conn(move |c| quotes::insert(c, &q)).unwrap();
    id
}

#[actix_web::test]
async fn quotes_that_do_not_fit_are_refused() {
    for db in TestDatabase::all() {
        let s = setup(&db, true);
        let app = service(&s.ctx).await;
        let account = KeyPair::random();
        let jwt = jwt(&s.ctx, &account);
        let q = quote(&app, &jwt, deposit_quote(&s.token)).await;
        let quote_id = q["id"].as_str().unwrap();
        let expired = stored_quote(&db, &s, account.public_key(), now() - Duration::minutes(1));
        let other = jwt_of_another(&s.ctx);
        let cases = [
            (
                deposit_uri(&s, "101", Some(quote_id)),
                other.as_str(),
                "not a quote of yours",
            ),
            (deposit_uri(&s, "100", Some(quote_id)), &jwt, "sell_amount"),
            (
                deposit_uri(&s, "101", Some(quote_id)).replace("iso4217%3AUSD", "iso4217%3AEUR"),
                &jwt,
                "the quote sells",
            ),
            (deposit_uri(&s, "101", Some(&expired)), &jwt, "expired"),
            (
                deposit_uri(&s, "101", Some("nope")),
                &jwt,
                "not a quote of yours",
            ),
            (
                deposit_uri(&s, "101", None).replace("iso4217%3AUSD", "iso4217%3AJPY"),
                &jwt,
                "not offered",
            ),
            (
                deposit_uri(&s, "101", None).replace("iso4217%3AUSD", "USD"),
                &jwt,
                "source_asset",
            ),
            (
                deposit_uri(&s, "101", None).replace("&amount=101", ""),
                &jwt,
                "amount is required",
            ),
        ];
        for (uri, token, wanted) in cases {
            let (status, body) = get(&app, &uri, Some(token)).await;
            assert_eq!(status, 400, "{uri}: {body}");
            assert!(error_of(&body).contains(wanted), "{uri}: {body}");
        }
        let (status, body) = get(&app, &deposit_uri(&s, "101", Some(quote_id)), None).await;
        assert_eq!(
            (status, &body["type"]),
            (403, &json!("authentication_required"))
        );
        assert_eq!(count(&db, &s, account.public_key()), 0, "nothing stored");
        let (status, body) = get(&app, &deposit_uri(&s, "101", Some(quote_id)), Some(&jwt)).await;
        assert_eq!(status, 200, "the quote is still free: {body}");
    }
}

fn jwt_of_another(ctx: &Context) -> String {
    jwt(ctx, &KeyPair::random())
}

#[actix_web::test]
async fn exchanges_are_refused_without_a_quote_integration() {
    for db in TestDatabase::all() {
        let s = setup(&db, false);
        let app = service(&s.ctx).await;
        let jwt = jwt(&s.ctx, &KeyPair::random());
        let (status, body) = get(&app, &deposit_uri(&s, "101", None), Some(&jwt)).await;
        assert_eq!(status, 400, "{body}");
        assert!(error_of(&body).contains("not offered"), "{body}");
    }
}

#[actix_web::test]
async fn a_quote_used_by_two_requests_at_once_makes_one_transaction() {
    for db in TestDatabase::all() {
        let s = setup(&db, true);
        let app = service(&s.ctx).await;
        let account = KeyPair::random();
        let jwt = jwt(&s.ctx, &account);
        let q = quote(&app, &jwt, deposit_quote(&s.token)).await;
        let uri = deposit_uri(&s, "101", q["id"].as_str());
        let calls = (0..4).map(|_| test::call_service(&app, request(&uri, Some(&jwt))));
        let answers = futures::future::join_all(calls).await;
        let mut statuses = Vec::new();
        for resp in answers {
            let (status, body) = schema::read(resp).await;
            if status == 400 {
                assert_eq!(error_of(&body), "the quote is already used", "{body}");
            }
            statuses.push(status);
        }
        statuses.sort();
        assert_eq!(statuses, vec![200, 400, 400, 400]);
        assert_eq!(count(&db, &s, account.public_key()), 1);
    }
}
