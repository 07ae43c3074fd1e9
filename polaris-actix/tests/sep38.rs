//! SEP-38 through actix on SQLite and PostgreSQL: info, prices, price and firm quotes, every
//! answer checked against `schemas/sep38/` and every price against SEP-38's price formulas;
//! each kind of bad input refused with a 4xx in the SEP's error shape.

mod schema;

use actix_web::dev::{Service, ServiceResponse};
use actix_web::{test, web, App};
use chrono::{DateTime, Duration, SecondsFormat, Utc};
use polaris_actix::Polaris;
use polaris_core::integrations::{FeeAsset, Integrations, OffchainAsset, Rate};
use polaris_core::model::{now, Asset, AssetId, FeeDetail, QuoteFee};
use polaris_core::sep38::pricing::{formulas_hold, Priced};
use polaris_core::stellar::KeyPair;
use polaris_core::store::quotes::{self, TakeError};
use polaris_core::testing::{store_asset, RateTable, TestDatabase};
use polaris_core::Context;
use rust_decimal::Decimal;
use serde_json::{json, Value};

fn d(text: &str) -> Decimal {
    text.parse().expect("a decimal")
}

fn usd() -> AssetId {
    AssetId::fiat("USD").unwrap()
}

fn eur() -> AssetId {
    AssetId::fiat("EUR").unwrap()
}

/// USD (wire or ACH in, bank account out, US only) and EUR (SEPA, Germany and France).
fn offchain() -> Vec<OffchainAsset> {
    vec![
        OffchainAsset::new("USD", 2)
            .country("US")
            .sell_method("WIRE", "a wire to the anchor's bank")
            .sell_method("ACH", "an ACH transfer")
            .buy_method("bank_account", "to your bank account"),
        OffchainAsset::new("EUR", 2)
            .country("DE")
            .country("FR")
            .sell_method("SEPA", "a SEPA transfer")
            .buy_method("SEPA", "a SEPA transfer"),
    ]
}

/// USD and the token 1:1 with a 1 USD fee either way; EUR at 0.92 per token with a fee of
/// 0.50 EUR in two parts; the token at 1.09 per EUR without fee. USD and EUR do not trade.
fn desk(token: &AssetId) -> RateTable {
    let one_usd = Rate::new(d("1")).with_fee(d("1"), FeeAsset::Sell);
    let eur_in = Rate::new(d("0.92"))
        .with_fee(d("0.5"), FeeAsset::Sell)
        .with_detail(FeeDetail::new("SEPA fee", d("0.3")).described("the bank's fee"))
        .with_detail(FeeDetail::new("Service fee", d("0.2")));
    RateTable::new(offchain())
        .rate(usd(), token.clone(), one_usd)
        .rate(
            token.clone(),
            usd(),
            Rate::new(d("1")).with_fee(d("1"), FeeAsset::Buy),
        )
        .rate(eur(), token.clone(), eur_in)
        .rate(token.clone(), eur(), Rate::new(d("1.09")))
}

struct Setup {
    ctx: Context,
    token: AssetId,
}

fn setup(db: &TestDatabase) -> Setup {
    let asset = store_asset(
        &db.store,
        &Asset::new("SRT", KeyPair::random().public_key()),
    );
    let token = AssetId::of_asset(&asset);
    let integrations = Integrations {
        quote: Some(std::sync::Arc::new(desk(&token))),
        ..Default::default()
    };
    Setup {
        ctx: polaris_core::testing::context(&db.store, integrations),
        token,
    }
}

async fn service(
    ctx: &Context,
) -> impl Service<actix_http::Request, Response = ServiceResponse, Error = actix_web::Error> {
    test::init_service(
        App::new()
            .app_data(web::Data::new(ctx.clone()))
            .configure(polaris_actix::error::configure)
            .configure(polaris_actix::sep38::configure),
    )
    .await
}

async fn call<S>(app: &S, req: test::TestRequest, jwt: Option<&str>) -> (u16, Value)
where
    S: Service<actix_http::Request, Response = ServiceResponse, Error = actix_web::Error>,
{
    let req = match jwt {
        Some(jwt) => req.insert_header(("Authorization", format!("Bearer {jwt}"))),
        None => req,
    };
    schema::read(test::call_service(app, req.to_request()).await).await
}

fn get(uri: &str) -> test::TestRequest {
    test::TestRequest::get().uri(uri)
}

fn post_quote(body: &Value) -> test::TestRequest {
    test::TestRequest::post()
        .uri("/sep38/quote")
        .insert_header(("Content-Type", "application/json"))
        .set_payload(body.to_string())
}

fn token_for(ctx: &Context) -> String {
    polaris_core::testing::token(&ctx.settings, KeyPair::random().public_key(), None)
}

fn enc(id: &AssetId) -> String {
    url::form_urlencoded::byte_serialize(id.to_string().as_bytes()).collect()
}

fn decimal(v: &Value) -> Decimal {
    v.as_str()
        .expect("a decimal string")
        .parse()
        .expect("a decimal")
}

/// Reads a `GET /price` or quote answer back as numbers.
fn priced(body: &Value) -> Priced {
    Priced {
        price: decimal(&body["price"]),
        total_price: decimal(&body["total_price"]),
        sell_amount: decimal(&body["sell_amount"]),
        buy_amount: decimal(&body["buy_amount"]),
        fee: serde_json::from_value::<QuoteFee>(body["fee"].clone()).expect("a fee object"),
    }
}

fn error_of(body: &Value) -> &str {
    body["error"].as_str().unwrap_or_default()
}

#[actix_web::test]
async fn info_lists_the_stored_token_and_the_offchain_assets() {
    for db in TestDatabase::all() {
        let s = setup(&db);
        let app = service(&s.ctx).await;
        let jwt = token_for(&s.ctx);
        for auth in [None, Some(jwt.as_str())] {
            let (status, body) = call(&app, get("/sep38/info"), auth).await;
            assert_eq!(status, 200, "{body}");
            let assets = body["assets"].as_array().unwrap();
            let names: Vec<&str> = assets
                .iter()
                .map(|a| a["asset"].as_str().unwrap())
                .collect();
            assert_eq!(
                names,
                [s.token.to_string().as_str(), "iso4217:USD", "iso4217:EUR"]
            );
            assert_eq!(assets[1]["country_codes"], json!(["US"]));
            assert_eq!(assets[1]["sell_delivery_methods"][1]["name"], "ACH");
            assert_eq!(assets[2]["buy_delivery_methods"][0]["name"], "SEPA");
        }
        let (status, body) = call(&app, get("/sep38/info"), Some("not-a-token")).await;
        assert_eq!(status, 403, "a bad token is refused even where optional");
        assert!(!error_of(&body).is_empty());
    }
}

#[actix_web::test]
async fn prices_list_what_each_asset_trades_against() {
    for db in TestDatabase::all() {
        let s = setup(&db);
        let app = service(&s.ctx).await;
        let uri = format!("/sep38/prices?sell_asset={}&sell_amount=100", enc(&usd()));
        let (status, body) = call(&app, get(&uri), None).await;
        assert_eq!(status, 200, "{body}");
        // 100 USD buy 99 tokens: 100/99 USD a token, fee included.
        let expected = json!({ "buy_assets": [
            { "asset": s.token.to_string(), "price": "1.0101010101", "decimals": 2 } ] });
        assert_eq!(body, expected);

        let uri = format!("/sep38/prices?sell_asset={}&sell_amount=50", enc(&s.token));
        let (status, body) = call(&app, get(&uri), None).await;
        assert_eq!(status, 200, "{body}");
        let listed: Vec<&str> = body["buy_assets"]
            .as_array()
            .unwrap()
            .iter()
            .map(|a| a["asset"].as_str().unwrap())
            .collect();
        assert_eq!(listed, ["iso4217:USD", "iso4217:EUR"]);

        let uri = format!("/sep38/prices?buy_asset={}&buy_amount=10", enc(&s.token));
        let (status, body) = call(&app, get(&uri), None).await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(body["sell_assets"].as_array().unwrap().len(), 2, "{body}");
        // With a country, EUR (Germany and France) drops out for a US user.
        let (_, body) = call(&app, get(&format!("{uri}&country_code=US")), None).await;
        assert_eq!(body["sell_assets"][0]["asset"], "iso4217:USD", "{body}");
        assert_eq!(body["sell_assets"].as_array().unwrap().len(), 1, "{body}");

        let token = enc(&s.token);
        for (query, why) in [
            (
                format!("sell_asset={token}&buy_asset={}&sell_amount=1", enc(&usd())),
                "not both",
            ),
            ("sell_amount=1".to_string(), "is required"),
            (format!("sell_asset={token}"), "sell_amount is required"),
            (
                format!("sell_asset={token}&sell_amount=1&buy_amount=1"),
                "buy_amount goes with",
            ),
            (
                "sell_asset=iso4217%3AJPY&sell_amount=1".to_string(),
                "not offered",
            ),
            (
                "sell_asset=USD&sell_amount=1".to_string(),
                "not an asset identifier",
            ),
            (format!("sell_asset={token}&sell_amount=-1"), "positive"),
            (
                format!("sell_asset={token}&sell_amount=1.001"),
                "decimal places",
            ),
            (
                format!("sell_asset={token}&sell_amount=1&country_code=usa"),
                "country_code",
            ),
        ] {
            let (status, body) = call(&app, get(&format!("/sep38/prices?{query}")), None).await;
            assert_eq!(status, 400, "{query}: {body}");
            assert!(error_of(&body).contains(why), "{query}: {body}");
        }
    }
}

/// Every traded pair, with each amount fixed, answers prices for which the formulas hold.
#[actix_web::test]
async fn every_price_satisfies_the_price_formulas() {
    for db in TestDatabase::all() {
        let s = setup(&db);
        let app = service(&s.ctx).await;
        let pairs = [
            (usd(), s.token.clone(), "&sell_delivery_method=WIRE"),
            (s.token.clone(), usd(), "&buy_delivery_method=bank_account"),
            (eur(), s.token.clone(), "&country_code=DE"),
            (s.token.clone(), eur(), "&country_code=FR-75"),
        ];
        let mut answers = 0;
        for (sell, buy, extra) in &pairs {
            for amount in [
                "sell_amount=100",
                "buy_amount=100",
                "sell_amount=7.77",
                "buy_amount=33.33",
            ] {
                let uri = format!(
                    "/sep38/price?sell_asset={}&buy_asset={}&{amount}&context=sep6{extra}",
                    enc(sell),
                    enc(buy)
                );
                let (status, body) = call(&app, get(&uri), None).await;
                assert_eq!(status, 200, "{uri}: {body}");
                let p = priced(&body);
                assert!(formulas_hold(&p, sell), "{uri}: {body}");
                answers += 1;
            }
        }
        assert_eq!(answers, 16);
        // The spec's own reading of one of them: 100 EUR at 0.92 with 0.50 of fees.
        let uri = format!(
            "/sep38/price?sell_asset={}&buy_asset={}&sell_amount=100&context=sep24",
            enc(&eur()),
            enc(&s.token)
        );
        let (_, body) = call(&app, get(&uri), None).await;
        assert_eq!(
            body["buy_amount"], "108.15",
            "(100 - 0.5) / 0.92 rounded down"
        );
        assert_eq!(body["sell_amount"], "99.998", "0.92 * 108.15 + 0.5");
        assert_eq!(body["price"], "0.92");
        assert_eq!(body["total_price"], "0.9246232085");
        assert_eq!(body["fee"]["total"], "0.5");
        assert_eq!(body["fee"]["asset"], "iso4217:EUR");
        assert_eq!(body["fee"]["details"][0]["description"], "the bank's fee");
    }
}

#[actix_web::test]
async fn bad_price_requests_are_refused_in_the_sep_shape() {
    for db in TestDatabase::all() {
        let s = setup(&db);
        let app = service(&s.ctx).await;
        let (usd, token) = (enc(&usd()), enc(&s.token));
        let base = format!("sell_asset={usd}&buy_asset={token}");
        for (query, why) in [
            (
                format!("{base}&context=sep6"),
                "sell_amount or buy_amount is required",
            ),
            (
                format!("{base}&sell_amount=1&buy_amount=1&context=sep6"),
                "not both",
            ),
            (format!("{base}&sell_amount=10"), "context is required"),
            (
                format!("{base}&sell_amount=10&context=sep12"),
                "context must be",
            ),
            (
                format!("{base}&sell_amount=10&context=sep6&country_code=BR"),
                "not served",
            ),
            (
                format!("{base}&sell_amount=10&context=sep6&country_code=B1"),
                "ISO 3166",
            ),
            (
                format!("{base}&sell_amount=10&context=sep6&sell_delivery_method=cash"),
                "not offered",
            ),
            (
                format!("{base}&sell_amount=10&context=sep6&buy_delivery_method=WIRE"),
                "only for an off-chain",
            ),
            (format!("{base}&sell_amount=0.5&context=sep6"), "too small"),
            (
                format!(
                    "sell_asset={usd}&buy_asset={}&sell_amount=10&context=sep6",
                    enc(&eur())
                ),
                "not traded",
            ),
            (
                format!("sell_asset={usd}&buy_asset={usd}&sell_amount=10&context=sep6"),
                "the same",
            ),
            (
                format!(
                    "sell_asset=stellar%3ASRT%3AGBAD&buy_asset={usd}&sell_amount=1&context=sep6"
                ),
                "not an asset identifier",
            ),
            (
                format!(
                    "sell_asset={}&buy_asset={usd}&sell_amount=1&context=sep6",
                    enc(&AssetId::parse(&format!(
                        "stellar:SRT:{}",
                        KeyPair::random().public_key()
                    ))
                    .unwrap())
                ),
                "not offered",
            ),
        ] {
            let (status, body) = call(&app, get(&format!("/sep38/price?{query}")), None).await;
            assert_eq!(status, 400, "{query}: {body}");
            assert!(error_of(&body).contains(why), "{query}: {body}");
        }
    }
}

fn quote_body(token: &AssetId) -> Value {
    json!({
        "sell_asset": "iso4217:USD",
        "buy_asset": token.to_string(),
        "buy_amount": "100",
        "sell_delivery_method": "WIRE",
        "country_code": "US",
        "context": "sep6",
    })
}

#[actix_web::test]
async fn a_firm_quote_is_stored_for_its_account_and_taken_once() {
    for db in TestDatabase::all() {
        let s = setup(&db);
        let app = service(&s.ctx).await;
        let account = KeyPair::random();
        let jwt = polaris_core::testing::token(&s.ctx.settings, account.public_key(), None);
        let asked = now();
        let (status, quote) = call(&app, post_quote(&quote_body(&s.token)), Some(&jwt)).await;
        assert_eq!(status, 201, "{quote}");
        assert_eq!(quote["sell_amount"], "101");
        assert_eq!(quote["buy_amount"], "100");
        assert_eq!(quote["total_price"], "1.01");
        assert_eq!(quote["sell_delivery_method"], "WIRE");
        assert!(quote.get("buy_delivery_method").is_none());
        assert!(formulas_hold(&priced(&quote), &usd()), "{quote}");
        let expires: DateTime<Utc> = quote["expires_at"].as_str().unwrap().parse().unwrap();
        assert!(expires > asked + Duration::minutes(4), "{quote}");

        let id = quote["id"].as_str().unwrap();
        let uri = format!("/sep38/quote/{id}");
        let (status, body) = call(&app, get(&uri), Some(&jwt)).await;
        assert_eq!((status, &body), (200, &quote));
        let (status, body) = call(&app, get(&uri), Some(&token_for(&s.ctx))).await;
        assert_eq!(
            (status, error_of(&body)),
            (404, "quote not found"),
            "another account"
        );
        let (status, _) = call(&app, get("/sep38/quote/nope"), Some(&jwt)).await;
        assert_eq!(status, 404);
        let (status, body) = call(&app, get(&uri), None).await;
        assert_eq!(status, 403);
        assert!(!error_of(&body).is_empty());

        let owner = polaris_core::store::transactions::Owner::account(account.public_key());
        let later = now() + Duration::hours(1);
        let (id, o) = (id.to_string(), owner.clone());
        let expired = db
            .store
            .with_conn(move |c| Ok(quotes::take(c, &id, &o, "tx-1", later)))
            .unwrap();
        assert!(matches!(expired, Err(TakeError::Expired(_))), "{expired:?}");
        let id = quote["id"].as_str().unwrap().to_string();
        let taken = db
            .store
            .with_conn(|c| Ok(quotes::take(c, &id, &owner, "tx-1", now())))
            .unwrap();
        assert_eq!(taken.unwrap().used_by_transaction.as_deref(), Some("tx-1"));
        let again = db
            .store
            .with_conn(|c| Ok(quotes::take(c, &id, &owner, "tx-2", now())))
            .unwrap();
        assert!(matches!(again, Err(TakeError::Used)), "{again:?}");
    }
}

#[actix_web::test]
async fn firm_quotes_honour_the_wished_expiry_or_refuse() {
    for db in TestDatabase::all() {
        let s = setup(&db);
        let app = service(&s.ctx).await;
        let jwt = token_for(&s.ctx);
        let at = |d: Duration| (now() + d).to_rfc3339_opts(SecondsFormat::Secs, true);
        let mut body = quote_body(&s.token);
        body["expire_after"] = json!(at(Duration::hours(2)));
        let (status, quote) = call(&app, post_quote(&body), Some(&jwt)).await;
        assert_eq!(status, 201, "{quote}");
        let expires: DateTime<Utc> = quote["expires_at"].as_str().unwrap().parse().unwrap();
        let wished: DateTime<Utc> = body["expire_after"].as_str().unwrap().parse().unwrap();
        assert!(expires >= wished, "{quote}");
        for (wish, why) in [
            (at(Duration::hours(-1)), "in the past"),
            (at(Duration::days(3)), "at most one day"),
            ("soon".to_string(), "ISO 8601"),
        ] {
            body["expire_after"] = json!(wish);
            let (status, answer) = call(&app, post_quote(&body), Some(&jwt)).await;
            assert_eq!(status, 400, "{wish}: {answer}");
            assert!(error_of(&answer).contains(why), "{wish}: {answer}");
        }
    }
}

#[actix_web::test]
async fn bad_quote_requests_are_refused_in_the_sep_shape() {
    for db in TestDatabase::all() {
        let s = setup(&db);
        let app = service(&s.ctx).await;
        let jwt = token_for(&s.ctx);
        let (status, body) = call(&app, post_quote(&quote_body(&s.token)), None).await;
        assert_eq!(status, 403, "{body}");
        let (status, _) = call(&app, post_quote(&quote_body(&s.token)), Some("bad")).await;
        assert_eq!(status, 403);
        let edits: [(&[(&str, Value)], &str); 6] = [
            (
                &[("sell_delivery_method", Value::Null)],
                "sell_delivery_method is required",
            ),
            (&[("sell_amount", json!("100"))], "not both"),
            (
                &[("buy_amount", Value::Null)],
                "sell_amount or buy_amount is required",
            ),
            (&[("context", json!("sep12"))], "context must be"),
            (&[("country_code", json!("DE"))], "not served"),
            (
                &[
                    ("buy_asset", json!("iso4217:EUR")),
                    ("country_code", Value::Null),
                ],
                "not traded",
            ),
        ];
        for (fields, why) in edits {
            let mut body = quote_body(&s.token);
            for (field, value) in fields {
                body[*field] = value.clone();
            }
            let (status, answer) = call(&app, post_quote(&body), Some(&jwt)).await;
            assert_eq!(status, 400, "{fields:?}: {answer}");
            assert!(error_of(&answer).contains(why), "{fields:?}: {answer}");
        }
        let text = test::TestRequest::post()
            .uri("/sep38/quote")
            .insert_header(("Content-Type", "text/plain"))
            .set_payload("{}");
        let (status, _) = call(&app, text, Some(&jwt)).await;
        assert_eq!(status, 400);
        let (status, _) = call(&app, post_quote(&json!(["x"])), Some(&jwt)).await;
        assert_eq!(status, 400);
    }
}

async fn built(db: &TestDatabase, with_desk: bool) -> Polaris {
    let settings = polaris_core::testing::settings(&[]);
    let builder = Polaris::builder(settings).store(db.store.clone());
    let builder = match with_desk {
        true => builder.quote(RateTable::new(offchain())),
        false => builder,
    };
    builder.build().await.expect("build")
}

#[actix_web::test]
async fn stellar_toml_advertises_the_quote_server_only_when_served() {
    for with_desk in [true, false] {
        let db = TestDatabase::sqlite();
        let polaris = built(&db, with_desk).await;
        let app = test::init_service(App::new().configure(polaris.configure())).await;
        let req = get("/.well-known/stellar.toml").to_request();
        let text = test::read_body(test::call_service(&app, req).await).await;
        let toml: toml::Table = toml::from_str(std::str::from_utf8(&text).unwrap()).unwrap();
        let advertised = toml.get("ANCHOR_QUOTE_SERVER").and_then(|v| v.as_str());
        let info = test::call_service(&app, get("/sep38/info").to_request()).await;
        match with_desk {
            true => {
                assert_eq!(advertised, Some("https://anchor.example.com/sep38"));
                assert_eq!(info.status().as_u16(), 200);
            }
            false => {
                assert_eq!(advertised, None, "{toml:?}");
                assert_eq!(info.status().as_u16(), 404);
            }
        }
    }
}
