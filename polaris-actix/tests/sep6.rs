//! SEP-6 endpoints through actix: exact JSON shapes, auth and validation failures.

mod schema;

use std::collections::HashSet;
use std::sync::{Arc, Mutex};

use actix_web::dev::{Service, ServiceResponse};
use actix_web::{test, web, App};
use async_trait::async_trait;
use polaris_core::integrations::{
    FeeIntegration, IntegrationError, Integrations, Sep6Integration, Sep6Request, Sep6Response,
};
use polaris_core::model::{Asset, OperationConfig};
use polaris_core::sep6::withdraw_memo;
use polaris_core::stellar::KeyPair;
use polaris_core::store::transactions;
use polaris_core::testing::{context, store_asset, FixedFee, TestDatabase};
use polaris_core::Context;
use rust_decimal::Decimal;
use serde_json::{json, Value};

/// KYC done for these accounts; everything else needs first and last name.
#[derive(Clone, Default)]
struct Bank {
    kyc_done: Arc<Mutex<HashSet<String>>>,
}

#[async_trait]
impl Sep6Integration for Bank {
    async fn process_deposit(
        &self,
        request: &Sep6Request<'_>,
    ) -> Result<Sep6Response, IntegrationError> {
        let tx = request.transaction;
        match request.params.get("type") {
            Some("denied") => {
                return Ok(Sep6Response::CustomerInfoStatus {
                    status: "denied".into(),
                    more_info_url: None,
                    eta: None,
                })
            }
            Some("closed") => return Err(IntegrationError::rejected("the bank is closed")),
            _ => {}
        }
        if !self.kyc_done.lock().unwrap().contains(&tx.stellar_account) {
            return Ok(Sep6Response::CustomerInfoNeeded {
                fields: vec!["first_name".into(), "last_name".into()],
            });
        }
        if request.params.get("type") == Some("instructions") {
            let bank = json!({ "value": "121122676", "description": "US bank routing number" });
            return Ok(Sep6Response::Success {
                how: None,
                instructions: Some(json!({ "organization.bank_number": bank })),
                extra_info: None,
                eta: None,
            });
        }
        Ok(Sep6Response::Success {
            how: Some("Bank 12345, reference SRT".into()),
            instructions: None,
            extra_info: Some(json!({ "message": "send a wire" })),
            eta: Some(3600),
        })
    }

    async fn process_withdrawal(
        &self,
        _request: &Sep6Request<'_>,
    ) -> Result<Sep6Response, IntegrationError> {
        Ok(Sep6Response::Success {
            how: None,
            instructions: None,
            extra_info: None,
            eta: None,
        })
    }
}

fn srt(distribution: &KeyPair) -> Asset {
    let limits = OperationConfig {
        enabled: true,
        fee_fixed: Some(Decimal::from(5)),
        fee_percent: Some(Decimal::ONE),
        min_amount: Some(Decimal::ONE),
        max_amount: Some(Decimal::from(1000)),
        funding_methods: Vec::new(),
    };
    let mut a = Asset::new("SRT", KeyPair::random().public_key());
    a.deposit = limits.clone();
    a.withdrawal = limits;
    a.distribution_seed = Some(distribution.seed());
    a
}

struct Fixture {
    ctx: Context,
    bank: Bank,
    asset: Asset,
    distribution: KeyPair,
    _db: TestDatabase,
}

fn fixture(db: TestDatabase, fee: bool) -> Fixture {
    let distribution = KeyPair::random();
    let asset = store_asset(&db.store, &srt(&distribution));
    let mut hidden = Asset::new("HID", KeyPair::random().public_key());
    hidden.sep6_enabled = false;
    store_asset(&db.store, &hidden);
    let bank = Bank::default();
    let integrations = Integrations {
        sep6: Arc::new(bank.clone()),
        fee: fee.then(|| Arc::new(FixedFee::new(Decimal::new(25, 1))) as Arc<dyn FeeIntegration>),
        ..Default::default()
    };
    let ctx = context(&db.store, integrations);
    Fixture {
        ctx,
        bank,
        asset,
        distribution,
        _db: db,
    }
}

fn token(ctx: &Context, account: &str) -> String {
    polaris_core::testing::token(&ctx.settings, account, None)
}

async fn service(
    ctx: &Context,
) -> impl Service<actix_http::Request, Response = ServiceResponse, Error = actix_web::Error> {
    test::init_service(
        App::new()
            .app_data(web::Data::new(ctx.clone()))
            .configure(polaris_actix::error::configure)
            .configure(polaris_actix::sep6::configure),
    )
    .await
}

async fn get<S>(app: &S, uri: &str, jwt: Option<&str>) -> (u16, Value)
where
    S: Service<actix_http::Request, Response = ServiceResponse, Error = actix_web::Error>,
{
    let mut req = test::TestRequest::get().uri(uri);
    if let Some(jwt) = jwt {
        req = req.insert_header(("Authorization", format!("Bearer {jwt}")));
    }
    schema::read(test::call_service(app, req.to_request()).await).await
}

fn stored(f: &Fixture) -> i64 {
    f.ctx.store.with_conn(transactions::count).unwrap()
}

#[actix_web::test]
async fn info_lists_sep6_assets_with_limits_and_fees() {
    let f = fixture(TestDatabase::sqlite(), false);
    let app = service(&f.ctx).await;
    let (status, body) = get(&app, "/sep6/info", None).await;
    assert_eq!(status, 200);
    let op = json!({
        "enabled": true, "authentication_required": true,
        "min_amount": 1.0, "max_amount": 1000.0, "fee_fixed": 5.0, "fee_percent": 1.0,
    });
    // No funding methods declared: no (empty) `fields` or `types` either.
    assert_eq!(
        body,
        json!({
            "deposit": { "SRT": op },
            "withdraw": { "SRT": op },
            "fee": { "enabled": true, "authentication_required": false },
            "transactions": { "enabled": true, "authentication_required": true },
            "transaction": { "enabled": true, "authentication_required": true },
            "features": { "account_creation": true, "claimable_balances": true },
        })
    );
}

#[actix_web::test]
async fn a_custom_fee_function_hides_the_asset_fees() {
    let f = fixture(TestDatabase::sqlite(), true);
    let app = service(&f.ctx).await;
    let (_, body) = get(&app, "/sep6/info", None).await;
    assert!(body["deposit"]["SRT"].get("fee_fixed").is_none());
    assert!(body["withdraw"]["SRT"].get("fee_percent").is_none());
    let (status, body) = get(
        &app,
        "/sep6/fee?operation=deposit&asset_code=SRT&amount=200",
        None,
    )
    .await;
    assert_eq!((status, body), (200, json!({ "fee": 2.5 })));
}

#[actix_web::test]
async fn fee_uses_fixed_plus_percent_and_validates() {
    let f = fixture(TestDatabase::sqlite(), false);
    let app = service(&f.ctx).await;
    let (status, body) = get(
        &app,
        "/sep6/fee?operation=deposit&asset_code=SRT&amount=200",
        None,
    )
    .await;
    assert_eq!((status, body), (200, json!({ "fee": 7.0 })));
    for (query, error) in [
        (
            "operation=send&asset_code=SRT&amount=1",
            "operation must be deposit or withdraw, got 'send'",
        ),
        ("operation=deposit&asset_code=SRT", "amount is required"),
        (
            "operation=deposit&asset_code=XYZ&amount=5",
            "unknown asset_code 'XYZ'",
        ),
        (
            "operation=deposit&asset_code=HID&amount=5",
            "unknown asset_code 'HID'",
        ),
        (
            "operation=deposit&asset_code=SRT&amount=5000",
            "amount is above the maximum of 1000",
        ),
    ] {
        let (status, body) = get(&app, &format!("/sep6/fee?{query}"), None).await;
        assert_eq!((status, body), (400, json!({ "error": error })), "{query}");
    }
}

#[actix_web::test]
async fn protected_endpoints_want_a_token() {
    let f = fixture(TestDatabase::sqlite(), false);
    let app = service(&f.ctx).await;
    for uri in [
        "/sep6/deposit?asset_code=SRT",
        "/sep6/withdraw?asset_code=SRT",
        "/sep6/transactions?asset_code=SRT",
        "/sep6/transaction?id=x",
    ] {
        let (status, body) = get(&app, uri, None).await;
        assert_eq!(
            (status, body),
            (403, json!({ "type": "authentication_required" })),
            "{uri}"
        );
        let (status, _) = get(&app, uri, Some("not.a.jwt")).await;
        assert_eq!(status, 403, "{uri}");
    }
}

#[actix_web::test]
async fn bad_deposit_requests_get_400_and_store_nothing() {
    let f = fixture(TestDatabase::sqlite(), false);
    let app = service(&f.ctx).await;
    let user = KeyPair::random();
    let jwt = token(&f.ctx, user.public_key());
    for (query, error) in [
        ("", "asset_code is required"),
        ("asset_code=NOPE", "unknown asset_code 'NOPE'"),
        (
            "asset_code=SRT&amount=0.5",
            "amount is below the minimum of 1",
        ),
        (
            "asset_code=SRT&amount=10.123",
            "amount has more than 2 decimal places",
        ),
        (
            "asset_code=SRT&amount=ten",
            "amount must be a decimal number, got 'ten'",
        ),
        (
            "asset_code=SRT&memo_type=id&memo=abc",
            "memo: invalid memo: 'abc' is not a 64-bit unsigned id",
        ),
        (
            "asset_code=SRT&memo_type=id",
            "memo_type given without memo",
        ),
        (
            "asset_code=SRT&account=GBAD",
            "account: 'GBAD' is not a valid Stellar account (G... or M...)",
        ),
        (
            "asset_code=SRT&on_change_callback=ftp://x",
            "on_change_callback is refused: the URL must use https (http only in local mode)",
        ),
        (
            "asset_code=SRT&claimable_balance_supported=yes",
            "claimable_balance_supported must be true or false, got 'yes'",
        ),
        ("asset_code=SRT&type=closed", "the bank is closed"),
    ] {
        let (status, body) = get(&app, &format!("/sep6/deposit?{query}"), Some(&jwt)).await;
        assert_eq!((status, body), (400, json!({ "error": error })), "{query}");
    }
    assert_eq!(stored(&f), 0);
}

/// SEP-6 `how` is deprecated: a deposit answered with `instructions` only must not carry an
/// empty `how` (the schema check of `schema::read` refuses `"how": ""`).
#[actix_web::test]
async fn a_deposit_answered_with_instructions_only_has_no_empty_how() {
    for db in TestDatabase::all() {
        let f = fixture(db, false);
        let app = service(&f.ctx).await;
        let user = KeyPair::random();
        let jwt = token(&f.ctx, user.public_key());
        f.bank
            .kyc_done
            .lock()
            .unwrap()
            .insert(user.public_key().to_string());
        let uri = "/sep6/deposit?asset_code=SRT&amount=100&type=instructions";
        let (status, body) = get(&app, uri, Some(&jwt)).await;
        assert_eq!(status, 200, "{body}");
        assert!(body.get("how").is_none(), "{body}");
        let routing = &body["instructions"]["organization.bank_number"]["value"];
        assert_eq!(routing, "121122676", "{body}");
    }
}

#[actix_web::test]
async fn a_wallet_deposit_needs_kyc_then_gets_instructions() {
    for db in TestDatabase::all() {
        let f = fixture(db, false);
        let app = service(&f.ctx).await;
        let user = KeyPair::random();
        let jwt = token(&f.ctx, user.public_key());
        let uri = "/sep6/deposit?asset_code=SRT&amount=100&memo_type=id&memo=42";

        let (status, body) = get(&app, uri, Some(&jwt)).await;
        let needed = json!({ "type": "non_interactive_customer_info_needed", "fields": ["first_name", "last_name"] });
        assert_eq!((status, body), (403, needed));
        let (status, body) = get(&app, &format!("{uri}&type=denied"), Some(&jwt)).await;
        assert_eq!(
            (status, body),
            (
                403,
                json!({ "type": "customer_info_status", "status": "denied" })
            )
        );
        assert_eq!(stored(&f), 0, "refusals store nothing");

        f.bank
            .kyc_done
            .lock()
            .unwrap()
            .insert(user.public_key().to_string());
        let (status, body) = get(&app, uri, Some(&jwt)).await;
        assert_eq!(status, 200, "{body}");
        let id = body["id"].as_str().unwrap().to_string();
        assert_eq!(
            body,
            json!({
                "id": id, "how": "Bank 12345, reference SRT", "eta": 3600,
                "min_amount": 1.0, "max_amount": 1000.0, "fee_fixed": 5.0, "fee_percent": 1.0,
                "extra_info": { "message": "send a wire" },
            })
        );

        let (status, body) = get(&app, &format!("/sep6/transaction?id={id}"), Some(&jwt)).await;
        assert_eq!(status, 200);
        let tx = &body["transaction"];
        assert_eq!(tx["kind"], "deposit");
        assert_eq!(tx["status"], "pending_user_transfer_start");
        assert_eq!(tx["to"], user.public_key());
        assert_eq!(tx["deposit_memo"], "42");
        assert_eq!(tx["deposit_memo_type"], "id");
        assert_eq!(tx["refunded"], false);
        assert!(tx["started_at"].as_str().unwrap().ends_with('Z'));

        let (status, body) = get(&app, "/sep6/transactions?asset_code=SRT", Some(&jwt)).await;
        assert_eq!(status, 200);
        assert_eq!(body["transactions"].as_array().unwrap().len(), 1);
        assert_eq!(body["transactions"][0]["id"], id.as_str());

        let stranger = token(&f.ctx, KeyPair::random().public_key());
        let (status, body) =
            get(&app, &format!("/sep6/transaction?id={id}"), Some(&stranger)).await;
        assert_eq!(
            (status, body),
            (404, json!({ "error": "transaction not found" }))
        );
        let (_, body) = get(&app, "/sep6/transactions?asset_code=SRT", Some(&stranger)).await;
        assert_eq!(body, json!({ "transactions": [] }));
    }
}

#[actix_web::test]
async fn a_withdrawal_names_the_account_and_memo_to_pay() {
    let f = fixture(TestDatabase::sqlite(), false);
    let app = service(&f.ctx).await;
    let user = KeyPair::random();
    let jwt = token(&f.ctx, user.public_key());
    let (status, body) = get(
        &app,
        "/sep6/withdraw?asset_code=SRT&type=bank_account&dest=DE89370400440532013000&amount=50",
        Some(&jwt),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    let id: uuid::Uuid = body["id"].as_str().unwrap().parse().unwrap();
    assert_eq!(
        body,
        json!({
            "id": id.to_string(), "account_id": f.distribution.public_key(),
            "memo_type": "hash", "memo": withdraw_memo(id),
            "min_amount": 1.0, "max_amount": 1000.0, "fee_fixed": 5.0, "fee_percent": 1.0,
        })
    );
    let tx = f
        .ctx
        .store
        .with_conn(|c| transactions::by_id(c, id))
        .unwrap()
        .unwrap();
    assert_eq!(tx.to_address.as_deref(), Some("DE89370400440532013000"));
    assert_eq!(tx.amount_expected, Some(Decimal::from(50)));
    assert_eq!(tx.asset_id, f.asset.id);
    let (_, body) = get(&app, &format!("/sep6/transaction?id={id}"), Some(&jwt)).await;
    assert_eq!(
        body["transaction"]["withdraw_anchor_account"],
        f.distribution.public_key()
    );
    assert_eq!(body["transaction"]["withdraw_memo_type"], "hash");
}

#[actix_web::test]
async fn transaction_lookups_validate_their_parameters() {
    let f = fixture(TestDatabase::sqlite(), false);
    let app = service(&f.ctx).await;
    let jwt = token(&f.ctx, KeyPair::random().public_key());
    for (uri, error) in [
        (
            "/sep6/transaction",
            "give id, stellar_transaction_id or external_transaction_id",
        ),
        (
            "/sep6/transaction?id=nope",
            "id must be a transaction id, got 'nope'",
        ),
        ("/sep6/transactions", "asset_code is required"),
        (
            "/sep6/transactions?asset_code=SRT&kind=send",
            "kind must be deposit, deposit-exchange, withdrawal or withdrawal-exchange, got 'send'",
        ),
        (
            "/sep6/transactions?asset_code=SRT&limit=0",
            "limit must be a positive whole number",
        ),
        (
            "/sep6/transactions?asset_code=SRT&no_older_than=yesterday",
            "no_older_than must be an ISO 8601 date-time, got 'yesterday'",
        ),
    ] {
        let (status, body) = get(&app, uri, Some(&jwt)).await;
        assert_eq!((status, body), (400, json!({ "error": error })), "{uri}");
    }
}

async fn patch<S>(app: &S, uri: &str, jwt: &str, body: Value) -> (u16, Value)
where
    S: Service<actix_http::Request, Response = ServiceResponse, Error = actix_web::Error>,
{
    let req = test::TestRequest::patch()
        .uri(uri)
        .insert_header(("Authorization", format!("Bearer {jwt}")))
        .set_json(body);
    schema::read(test::call_service(app, req.to_request()).await).await
}

#[actix_web::test]
async fn patch_sends_only_requested_fields_and_moves_to_pending_anchor() {
    for db in TestDatabase::all() {
        let f = fixture(db, false);
        let app = service(&f.ctx).await;
        let user = KeyPair::random();
        let jwt = token(&f.ctx, user.public_key());
        let (_, body) = get(&app, "/sep6/withdraw?asset_code=SRT&dest=1", Some(&jwt)).await;
        let id: uuid::Uuid = body["id"].as_str().unwrap().parse().unwrap();
        let uri = format!("/sep6/transactions/{id}");

        let (status, body) =
            patch(&app, &uri, &jwt, json!({ "transaction": { "dest": "2" } })).await;
        let not_waiting =
            "the transaction is not waiting for an update (status pending_user_transfer_start)";
        assert_eq!((status, body), (400, json!({ "error": not_waiting })));

        f.ctx
            .store
            .with_conn(|c| {
                let mut tx = transactions::by_id(c, id)?.unwrap();
                let from = tx.status;
                tx.status = polaris_core::model::Status::PendingTransactionInfoUpdate;
                tx.required_info_message = Some("the bank refused the account".into());
                tx.required_info_updates =
                    Some(json!({ "transaction": { "dest": { "description": "your IBAN" } } }));
                assert!(transactions::update_if_status(c, &tx, from)?);
                Ok(())
            })
            .unwrap();

        let stranger = token(&f.ctx, KeyPair::random().public_key());
        let (status, _) = patch(
            &app,
            &uri,
            &stranger,
            json!({ "transaction": { "dest": "2" } }),
        )
        .await;
        assert_eq!(status, 404, "another account cannot patch");
        let (status, body) = patch(
            &app,
            &uri,
            &jwt,
            json!({ "transaction": { "amount": "9" } }),
        )
        .await;
        assert_eq!(
            (status, body),
            (
                400,
                json!({ "error": "amount was not requested for this transaction" })
            )
        );
        let (status, _) = patch(&app, &uri, &jwt, json!({ "dest": "2" })).await;
        assert_eq!(status, 400);

        let (status, body) = patch(
            &app,
            &uri,
            &jwt,
            json!({ "transaction": { "dest": "DE02" } }),
        )
        .await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(body["transaction"]["status"], "pending_anchor");
        let tx = f
            .ctx
            .store
            .with_conn(|c| transactions::by_id(c, id))
            .unwrap()
            .unwrap();
        assert_eq!(tx.status, polaris_core::model::Status::PendingAnchor);
        assert!(tx.required_info_updates.is_none());
        let (status, _) = patch(
            &app,
            &uri,
            &jwt,
            json!({ "transaction": { "dest": "DE03" } }),
        )
        .await;
        assert_eq!(status, 400, "only once");
    }
}

#[actix_web::test]
async fn more_info_links_are_signed_and_pages_escaped() {
    let f = fixture(TestDatabase::sqlite(), false);
    let mut settings = (*f.ctx.settings).clone();
    settings.sep6_use_more_info_url = true;
    let ctx = Context {
        settings: Arc::new(settings),
        ..f.ctx.clone()
    };
    let app = service(&ctx).await;
    let user = KeyPair::random();
    f.bank
        .kyc_done
        .lock()
        .unwrap()
        .insert(user.public_key().to_string());
    let jwt = token(&ctx, user.public_key());
    let (_, body) = get(&app, "/sep6/deposit?asset_code=SRT&amount=10", Some(&jwt)).await;
    let id: uuid::Uuid = body["id"].as_str().unwrap().parse().unwrap();
    ctx.store
        .with_conn(|c| {
            let mut tx = transactions::by_id(c, id)?.unwrap();
            tx.message = Some("<script>alert(1)</script>".into());
            let status = tx.status;
            transactions::update_if_status(c, &tx, status)
        })
        .unwrap();
    let (_, body) = get(&app, &format!("/sep6/transaction?id={id}"), Some(&jwt)).await;
    let url = body["transaction"]["more_info_url"]
        .as_str()
        .unwrap()
        .to_string();
    let path = url
        .strip_prefix("https://anchor.example.com")
        .unwrap()
        .to_string();

    let resp = test::call_service(&app, test::TestRequest::get().uri(&path).to_request()).await;
    assert_eq!(resp.status().as_u16(), 200);
    let page = String::from_utf8(test::read_body(resp).await.to_vec()).unwrap();
    assert!(
        page.contains("data-status=\"pending_user_transfer_start\""),
        "{page}"
    );
    assert!(page.contains("&lt;script&gt;"), "the message is escaped");
    assert!(!page.contains("<script>"));

    let forged = path.replace("token=", "token=x");
    let (status, _) = get(&app, &forged, None).await;
    assert_eq!(status, 403);
    let other = uuid::Uuid::new_v4();
    let swapped = path.replace(&id.to_string(), &other.to_string());
    let (status, _) = get(&app, &swapped, None).await;
    assert_eq!(status, 403, "a link opens only its own transaction");
    let (status, _) = get(&app, &format!("/sep6/transaction/more_info?id={id}"), None).await;
    assert_eq!(status, 400, "the token is required");
}
